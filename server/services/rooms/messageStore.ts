import mongoose from 'mongoose';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError } from '../../http/errors.js';
import { RoomHead } from '../../models/room.js';

/**
 * Where a room's messages live. FerretDB 1.24 on SQLite answers every query — even a lookup by
 * `_id` — by scanning the collection, and sorts in memory. So a room's messages are kept in blocks
 * of BLOCK_SIZE, one collection per block (`roommessages_<room>_<block>`): a page of history or a
 * lookup costs one or two small collections, however long the room. On MongoDB the same layout
 * costs nothing extra. The `_id` of a message in its block is its `seq`: inserting it is how a
 * sender claims the number, so two senders (on any process) can never store the same seq, and a
 * seq exists only once its message is stored, so there is never a gap.
 */
export const BLOCK_SIZE = 1000;

/** A message as stored in its block. */
export interface StoredMessage {
  _id: number;
  seq: number;
  roomId: string;
  author: { id: string; name: string; organisationId: string };
  body: string;
  attachments: string[];
  clientMsgId: string | null;
  createdAt: Date;
  editedAt: Date | null;
  deleted: boolean;
}

/** What a sender supplies; the store adds the seq. */
export type MessageDraft = Omit<StoredMessage, '_id' | 'seq'>;

interface Claim {
  _id: string;
  seq: number | null;
  at: Date;
}

const blockOf = (seq: number) => Math.floor((Math.max(seq, 1) - 1) / BLOCK_SIZE);
const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;
const lastSeen = new Map<string, number>();

function db() {
  const handle = mongoose.connection.db;
  if (!handle) throw Object.assign(new Error('database not connected'), { name: 'MongoNotConnectedError' });
  return handle;
}

const messages = (roomId: string, block: number) => db().collection<StoredMessage>(`roommessages_${roomId}_${block}`);
const claims = (roomId: string, block: number) => db().collection<Claim>(`roomclaims_${roomId}_${block}`);

/** The last stored seq of a room: the hint, then forward past messages stored since (by `_id`). */
export async function lastSeq(roomId: string): Promise<number> {
  const head = await RoomHead.findById(roomId).lean();
  let seq = Math.max(head?.lastSeq ?? 0, lastSeen.get(roomId) ?? 0);
  while (await messages(roomId, blockOf(seq + 1)).findOne({ _id: seq + 1 }, { projection: { _id: 1 } })) seq++;
  lastSeen.set(roomId, seq);
  return seq;
}

/** Stores a message under the next free seq of its room and answers it. */
export async function storeMessage(draft: MessageDraft): Promise<StoredMessage> {
  let seq = (await lastSeq(draft.roomId)) + 1;
  for (;;) {
    const message: StoredMessage = { _id: seq, seq, ...draft };
    try {
      await messages(draft.roomId, blockOf(seq)).insertOne(message);
      lastSeen.set(draft.roomId, Math.max(lastSeen.get(draft.roomId) ?? 0, seq));
      // Only a hint: losing this write to a racing sender costs the next sender one more lookup.
      await RoomHead.updateOne({ _id: draft.roomId }, { $max: { lastSeq: seq } }, { upsert: true }).catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
      return message;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      seq++; // another sender took this seq
    }
  }
}

/** One message of a room, or null. */
export function findMessage(roomId: string, seq: number): Promise<StoredMessage | null> {
  return messages(roomId, blockOf(seq)).findOne({ _id: seq });
}

/** Replaces the editable fields of a stored message; answers it as stored after the change. */
export async function updateMessage(roomId: string, seq: number, change: Partial<Pick<StoredMessage, 'body' | 'editedAt' | 'deleted' | 'attachments'>>) {
  await messages(roomId, blockOf(seq)).updateOne({ _id: seq }, { $set: change });
  return findMessage(roomId, seq);
}

/** Up to `limit` messages with seq > `after` (and < `before`, if given), in seq order. */
export async function messagesAfter(roomId: string, after: number, limit: number, before = Infinity): Promise<StoredMessage[]> {
  const last = Math.min(await lastSeq(roomId), before - 1);
  const out: StoredMessage[] = [];
  for (let block = blockOf(after + 1); out.length < limit && block <= blockOf(last) && after < last; block++) {
    const rows = await messages(roomId, block)
      .find({ seq: { $gt: after, $lte: last } }).sort({ seq: 1 }).limit(limit - out.length).toArray();
    out.push(...rows);
  }
  return out;
}

/** The `limit` messages just before seq `before`, in seq order (for scrolling back). */
export async function messagesBefore(roomId: string, before: number, limit: number): Promise<StoredMessage[]> {
  const end = Math.min(before - 1, await lastSeq(roomId));
  const out: StoredMessage[] = [];
  for (let block = blockOf(end); out.length < limit && block >= 0 && end >= 1; block--) {
    const rows = await messages(roomId, block)
      .find({ seq: { $lte: end } }).sort({ seq: -1 }).limit(limit - out.length).toArray();
    out.push(...rows);
    if (block === 0) break;
  }
  return out.reverse();
}

/**
 * Idempotent sending (§8): the first send of `clientMsgId` by a user claims it, by inserting
 * `<user>:<clientMsgId>` into the claims of the room's current block; a repeat finds the claim (in
 * this block or the one before, so a retry is recognised for at least BLOCK_SIZE messages) and
 * answers the message stored for it instead of storing another.
 */
export async function sendOnce(draft: MessageDraft, userId: string, clientMsgId: string): Promise<{ message: StoredMessage; repeated: boolean }> {
  const key = `${userId}:${clientMsgId}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const block = blockOf((await lastSeq(draft.roomId)) + 1);
    const existing = (await claims(draft.roomId, block).findOne({ _id: key }))
      ?? (block > 0 ? await claims(draft.roomId, block - 1).findOne({ _id: key }) : null);
    if (existing) {
      if (existing.seq !== null) {
        const message = await findMessage(draft.roomId, existing.seq);
        if (message) return { message, repeated: true };
      }
      await sleep(50); // the first send is still being stored
      continue;
    }
    try {
      await claims(draft.roomId, block).insertOne({ _id: key, seq: null, at: new Date() });
    } catch (error) {
      if (isDuplicateKey(error)) continue;
      throw error;
    }
    const message = await storeMessage(draft);
    await claims(draft.roomId, block).updateOne({ _id: key }, { $set: { seq: message.seq } });
    return { message, repeated: false };
  }
  throw new HttpError('unavailable', 'The first send of this message has not finished; try again shortly.');
}
