import type { Logger } from 'pino';
import type { DocumentRepository } from '../../repositories/documents.js';
import type { BlobStore } from '../blobs/index.js';

const EVERY_MS = 60 * 60 * 1000;
const GRACE_MS = 60 * 60 * 1000;

/**
 * One sweep: the records of documents never created (a crash between inserting a version and the
 * Document), then the blobs no live document names (a crash between storing a blob and recording it,
 * a failed removal after a delete, a version uploaded into a document deleted meanwhile, an unfinished
 * upload of a writer on another host) — each once older than `graceMs`. Answers what it removed.
 */
export async function sweepDocuments(documents: DocumentRepository, blobs: BlobStore, graceMs = GRACE_MS): Promise<{ records: number; blobs: number }> {
  const records = await documents.removeUnfinished(graceMs);
  return { records, blobs: await blobs.sweepOrphans(await documents.knownBlobIds(), graceMs) };
}

/**
 * At start, removes the unfinished uploads of processes that are gone (a hub killed mid-upload); then
 * sweeps hourly (sweepDocuments). Answers the function that stops it.
 */
export function startBlobSweeper(documents: DocumentRepository, blobs: BlobStore, log: Logger): () => void {
  (blobs.removeAbandonedWrites?.() ?? Promise.resolve(0)).then(
    (removed) => {
      if (removed) log.info({ removed }, 'removed the unfinished uploads of stopped processes');
    },
    (error: unknown) => log.warn({ err: (error as Error).message }, 'removing unfinished uploads failed; the hourly sweep will'),
  );
  const sweep = async () => {
    try {
      const removed = await sweepDocuments(documents, blobs);
      if (removed.records) log.info({ removed: removed.records }, 'removed the records of documents never created');
      if (removed.blobs) log.info({ removed: removed.blobs }, 'removed orphaned document blobs');
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'sweeping document blobs failed; will retry');
    }
  };
  const first = setTimeout(sweep, 60_000);
  const timer = setInterval(sweep, EVERY_MS);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
