import { createHash } from 'node:crypto';
import type { mongo } from 'mongoose';
import { searchWords } from '../../shared/search.js';
import { BLOCK_SIZE, blockOf, firstSeqOf } from '../store/blockLog.js';
import { isDuplicateKey } from '../store/claim.js';
import { connectedDb } from '../store/database.js';
import type { StoredMessage } from './messageLog.js';
import { roomBlocks } from './messageLog.js';

// The word index of a room's messages (FerretDB has no text index, and scans a collection for every
// query). Each full block of 1,000 messages, once written, gets its postings — word → seqs — split over
// BUCKETS collections by the word's first two letters (`roomsearch_<room>_<bucket>`, one document per
// block), so a search word reads one bucket: a document per block of the room holding about 1/64th of
// its words. A block is marked indexed (`roomsearch_<room>_blocks`) only once all its buckets are in;
// blocks not marked (the open one, one being indexed) are read as messages. An edited or deleted
// message is marked stale (`roomsearch_<room>_stale`): its postings may lie, so it is read as a message.
// Everything is written by insert with derived `_id`s: building a block twice, on two processes, is harmless.

const BUCKETS = 64;
/** Index words shorter than this are not looked up in the index (a one-letter prefix matches too much). */
export const INDEXED_PREFIX = 2;

interface Posting {
  w: string;
  s: number[];
}
interface BucketDoc {
  _id: number;
  p: Posting[];
}

/** The bucket of a word by its first two letters (a word and every prefix of two or more letters share it). */
export function bucketOf(word: string): number {
  const head = [...word].slice(0, INDEXED_PREFIX).join('');
  return createHash('sha1').update(head).digest().readUInt16BE(0) % BUCKETS;
}

const db = () => connectedDb();
const bucket = (roomId: string, n: number) => db().collection<BucketDoc>(`roomsearch_${roomId}_${n}`);
const indexed = (roomId: string) => db().collection<{ _id: number }>(`roomsearch_${roomId}_blocks`);
const stale = (roomId: string) => db().collection<{ _id: number }>(`roomsearch_${roomId}_stale`);

/** The words a message is found by (its current body; none once deleted). */
export const wordsOf = (m: Pick<StoredMessage, 'body' | 'deleted'>): string[] => (m.deleted ? [] : searchWords(m.body));

async function insertIgnoringRepeat<T extends mongo.Document>(collection: mongo.Collection<T>, docs: T[]): Promise<void> {
  if (docs.length === 0) return;
  try {
    await collection.insertMany(docs as mongo.OptionalUnlessRequiredId<T>[], { ordered: false });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}

/**
 * Creates a room's 66 index collections (64 buckets, the indexed blocks, the stale messages) ahead, one
 * after another, when its first block is nearly full: creating a collection holds up every writer of
 * FerretDB/SQLite for a moment, and the first full block would otherwise create them all at once, in the
 * middle of the room's traffic. Idempotent; a failure leaves them to be created by the first index build.
 */
export async function prepareSearch(roomId: string): Promise<void> {
  const names = [...Array.from({ length: BUCKETS }, (_, n) => bucket(roomId, n)), indexed(roomId), stale(roomId)].map((c) => c.collectionName);
  for (const name of names) {
    await db()
      .createCollection(name)
      .catch((error: unknown) => {
        // 48: created meanwhile (another process, a build).
        if ((error as { code?: unknown }).code !== 48) throw error;
      });
  }
}

/** Builds the postings of one full block of a room and marks it indexed (idempotent). */
export async function indexBlock(roomId: string, block: number): Promise<void> {
  const messages = await roomBlocks(roomId).block(block).find({}).toArray();
  if (messages.length < BLOCK_SIZE) return;
  const perBucket = new Map<number, Map<string, number[]>>();
  for (const message of messages) {
    for (const word of wordsOf(message)) {
      if ([...word].length < INDEXED_PREFIX) continue;
      const n = bucketOf(word);
      const words = perBucket.get(n) ?? new Map<string, number[]>();
      perBucket.set(n, words);
      words.set(word, [...(words.get(word) ?? []), message.seq]);
    }
  }
  // One bucket after another: the first block of a room creates its bucket collections, and FerretDB on
  // SQLite stalled (minutes, under load) when 64 were created at once.
  for (const [n, words] of perBucket) await insertIgnoringRepeat(bucket(roomId, n), [{ _id: block, p: [...words].map(([w, s]) => ({ w, s })) }]);
  await insertIgnoringRepeat(indexed(roomId), [{ _id: block }]);
}

/** The blocks of a room whose postings are complete. */
export async function indexedBlocks(roomId: string): Promise<Set<number>> {
  return new Set((await indexed(roomId).find({}).toArray()).map((d) => d._id));
}

/** Marks a message whose words changed (edit, delete): searches read it rather than trust its postings. */
export async function markStale(roomId: string, seq: number): Promise<void> {
  await insertIgnoringRepeat(stale(roomId), [{ _id: seq }]);
}

/** The seqs of a room's messages marked stale. */
export async function staleSeqs(roomId: string): Promise<Set<number>> {
  return new Set((await stale(roomId).find({}).toArray()).map((d) => d._id));
}

/** Seqs of indexed blocks whose postings hold a word starting with `prefix` (two letters or more). */
export async function postingsOf(roomId: string, prefix: string): Promise<Set<number>> {
  const docs = await bucket(roomId, bucketOf(prefix)).find({}).toArray();
  const seqs = new Set<number>();
  for (const doc of docs) for (const posting of doc.p) if (posting.w.startsWith(prefix)) for (const seq of posting.s) seqs.add(seq);
  return seqs;
}

/** Messages of one block with these seqs (deleted ones too; the caller checks). */
export function messagesAt(roomId: string, seqs: number[]): Promise<StoredMessage[]> {
  if (seqs.length === 0) return Promise.resolve([]);
  return roomBlocks(roomId)
    .block(blockOf(seqs[0]!))
    .find({ _id: { $in: seqs } })
    .toArray();
}

/** Every message of a block, up to seq `upTo`. */
export function blockMessages(roomId: string, block: number, upTo: number): Promise<StoredMessage[]> {
  const filter = upTo >= firstSeqOf(block + 1) - 1 ? {} : { seq: { $lte: upTo } };
  return roomBlocks(roomId).block(block).find(filter).toArray();
}
