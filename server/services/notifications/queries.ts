import type { Principal } from '../../auth/principal.js';
import type { NotificationSummary } from '../../../shared/schemas/notifications.js';
import type { Domain } from '../../domain.js';
import { decodeCursor, encodeCursor } from '../../http/paging.js';
import { memberRoomsFilter } from '../../policies/room.js';
import { presentNotification } from '../../presenters/notification.js';
import { lastSeq } from '../../repositories/messages.js';
import type { StoredNotification } from '../../repositories/notifications.js';
import { roomsPage } from '../../repositories/rooms.js';
import type { RoomRuntime } from '../rooms/runtime.js';
import { subjectReader } from './subjects.js';

/** A user's notifications whose subject they still see, newest first, below `below`, until `enough` says stop. */
async function visibleNewest(domain: Domain, p: Principal, below: number, unreadOnly: boolean, enough: (rows: StoredNotification[]) => boolean) {
  const userId = p.user._id.toString();
  const { notifications } = domain.repos;
  const [head, watermark] = await Promise.all([notifications.head(userId), notifications.watermark(userId)]);
  const sees = subjectReader(domain.repos, p);
  const floor = unreadOnly ? watermark.seq : 0;
  const out: StoredNotification[] = [];
  let from = Math.min(below, head + 1);
  while (!enough(out)) {
    const rows = await notifications.newest(userId, from, floor, 200, unreadOnly);
    const current = await Promise.all(rows.map((row) => sees(row.subject)));
    rows.forEach((row, i) => {
      const subject = current[i];
      if (subject) out.push({ ...row, subject });
    });
    if (rows.length < 200) break;
    from = rows[rows.length - 1]!.seq;
  }
  return { rows: out, watermark };
}

/** `GET /api/notifications`: the caller's own, newest first, paged by seq; `unread` keeps the unread ones. */
export async function listNotifications(domain: Domain, p: Principal, query: { unread?: 'true' | 'false'; limit: number; cursor?: string }) {
  const below = query.cursor ? Number(decodeCursor(query.cursor, ['number'])[0]) : Infinity;
  const { rows, watermark } = await visibleNewest(domain, p, below, query.unread === 'true', (out) => out.length > query.limit);
  const page = rows.slice(0, query.limit);
  const more = rows.length > query.limit;
  return { items: page.map((row) => presentNotification(row, watermark)), nextCursor: more ? encodeCursor([page[page.length - 1]!.seq]) : null };
}

/**
 * `GET /api/notifications/summary`: unread notifications whose subject the caller still sees, and the
 * rooms with unread messages or mentions (`lastSeq` beside, so the app can count `room:activity` on).
 * Reads each block above the read-all watermark once and checks each subject once.
 */
export async function notificationSummary(domain: Domain, rooms: RoomRuntime, p: Principal): Promise<NotificationSummary> {
  const userId = p.user._id.toString();
  const { notifications } = domain.repos;
  const watermark = await notifications.watermark(userId);
  const unread = await notifications.unreadAbove(userId, watermark.seq);
  const sees = subjectReader(domain.repos, p);
  const visible = await Promise.all(unread.map(async (row) => (await sees(row.subject)) !== null));
  const counted = unread.filter((_, i) => visible[i]);
  const mentioned = new Set(counted.filter((row) => row.type === 'room.mention' && row.roomId).map((row) => row.roomId!));
  const memberOf = (await roomsPage(memberRoomsFilter(p), 1000)) ?? [];
  const perRoom = await Promise.all(
    memberOf.map(async (room) => {
      const roomId = room._id.toString();
      const [last, readUpTo] = await Promise.all([lastSeq(roomId), rooms.markers.readUpTo(roomId, userId)]);
      return { roomId, unread: Math.max(0, last - readUpTo), mentioned: mentioned.has(roomId), lastSeq: last };
    }),
  );
  return { unread: counted.length, rooms: perRoom.filter((r) => r.unread > 0 || r.mentioned) };
}

/** `GET /api/me/watch`. */
export async function watchedCountries(domain: Domain, p: Principal) {
  return { countries: await domain.repos.watches.of(p.user._id.toString()) };
}
