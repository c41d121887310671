import mongoose, { type mongo } from 'mongoose';
import { AuditHead } from '../models/auditHead.js';
import { AUDIT_BLOCK, auditBlockName, auditRecordId, GENESIS_HASH, LEGACY_AUDIT_COLLECTION, type AuditRecordDoc } from '../models/auditRecord.js';
import { BlockLog, searchEnd } from '../store/blockLog.js';
import { claim } from '../store/claim.js';
import { connectedDb } from '../store/database.js';

export { AUDIT_OUTCOMES, auditRecordId, GENESIS_HASH, type AuditRecordDoc } from '../models/auditRecord.js';

// The audit chain as stored: a numbered log in blocks of 1,000 records (`auditrecords_<n>`, _id the
// padded seq: store/blockLog.ts), so finding its end costs lookups in one block however long it is.
// Records written before blocks stay in `auditrecords` (the legacy collection, read-only), whose end is
// written down once as the `legacy` document next to the head. The head (`audit`) is a hint that lags.

/** A link of the chain: a seq and its record's hash. */
export interface Tip {
  seq: number;
  hash: string;
}

const HEAD_ID = 'audit';
const SEAL_ID = 'legacy';
const BLOCK_INDEXES: mongo.IndexDescription[] = [
  { key: { seq: 1 }, name: 'seq_1', unique: true },
  { key: { organisationIds: 1, seq: -1 }, name: 'organisationIds_1_seq_-1' },
];

/**
 * Creates a block's missing indexes (the organisation admin's list on MongoDB; on FerretDB the unique
 * `_id` alone decides who gets a seq). Only missing ones are asked for, one at a time: FerretDB 1.24
 * panicked (and dropped the connection) on a createIndexes of two indexes that both existed already.
 */
async function blockIndexes(block: mongo.Collection<AuditRecordDoc>): Promise<void> {
  const existing = new Set(
    (
      await block
        .listIndexes()
        .toArray()
        .catch(() => [])
    ).map((index) => String(index.name)),
  );
  for (const index of BLOCK_INDEXES) {
    if (!existing.has(index.name!)) await block.createIndex(index.key, { name: index.name, unique: index.unique ?? false });
  }
}

/** The chain's blocks. */
export const auditLog = new BlockLog<AuditRecordDoc>({ nameOf: auditBlockName, idOf: auditRecordId, prepare: blockIndexes });

/** The collection of the records written before blocks (empty or absent on a newer hub). */
export const legacyAuditRecords = () => connectedDb().collection<AuditRecordDoc>(LEGACY_AUDIT_COLLECTION);

