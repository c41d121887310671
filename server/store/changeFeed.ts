import mongoose from 'mongoose';
import { FeedEntry, FeedHead } from '../models/changeFeed.js';
import { isDuplicateKey } from './claim.js';

/** Where feeds are stored: the hub's models by default (the store's own tests bind them to their database). */
export interface FeedModels {
  entries: typeof FeedEntry;
  heads: typeof FeedHead;
}
const hubFeeds: FeedModels = { entries: FeedEntry, heads: FeedHead };

// FerretDB 1.24 applies updates as read-then-write, so `$inc` under concurrency loses counts and
// hands two writers the same number. A sequence number is therefore claimed by inserting the
// entry itself (its `_id` is unique); the head document is only a hint of where the feed ends.

/** Where the feed ends, walking forward from the hint past entries it has not caught up with. */
async function lastSeq(feed: string, on: FeedModels): Promise<number> {
  const head = await on.heads.findById(feed).lean();
  let seq = head?.seq ?? 0;
  while (await on.entries.exists({ _id: `${feed}:${seq + 1}` })) seq++;
  return seq;
}

/**
 * Records that `itemId` of `feed` changed. Processes that keep a read model of the feed (the
 * assessment catalog) catch up by reading the entries after the last sequence number they saw —
 * all lookups by `_id`, the one query FerretDB answers without scanning a collection.
 */
export async function publishChange(feed: string, itemId: string, on = hubFeeds): Promise<void> {
  let seq = (await lastSeq(feed, on)) + 1;
  for (;;) {
    try {
      await on.entries.create({ _id: `${feed}:${seq}`, itemId, at: new Date() });
      break;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      seq++; // another writer took it
    }
  }
  // A hint may be overwritten by a slower writer's smaller one; readers walk forward past it.
  await on.heads.updateOne({ _id: feed }, { $set: { seq } }, { upsert: true }).catch((error: unknown) => {
    if (!isDuplicateKey(error)) throw error;
  });
}

/** The last sequence number of a feed (0 before its first change). */
export function feedHead(feed: string, on = hubFeeds): Promise<number> {
  return lastSeq(feed, on);
}

/**
 * Whether entry `seq` of a feed exists: one lookup by `_id`. Entries are inserted in order (a writer
 * claims `seq + 1` only after finding `seq`), so a missing `seq` means the feed ends before it — as long
 * as pruneFeeds cannot have taken it, which the caller decides.
 */
export async function hasEntry(feed: string, seq: number, on = hubFeeds): Promise<boolean> {
  return (await on.entries.exists({ _id: `${feed}:${seq}` })) !== null;
}

/** The item ids changed in `(after, upTo]`; entries are never missing (a number exists once inserted). */
export async function readFeed(feed: string, after: number, upTo: number, on = hubFeeds): Promise<string[] | null> {
  const seqs = Array.from({ length: upTo - after }, (_, i) => after + 1 + i);
  const entries = await Promise.all(seqs.map((seq) => on.entries.findById(`${feed}:${seq}`).lean()));
  if (entries.some((e) => !e)) return null;
  return [...new Set(entries.map((e) => e!.itemId))];
}

/**
 * Deletes entries older than `maxAgeMs`: a reader that far behind finds a gap and reloads
 * everything, so the feed (looked up by `_id`, a scan on FerretDB/SQLite) stays small.
 */
export async function pruneFeeds(maxAgeMs: number): Promise<number> {
  const result = await FeedEntry.deleteMany({ at: mongoose.trusted({ $lt: new Date(Date.now() - maxAgeMs) }) });
  return result.deletedCount;
}
