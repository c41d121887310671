import { domainEvents } from '../../events.js';
import { presentMessage, type MessageView } from '../../presenters/room.js';
import { markOwnMessage } from './readMarkers.js';
import { appendMessage, onRecoveredMessage } from './roomLog.js';
import type { MessageDraft, StoredMessage } from './blocks.js';

// Where a message is stored. One process stores a room's messages at a time when several serve the hub
// (server/realtime/roomWriters.ts decides which, and forwards the others' messages to it): two
// processes appending to one room would keep colliding on the next seq, and every collision costs a
// read of the room's tail. The store itself never relies on that: seqs and clientMsgIds are claimed by
// the insert (blocks.ts), so a wrong guess about the writer costs a collision, never a duplicate.

/** How a multi-process hub routes a message to its room's writer (absent: this process writes). */
export interface WriterRoute {
  store(draft: MessageDraft, key: string | undefined): Promise<MessageView>;
}

let route: WriterRoute | null = null;

/** Installs (or with null removes) the route to each room's writer process. */
export function useWriterRoute(next: WriterRoute | null): void {
  route = next;
}

/** Stores a message through its room's writer, which announces it; answers the stored message. */
export function storeMessage(draft: MessageDraft, key: string | undefined): Promise<MessageView> {
  return route ? route.store(draft, key) : storeHere(draft, key);
}

/**
 * Stores a message in this process's log of the room and announces it. The room's writer announces
 * every message, so each process of the hub relays them to its sockets in the order of their seqs.
 */
export async function storeHere(draft: MessageDraft, key: string | undefined): Promise<MessageView> {
  const { message, repeated } = await appendMessage(draft, key);
  if (!repeated) announce(message);
  return presentMessage(message);
}

/** Tells the room's sockets of a new message; what one writes oneself is read (never unread for its author). */
function announce(message: StoredMessage): void {
  domainEvents.publish('room.message', { roomId: message.roomId, kind: 'new', message: presentMessage(message) });
  markOwnMessage(message.roomId, message.author.id, message.seq);
}

onRecoveredMessage(announce);
