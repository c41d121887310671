import type { Repositories } from '../../repositories/index.js';
import type { NotificationService } from '../notifications/service.js';
import type { RateLimiter } from '../rateLimit.js';
import { BlockIndexer, messageFollowUps } from './followUps.js';
import { ReadMarkers } from './readMarkers.js';
import { RoomCache } from './roomCache.js';
import { SerialQueues } from './serial.js';
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
  /** Changes of a room's messages (edits, deletes, reactions), one after another per room. */
  changes: SerialQueues;
  /** Builds the word index of full blocks a search found without one. */
  indexer: BlockIndexer;
  /** What rooms check against: documents' audiences (attachments), organisations' states, users (mentions, members). */
  repos: Pick<Repositories, 'documents' | 'organisations' | 'users' | 'notifications'>;
  /** Where `room.added` and `room.mention` are asked for. */
  notifications: NotificationService;
  /** Writes the gathered read markers and lets go of the limiter (before the database closes). */
  close(): Promise<void>;
}

/**
 * Builds a process's room runtime around its message limiter, the repositories rooms check against and
 * the notifications it asks for; `failed` hears what went wrong after a send was answered (mentions, index, read markers).
 */
export function createRoomRuntime(
  limiter: RateLimiter,
  repos: RoomRuntime['repos'],
  notifications: NotificationService,
  failed: (error: unknown) => void = () => undefined,
): RoomRuntime {
  const markers = new ReadMarkers(failed);
  const cache = new RoomCache();
  const indexer = new BlockIndexer(failed);
  const writer = new MessageWriter(markers, messageFollowUps(cache, notifications, indexer, failed));
  return {
    limiter,
    markers,
    writer,
    cache,
    changes: new SerialQueues(),
    indexer,
    repos,
    notifications,
    async close() {
      writer.close();
      cache.close();
      await markers.close().catch(() => undefined);
      await limiter.close();
    },
  };
}
