import type { Config } from '../../../config/index.js';
import type { DocumentRepository } from '../../repositories/documents.js';
import { createBlobStore, type BlobStore } from '../blobs/index.js';
import { DataKeys } from './keys.js';

/** What the document services need besides the records: where blobs go, the data keys, the upload limit. */
export interface DocumentStorage {
  blobs: BlobStore;
  keys: DataKeys;
  maxUploadBytes: number;
}

/** The document storage of one hub process, from its configuration. */
export function createDocumentStorage(config: Pick<Config, 'dataDir' | 'masterKey' | 'maxUploadBytes'>, documents: DocumentRepository): DocumentStorage {
  return { blobs: createBlobStore(config.dataDir), keys: new DataKeys(config.masterKey, documents), maxUploadBytes: config.maxUploadBytes };
}
