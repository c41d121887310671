import path from 'node:path';
import { FileBlobStore } from './fileStore.js';
import type { BlobStore } from './types.js';

export type { BlobStore } from './types.js';

/** The blob store of a hub whose state lives under `dataDir`: files under DATA_DIR/blobs. */
export function createBlobStore(dataDir: string): BlobStore {
  return new FileBlobStore(path.join(dataDir, 'blobs'));
}
