import type { Config } from '../../../config/index.js';
import type { DocumentRepository } from '../../repositories/documents.js';
import { createBlobStore, type BlobStore } from '../blobs/index.js';
import { DataKeys } from './keys.js';
import { Stamper } from './stamp/stamper.js';

/** What the document services need besides the records: where blobs go, the data keys, the upload limit, the stamper. */
export interface DocumentStorage {
  blobs: BlobStore;
  keys: DataKeys;
  maxUploadBytes: number;
  /** Stamped downloads of sensitive PDFs (§13): a worker thread and the limit on what it holds at once. */
  stamper: Stamper;
}

/** The document storage of one hub process, from its configuration. */
export function createDocumentStorage(config: Pick<Config, 'dataDir' | 'masterKey' | 'maxUploadBytes'>, documents: DocumentRepository): DocumentStorage {
  return {
    blobs: createBlobStore(config.dataDir),
    keys: new DataKeys(config.masterKey, documents),
    maxUploadBytes: config.maxUploadBytes,
    stamper: new Stamper(),
  };
}
