import type { mongo } from 'mongoose';
import { connectedDb } from './database.js';
import { isDuplicateKey } from './claim.js';

// FerretDB 1.24 on SQLite answers every query — even a lookup by `_id` — by scanning its collection,
// and sorts in memory. A numbered log (a room's messages, the audit chain) is therefore kept in blocks
// of BLOCK_SIZE records, one collection per block: a lookup, a page or the search for the end costs one
// or two small collections however long the log. The record's `_id` is derived from its seq, so
// inserting it is what claims the number: two writers (on any process) never store one seq twice, and a
// seq exists only once its record is stored. Records are inserted in seq order, so there are no gaps.

/** Records per block (seq 1..1000 → block 0, 1001..2000 → block 1, …). */
export const BLOCK_SIZE = 1000;

/** The block a seq belongs to. */
export const blockOf = (seq: number) => Math.floor((Math.max(seq, 1) - 1) / BLOCK_SIZE);

/** The first seq of a block. */
export const firstSeqOf = (block: number) => block * BLOCK_SIZE + 1;

/** What every record of a numbered log has: its seq and an `_id` made from it. */
export interface Numbered {
  _id: unknown;
  seq: number;
}

/** How one log names its blocks and its records. */
export interface BlockLogOptions<T extends Numbered> {
  /** The collection of block `block`. */
  nameOf(block: number): string;
  /** The `_id` of the record at `seq` (the seq itself, or a zero-padded string: either sorts as seqs do). */
  idOf(seq: number): T['_id'];
  /** Runs once per block and process before the first insert into it (its indexes); racing is harmless. */
  prepare?(block: mongo.Collection<T>): Promise<void>;
  /** The database (tests pass their own). */
  db?: () => mongo.Db;
}

/** The first `index` records of an ordered insert that stopped on a duplicate key were stored. */
function storedBefore(error: unknown): number {
  const failed = error as { insertedCount?: unknown; writeErrors?: { index?: unknown }[] | { index?: unknown } };
  const first = Array.isArray(failed.writeErrors) ? failed.writeErrors[0] : failed.writeErrors;
  const count = first?.index ?? failed.insertedCount;
  if (typeof count !== 'number') throw error;
  return count;
}

/**
 * From `start`, a record known to exist (seq 0: none), finds the last record of a gap-free log by
 * lookups at growing steps, then halving: a few lookups, each in the one block its seq falls in.
 * `at` reads the record at a seq (as much of it as the caller needs: the audit chain's hash, say).
 */
export async function searchEnd<R extends { seq: number }>(start: R, at: (seq: number) => Promise<R | null>): Promise<R> {
  let end = start;
  let absent = 0;
  for (let step = 1; !absent; step *= 2) {
    const found = await at(end.seq + step);
    if (found) end = found;
    else absent = end.seq + step;
  }
  while (absent - end.seq > 1) {
    const middle = Math.floor((end.seq + absent) / 2);
    const found = await at(middle);
    if (found) end = found;
    else absent = middle;
  }
  return end;
}

// Creating a block (its collection and indexes) holds up every writer of the database for a moment on
// FerretDB/SQLite; a log with a `prepare` step this close to the end of its block prepares the next one
// meanwhile, so that the insert that crosses the boundary does not wait for it.
const PREPARE_AHEAD = 0.9 * BLOCK_SIZE;

/** One numbered log kept in block collections; see the comment at the top. */
export class BlockLog<T extends Numbered> {
  private readonly prepared = new Map<number, Promise<void>>();
  private readonly db: () => mongo.Db;

  constructor(private readonly options: BlockLogOptions<T>) {
    this.db = options.db ?? connectedDb;
  }

  /** The collection of one block. */
  block(block: number): mongo.Collection<T> {
    return this.db().collection<T>(this.options.nameOf(block));
  }

  /** The record at `seq`, or null; with a projection, only those fields. */
  at(seq: number, projection?: mongo.Document): Promise<T | null> {
    return this.block(blockOf(seq)).findOne(this.byId(seq), projection ? { projection } : {}) as Promise<T | null>;
  }

