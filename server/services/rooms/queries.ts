import type { RoomMembers, RoomReads } from '../../../shared/schemas/rooms.js';
import type { Principal } from '../../auth/principal.js';
import { HttpError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/paging.js';
import { memberRoomsFilter } from '../../policies/room.js';
import { presentMessage, presentRoom } from '../../presenters/room.js';
import { lastMessageAt, lastSeq, messagesAfter, messagesBefore } from '../../repositories/messages.js';
import { roomOrNull, roomsPage, type RoomDoc } from '../../repositories/rooms.js';
import type { RoomRuntime } from './runtime.js';

export { lastSeq } from '../../repositories/messages.js';

/** Loads a room or answers 404. */
export async function findRoom(id: string): Promise<RoomDoc> {
  const room = await roomOrNull(id);
  if (!room) throw notFound('room');
  return room;
}

/** The unread count of `userId` in a room that ends at `last`. */
async function unreadOf(rooms: RoomRuntime, roomId: string, userId: string, last: number): Promise<number> {
  return Math.max(0, last - (await rooms.markers.readUpTo(roomId, userId)));
}

/** The highest seq of each room in which an unread `room.mention` notification of the user points. */
async function mentionsOf(rooms: RoomRuntime, userId: string): Promise<Map<string, number>> {
  const { notifications } = rooms.repos;
  const unread = await notifications.unreadAbove(userId, (await notifications.watermark(userId)).seq);
  const out = new Map<string, number>();
  for (const n of unread) {
    if (n.type !== 'room.mention' || !n.roomId) continue;
    out.set(n.roomId, Math.max(out.get(n.roomId) ?? 0, n.messageSeq ?? 0));
  }
  return out;
}

/**
 * `GET /api/rooms`: the rooms of the user's organisation, each with the user's unread count, when its
 * last message was written, and whether an unread message mentions the user (§8 v2).
 */
export async function listRooms(rooms: RoomRuntime, p: Principal, query: { limit: number; cursor?: string }) {
  const after = query.cursor ? String(decodeCursor(query.cursor, ['string'])[0]) : undefined;
  const rows = await roomsPage(memberRoomsFilter(p), query.limit, after);
  if (!rows) throw new HttpError('invalid_request', 'cursor: is not a cursor this list gave out.');
  const page = toPage(
    rows,
    query.limit,
    (r) => [r._id.toString()],
    (r) => r,
  );
  const userId = p.user._id.toString();
  const mentions = await mentionsOf(rooms, userId);
  const items = await Promise.all(
    page.items.map(async (room) => {
      const roomId = room._id.toString();
      const [last, lastAt, readUpTo] = await Promise.all([lastSeq(roomId), lastMessageAt(roomId), rooms.markers.readUpTo(roomId, userId)]);
      const mentioned = (mentions.get(roomId) ?? 0) > readUpTo;
      return presentRoom(room, last, Math.max(0, last - readUpTo), { lastMessageAt: lastAt, mentioned });
    }),
  );
  return { items, nextCursor: page.nextCursor };
}

/** `GET /api/rooms/:id`. */
export async function describeRoom(rooms: RoomRuntime, p: Principal, room: RoomDoc) {
  const last = await lastSeq(room._id.toString());
  return presentRoom(room, last, await unreadOf(rooms, room._id.toString(), p.user._id.toString(), last));
}

/** History: after a seq (catch-up) or before one (scrolling back), in seq order. */
export async function history(room: RoomDoc, query: { after?: number; before?: number; limit: number }) {
  const roomId = room._id.toString();
  const rows =
    query.before !== undefined && query.after === undefined
      ? await messagesBefore(roomId, query.before, query.limit)
      : await messagesAfter(roomId, query.after ?? 0, query.limit, query.before ?? Infinity);
  return rows.map(presentMessage);
}

/** `GET /api/rooms/:id/reads` (§8 v2): per organisation of the room, the furthest any of its users read. */
export async function roomReads(rooms: RoomRuntime, room: RoomDoc): Promise<RoomReads> {
  const organisations = room.organisations.map(String);
  const reads = await rooms.markers.organisationReads(room._id.toString(), organisations);
  return { items: organisations.map((organisationId) => ({ organisationId, readSeq: reads.get(organisationId) ?? 0 })) };
}

/** `GET /api/rooms/:id/members`: the active users of the room's organisations (whom a message may mention). */
export async function roomMembers(rooms: RoomRuntime, room: RoomDoc): Promise<RoomMembers> {
  const users = await rooms.repos.users.activeAmong(room.organisations.map(String), []);
  const named = await rooms.repos.users.findMany(users.map((u) => u.id));
  const items = named.map((u) => ({ id: u._id.toString(), name: u.name, organisationId: u.organisationId.toString() }));
  return { items: items.sort((a, b) => a.name.localeCompare(b.name)) };
}
