import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { decodeCursor } from '../http/paging.js';
import { AuditHead } from '../models/auditHead.js';
import { AUDIT_OUTCOMES, AuditRecord, auditRecordId, type AuditRecordDoc } from '../models/auditRecord.js';
import type { AuditVisibility } from '../policies/audit.js';
import type { ListAuditQuery } from '../../shared/schemas/audit.js';

/** What a caller reports; the chain fields (seq, at, hashes) are added here. */
export interface AuditEntry {
  actor: { userId: string | null; organisationId: string | null };
  action: string;
  target: { type: string; id: string | null; organisationId: string | null };
  ip: string | null;
  outcome: (typeof AUDIT_OUTCOMES)[number];
  details?: Record<string, string | number | boolean | null>;
}

/** The answer of verifyAuditTrail(). */
export interface AuditVerification {
  ok: boolean;
  checked: number;
  firstBrokenId: string | null;
}

/** `prevHash` of record 1. */
export const GENESIS_HASH = '0'.repeat(64);
const HEAD_ID = 'audit';
const MAX_ATTEMPTS = 10_000;

interface Tip { seq: number; hash: string }

/** The fields a record's hash covers, as loosely as they may read back from the database. */
export interface HashedFields {
  seq: number;
  at: Date;
  actor?: { userId?: string | null; organisationId?: string | null } | null;
  action: string;
  target?: { type?: string | null; id?: string | null; organisationId?: string | null } | null;
  ip?: string | null;
  outcome: string;
  details?: unknown;
  prevHash: string;
}
type StoredRecord = AuditRecordDoc & HashedFields;

