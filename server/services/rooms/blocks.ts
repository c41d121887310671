import mongoose from 'mongoose';

/**
 * Where a room's messages live. FerretDB 1.24 on SQLite answers every query — even a lookup by
 * `_id` — by scanning the collection, and sorts in memory. So a room's messages are kept in blocks
 * of BLOCK_SIZE, one collection per block (`roommessages_<room>_<block>`): a page of history or a
 * lookup costs one or two small collections, however long the room. On MongoDB the same layout
 * costs nothing extra. The `_id` of a message in its block is its `seq`, and its `claim` (the
 * sender's `clientMsgId`, or a random one) is unique in its block: inserting a message is how a
 * writer claims both, so two writers (on any process) can never store the same seq or the same
 * `clientMsgId` twice in a block, and a seq exists only once its message is stored.
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
  /** `<userId>:<clientMsgId>`, or `~<random>` when the sender gave none; unique in the block. */
  claim: string;
  createdAt: Date;
  editedAt: Date | null;
  deleted: boolean;
}

/** What a sender supplies; the store adds the seq and the claim. */
export type MessageDraft = Omit<StoredMessage, '_id' | 'seq' | 'claim'>;

/** The block a seq belongs to (seq 1..1000 → 0, 1001..2000 → 1, …). */
export const blockOf = (seq: number) => Math.floor((Math.max(seq, 1) - 1) / BLOCK_SIZE);

/** The first seq of a block. */
export const firstSeqOf = (block: number) => block * BLOCK_SIZE + 1;

export const isDuplicateKey = (error: unknown) => (error as { code?: number } | null)?.code === 11000;

function db() {
  const handle = mongoose.connection.db;
  if (!handle) throw Object.assign(new Error('database not connected'), { name: 'MongoNotConnectedError' });
  return handle;
}

/** The collection of one block of a room. */
export const blockCollection = (roomId: string, block: number) => db().collection<StoredMessage>(`roommessages_${roomId}_${block}`);

/** The claim of a stored message; messages stored before claims existed get one from their clientMsgId. */
export function claimOf(message: Omit<StoredMessage, 'claim'> & { claim?: string }): string {
  if (message.claim) return message.claim;
  return message.clientMsgId ? `${message.author.id}:${message.clientMsgId}` : `~${message.roomId}:${message.seq}`;
}

const indexed = new Set<string>();

/**
 * Creates the block's unique `claim` index once per process (idempotent on the server, so racing is
 * harmless). A block written before messages carried claims gets them first (once).
 */
export async function ensureBlockIndex(roomId: string, block: number): Promise<void> {
  const name = `${roomId}_${block}`;
  if (indexed.has(name)) return;
  const collection = blockCollection(roomId, block);
  const unclaimed = await collection.find({ claim: { $exists: false } }).toArray();
  for (const message of unclaimed) await collection.updateOne({ _id: message._id }, { $set: { claim: claimOf(message) } });
  await collection.createIndex({ claim: 1 }, { unique: true, name: 'claim_unique' });
  indexed.add(name);
}
