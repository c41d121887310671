import type { MessageMatch } from '../../../shared/schemas/rooms.js';
import { matchesQuery, searchWords } from '../../../shared/search.js';
import type { Principal } from '../../auth/principal.js';
import { HttpError } from '../../http/errors.js';
import { decodeCursor, encodeCursor } from '../../http/paging.js';
import { memberRoomsFilter } from '../../policies/room.js';
import { presentMessage } from '../../presenters/room.js';
import { lastSeq, type StoredMessage } from '../../repositories/messages.js';
import { blockMessages, INDEXED_PREFIX, indexedBlocks, messagesAt, postingsOf, staleSeqs, wordsOf } from '../../repositories/messageSearch.js';
import { roomsPage, type RoomDoc } from '../../repositories/rooms.js';
import { BLOCK_SIZE, blockOf } from '../../store/blockLog.js';
import type { BlockIndexer } from './followUps.js';

// Message search (§8 v2): words match as in assessments' `q` (every query word starts a word of the
// message, case and diacritics folded). How the word index is kept: repositories/messageSearch.ts.
// Whatever the index says, each message is checked against its current body before it is answered.

/** Blocks read at once while looking for matches. */
const PARALLEL_BLOCKS = 4;
/** Rooms searched at once by the search across rooms. */
const PARALLEL_ROOMS = 8;

/** The folded words of a query; 400 when it has none. */
export function queryWords(q: string): string[] {
  const words = searchWords(q);
  if (words.length === 0) throw new HttpError('invalid_request', 'q: must hold at least one word.');
  return words;
}

/** The seqs the index offers for all the query words of two letters or more (null: read every block). */
async function indexCandidates(roomId: string, words: string[], indexed: Set<number>): Promise<Set<number> | null> {
  const long = words.filter((w) => [...w].length >= INDEXED_PREFIX);
  if (long.length === 0 || indexed.size === 0) return null;
  const sets = await Promise.all(long.map((w) => postingsOf(roomId, w)));
  const [first, ...rest] = sets.sort((a, b) => a.size - b.size);
  return new Set([...first!].filter((seq) => rest.every((s) => s.has(seq))));
}

/**
 * Up to `limit` live messages of a room matching every word, newest first, with seq below `below`
 * (and that `accept` takes). Indexed blocks cost a read only where the index has candidates.
 */
export async function searchRoom(
  indexer: BlockIndexer,
  roomId: string,
  words: string[],
  options: { limit: number; below?: number; accept?: (m: StoredMessage) => boolean },
) {
  const last = await lastSeq(roomId);
  const upTo = Math.min(last, (options.below ?? Infinity) - 1);
  if (upTo < 1) return [];
  const [indexed, stale] = await Promise.all([indexedBlocks(roomId), staleSeqs(roomId)]);
  const candidates = await indexCandidates(roomId, words, indexed);
  const read = (block: number): Promise<StoredMessage[]> => {
    if (!indexed.has(block) && (block + 1) * BLOCK_SIZE <= last) indexer.later(roomId, block);
    if (!candidates || !indexed.has(block)) return blockMessages(roomId, block, upTo);
    const seqs = [...candidates, ...stale].filter((seq) => blockOf(seq) === block && seq <= upTo);
    return messagesAt(roomId, [...new Set(seqs)]);
  };
  const found: StoredMessage[] = [];
  for (let top = blockOf(upTo); top >= 0 && found.length < options.limit; top -= PARALLEL_BLOCKS) {
    const blocks = Array.from({ length: Math.min(PARALLEL_BLOCKS, top + 1) }, (_, i) => top - i);
    const rows = (await Promise.all(blocks.map(read))).flat();
    const matches = rows.filter((m) => !m.deleted && m.seq <= upTo && matchesQuery(wordsOf(m), words) && (options.accept?.(m) ?? true));
    found.push(...matches.sort((a, b) => b.seq - a.seq));
  }
  return found.slice(0, options.limit);
}

/** `GET /api/rooms/:id/messages?q=`: a page of a room's matches, newest first (the cursor is the last seq given). */
export async function searchInRoom(indexer: BlockIndexer, room: RoomDoc, q: string, query: { limit: number; cursor?: string }) {
  const words = queryWords(q);
  const below = query.cursor ? Number(decodeCursor(query.cursor, ['string', 'number'])[1]) : undefined;
  const roomId = room._id.toString();
  const rows = await searchRoom(indexer, roomId, words, { limit: query.limit + 1, below });
  const page = rows.slice(0, query.limit);
  const items: MessageMatch[] = page.map((m) => ({ message: presentMessage(m), roomId }));
  const more = rows.length > query.limit;
  return { items, nextCursor: more ? encodeCursor(['match', page[page.length - 1]!.seq]) : null };
}

type Position = [at: number, roomId: string, seq: number];
const positionOf = (m: StoredMessage): Position => [new Date(m.createdAt).getTime(), m.roomId, m.seq];
/** Newest first: time, then room id, then seq, all descending. */
const newer = (a: Position, b: Position): number => b[0] - a[0] || (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0) || b[2] - a[2];

/** Runs `each` over `items`, `width` at a time. */
async function inBatches<T, R>(items: T[], width: number, each: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map(each))));
  return out;
}

/**
 * `GET /api/messages/search?q=`: matches in the rooms of the caller's organisation (and nowhere
 * else), newest first across rooms; the cursor is the position (time, room, seq) of the last one given.
 */
export async function searchMyRooms(indexer: BlockIndexer, p: Principal, query: { q: string; limit: number; cursor?: string }) {
  const words = queryWords(query.q);
  const after = query.cursor ? (decodeCursor(query.cursor, ['number', 'string', 'number']) as Position) : null;
  const rooms = (await roomsPage(memberRoomsFilter(p), 1000)) ?? [];
  const accept = after ? (m: StoredMessage) => newer(after, positionOf(m)) < 0 : undefined;
  const perRoom = await inBatches(rooms, PARALLEL_ROOMS, (room) => searchRoom(indexer, room._id.toString(), words, { limit: query.limit + 1, accept }));
  const rows = perRoom.flat().sort((a, b) => newer(positionOf(a), positionOf(b)));
  const page = rows.slice(0, query.limit);
  const items: MessageMatch[] = page.map((m) => ({ message: presentMessage(m), roomId: m.roomId }));
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(positionOf(last)) : null };
}
