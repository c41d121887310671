import { AUDIT_OUTCOMES, auditBlock, auditBlockOf, auditRecordId, ensureAuditBlockIndexes, type AuditRecordDoc } from '../../models/auditRecord.js';
import { hashAuditRecord, organisationIdsOf } from './hash.js';
import { advanceHead, askForTurn, readHead, turn, type Tip } from './head.js';
import { legacyEnd } from './legacy.js';

/** What a caller reports; the chain fields (seq, at, hashes) are added here. */
export interface AuditEntry {
  actor: { userId: string | null; organisationId: string | null };
  action: string;
  target: { type: string; id: string | null; organisationId: string | null };
  ip: string | null;
  outcome: (typeof AUDIT_OUTCOMES)[number];
  details?: Record<string, string | number | boolean | null | string[]>;
}

// One writer per process drains a queue, so the process never races itself for a seq; writers of
// other processes are sorted out by the unique `_id` of each block. Entries queued meanwhile go in
// one ordered insertMany, which costs about what a single insert does. `tip` is where this process
// last saw the chain end, so a lone writer needs no read before it appends.
interface Pending {
  entry: AuditEntry;
  at: Date;
  resolve: () => void;
  reject: (error: unknown) => void;
}
const BATCH_MAX = 100;
const MAX_ATTEMPTS = 10_000;
const pending: Pending[] = [];
let draining = false;
let tip: Tip | null = null;
let lastQueued: Promise<unknown> = Promise.resolve();

/** Appends one record to the hash chain; resolves once it is stored. */
export async function recordAudit(entry: AuditEntry): Promise<void> {
  checkEntry(entry);
  const stored = new Promise<void>((resolve, reject) => {
    pending.push({ entry, at: new Date(), resolve, reject });
    if (!draining) void drain();
  });
  lastQueued = stored.catch(() => undefined);
  await stored;
}

// How long a record nobody waits for may sit in the queue: one insert (and one head update) a second
// instead of one per answer keeps lists as fast as without the trail (measured: docs/security.md).
const DEFERRED_MS = 1000;
let deferred: NodeJS.Timeout | null = null;

/**
 * Queues a record that nobody waits for (a list's, §9 v2): it goes in with the next append, or within
 * DEFERRED_MS, and the promise says how that went.
 */
export function queueAudit(entry: AuditEntry): Promise<void> {
  checkEntry(entry);
  const stored = new Promise<void>((resolve, reject) => pending.push({ entry, at: new Date(), resolve, reject }));
  lastQueued = stored.catch(() => undefined);
  deferred ??= setTimeout(() => {
    deferred = null;
    if (!draining) void drain();
  }, DEFERRED_MS);
  return stored;
}

/**
 * Stores at once what this process queued so far and resolves when it is stored (or failed): a reader
 * of the trail waits for it, so a record a request did not wait for is never missing from what the same
 * process answers next. Entries are stored in queue order, so the last one settling settles all.
 */
export function auditSettled(): Promise<unknown> {
  if (!draining && pending.length > 0) void drain();
  return lastQueued;
}

// Refused before queueing: an entry that could not be stored as hashed would fail its whole batch.
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
      const pause = turn.stepAsideUntil - Date.now();
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
    let current = tip ?? await findTip({ seq: 0, hash: '' });
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
      turn.catchUpMs = Date.now() - started;
    }
  } catch (error) {
    for (const entry of rest) entry.reject(error);
  }
  // Settled only after the head moved, so a process that stops once its entries resolve leaves an
  // up-to-date head behind.
  if (stored.length > 0 && tip) await advanceHead(tip);
  for (const entry of stored) entry.resolve();
}

/**
 * Inserts `records` in order, block by block (a batch may cross into the next block); answers how
 * many were stored before one hit a taken seq.
 */
async function insertPrefix(records: AuditRecordDoc[]): Promise<number> {
  let stored = 0;
  while (stored < records.length) {
    const block = auditBlockOf(records[stored]!.seq);
    const part = records.slice(stored).filter((record) => auditBlockOf(record.seq) === block);
    await ensureAuditBlockIndexes(block);
    try {
      await auditBlock(block).insertMany(part, { ordered: true });
      stored += part.length;
    } catch (error) {
      const index = (error as { writeErrors?: { index?: unknown }[] }).writeErrors?.[0]?.index;
      if (isDuplicateKey(error) && typeof index === 'number') return stored + index;
      throw error;
    }
  }
  return stored;
}

function chainRecords(entries: Pending[], previous: Tip): AuditRecordDoc[] {
  const records: AuditRecordDoc[] = [];
  let link = previous;
  for (const { entry, at } of entries) {
    const record = chainRecord(entry, at, link);
    records.push(record);
    link = { seq: record.seq, hash: record.hash };
  }
  return records;
}

function chainRecord(entry: AuditEntry, at: Date, previous: Tip): AuditRecordDoc {
  const content = {
    seq: previous.seq + 1,
    at,
    actor: { userId: entry.actor.userId ?? null, organisationId: entry.actor.organisationId ?? null },
    action: entry.action,
    target: { type: entry.target.type, id: entry.target.id ?? null, organisationId: entry.target.organisationId ?? null },
    ip: entry.ip ?? null,
    outcome: entry.outcome,
    // The driver would store an undefined value as null; drop it so the record reads back as hashed.
    details: Object.fromEntries(Object.entries(entry.details ?? {}).filter(([, value]) => value !== undefined)),
    prevHash: previous.hash,
  };
  const organisationIds = organisationIdsOf(content.actor, content.target);
  return { _id: auditRecordId(content.seq), ...content, organisationIds, hash: hashAuditRecord(content) };
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

/**
 * The end of the chain, starting from the furthest of the head, the legacy collection's end and
 * `known`: records exist for every seq up to the end and for none past it, so probing by `_id` at
 * growing steps, then halving, finds it in a few lookups, each in the one block the seq falls in —
 * so the cost is bounded by the block size, not the chain's length.
 */
async function findTip(known: Tip): Promise<Tip> {
  const [head, legacy] = await Promise.all([readHead(), legacyEnd()]);
  let end = [head, legacy, known].reduce((a, b) => (b.seq > a.seq ? b : a));
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
  const record = await auditBlock(auditBlockOf(seq)).findOne({ _id: auditRecordId(seq) }, { projection: { seq: 1, hash: 1 } });
  return record ? { seq: record.seq, hash: record.hash } : null;
}
