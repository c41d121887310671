import type { Logger } from 'pino';
import { Document } from '../../models/document.js';
import { DocumentVersion } from '../../models/documentVersion.js';
import type { DocumentStorage } from './storage.js';

const EVERY_MS = 60 * 60 * 1000;
let started = false;

/** The blob ids that live documents' versions name: every other blob is an orphan. */
export async function knownBlobIds(): Promise<Set<string>> {
  // Whole-collection reads, but once an hour: a blob is written before its record and removed after
  // its document is deleted, so what this misses is only what the grace period protects.
  const [live, versions] = await Promise.all([
    Document.find({ deletedAt: null }, { _id: 1 }).lean(),
    DocumentVersion.find({}, { documentId: 1, blobId: 1 }).lean(),
  ]);
  const liveIds = new Set(live.map((d) => d._id.toString()));
  return new Set(versions.filter((v) => liveIds.has(v.documentId.toString())).map((v) => v.blobId));
}

/**
 * Hourly, removes blobs no live document names once they are an hour old: left by a crash between
 * storing a blob and recording it, by a failed removal after a delete, or by a version uploaded into
 * a document deleted meanwhile. Once per process.
 */
export function startBlobSweeper(storage: DocumentStorage, log: Logger): void {
  if (started) return;
  started = true;
  const sweep = async () => {
    try {
      const removed = await storage.blobs.sweepOrphans(await knownBlobIds());
      if (removed) log.info({ removed }, 'removed orphaned document blobs');
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'sweeping document blobs failed; will retry');
    }
  };
  setTimeout(sweep, 60_000).unref();
  setInterval(sweep, EVERY_MS).unref();
}
