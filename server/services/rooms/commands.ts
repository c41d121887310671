import type { Principal } from '../../auth/principal.js';
import { DEFAULT_TLP, type TlpLevel } from '../../../shared/sharing.js';
import { domainEvents } from '../../events.js';
import { HttpError, notFound, rateLimited } from '../../http/errors.js';
import { canDeleteMessage, canEditMessage, isRoomMember } from '../../policies/room.js';
import { presentMessage, presentRoom } from '../../presenters/room.js';
import { findMessage, lastSeq, updateMessage, type StoredMessage } from '../../repositories/messages.js';
import { markStale } from '../../repositories/messageSearch.js';
import * as roomStore from '../../repositories/rooms.js';
import type { RoomDoc } from '../../repositories/rooms.js';
import { recordAudit } from '../audit.js';
import { actorOf, actorView, type ActionContext } from '../context.js';
import { isCountryCode } from '../countries.js';
import { checkAttachments } from './attachments.js';
import { checkMentions, checkReplyTo, toggleReaction } from './messageRules.js';
import { describeRoom } from './queries.js';
import type { RoomRuntime } from './runtime.js';

type Signed = ActionContext & { principal: Principal };

/** What a sender sends (§8). */
export interface Outgoing {
  body: string;
  clientMsgId?: string;
  attachments?: string[];
  replyTo?: number | null;
  mentions?: string[];
}

/** Checks the organisations of a room: existing and active; the creator's is always added. */
async function roomOrganisations(rooms: RoomRuntime, ids: string[], creatorOrganisation: string): Promise<string[]> {
  const unique = [...new Set([creatorOrganisation, ...ids])];
  const [bad] = await rooms.repos.organisations.inactiveAmong(unique);
  if (bad) throw new HttpError('invalid_request', `organisations: ${bad} is not an active organisation.`);
  return unique;
}

/** `room.added` for the users of organisations added to a room (never the actor), stored (§11). */
function notifyAdded(rooms: RoomRuntime, ctx: Signed, room: RoomDoc, organisationIds: string[]): Promise<void> {
  const roomId = room._id.toString();
  return rooms.notifications.request({
    type: 'room.added',
    actor: actorView(ctx.principal),
    organisationIds,
    roomId,
    subject: { kind: 'room', id: roomId, country: room.country ?? null, title: room.name, classification: null },
  });
}

/** Tells the sockets of organisations that see a room, before or after a change, that it changed (§11 live lists). */
function roomChanged(room: RoomDoc, organisationIds: string[]): void {
  domainEvents.publish('item.changed', { kind: 'room', id: room._id.toString(), organisationIds });
}

/** `POST /api/rooms`: a room for a situation; the creator's organisation is always a member. */
export async function createRoom(rooms: RoomRuntime, ctx: Signed, body: { name: string; country?: string | null; organisations: string[]; tlp?: TlpLevel }) {
  const p = ctx.principal;
  if (body.country && !isCountryCode(body.country))
    throw new HttpError('invalid_request', `country: ${body.country} is not an ISO 3166-1 alpha-3 country code.`);
  const creatorOrganisation = p.organisation._id.toString();
  const organisations = await roomOrganisations(rooms, body.organisations, creatorOrganisation);
  const room = await roomStore.insertRoom({
    name: body.name,
    country: body.country ?? null,
    organisations,
    createdBy: p.user._id,
    createdByOrganisation: p.organisation._id,
    createdAt: new Date(),
    archived: false,
    tlp: body.tlp ?? DEFAULT_TLP,
  });
  await recordAudit({
    actor: actorOf(ctx),
    action: 'room.create',
    ip: ctx.ip,
    outcome: 'success',
    target: { type: 'room', id: room._id.toString(), organisationId: creatorOrganisation },
    details: { organisations: organisations.length },
  });
  roomChanged(room, organisations);
  await notifyAdded(
    rooms,
    ctx,
    room,
    organisations.filter((id) => id !== creatorOrganisation),
  );
  return presentRoom(room, 0, 0);
}

/**
 * `PATCH /api/rooms/:id`: rename, change organisations, archive. Organisations taken out lose the
 * room at once: their sockets leave it (`room:removed`) on every process.
 */
export async function updateRoom(
  rooms: RoomRuntime,
  ctx: Signed,
  room: RoomDoc,
  change: { name?: string; organisations?: string[]; archived?: boolean; tlp?: TlpLevel },
) {
  const before = room.organisations.map(String);
  const creatorOrganisation = room.createdByOrganisation.toString();
  const organisations = change.organisations === undefined ? undefined : await roomOrganisations(rooms, change.organisations, creatorOrganisation);
  const updated = await roomStore.updateRoom(room._id, { name: change.name, archived: change.archived, tlp: change.tlp, organisations });
  if (!updated) throw notFound('room');
  const after = updated.organisations.map(String);
  const removed = before.filter((id) => !after.includes(id));
  const added = after.filter((id) => !before.includes(id));
  await recordAudit({
    actor: actorOf(ctx),
    action: 'room.update',
    ip: ctx.ip,
    outcome: 'success',
    target: { type: 'room', id: room._id.toString(), organisationId: creatorOrganisation },
    details: {
      added: added.join(','),
      removed: removed.join(','),
      archived: updated.archived,
      renamed: change.name !== undefined,
      tlp: updated.tlp ?? DEFAULT_TLP,
    },
  });
  domainEvents.publish('room.changed', { roomId: room._id.toString() });
  if (removed.length > 0) domainEvents.publish('room.removed', { roomId: room._id.toString(), organisationIds: removed });
  roomChanged(updated, [...new Set([...before, ...after])]);
  await notifyAdded(rooms, ctx, updated, added);
  return describeRoom(rooms, ctx.principal, updated);
}

