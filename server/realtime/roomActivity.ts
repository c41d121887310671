import type { Logger } from 'pino';
import { domainEvents } from '../events.js';
import type { RoomCache } from '../services/rooms/roomCache.js';
import { organisationRoom, situationRoom } from './rooms.js';
import type { HubServer } from './types.js';

/** At most one `room:activity` per room in this window (the first at once, the latest at its end). */
const WINDOW_MS = 2_000;

/**
 * Tells the members of a room who do not have it open that it moved on: `room:activity {roomId,
 * lastSeq, at}` (no content) to the sockets of its organisations outside the situation room, so unread
 * counts in the navigation and the rooms list grow live. A busy room costs one emission per window,
 * not one per message. Emitted by the process that stored the message (its room's writer).
 */
export function relayRoomActivity(io: HubServer, cache: RoomCache, log: Logger): () => void {
  const pending = new Map<string, { lastSeq: number; at: string; timer: NodeJS.Timeout | null }>();

  const emit = async (roomId: string, lastSeq: number, at: string) => {
    const room = await cache.recent(roomId);
    if (!room || room.organisations.length === 0) return;
    io.to(room.organisations.map((id) => organisationRoom(id.toString())))
      .except(situationRoom(roomId))
      .emit('room:activity', { roomId, lastSeq, at });
  };
  const send = (roomId: string, lastSeq: number, at: string) =>
    emit(roomId, lastSeq, at).catch((error: unknown) => log.warn({ err: error, roomId }, 'room activity not relayed'));

  const unsubscribe = domainEvents.subscribe('room.message', (event) => {
    if (event.kind !== 'new') return;
    const { seq, createdAt } = event.message;
    const held = pending.get(event.roomId);
    if (held) {
      // Inside the window: remember the latest; the window's end sends it.
      if (seq > held.lastSeq) Object.assign(held, { lastSeq: seq, at: createdAt });
      if (!held.timer) {
        held.timer = setTimeout(() => flush(event.roomId), WINDOW_MS);
        held.timer.unref();
      }
      return;
    }
    void send(event.roomId, seq, createdAt);
    pending.set(event.roomId, { lastSeq: seq, at: createdAt, timer: null });
    setTimeout(() => {
      const after = pending.get(event.roomId);
      if (after && !after.timer) pending.delete(event.roomId);
    }, WINDOW_MS).unref();
  });
  const flush = (roomId: string) => {
    const held = pending.get(roomId);
    pending.delete(roomId);
    if (held) void send(roomId, held.lastSeq, held.at);
  };

  return () => {
    unsubscribe();
    for (const held of pending.values()) if (held.timer) clearTimeout(held.timer);
    pending.clear();
  };
}
