import type { Readable } from 'node:stream';

/** What `put` stored. */
export interface StoredBlob {
  blobId: string;
  size: number;
}

/**
 * Where the hub keeps encrypted document bytes. Blobs are immutable: written once under a fresh id,
 * read, and removed; they never hold plaintext (services/documents/crypto.ts seals them first).
 */
export interface BlobStore {
  /** Streams `source` into a new blob; nothing is left behind when `source` fails or is destroyed. */
  put(source: Readable): Promise<StoredBlob>;
  /** A stream of the blob's bytes, `start` to `end` inclusive when given; fails (ENOENT) if absent. */
  get(blobId: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Removes a blob; removing an absent one is not an error. */
  remove(blobId: string): Promise<void>;
  /**
   * Removes blobs (and unfinished writes) older than `graceMs` that `known` does not name: what a
   * crash between writing a blob and recording it, or between deleting a record and its blob, left.
   * Answers how many were removed.
   */
  sweepOrphans(known: ReadonlySet<string>, graceMs?: number): Promise<number>;
  /**
   * Removes at once the unfinished writes whose writing process is known to be gone (killed
   * mid-upload): the rest wait for `sweepOrphans`' grace period. Answers how many were removed.
   * Optional: a store without unfinished writes of its own (GridFS) has nothing to do here.
   */
  removeAbandonedWrites?(): Promise<number>;
}

/** Blob ids are 128 random bits in hex: never derived from user input, safe as file names. */
export const BLOB_ID_PATTERN = /^[0-9a-f]{32}$/;
