import mongoose, { type mongo } from 'mongoose';

/** How an audited action ended. */
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;

/** One link of the tamper-evident audit chain (§9) as stored; written once, never updated. */
export interface AuditRecordDoc {
  /** auditRecordId(seq). */
  _id: string;
  /** 1, 2, 3… without gaps; inserting the record (its unique `_id`) is how a writer claims the number. */
  seq: number;
  at: Date;
  actor: { userId: string | null; organisationId: string | null };
  action: string;
  target: { type: string; id: string | null; organisationId: string | null };
  ip: string | null;
  outcome: string;
  details: Record<string, unknown>;
  /** The actor's and the target's organisation, so an organisation admin's list is one equality filter. */
  organisationIds: string[];
  prevHash: string;
  hash: string;
}

/** The `_id` of the record at `seq`: the seq itself, zero-padded (the presented `id`). */
export const auditRecordId = (seq: number) => `a${String(seq).padStart(12, '0')}`;

/**
 * Where records live. FerretDB 1.24 on SQLite answers a lookup by `_id` by scanning its collection
 * (bench/audit: ~8 µs a record, 0.4 s at 50,000) and any other filter by decoding every document
 * (~100 µs each), while inserts are checked against unique indexes without a scan. So the chain is
 * kept in blocks of AUDIT_BLOCK_SIZE records, one collection per block (`auditrecords_<block>`):
 * finding the end of the chain costs lookups in one block, however long the chain. Records written
 * before blocks existed stay in `auditrecords` (the legacy collection, read-only; legacy.ts).
 */
export const AUDIT_BLOCK_SIZE = 1000;
export const LEGACY_AUDIT_COLLECTION = 'auditrecords';
/** `auditrecords_<block>`. */
export const AUDIT_BLOCK = /^auditrecords_(\d+)$/;

/** The block a seq belongs to (seq 1..1000 → 0, 1001..2000 → 1, …). */
export const auditBlockOf = (seq: number) => Math.floor((Math.max(seq, 1) - 1) / AUDIT_BLOCK_SIZE);

/** The first seq of a block. */
export const firstSeqOfAuditBlock = (block: number) => block * AUDIT_BLOCK_SIZE + 1;

/** The name of a block's collection. */
export const auditBlockName = (block: number) => `auditrecords_${block}`;

function db(): mongo.Db {
  const handle = mongoose.connection.db;
  if (!handle) throw Object.assign(new Error('database not connected'), { name: 'MongoNotConnectedError' });
  return handle;
}

/** The collection of one block. */
export const auditBlock = (block: number) => db().collection<AuditRecordDoc>(auditBlockName(block));

/** The collection of the records written before blocks (empty or absent on a newer hub). */
export const legacyAuditRecords = () => db().collection<AuditRecordDoc>(LEGACY_AUDIT_COLLECTION);

/** Which audit collections exist: the legacy one, and the block numbers in ascending order. */
export async function auditCollections(): Promise<{ legacy: boolean; blocks: number[] }> {
  const all = await db().listCollections({}, { nameOnly: true }).toArray();
  const blocks = all.map((c) => AUDIT_BLOCK.exec(c.name)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1]));
  return { legacy: all.some((c) => c.name === LEGACY_AUDIT_COLLECTION), blocks: blocks.sort((a, b) => a - b) };
}

const indexed = new Set<number>();
const BLOCK_INDEXES: mongo.IndexDescription[] = [
  { key: { seq: 1 }, name: 'seq_1', unique: true },
  { key: { organisationIds: 1, seq: -1 }, name: 'organisationIds_1_seq_-1' },
];

/**
 * Creates a block's missing indexes once per process (racing another process is harmless): the
 * organisation admin's list on MongoDB; on FerretDB the unique `_id` alone decides who gets a seq.
 * Only missing ones are asked for, one at a time: FerretDB 1.24 panicked (and dropped the connection)
 * on a createIndexes of two indexes that both existed already.
 */
export async function ensureAuditBlockIndexes(block: number): Promise<void> {
  if (indexed.has(block)) return;
  const collection = auditBlock(block);
  const existing = new Set((await collection.listIndexes().toArray().catch(() => [])).map((index) => String(index.name)));
  for (const index of BLOCK_INDEXES) {
    if (!existing.has(index.name!)) await collection.createIndex(index.key, { name: index.name, unique: index.unique ?? false });
  }
  indexed.add(block);
}
