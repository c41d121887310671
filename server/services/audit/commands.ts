import { randomUUID } from 'node:crypto';
import {
  advanceHead,
  askForTurn,
  AUDIT_OUTCOMES,
  auditRecordId,
  findTip,
  insertAuditRecords,
  type AuditRecordDoc,
  type Tip,
} from '../../repositories/audit.js';
import { hashAuditRecord, organisationIdsOf } from './hash.js';

/** What a caller reports; the chain fields (seq, at, hashes) are added here. */
export interface AuditEntry {
  /**
   * The record's id when it must be known before the record is written (a stamped download carries
   * it): stored as `ref`, covered by the hash, presented as `id`. Otherwise the id is the padded seq.
   */
  id?: string;
  actor: { userId: string | null; organisationId: string | null; apiKeyId?: string };
  action: string;
  target: { type: string; id: string | null; organisationId: string | null };
  ip: string | null;
  outcome: (typeof AUDIT_OUTCOMES)[number];
  details?: Record<string, string | number | boolean | null | string[]>;
}

interface Pending {
  entry: AuditEntry;
  at: Date;
  resolve: () => void;
  reject: (error: unknown) => void;
}
const BATCH_MAX = 100;
const MAX_ATTEMPTS = 10_000;
// Fairness between processes: a loser asks the winner to hold off about twice as long as its own
// last catch-up (find the tip, insert) took, never more than a second.
const MAX_STEP_ASIDE_MS = 1000;
// How long a record nobody waits for may sit in the queue: one insert (and one head update) a second
// instead of one per answer keeps lists as fast as without the trail (measured: docs/security.md).
const DEFERRED_MS = 1000;

/**
 * The process's one writer of the chain. It drains a queue, so the process never races itself for a
 * seq; writers of other processes are sorted out by the unique `_id` of each record (the repository's
 * block log). Entries queued meanwhile go in one ordered insert, which costs about what a single insert
 * does. `tip` is where this process last saw the chain end, so a lone writer needs no read before it
 * appends. Every service audits through it, so it is the module's own, not wired.
 */
class AuditWriter {
  private readonly id = randomUUID();
  private readonly pending: Pending[] = [];
  private draining = false;
  private tip: Tip | null = null;
  // When another process asked for a turn, this one holds off until then.
  private stepAsideUntil = 0;
  private catchUpMs = 50;
  private lastHonoured = '';
  private lastQueued: Promise<unknown> = Promise.resolve();
  private deferred: NodeJS.Timeout | null = null;

  /** Queues an entry and starts writing it at once. */
  append(entry: AuditEntry): Promise<void> {
    const stored = this.queue(entry);
    if (!this.draining) void this.drain();
    return stored;
  }

  /** Queues an entry to go in with the next append, or within DEFERRED_MS. */
  defer(entry: AuditEntry): Promise<void> {
    const stored = this.queue(entry);
    this.deferred ??= setTimeout(() => {
      this.deferred = null;
      if (!this.draining) void this.drain();
    }, DEFERRED_MS);
    return stored;
  }

  /** Writes what is queued at once; resolves when the last entry queued is stored (or failed). */
  settled(): Promise<unknown> {
    if (!this.draining && this.pending.length > 0) void this.drain();
    return this.lastQueued;
  }

