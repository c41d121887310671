import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { Domain } from '../domain.js';
import { connectRedisFanout, type RedisFanout } from './adapter.js';
import { domainEvents } from '../events.js';
import { bridgeDomainEvents } from './domainEvents.js';
import { authenticateHandshake, confirmSession, refusal } from './handshake.js';
import { hubRedisPrefix } from '../http/rateLimits.js';
import { secureSocketIoAnswers } from '../http/security.js';
import type { RoomRuntime } from '../services/rooms/runtime.js';
import { relayRoomActivity } from './roomActivity.js';
import { attachRoomHandlers, socketLimiters, type SocketLimits } from './roomHandlers.js';
import { routeRoomWriters } from './roomWriters.js';
import { startSessionSweep } from './sessionSweep.js';
import type { HubServer } from './types.js';

const MAX_MESSAGE_BYTES = 1024 * 1024;
const MAX_SOCKETS_PER_USER = 20;

/** The running real-time layer. */
export interface Realtime {
  io: HubServer;
  close(): Promise<void>;
}

/**
 * Attaches socket.io to the hub's HTTP server: same-origin only, the HTTP token check at the handshake,
 * domain events mapped to rooms, and (with REDIS_URL) fan-out across processes through Redis.
 */
export async function attachRealtime(server: HttpServer, domain: Domain, log: Logger, limits: SocketLimits, rooms: RoomRuntime): Promise<Realtime> {
  const { config, principals } = domain;
  const redis: RedisFanout | undefined = config.redisUrl ? await connectRedisFanout(config.redisUrl, log) : undefined;
  // No `cors` option: the web app is served from the same origin, so no CORS header is ever sent.
  const io: HubServer = new Server(server, {
    path: '/socket.io',
    serveClient: false,
    perMessageDeflate: false,
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    ...(redis ? { adapter: redis.adapter } : {}),
  });
  secureSocketIoAnswers(server, '/socket.io');

  // A user's sockets on this process are capped: a client opening connections without end is refused.
  const socketsOf = new Map<string, number>();
  io.use(authenticateHandshake(principals, config.jwtSecret, log));
  io.use((socket, next) => {
    next((socketsOf.get(socket.data.principal.userId) ?? 0) >= MAX_SOCKETS_PER_USER ? refusal('rate_limited') : undefined);
  });
  const perSocket = socketLimiters();
  io.on('connection', (socket) => {
    const { userId, sessionId } = socket.data.principal;
    socketsOf.set(userId, (socketsOf.get(userId) ?? 0) + 1);
    log.debug({ userId, sessionId, socketId: socket.id }, 'socket connected');
    socket.on('disconnect', (reason) => {
      const left = (socketsOf.get(userId) ?? 1) - 1;
      if (left > 0) socketsOf.set(userId, left);
      else socketsOf.delete(userId);
      log.debug({ userId, socketId: socket.id, reason }, 'socket disconnected');
    });
    attachRoomHandlers(socket, principals, log, { ...limits, ...perSocket }, rooms);
    void confirmSession(principals, socket, config.jwtSecret, log);
  });
  const unsubscribe = bridgeDomainEvents(io, log);
  const stopActivity = relayRoomActivity(io, rooms.cache, log);
  const stopSweep = startSessionSweep(io, domain.principals, log);
  // Sockets keep their principal between events (principals.ts): a changed user is re-read everywhere.
  const unsubscribeUsers = domainEvents.subscribe('user.changed', (event) => {
    principals.forget({ userId: event.userId });
    if (redis) io.serverSideEmit('user:changed', event.userId);
  });
  io.on('user:changed', (userId) => principals.forget({ userId }));
  // The other processes keep rooms in memory too (services/rooms/roomCache.ts): tell them of a change.
  const unsubscribeRooms = redis ? domainEvents.subscribe('room.changed', (event) => io.serverSideEmit('room:changed', event.roomId)) : () => undefined;
  io.on('room:changed', (roomId) => rooms.cache.forget(roomId));
  // Each room's messages are stored by one process at a time (roomWriters.ts).
  const writers = redis ? routeRoomWriters(io, redis.commands, hubRedisPrefix(config, 'rw', 'rooms'), log, rooms.writer) : undefined;

  let closing: Promise<void> | undefined;
  return {
    io,
    close() {
      closing ??= (async () => {
        unsubscribe();
        stopActivity();
        stopSweep();
        unsubscribeRooms();
        unsubscribeUsers();
        await writers?.close();
        await io.close(); // closes every socket (and the HTTP server, which the hub closes again harmlessly)
        await redis?.close();
      })();
      return closing;
    },
  };
}
