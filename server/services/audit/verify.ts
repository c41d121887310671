import type { mongo } from 'mongoose';
import { auditBlock, auditCollections, legacyAuditRecords, type AuditRecordDoc } from '../../models/auditRecord.js';
import { GENESIS_HASH, hashAuditRecord, organisationIdsOf, type HashedFields } from './hash.js';
import { readHead, type Tip } from './head.js';

/** The answer of verifyAuditTrail(). */
export interface AuditVerification {
  ok: boolean;
  checked: number;
  firstBrokenId: string | null;
}

type StoredRecord = AuditRecordDoc & HashedFields;

/**
 * Walks the whole chain in seq order: the legacy collection, then each block. A record is broken
 * when its seq is not the previous one + 1 (a removed record — or block: the record right after the
 * gap is reported), its prevHash is not the previous record's hash, its hash does not match its
 * content, or its organisationIds do not match its actor and target. A removed tail (the head names a
 * seq past the last record) reports the last remaining record, or null when none remains. `checked`
 * counts the records examined.
 */
export async function verifyAuditTrail(): Promise<AuditVerification> {
  // Records up to the head existed before the walk began; later ones may still be being written.
  const head = await readHead();
  const { legacy, blocks } = await auditCollections();
  const sources = [...(legacy ? [legacyAuditRecords()] : []), ...blocks.map(auditBlock)];
  let previous: (Tip & { id: string }) | null = null;
  let checked = 0;
  for (const collection of sources) {
    const walked = await walk(collection, head, previous);
    checked += walked.checked;
    previous = walked.previous;
    if (walked.broken) return { ok: false, checked, firstBrokenId: walked.broken };
    if (walked.ended) break;
  }
  if ((previous?.seq ?? 0) < head.seq) return { ok: false, checked, firstBrokenId: previous?.id ?? null };
  return { ok: true, checked, firstBrokenId: null };
}

/** One collection's records, in seq order, checked against the chain so far. */
async function walk(collection: mongo.Collection<AuditRecordDoc>, head: Tip, from: (Tip & { id: string }) | null) {
  let previous = from;
  let checked = 0;
  const cursor = collection.find().sort({ seq: 1 }).batchSize(500);
  try {
    for await (const doc of cursor) {
      const record = doc as StoredRecord;
      const expected: number = (previous?.seq ?? 0) + 1;
      // Past the head a gap may be a record still being written, not a removed one: the walk ends.
      if (record.seq > expected && expected > head.seq) return { previous, checked, broken: null, ended: true };
      checked++;
      const id = String(record._id);
      if (record.seq !== expected || !linksTo(record, previous?.hash ?? GENESIS_HASH)) return { previous, checked, broken: id, ended: true };
      previous = { seq: record.seq, hash: record.hash, id };
    }
  } finally {
    await cursor.close();
  }
  return { previous, checked, broken: null, ended: false };
}

function linksTo(record: StoredRecord, prevHash: string): boolean {
  if (record.prevHash !== prevHash) return false;
  if (!(record.at instanceof Date) || hashAuditRecord(record) !== record.hash) return false;
  const expected = organisationIdsOf(record.actor ?? {}, record.target ?? {});
  const stored = Array.isArray(record.organisationIds) ? record.organisationIds : [];
  return stored.length === expected.length && expected.every((id, i) => stored[i] === id);
}
