import { domainEvents } from '../../events.js';
import { roomOrNull, type RoomDoc } from '../../repositories/rooms.js';

// Rooms as the socket handlers see them, kept for a few seconds so that a busy room does not read its
// room document for every message. A change to a room (members, archive, name) forgets it here at once,
// and on the other processes of the hub through socket.io's server-side events (realtime/index.ts);
// the time limit bounds how long a lost cross-process notice could leave a stale copy.
const TTL_MS = 5_000;
const MAX_ROOMS = 5_000;

/** The process's short-lived copies of rooms. */
export class RoomCache {
  private readonly cache = new Map<string, { room: RoomDoc; at: number }>();
  private readonly unsubscribe = domainEvents.subscribe('room.changed', (event) => this.forget(event.roomId));

  /** The room (null when there is none), from memory when it was read in the last seconds. */
  async recent(id: string): Promise<RoomDoc | null> {
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.room;
    const room = await roomOrNull(id);
    if (!room) return null;
    if (this.cache.size >= MAX_ROOMS) this.cache.clear();
    this.cache.set(id, { room, at: Date.now() });
    return room;
  }

  /** Drops a room from memory: it changed. */
  forget(id: string): void {
    this.cache.delete(id);
  }

  /** Stops listening for changes. */
  close(): void {
    this.unsubscribe();
  }
}
