import { blockCollection, blockOf, type StoredMessage } from './blocks.js';
import { lastSeq } from './roomLog.js';

export { BLOCK_SIZE, type MessageDraft, type StoredMessage } from './blocks.js';
export { appendMessage, lastSeq } from './roomLog.js';

// The read side of a room's messages: lookups and pages by seq, each costing the one or two blocks
// the seqs fall in (blocks.ts). Writes go through the room's log (roomLog.ts).

/** One message of a room, or null. */
export function findMessage(roomId: string, seq: number): Promise<StoredMessage | null> {
  return blockCollection(roomId, blockOf(seq)).findOne({ _id: seq });
}

/** Replaces the editable fields of a stored message; answers it as stored after the change. */
export async function updateMessage(roomId: string, seq: number, change: Partial<Pick<StoredMessage, 'body' | 'editedAt' | 'deleted' | 'attachments'>>) {
  await blockCollection(roomId, blockOf(seq)).updateOne({ _id: seq }, { $set: change });
  return findMessage(roomId, seq);
}

/** Up to `limit` messages with seq > `after` (and < `before`, if given), in seq order. */
export async function messagesAfter(roomId: string, after: number, limit: number, before = Infinity): Promise<StoredMessage[]> {
  const last = Math.min(await lastSeq(roomId), before - 1);
  const out: StoredMessage[] = [];
  for (let block = blockOf(after + 1); out.length < limit && block <= blockOf(last) && after < last; block++) {
    const rows = await blockCollection(roomId, block)
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
    const rows = await blockCollection(roomId, block)
      .find({ seq: { $lte: end } }).sort({ seq: -1 }).limit(limit - out.length).toArray();
    out.push(...rows);
    if (block === 0) break;
  }
  return out.reverse();
}
