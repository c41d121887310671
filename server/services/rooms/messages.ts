import type { Principal } from '../../auth/principal.js';
import { domainEvents } from '../../events.js';
import { HttpError, notFound, rateLimited } from '../../http/errors.js';
import type { RoomDoc } from '../../models/room.js';
import { canDeleteMessage, canEditMessage, isRoomMember } from '../../policies/room.js';
import { presentMessage } from '../../presenters/room.js';
import { checkAttachments } from './attachments.js';
import { takeMessageSlot } from './limits.js';
import { findMessage, messagesAfter, messagesBefore, updateMessage } from './messageStore.js';
import { roomOrNull } from './rooms.js';
import { storeMessage } from './writer.js';

/** What a sender sends (§8). */
export interface Outgoing {
  body: string;
  clientMsgId?: string;
  attachments?: string[];
}

/**
 * Stores a message and only then answers (the acknowledgement means "stored"). Archived rooms take
 * no messages (403); beyond 20 messages in 10 seconds the sender is refused and nothing is stored; a
 * repeat of a `clientMsgId` answers the first message and stores nothing new.
 */
export async function sendMessage(p: Principal, room: RoomDoc, outgoing: Outgoing) {
  if (room.archived) throw new HttpError('forbidden', 'This room is archived; it takes no new messages.');
  const attachments = await checkAttachments(room, outgoing.attachments ?? []);
  const userId = p.user._id.toString();
  const slot = await takeMessageSlot(userId);
  if (!slot.allowed) throw rateLimited('You are sending too fast: at most 20 messages in 10 seconds.', slot.retryAfterMs);
  const roomId = room._id.toString();
  const draft = {
    roomId, author: { id: userId, name: p.user.name, organisationId: p.organisation._id.toString() },
    body: outgoing.body, attachments, clientMsgId: outgoing.clientMsgId ?? null,
    createdAt: new Date(), editedAt: null, deleted: false,
  };
  const key = outgoing.clientMsgId ? `${userId}:${outgoing.clientMsgId}` : undefined;
  return storeMessage(draft, key);
}

/** Parses `<roomId>:<seq>` and loads the message for a member of its room (404 otherwise). */
async function loadMessage(p: Principal, messageId: string) {
  const [roomId, seqText] = messageId.split(':');
  const room = await roomOrNull(roomId!);
  if (!room || !isRoomMember(p, room)) throw notFound('message');
  const message = await findMessage(roomId!, Number(seqText));
  if (!message) throw notFound('message');
  return { room, message };
}

/** `message:edit`: the author only; a deleted message stays deleted. */
export async function editMessage(p: Principal, messageId: string, body: string) {
  const { room, message } = await loadMessage(p, messageId);
  if (!canEditMessage(p, message.author.id) || message.deleted) throw new HttpError('forbidden', 'Only its author may edit a message.');
  if (room.archived) throw new HttpError('forbidden', 'This room is archived.');
  const updated = await updateMessage(message.roomId, message.seq, { body, editedAt: new Date() });
  const view = presentMessage(updated!);
  domainEvents.publish('room.message', { roomId: message.roomId, kind: 'updated', message: view });
  return view;
}

/** `message:delete`: the author, or an admin of the author's organisation. */
export async function deleteMessage(p: Principal, messageId: string): Promise<void> {
  const { message } = await loadMessage(p, messageId);
  if (!canDeleteMessage(p, message.author)) throw new HttpError('forbidden', 'Only its author or their organisation\'s admin may delete a message.');
  if (message.deleted) return;
  await updateMessage(message.roomId, message.seq, { deleted: true, body: '', attachments: [] });
  domainEvents.publish('room.message.deleted', { roomId: message.roomId, messageId });
}

/** History: after a seq (catch-up) or before one (scrolling back), in seq order. */
export async function history(room: RoomDoc, query: { after?: number; before?: number; limit: number }) {
  const roomId = room._id.toString();
  const rows = query.before !== undefined && query.after === undefined
    ? await messagesBefore(roomId, query.before, query.limit)
    : await messagesAfter(roomId, query.after ?? 0, query.limit, query.before ?? Infinity);
  return rows.map(presentMessage);
}
