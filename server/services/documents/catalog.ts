import { Document, type DocumentDoc } from '../../models/document.js';
import { Catalog } from '../../store/catalog.js';
import { DOCUMENT_FEED, settle } from './records.js';

/** The process's catalog of documents; each changed document is settled as it is read, so a change whose writer stopped before updating the cache shows all the same. */
export const documentCatalog = new Catalog<DocumentDoc>(
  DOCUMENT_FEED,
  async (id) => {
    const stored = await Document.findById(id).lean<DocumentDoc>().exec();
    return stored ? settle(stored) : null;
  },
  () => Document.find({}).lean<DocumentDoc[]>().exec(),
);
