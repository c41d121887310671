import mongoose from 'mongoose';
import type { Logger } from 'pino';
import { Document } from '../../models/document.js';
import { DocumentRevision } from '../../models/documentRevision.js';
import { DocumentVersion } from '../../models/documentVersion.js';
import type { DocumentStorage } from './storage.js';

const EVERY_MS = 60 * 60 * 1000;
const GRACE_MS = 60 * 60 * 1000;
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
 * Removes the version and revision records of documents that were never created — a crash between
 * inserting them and the Document (commands.ts createDocument) — once older than `graceMs`, so a
 * creation in progress keeps its records. Nothing lists or reads them; their blob is an orphan too.
 * Answers how many records were removed.
 */
export async function removeUnfinishedRecords(graceMs = GRACE_MS): Promise<number> {
  const cutoff = Date.now() - graceMs;
  const [documents, versions, revisions] = await Promise.all([
    Document.find({}, { _id: 1 }).lean(),
    DocumentVersion.find({}, { documentId: 1, createdAt: 1 }).lean(),
    DocumentRevision.find({}, { documentId: 1, updatedAt: 1 }).lean(),
  ]);
  const created = new Set(documents.map((d) => d._id.toString()));
  const stray = (documentId: { toString(): string }, at: Date) => !created.has(documentId.toString()) && at.getTime() < cutoff;
  const strayVersions = versions.filter((v) => stray(v.documentId, v.createdAt)).map((v) => v._id);
  const strayRevisions = revisions.filter((r) => stray(r.documentId, r.updatedAt)).map((r) => r._id);
  if (strayVersions.length > 0) await DocumentVersion.deleteMany({ _id: mongoose.trusted({ $in: strayVersions }) });
  if (strayRevisions.length > 0) await DocumentRevision.deleteMany({ _id: mongoose.trusted({ $in: strayRevisions }) });
  return strayVersions.length + strayRevisions.length;
}

/**
 * At start, removes the unfinished uploads of processes that are gone (a hub killed mid-upload).
 * Then hourly, once they are an hour old, the records of documents never created and the blobs no
 * live document names: left by a crash between storing a blob and recording it, by a failed removal
 * after a delete, by a version uploaded into a document deleted meanwhile, or by an unfinished upload
 * of a writer on another host. Once per process.
 */
export function startBlobSweeper(storage: DocumentStorage, log: Logger): void {
  if (started) return;
  started = true;
  (storage.blobs.removeAbandonedWrites?.() ?? Promise.resolve(0)).then((removed) => {
    if (removed) log.info({ removed }, 'removed the unfinished uploads of stopped processes');
  }, (error: unknown) => log.warn({ err: (error as Error).message }, 'removing unfinished uploads failed; the hourly sweep will'));
  const sweep = async () => {
    try {
      const records = await removeUnfinishedRecords();
      if (records) log.info({ removed: records }, 'removed the records of documents never created');
      const removed = await storage.blobs.sweepOrphans(await knownBlobIds(), GRACE_MS);
      if (removed) log.info({ removed }, 'removed orphaned document blobs');
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'sweeping document blobs failed; will retry');
    }
  };
  setTimeout(sweep, 60_000).unref();
  setInterval(sweep, EVERY_MS).unref();
}
