import { decodeCursor } from '../../http/paging.js';
import type { AuditVisibility } from '../../policies/audit.js';
import { auditPage, auditRecordsInOrder, GENESIS_HASH, readHead, type AuditRecordDoc, type Tip } from '../../repositories/audit.js';
import type { ListAuditQuery } from '../../../shared/schemas/audit.js';
import { hashAuditRecord, organisationIdsOf, type HashedFields } from './hash.js';

/**
 * One page (plus one row, for toPage) of the records `visible` allows, newest first: the blocks from
 * the newest down (skipping those wholly at or past the cursor), then the legacy collection, until
 * the page is full. Every value in the filter comes from the validated query.
 */
export async function findAuditRecords(visible: AuditVisibility, query: ListAuditQuery): Promise<AuditRecordDoc[]> {
  const filter: Record<string, unknown> = { ...visible };
  if (query.action) filter.action = query.action;
  if (query.actor) filter['actor.userId'] = query.actor;
  if (query.target) filter['target.id'] = query.target;
  const at: Record<string, Date> = {};
  if (query.after) at.$gt = query.after;
  if (query.before) at.$lt = query.before;
  if (query.after || query.before) filter.at = at;
  let below = Infinity;
  if (query.cursor) [below] = decodeCursor(query.cursor, ['number']) as [number];
  return auditPage(filter, below, query.limit + 1);
}

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
  let previous: (Tip & { id: string }) | null = null;
  let checked = 0;
  for await (const doc of auditRecordsInOrder()) {
    const record = doc as StoredRecord;
    const expected: number = (previous?.seq ?? 0) + 1;
    // Past the head a gap may be a record still being written, not a removed one: the walk ends.
    if (record.seq > expected && expected > head.seq) break;
    checked++;
    const id = typeof record.ref === 'string' ? record.ref : String(record._id);
    if (record.seq !== expected || !linksTo(record, previous?.hash ?? GENESIS_HASH)) return { ok: false, checked, firstBrokenId: id };
    previous = { seq: record.seq, hash: record.hash, id };
  }
  if ((previous?.seq ?? 0) < head.seq) return { ok: false, checked, firstBrokenId: previous?.id ?? null };
  return { ok: true, checked, firstBrokenId: null };
}

function linksTo(record: StoredRecord, prevHash: string): boolean {
  if (record.prevHash !== prevHash) return false;
  if (!(record.at instanceof Date) || hashAuditRecord(record) !== record.hash) return false;
  const expected = organisationIdsOf(record.actor ?? {}, record.target ?? {});
  const stored = Array.isArray(record.organisationIds) ? record.organisationIds : [];
  return stored.length === expected.length && expected.every((id, i) => stored[i] === id);
}
