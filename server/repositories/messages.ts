import { randomUUID } from 'node:crypto';
import { blockOf } from '../store/blockLog.js';
import { roomBlocks, RoomLog, type LogListeners, type MessageDraft, type Sent, type StoredMessage } from './messageLog.js';

export type { MessageDraft, Sent, StoredMessage } from './messageLog.js';

// A room's messages: a numbered log in blocks (store/blockLog.ts). How a message gets its seq is the
// room's write queue in this process (messageLog.ts): the insert claims the seq and the sender's
// clientMsgId at once. Reads are lookups and pages by seq, each costing the one or two blocks it touches.

// Rooms whose log this process keeps in memory (the least recently used idle ones are let go).
const MAX_LOGS = 1000;

// The process's room logs and who listens to them: a cache of what each room's writer knows, owned here.
const logs = new Map<string, RoomLog>();
const insertObservers = new Set<(seconds: number, messages: number) => void>();
const recoveryListeners = new Set<(message: StoredMessage) => void>();
const listeners: LogListeners = {
  inserted(seconds, messages) {
    for (const observe of insertObservers) {
      try {
        observe(seconds, messages);
      } catch {
        // an observer's trouble is never the insert's
      }
    }
  },
  recovered(message) {
    for (const listener of recoveryListeners) listener(message);
  },
};

/** Observes every insert of messages (its duration, how many it carried); returns how to stop. */
export function observeInserts(observer: (seconds: number, messages: number) => void): () => void {
  insertObservers.add(observer);
  return () => insertObservers.delete(observer);
}

/**
 * Listens for messages found stored although their insert failed (the database went away mid-insert):
 * nobody announced them, so the listener does (once per process that attempted them). Returns how to stop.
 */
export function onRecoveredMessage(listener: (message: StoredMessage) => void): () => void {
  recoveryListeners.add(listener);
  return () => recoveryListeners.delete(listener);
}

/** The log of a room in this process. */
function logOf(roomId: string): RoomLog {
  let log = logs.get(roomId);
  if (!log) {
    if (logs.size >= MAX_LOGS) {
      const idle = [...logs.entries()].filter(([, l]) => l.idle).sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
      for (const [id] of idle.slice(0, Math.ceil(MAX_LOGS / 10))) logs.delete(id);
    }
    log = new RoomLog(roomId, listeners);
    logs.set(roomId, log);
  }
  return log;
}

/**
 * Stores a message under the next seq of its room. With a `key` (`<userId>:<clientMsgId>`), a message
 * already stored with that key in the room's current or previous block — at least the last 1000
 * messages — is answered instead, and nothing new is stored.
 */
export function appendMessage(draft: MessageDraft, key?: string): Promise<Sent> {
  return logOf(draft.roomId).send(draft, key ?? `~${randomUUID()}`);
}

/** The last stored seq of a room (0 when it has none). */
export function lastSeq(roomId: string): Promise<number> {
  return logOf(roomId).lastSeq();
}

/** When the room's last message was written (null: it has none). */
export function lastMessageAt(roomId: string): Promise<Date | null> {
  return logOf(roomId).lastMessageAt();
}

/** One message of a room, or null. */
export function findMessage(roomId: string, seq: number): Promise<StoredMessage | null> {
  return roomBlocks(roomId).at(seq);
}

/** Replaces the editable fields of a stored message; answers it as stored after the change. */
export async function updateMessage(
  roomId: string,
  seq: number,
  change: Partial<Pick<StoredMessage, 'body' | 'editedAt' | 'deleted' | 'attachments' | 'edits' | 'mentions' | 'reactions'>>,
) {
  await roomBlocks(roomId).block(blockOf(seq)).updateOne({ _id: seq }, { $set: change });
  return findMessage(roomId, seq);
}

/** Up to `limit` messages with seq > `after` (and < `before`, if given), in seq order. */
export async function messagesAfter(roomId: string, after: number, limit: number, before = Infinity): Promise<StoredMessage[]> {
  const last = Math.min(await lastSeq(roomId), before - 1);
  return roomBlocks(roomId).forward(after, last, limit);
}

/** The `limit` messages just before seq `before`, in seq order (for scrolling back). */
export async function messagesBefore(roomId: string, before: number, limit: number): Promise<StoredMessage[]> {
  const end = Math.min(before - 1, await lastSeq(roomId));
  return (await roomBlocks(roomId).backward(end + 1, limit)).reverse();
}

/** Every message of a room up to seq `upTo`, block after block, each block's in seq order (a transcript). */
export async function* allMessages(roomId: string, upTo: number): AsyncGenerator<StoredMessage[]> {
  const blocks = roomBlocks(roomId);
  for (let block = 0; block <= blockOf(upTo) && upTo > 0; block++) {
    yield await blocks
      .block(block)
      .find({ seq: { $lte: upTo } })
      .sort({ seq: 1 })
      .toArray();
  }
}