  /** Whether the record at `seq` is stored. */
  async has(seq: number): Promise<boolean> {
    return (await this.at(seq, { _id: 1 })) !== null;
  }

  /**
   * Inserts `records` (consecutive seqs) in order, block by block; answers how many were stored before
   * one hit a taken `_id` (or another unique key of its block). Any other error is thrown.
   */
  async insert(records: T[]): Promise<number> {
    let stored = 0;
    while (stored < records.length) {
      const block = blockOf(records[stored]!.seq);
      const part = records.slice(stored).filter((record) => blockOf(record.seq) === block);
      await this.ready(block);
      try {
        await this.block(block).insertMany(part as mongo.OptionalUnlessRequiredId<T>[], { ordered: true });
        stored += part.length;
        if (part.at(-1)!.seq - firstSeqOf(block) >= PREPARE_AHEAD)
          Promise.resolve()
            .then(() => this.ready(block + 1))
            .catch(() => undefined);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        return stored + storedBefore(error);
      }
    }
    return stored;
  }

  /** The records stored past `seq` in the block of `seq + 1`, in any order (read block after block to catch up). */
  after(seq: number): Promise<T[]> {
    return this.block(blockOf(seq + 1))
      .find({ _id: { $gt: this.options.idOf(seq) } } as mongo.Filter<T>)
      .toArray() as Promise<T[]>;
  }

  /** Up to `limit` records with seq in (`after`, `upTo`], in seq order. */
  async forward(after: number, upTo: number, limit: number): Promise<T[]> {
    const out: T[] = [];
    for (let block = blockOf(after + 1); out.length < limit && block <= blockOf(upTo) && after < upTo; block++) {
      const rows = await this.block(block)
        .find({ seq: { $gt: after, $lte: upTo } } as mongo.Filter<T>)
        .sort({ seq: 1 })
        .limit(limit - out.length)
        .toArray();
      out.push(...(rows as T[]));
    }
    return out;
  }

  /**
   * Up to `limit` records matching `filter` with seq below `below`, newest first, reading `blocks` (by
   * default every block from the one before `below` down to 0; `below` may be Infinity only with `blocks`)
   * from the newest down.
   */
  async backward(below: number, limit: number, filter: mongo.Document = {}, blocks?: number[]): Promise<T[]> {
    if (!blocks && !Number.isFinite(below)) throw new RangeError('backward: an unbounded read needs the blocks that exist');
    const from = blocks ?? (below - 1 >= 1 ? Array.from({ length: blockOf(below - 1) + 1 }, (_, i) => i) : []);
    const wanted = below === Infinity ? filter : { ...filter, seq: { $lt: below } };
    const out: T[] = [];
    for (const block of [...from].sort((a, b) => b - a)) {
      if (out.length >= limit) break;
      if (firstSeqOf(block) >= below) continue;
      const rows = await this.block(block)
        .find(wanted as mongo.Filter<T>)
        .sort({ seq: -1 })
        .limit(limit - out.length)
        .toArray();
      out.push(...(rows as T[]));
    }
    return out;
  }

  /** The last record, searched from `start` (a record known to exist, or seq 0); `at` reads a seq's record. */
  findEnd<R extends { seq: number }>(start: R, at: (seq: number) => Promise<R | null>): Promise<R> {
    return searchEnd(start, at);
  }

  private byId(seq: number): mongo.Filter<T> {
    return { _id: this.options.idOf(seq) } as mongo.Filter<T>;
  }

  /** Prepares a block for inserts (its `prepare`), once per log object; a preparation that failed is tried again. */
  ready(block: number): Promise<void> {
    if (!this.options.prepare) return Promise.resolve();
    let preparing = this.prepared.get(block);
    if (!preparing) {
      preparing = this.options.prepare(this.block(block));
      this.prepared.set(block, preparing);
      preparing.catch(() => this.prepared.delete(block));
    }
    return preparing;
  }
}