/** Which audit collections exist: the legacy one, and the block numbers in ascending order. */
export async function auditCollections(): Promise<{ legacy: boolean; blocks: number[] }> {
  const all = await connectedDb().listCollections({}, { nameOnly: true }).toArray();
  const blocks = all
    .map((c) => AUDIT_BLOCK.exec(c.name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
  return { legacy: all.some((c) => c.name === LEGACY_AUDIT_COLLECTION), blocks: blocks.sort((a, b) => a - b) };
}

/**
 * Inserts the next links in order (a batch may cross into the next block); answers how many were
 * stored before one hit a seq another writer took.
 */
export function insertAuditRecords(records: AuditRecordDoc[]): Promise<number> {
  return auditLog.insert(records);
}

/** Where the chain ended when last seen (a hint that may lag), or the genesis. */
export async function readHead(): Promise<Tip> {
  const head = await AuditHead.findById(HEAD_ID).lean();
  return head ? { seq: head.seq, hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** A turn asked for through the head by a process that keeps losing the race for the next seq. */
export interface TurnRequest {
  waiter: string;
  askedAt: Date;
  waitMs: number;
}

/**
 * Moves the head forward, never back; answers the turn asked for in the head it replaced, if any.
 * Losing this write only costs the next writer a few steps.
 */
export async function advanceHead(next: Tip): Promise<TurnRequest | null> {
  try {
    const before = await AuditHead.findOneAndUpdate(
      { _id: HEAD_ID, seq: mongoose.trusted({ $lt: next.seq }) },
      { $set: { seq: next.seq, hash: next.hash } },
      { upsert: true, new: false },
    ).lean();
    if (!before?.waiter) return null;
    return { waiter: before.waiter, askedAt: before.askedAt ?? new Date(0), waitMs: before.waitMs ?? 0 };
  } catch {
    // A head already at or past `next` makes the upsert collide on _id; any other failure only
    // leaves the hint behind. Either way the record itself is stored.
    return null;
  }
}

/** Asks, through the head, whichever process keeps taking the next seq to let this one have a turn. */
export async function askForTurn(request: TurnRequest): Promise<void> {
  await AuditHead.updateOne({ _id: HEAD_ID }, { $set: request }).catch(() => undefined);
}

let sealed: Promise<Tip> | null = null;

/** The last record of the legacy collection (seq 0 and the genesis hash when there is none); found once. */
function legacyEnd(): Promise<Tip> {
  sealed ??= readOrSeal().catch((error: unknown) => {
    sealed = null;
    throw error;
  });
  return sealed;
}

async function readSeal(): Promise<Tip | null> {
  const seal = await AuditHead.findById(SEAL_ID).lean();
  return seal ? { seq: seal.seq, hash: seal.hash } : null;
}

async function readOrSeal(): Promise<Tip> {
  const known = await readSeal();
  if (known) return known;
  const end = (await auditCollections()).legacy ? await searchEnd(await readHead(), legacyAt) : { seq: 0, hash: GENESIS_HASH };
  // Another process may seal first; the legacy is frozen, so it found the same end.
  if (!(await claim(() => AuditHead.create({ _id: SEAL_ID, seq: end.seq, hash: end.hash })))) return (await readSeal()) ?? end;
  return end;
}

async function legacyAt(seq: number): Promise<Tip | null> {
  const record = await legacyAuditRecords().findOne({ _id: auditRecordId(seq) }, { projection: { seq: 1, hash: 1 } });
  return record ? { seq: record.seq, hash: record.hash } : null;
}

/**
 * The end of the chain, starting from the furthest of the head, the legacy collection's end and
 * `known`: a few lookups by `_id` in the last block (store/blockLog.ts searchEnd).
 */
export async function findTip(known: Tip): Promise<Tip> {
  const [head, legacy] = await Promise.all([readHead(), legacyEnd()]);
  const start = [head, legacy, known].reduce((a, b) => (b.seq > a.seq ? b : a));
  return auditLog.findEnd(start, async (seq) => {
    const record = await auditLog.at(seq, { seq: 1, hash: 1 });
    return record ? { seq: record.seq, hash: record.hash } : null;
  });
}

/**
 * Up to `wanted` records matching `filter` with seq below `below`, newest first: the blocks from the
 * newest down (skipping those wholly at or past `below`), then the legacy collection.
 */
export async function auditPage(filter: Record<string, unknown>, below: number, wanted: number): Promise<AuditRecordDoc[]> {
  const { legacy, blocks } = await auditCollections();
  const page = await auditLog.backward(below, wanted, filter, blocks);
  if (page.length < wanted && legacy) {
    const seq = below === Infinity ? {} : { seq: { $lt: below } };
    page.push(
      ...(await legacyAuditRecords()
        .find({ ...filter, ...seq } as mongo.Filter<AuditRecordDoc>)
        .sort({ seq: -1 })
        .limit(wanted - page.length)
        .toArray()),
    );
  }
  return page;
}

/** Every record in seq order (the legacy collection, then each block), read in batches; stop when done. */
export async function* auditRecordsInOrder(): AsyncGenerator<AuditRecordDoc> {
  const { legacy, blocks } = await auditCollections();
  const sources = [...(legacy ? [legacyAuditRecords()] : []), ...blocks.map((block) => auditLog.block(block))];
  for (const collection of sources) {
    const cursor = collection.find().sort({ seq: 1 }).batchSize(500);
    try {
      for await (const record of cursor) yield record;
    } finally {
      await cursor.close();
    }
  }
}