/** `POST /api/rooms/:id/read`: the user has read up to `seq` (markers only move forward). */
export async function markRead(p: Principal, room: RoomDoc, seq: number): Promise<void> {
  const roomId = room._id.toString();
  const last = await lastSeq(roomId);
  const upTo = Math.min(seq, last);
  await Promise.all([
    roomStore.advanceReadMarkers([{ roomId, id: p.user._id.toString(), seq: upTo }]),
    roomStore.advanceOrganisationReads([{ roomId, id: p.organisation._id.toString(), seq: upTo }]),
  ]);
}

/**
 * Stores a message and only then answers (the acknowledgement means "stored"). Archived rooms take
 * no messages (403); beyond 20 messages in 10 seconds the sender is refused and nothing is stored; a
 * repeat of a `clientMsgId` answers the first message and stores nothing new.
 */
export async function sendMessage(rooms: RoomRuntime, p: Principal, room: RoomDoc, outgoing: Outgoing) {
  if (room.archived) throw new HttpError('forbidden', 'This room is archived; it takes no new messages.');
  const attachments = await checkAttachments(rooms.repos, room, outgoing.attachments ?? [], p.organisation._id.toString());
  const replyTo = await checkReplyTo(room, outgoing.replyTo ?? null);
  const mentions = await checkMentions(rooms.repos.users, room, outgoing.mentions ?? []);
  const userId = p.user._id.toString();
  const slot = await rooms.limiter.attempt(userId);
  if (!slot.allowed) throw rateLimited('You are sending too fast: at most 20 messages in 10 seconds.', slot.retryAfterMs);
  const roomId = room._id.toString();
  const draft = {
    roomId,
    author: { id: userId, name: p.user.name, organisationId: p.organisation._id.toString() },
    body: outgoing.body,
    attachments,
    clientMsgId: outgoing.clientMsgId ?? null,
    createdAt: new Date(),
    editedAt: null,
    deleted: false,
    replyTo,
    mentions,
  };
  const key = outgoing.clientMsgId ? `${userId}:${outgoing.clientMsgId}` : undefined;
  return rooms.writer.store(draft, key);
}

/**
 * Parses `<roomId>:<seq>`, loads the message for a member of its room (404 otherwise) and runs `change`
 * on it after the other changes of the room's messages in this process (services/rooms/serial.ts).
 */
async function changeMessage<T>(
  rooms: RoomRuntime,
  p: Principal,
  messageId: string,
  change: (loaded: { room: RoomDoc; message: StoredMessage }) => Promise<T>,
) {
  const [roomId, seqText] = messageId.split(':');
  const room = await roomStore.roomOrNull(roomId!);
  if (!room || !isRoomMember(p, room)) throw notFound('message');
  return rooms.changes.run(roomId!, async () => {
    const message = await findMessage(roomId!, Number(seqText));
    if (!message) throw notFound('message');
    return change({ room, message });
  });
}

/** `message:edit`: the author only; a deleted message stays deleted. The earlier body is kept (the transcript's `edits`). */
export function editMessage(rooms: RoomRuntime, p: Principal, messageId: string, body: string) {
  return changeMessage(rooms, p, messageId, async ({ room, message }) => {
    if (!canEditMessage(p, message.author.id) || message.deleted) throw new HttpError('forbidden', 'Only its author may edit a message.');
    if (room.archived) throw new HttpError('forbidden', 'This room is archived.');
    const edits = [...(message.edits ?? []), { body: message.body, at: message.editedAt ?? message.createdAt }];
    await markStale(message.roomId, message.seq);
    const updated = await updateMessage(message.roomId, message.seq, { body, editedAt: new Date(), edits });
    const view = presentMessage(updated!);
    domainEvents.publish('room.message', { roomId: message.roomId, kind: 'updated', message: view });
    return view;
  });
}

/** `message:delete`: the author, or an admin of the author's organisation; its text and earlier texts go. */
export function deleteMessage(rooms: RoomRuntime, p: Principal, messageId: string): Promise<void> {
  return changeMessage(rooms, p, messageId, async ({ message }) => {
    if (!canDeleteMessage(p, message.author)) throw new HttpError('forbidden', "Only its author or their organisation's admin may delete a message.");
    if (message.deleted) return;
    await markStale(message.roomId, message.seq);
    await updateMessage(message.roomId, message.seq, { deleted: true, body: '', attachments: [], edits: [], mentions: [], reactions: [] });
    domainEvents.publish('room.message.deleted', { roomId: message.roomId, messageId });
  });
}

/** `message:react` (§8 v2): toggles the caller's reaction; any member, on a live message of a room not archived. */
export function reactToMessage(rooms: RoomRuntime, p: Principal, messageId: string, emoji: string) {
  return changeMessage(rooms, p, messageId, async ({ room, message }) => {
    if (message.deleted) throw new HttpError('forbidden', 'This message was deleted.');
    if (room.archived) throw new HttpError('forbidden', 'This room is archived.');
    const updated = await updateMessage(message.roomId, message.seq, { reactions: toggleReaction(message.reactions ?? [], emoji, p.user._id.toString()) });
    const view = presentMessage(updated!);
    domainEvents.publish('room.message', { roomId: message.roomId, kind: 'updated', message: view });
    return view;
  });
}
