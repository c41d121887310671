import type { NotificationService } from '../notifications/service.js';
import type { RateLimiter } from '../rateLimit.js';
import { ReadMarkers } from './readMarkers.js';
import { RoomCache } from './roomCache.js';
import { MessageWriter } from './writer.js';

/**
 * What a process holds for its situation rooms: the message limiter, the read markers gathered in
 * memory, the writer (with, on a multi-process hub, its route to each room's writer process) and the
 * short-lived room copies of the socket handlers. Built once by the hub (hub.ts) and passed to the
 * routes and the sockets.
 */
export interface RoomRuntime {
  limiter: RateLimiter;
  markers: ReadMarkers;
  writer: MessageWriter;
  cache: RoomCache;
  /** Where `room.added` (and later `room.mention`) are asked for. */
  notifications: NotificationService;
  /** Writes the gathered read markers and lets go of the limiter (before the database closes). */
  close(): Promise<void>;
}

/** Builds a process's room runtime around its message limiter. */
export function createRoomRuntime(limiter: RateLimiter, notifications: NotificationService): RoomRuntime {
  const markers = new ReadMarkers();
  const writer = new MessageWriter(markers);
  const cache = new RoomCache();
  return {
    limiter,
    markers,
    writer,
    cache,
    notifications,
    async close() {
      writer.close();
      cache.close();
      await markers.flush().catch(() => undefined);
      await limiter.close();
    },
  };
}
