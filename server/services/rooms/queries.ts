import type { Principal } from '../../auth/principal.js';
import { HttpError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/paging.js';
import { memberRoomsFilter } from '../../policies/room.js';
import { presentMessage, presentRoom } from '../../presenters/room.js';
import { lastSeq, messagesAfter, messagesBefore } from '../../repositories/messages.js';
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

/** `GET /api/rooms`: the rooms of the user's organisation, each with the user's unread count. */
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
  const items = await Promise.all(
    page.items.map(async (room) => {
      const last = await lastSeq(room._id.toString());
      return presentRoom(room, last, await unreadOf(rooms, room._id.toString(), userId, last));
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