  private queue(entry: AuditEntry): Promise<void> {
    const stored = new Promise<void>((resolve, reject) => this.pending.push({ entry, at: new Date(), resolve, reject }));
    this.lastQueued = stored.catch(() => undefined);
    return stored;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending.length > 0) {
        const pause = this.stepAsideUntil - Date.now();
        if (pause > 0) {
          await new Promise((resolve) => setTimeout(resolve, pause));
          this.tip = null; // the waiting process has most likely appended meanwhile
        }
        await this.appendBatch(this.pending.splice(0, BATCH_MAX));
      }
    } finally {
      this.draining = false;
    }
  }

  /** Stores `batch` as the next links of the chain, then settles each entry; never throws. */
  private async appendBatch(batch: Pending[]): Promise<void> {
    let rest = batch;
    let stored: Pending[] = [];
    try {
      let current = this.tip ?? (await findTip({ seq: 0, hash: '' }));
      for (let attempt = 0; rest.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new Error('audit: could not reach the end of the chain');
        const started = Date.now();
        const records = chainRecords(rest, current);
        const count = await insertAuditRecords(records);
        const last = records[count - 1];
        if (last) current = this.tip = { seq: last.seq, hash: last.hash };
        stored = stored.concat(rest.slice(0, count));
        rest = rest.slice(count);
        if (rest.length === 0) break;
        // Another writer took the next seq: find the new end and chain after it.
        [current] = await Promise.all([findTip(current), this.askForTurn()]);
        this.catchUpMs = Date.now() - started;
      }
    } catch (error) {
      for (const entry of rest) entry.reject(error);
    }
    // Settled only after the head moved, so a process that stops once its entries resolve leaves an
    // up-to-date head behind.
    if (stored.length > 0 && this.tip) await this.advanceHead(this.tip);
    for (const entry of stored) entry.resolve();
  }

  private askForTurn(): Promise<void> {
    return askForTurn({ waiter: this.id, askedAt: new Date(), waitMs: Math.min(2 * this.catchUpMs, MAX_STEP_ASIDE_MS) });
  }

  private async advanceHead(tip: Tip): Promise<void> {
    const asked = await advanceHead(tip);
    // Honoured once per request and timed by this process's clock, so clock skew between hosts
    // cannot stretch it.
    const request = `${asked?.waiter}@${asked?.askedAt.getTime()}`;
    if (asked && asked.waiter !== this.id && request !== this.lastHonoured) {
      this.lastHonoured = request;
      this.stepAsideUntil = Date.now() + Math.min(asked.waitMs, MAX_STEP_ASIDE_MS);
    }
  }
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
    actor: {
      userId: entry.actor.userId ?? null,
      organisationId: entry.actor.organisationId ?? null,
      ...(entry.actor.apiKeyId ? { apiKeyId: entry.actor.apiKeyId } : {}),
    },
    action: entry.action,
    target: { type: entry.target.type, id: entry.target.id ?? null, organisationId: entry.target.organisationId ?? null },
    ip: entry.ip ?? null,
    outcome: entry.outcome,
    // The driver would store an undefined value as null; drop it so the record reads back as hashed.
    details: Object.fromEntries(Object.entries(entry.details ?? {}).filter(([, value]) => value !== undefined)),
    prevHash: previous.hash,
    ...(entry.id ? { ref: entry.id } : {}),
  };
  const organisationIds = organisationIdsOf(content.actor, content.target);
  return { _id: auditRecordId(content.seq), ...content, organisationIds, hash: hashAuditRecord(content) };
}

// Refused before queueing: an entry that could not be stored as hashed would fail its whole batch.
function checkEntry(entry: AuditEntry): void {
  if (!entry.action || !entry.target.type) throw new TypeError('an audit entry needs an action and a target type');
  if (entry.id !== undefined && !/^[A-Za-z0-9-]{8,64}$/.test(entry.id)) throw new TypeError('an audit entry id is 8 to 64 letters, digits or dashes');
  if (!AUDIT_OUTCOMES.includes(entry.outcome)) throw new TypeError(`audit outcome "${String(entry.outcome)}" is not allowed`);
  // Keys come from code, never from users; a stored `$` or dotted key would not read back the same.
  for (const key of Object.keys(entry.details ?? {})) {
    if (key.startsWith('$') || key.includes('.')) throw new TypeError(`audit details key "${key}" is not allowed`);
  }
}

const writer = new AuditWriter();

/** Appends one record to the hash chain; resolves once it is stored. */
export async function recordAudit(entry: AuditEntry): Promise<void> {
  checkEntry(entry);
  await writer.append(entry);
}

/**
 * Queues a record that nobody waits for (a list's, §9 v2): it goes in with the next append, or within
 * DEFERRED_MS, and the promise says how that went.
 */
export function queueAudit(entry: AuditEntry): Promise<void> {
  checkEntry(entry);
  return writer.defer(entry);
}

/**
 * Stores at once what this process queued so far and resolves when it is stored (or failed): a reader
 * of the trail waits for it, so a record a request did not wait for is never missing from what the same
 * process answers next. Entries are stored in queue order, so the last one settling settles all.
 */
export function auditSettled(): Promise<unknown> {
  return writer.settled();
}