/** JSON with object keys sorted at every level, so equal content always gives equal bytes. */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  // Stored as UTF-8, a string with a lone surrogate reads back with U+FFFD: hash it that way already.
  if (typeof value === 'string') return JSON.stringify(Buffer.from(value, 'utf8').toString('utf8'));
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 (hex) of a record's content fields and prevHash: what `hash` must be. */
export function hashAuditRecord(record: HashedFields): string {
  const content = {
    seq: record.seq,
    at: record.at,
    actor: { userId: record.actor?.userId ?? null, organisationId: record.actor?.organisationId ?? null },
    action: record.action,
    target: { type: record.target?.type ?? null, id: record.target?.id ?? null, organisationId: record.target?.organisationId ?? null },
    ip: record.ip ?? null,
    outcome: record.outcome,
    details: record.details ?? {},
    prevHash: record.prevHash,
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

// One writer per process drains a queue, so the process never races itself for a seq; writers of
// other processes are sorted out by the unique index. Entries queued meanwhile go in one ordered
// insertMany, which costs about what a single insert does. `tip` is where this process last saw the
// chain end, so a lone writer needs no read before it appends.
interface Pending {
  entry: AuditEntry;
  at: Date;
  resolve: () => void;
  reject: (error: unknown) => void;
}
const BATCH_MAX = 100;
const pending: Pending[] = [];
let draining = false;
let tip: Tip | null = null;
// Fairness between processes: a loser asks the winner to hold off about twice as long as its own
// last catch-up (find the tip, insert) took, never more than a second.
const WRITER_ID = new mongoose.Types.ObjectId().toHexString();
const MAX_STEP_ASIDE_MS = 1000;
let catchUpMs = 50;
let stepAsideUntil = 0;
let lastHonoured = '';

/** Appends one record to the hash chain; resolves once it is stored. */
export async function recordAudit(entry: AuditEntry): Promise<void> {
  checkEntry(entry);
  await new Promise<void>((resolve, reject) => {
    pending.push({ entry, at: new Date(), resolve, reject });
    if (!draining) void drain();
  });
}

// Refused before queueing: an entry the model rejects would fail the whole batch it is inserted with.
function checkEntry(entry: AuditEntry): void {
  if (!entry.action || !entry.target.type) throw new TypeError('an audit entry needs an action and a target type');
  if (!AUDIT_OUTCOMES.includes(entry.outcome)) throw new TypeError(`audit outcome "${String(entry.outcome)}" is not allowed`);
  // Keys come from code, never from users; a stored `$` or dotted key would not read back the same.
  for (const key of Object.keys(entry.details ?? {})) {
    if (key.startsWith('$') || key.includes('.')) throw new TypeError(`audit details key "${key}" is not allowed`);
  }
}

async function drain(): Promise<void> {
  draining = true;
  try {
    while (pending.length > 0) {
      const pause = stepAsideUntil - Date.now();
      if (pause > 0) {
        await new Promise((resolve) => setTimeout(resolve, pause));
        tip = null; // the waiting process has most likely appended meanwhile
      }
      await appendBatch(pending.splice(0, BATCH_MAX));
    }
  } finally {
    draining = false;
  }
}

/** Stores `batch` as the next links of the chain, then settles each entry; never throws. */
async function appendBatch(batch: Pending[]): Promise<void> {
  let rest = batch;
  let stored: Pending[] = [];
  try {
    let current = tip ?? await findTip({ seq: 0, hash: GENESIS_HASH });
    for (let attempt = 0; rest.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error('audit: could not reach the end of the chain');
      const started = Date.now();
      const records = chainRecords(rest, current);
      const count = await insertPrefix(records);
      const last = records[count - 1];
      if (last) current = tip = { seq: last.seq, hash: last.hash };
      stored = stored.concat(rest.slice(0, count));
      rest = rest.slice(count);
      if (rest.length === 0) break;
      // Another writer took the next seq: find the new end and chain after it.
      [current] = await Promise.all([findTip(current), askForTurn()]);
      catchUpMs = Date.now() - started;
    }
  } catch (error) {
    for (const entry of rest) entry.reject(error);
  }
  // Settled only after the head moved, so a process that stops once its entries resolve leaves an
  // up-to-date head behind.
  if (stored.length > 0 && tip) await advanceHead(tip);
  for (const entry of stored) entry.resolve();
}

/** Inserts `records` in order; answers how many were stored before one hit a taken seq. */
async function insertPrefix(records: ChainRecord[]): Promise<number> {
  try {
    await AuditRecord.insertMany(records, { ordered: true });
    return records.length;
  } catch (error) {
    const index = (error as { writeErrors?: { index?: unknown }[] }).writeErrors?.[0]?.index;
    if (isDuplicateKey(error) && typeof index === 'number') return index;
    throw error;
  }
}

type ChainRecord = ReturnType<typeof chainRecord>;

function chainRecords(entries: Pending[], previous: Tip): ChainRecord[] {
  const records: ChainRecord[] = [];
  let link = previous;
  for (const { entry, at } of entries) {
    const record = chainRecord(entry, at, link);
    records.push(record);
    link = { seq: record.seq, hash: record.hash };
  }
  return records;
}

function chainRecord(entry: AuditEntry, at: Date, previous: Tip) {
  const organisationIds = organisationIdsOf(entry.actor, entry.target);
  const content = {
    seq: previous.seq + 1,
    at,
    actor: { userId: entry.actor.userId, organisationId: entry.actor.organisationId },
    action: entry.action,
    target: { type: entry.target.type, id: entry.target.id, organisationId: entry.target.organisationId },
    ip: entry.ip,
    outcome: entry.outcome,
    // The driver would store an undefined value as null; drop it so the record reads back as hashed.
    details: Object.fromEntries(Object.entries(entry.details ?? {}).filter(([, value]) => value !== undefined)),
    prevHash: previous.hash,
  };
  return { _id: auditRecordId(content.seq), ...content, organisationIds, hash: hashAuditRecord(content) };
}

function organisationIdsOf(actor: { organisationId?: string | null }, target: { organisationId?: string | null }): string[] {
  const ids = [actor.organisationId, target.organisationId].filter((id): id is string => typeof id === 'string');
  return [...new Set(ids)];
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

async function readHead(): Promise<Tip> {
  const head = await AuditHead.findById(HEAD_ID).lean();
  return head ? { seq: head.seq, hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
}

/**
 * The end of the chain, starting from the head (or `known`, if further): records exist for every seq
 * up to the end and for none past it, so probing by equality at growing steps, then halving, finds it
 * in a few lookups however far behind the head is (FerretDB answers equality lookups without a scan).
 */
async function findTip(known: Tip): Promise<Tip> {
  const head = await readHead();
  let end = head.seq > known.seq ? head : known;
  let absent = 0;
  for (let step = 1; !absent; step *= 2) {
    const found = await recordAt(end.seq + step);
    if (found) end = found;
    else absent = end.seq + step;
  }
  while (absent - end.seq > 1) {
    const middle = Math.floor((end.seq + absent) / 2);
    const found = await recordAt(middle);
    if (found) end = found;
    else absent = middle;
  }
  return end;
}

async function recordAt(seq: number): Promise<Tip | null> {
  const record = await AuditRecord.findById(auditRecordId(seq)).select({ seq: 1, hash: 1 }).lean();
  return record ? { seq: record.seq, hash: record.hash } : null;
}

/** Moves the head forward, never back; losing this write only costs the next writer a few steps. */
async function advanceHead(next: Tip): Promise<void> {
  try {
    const before = await AuditHead.findOneAndUpdate(
      { _id: HEAD_ID, seq: mongoose.trusted({ $lt: next.seq }) },
      { $set: { seq: next.seq, hash: next.hash } },
      { upsert: true, new: false },
    ).lean();
    // Honoured once per request and timed by this process's clock, so clock skew between hosts
    // cannot stretch it.
    const request = `${before?.waiter}@${before?.askedAt?.getTime()}`;
    if (before?.waiter && before.waiter !== WRITER_ID && request !== lastHonoured) {
      lastHonoured = request;
      stepAsideUntil = Date.now() + Math.min(before.waitMs ?? 0, MAX_STEP_ASIDE_MS);
    }
  } catch {
    // A head already at or past `next` makes the upsert collide on _id; any other failure only
    // leaves the hint behind. Either way the record itself is stored.
  }
}

/** Asks, through the head, whichever process keeps taking the next seq to let this one have a turn. */
async function askForTurn(): Promise<void> {
  const turn = { waiter: WRITER_ID, askedAt: new Date(), waitMs: Math.min(2 * catchUpMs, MAX_STEP_ASIDE_MS) };
  await AuditHead.updateOne({ _id: HEAD_ID }, { $set: turn }).catch(() => undefined);
}

/**
 * Walks the whole chain in seq order. A record is broken when its seq is not the previous one + 1
 * (a removed record: the record right after the gap is reported), its prevHash is not the previous
 * record's hash, its hash does not match its content, or its organisationIds do not match its actor
 * and target. A removed tail (the head names a seq past the last record) reports the last remaining
 * record, or null when none remains. `checked` counts the records examined.
 */
export async function verifyAuditTrail(): Promise<AuditVerification> {
  // Records up to the head existed before the walk began; later ones may still be being written.
  const head = await readHead();
  let previous: { seq: number; hash: string; id: string } | null = null;
  let checked = 0;
  const cursor = AuditRecord.find().sort({ seq: 1 }).lean<StoredRecord[]>().cursor({ batchSize: 500 });
  try {
    for await (const record of cursor) {
      const expected: number = (previous?.seq ?? 0) + 1;
      if (record.seq > expected && expected > head.seq) break;
      checked++;
      const id = String(record._id);
      if (record.seq !== expected || !linksTo(record, previous?.hash ?? GENESIS_HASH)) {
        return { ok: false, checked, firstBrokenId: id };
      }
      previous = { seq: record.seq, hash: record.hash, id };
    }
  } finally {
    await cursor.close();
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

/** One page (plus one row, for toPage) of the records `visible` allows, newest first. */
export async function findAuditRecords(visible: AuditVisibility, query: ListAuditQuery): Promise<AuditRecordDoc[]> {
  const filter: Record<string, unknown> = { ...visible };
  if (query.action) filter.action = query.action;
  if (query.actor) filter['actor.userId'] = query.actor;
  if (query.target) filter['target.id'] = query.target;
  const at: Record<string, Date> = {};
  if (query.after) at.$gt = query.after;
  if (query.before) at.$lt = query.before;
  if (query.after || query.before) filter.at = mongoose.trusted(at);
  if (query.cursor) {
    const [seq] = decodeCursor(query.cursor, ['number']) as [number];
    filter.seq = mongoose.trusted({ $lt: seq });
  }
  return AuditRecord.find(filter).sort({ seq: -1 }).limit(query.limit + 1).lean<AuditRecordDoc[]>();
}
