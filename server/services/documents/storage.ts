import type { Config } from '../../../config/index.js';
import { createBlobStore, type BlobStore } from '../blobs/index.js';

/** What the document services need from the configuration: where blobs go, the master key, the limit. */
export interface DocumentStorage {
  blobs: BlobStore;
  masterKey: Buffer;
  maxUploadBytes: number;
  dataDir: string;
}

let current: DocumentStorage | undefined;

/**
 * Sets the process's document storage from the hub's configuration (the documents router does, when
 * the app is built; the demo loader, which runs before, does too). One hub per process.
 */
export function configureDocumentStorage(config: Pick<Config, 'dataDir' | 'masterKey' | 'maxUploadBytes'>): DocumentStorage {
  if (current?.dataDir === config.dataDir && current.masterKey.equals(config.masterKey) && current.maxUploadBytes === config.maxUploadBytes) {
    return current;
  }
  current = { blobs: createBlobStore(config.dataDir), masterKey: config.masterKey, maxUploadBytes: config.maxUploadBytes, dataDir: config.dataDir };
  return current;
}

/** The storage configureDocumentStorage set. */
export function documentStorage(): DocumentStorage {
  if (!current) throw new Error('document storage is not configured');
  return current;
}
