import type { Logger } from 'pino';
import type { z } from 'zod';
import type { AckAnswer } from '../../shared/events.js';
import { DeletePayload, EditPayload, HistoryPayload, ReactPayload, RoomIdPayload, SendPayload, TypingPayload } from '../../shared/schemas/rooms.js';
import type { Principal } from '../auth/principal.js';
import type { PrincipalCache } from '../auth/principalCache.js';
import { notFound, rateLimited, toHttpError } from '../http/errors.js';
import { parseOrThrow } from '../http/validate.js';
import { isRoomMember } from '../policies/room.js';
import { memoryRateLimiter, type RateLimiter } from '../services/rateLimit.js';
import { deleteMessage, editMessage, reactToMessage, sendMessage } from '../services/rooms/commands.js';
import { history, lastSeq } from '../services/rooms/queries.js';
import type { RoomRuntime } from '../services/rooms/runtime.js';
import { principalOf } from './principals.js';
import { situationRoom } from './rooms.js';
import type { HubSocket } from './types.js';

type AnyAck = (answer: AckAnswer<object>) => void;

/** The budgets socket calls draw on besides §8's message limit. */
export interface SocketLimits {
  /** The user's write budget, shared with the API's writes (key `user:<id>`). */
  writes: RateLimiter;
}

/** This process's budgets of each socket (`socketLimiters`). */
interface PerSocket {
  calls: RateLimiter;
  typing: RateLimiter;
}

// A socket may make at most this many acknowledged calls in any 10 s (joins and history reads cost the
// database; a client that floods them is refused with rate_limited), and relays `typing` at most 5 times
// in 5 s per room — a burst as when one types, sends and types again, but a flood is dropped (volatile
// events may be).
const CALLS_PER_WINDOW = 300;
const CALL_WINDOW_MS = 10_000;

/** The per-socket budgets of one real-time layer: acknowledged calls, and `typing` relays per room. */
export function socketLimiters(): PerSocket {
  return { calls: memoryRateLimiter(CALLS_PER_WINDOW, CALL_WINDOW_MS), typing: memoryRateLimiter(5, 5_000) };
}

/** Counts a change against the user's write budget; 429 when it is spent. */
async function takeWrite(limits: SocketLimits, p: Principal): Promise<void> {
  const verdict = await limits.writes.attempt(`user:${p.user._id.toString()}`);
  if (!verdict.allowed) throw rateLimited('Too many changes in a short time; slow down and try again shortly.', verdict.retryAfterMs);
}

/** A room the principal is a member of, or 404 (never 403: non-members do not learn it exists). */
async function memberRoom(rooms: RoomRuntime, p: Principal, roomId: string) {
  const room = await rooms.cache.recent(roomId);
  if (!room || !isRoomMember(p, room)) throw notFound('room');
  return room;
}

/**
 * Wires one acknowledged event: validates the payload with its schema, runs the action, and answers
 * `{ok: true, ...}` or `{ok: false, error}` with the codes of §2 — never a stack trace.
 */
function handle<S extends z.ZodType>(
  socket: HubSocket,
  principals: PrincipalCache,
  log: Logger,
  calls: RateLimiter,
  event: string,
  schema: S,
  action: (payload: z.infer<S>, p: Principal) => Promise<object>,
): void {
  const on = socket.on.bind(socket) as unknown as (name: string, listener: (payload: unknown, ack: unknown) => void) => void;
  on(event, (payload: unknown, ack: unknown) => {
    const reply: AnyAck = typeof ack === 'function' ? (ack as AnyAck) : () => undefined;
    void (async () => {
      try {
        const call = await calls.attempt(socket.id);
        if (!call.allowed) throw rateLimited('Too many requests on this connection; slow down.', call.retryAfterMs);
        const valid = parseOrThrow(schema, payload, 'payload');
        const result = await action(valid, await principalOf(principals, socket));
        reply({ ok: true, ...result });
      } catch (error) {
        const http = toHttpError(error);
        if (http.status >= 500) log.error({ err: error, event }, 'socket event failed');
        reply({ ok: false, error: { code: http.code, message: http.message } });
      }
    })();
  });
}

/** The situation-room events of §8 on one socket. */
export function attachRoomHandlers(socket: HubSocket, principals: PrincipalCache, log: Logger, limits: SocketLimits & PerSocket, rooms: RoomRuntime): void {
  const on = <S extends z.ZodType>(event: string, schema: S, action: (payload: z.infer<S>, p: Principal) => Promise<object>) => {
    handle(socket, principals, log, limits.calls, event, schema, action);
  };
  on('room:join', RoomIdPayload, async (roomId, p) => {
    await memberRoom(rooms, p, roomId);
    await socket.join(situationRoom(roomId));
    return { lastSeq: await lastSeq(roomId) };
  });

  on('room:leave', RoomIdPayload, async (roomId) => {
    await socket.leave(situationRoom(roomId));
    return {};
  });

  on('message:send', SendPayload, async (payload, p) => {
    const room = await memberRoom(rooms, p, payload.roomId);
    return { message: await sendMessage(rooms, p, room, payload) };
  });

  on('message:edit', EditPayload, async (payload, p) => {
    await takeWrite(limits, p);
    return { message: await editMessage(rooms, p, payload.messageId, payload.body) };
  });

  on('message:delete', DeletePayload, async (payload, p) => {
    await takeWrite(limits, p);
    await deleteMessage(rooms, p, payload.messageId);
    return {};
  });

  on('message:react', ReactPayload, async (payload, p) => {
    await takeWrite(limits, p);
    return { message: await reactToMessage(rooms, p, payload.messageId, payload.emoji) };
  });

  on('room:history', HistoryPayload, async (payload, p) => {
    const room = await memberRoom(rooms, p, payload.roomId);
    return { messages: await history(room, { after: payload.afterSeq, limit: payload.limit }) };
  });

  // Volatile and unacknowledged: only a socket that joined the room may say it is typing there.
  socket.on('typing', (payload: unknown) => {
    const parsed = TypingPayload.safeParse(payload);
    if (!parsed.success || !socket.rooms.has(situationRoom(parsed.data.roomId))) return;
    const { roomId } = parsed.data;
    void limits.typing.take(`${socket.id}:${roomId}`).then((relay) => {
      if (!relay) return;
      const { userId, name, organisationId } = socket.data.principal;
      socket.to(situationRoom(roomId)).volatile.emit('typing', { roomId, user: { id: userId, name, organisationId } });
    });
  });
}
