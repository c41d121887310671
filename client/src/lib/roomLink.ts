/**
 * The situation-room side of the realtime socket (contract §8): typed, acknowledged calls with a
 * deadline, and the room events handed to whoever listens, whichever socket is current.
 */
import type { Socket } from 'socket.io-client';
import type { ErrorCode } from '../../../shared/errors.js';
import type { AckAnswer, ClientToServerEvents, RoomMessage, ServerToClientEvents } from '../../../shared/events.js';

/** The socket with the hub's typed event maps. */
export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Why a call did not get its answer: a contract code, or the link itself (`disconnected`, `timeout`). */
export type LinkErrorCode = ErrorCode | 'disconnected' | 'timeout';

/** A socket call that failed; `transient` failures are worth trying again on the next connection. */
export class LinkError extends Error {
  constructor(
    readonly code: LinkErrorCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'LinkError';
  }

  /** Whether trying again later may succeed (the link dropped, the hub was busy or rate-limited us). */
  get transient(): boolean {
    return ['disconnected', 'timeout', 'rate_limited', 'unavailable', 'internal'].includes(this.code);
  }
}

/** What the link tells its listeners: the room events of §8 plus the link's own ups and downs. */
export interface LinkEvents {
  connect: () => void;
  disconnect: () => void;
  'message:new': ServerToClientEvents['message:new'];
  'message:updated': ServerToClientEvents['message:updated'];
  'message:deleted': ServerToClientEvents['message:deleted'];
  'room:removed': ServerToClientEvents['room:removed'];
  'room:activity': ServerToClientEvents['room:activity'];
  typing: ServerToClientEvents['typing'];
  notification: ServerToClientEvents['notification'];
  /** §11: something the person sees was created, changed, shared with them or taken from them (no content). */
  'assessment.changed': (payload: { id: string }) => void;
  'document.changed': (payload: { id: string }) => void;
  'room.changed': (payload: { id: string }) => void;
  'alert.changed': (payload: { id: string }) => void;
}

type EventName = keyof LinkEvents;
type Handler = (...args: never[]) => void;

// A store that takes longer than this to acknowledge is treated as "not yet": the message stays in the
// outbox and its clientMsgId makes the retry harmless.
const CALL_TIMEOUT_MS = 10_000;
const FORWARDED: EventName[] = [
  'message:new',
  'message:updated',
  'message:deleted',
  'room:removed',
  'room:activity',
  'typing',
  'notification',
  'assessment.changed',
  'document.changed',
  'room.changed',
  'alert.changed',
];

let current: HubSocket | null = null;
let unbind: (() => void) | null = null;
const handlers = new Map<EventName, Set<Handler>>();

function dispatch(event: EventName, args: unknown[]): void {
  for (const handler of [...(handlers.get(event) ?? [])]) {
    try {
      (handler as (...values: unknown[]) => void)(...args);
    } catch (error) {
      // One broken listener must not keep the event from the others.
      console.error(error);
    }
  }
}

/** Makes `socket` the one the rooms use (null on sign-out); realtime.ts calls it. */
export function publishSocket(socket: Socket | null): void {
  unbind?.();
  unbind = null;
  current = socket as HubSocket | null;
  if (!current) return;
  const bound = current;
  const listeners: [string, (...args: unknown[]) => void][] = [
    ['connect', () => dispatch('connect', [])],
    ['disconnect', () => dispatch('disconnect', [])],
    ...FORWARDED.map((event) => [event, (...args: unknown[]) => dispatch(event, args)] as [string, (...args: unknown[]) => void]),
  ];
  const raw = bound as unknown as Socket;
  for (const [event, listener] of listeners) raw.on(event, listener);
  unbind = () => {
    for (const [event, listener] of listeners) raw.off(event, listener);
  };
  if (bound.connected) dispatch('connect', []);
}

/** The current socket, if any. */
export function currentSocket(): HubSocket | null {
  return current;
}

/** Whether the socket is connected right now. */
export function isConnected(): boolean {
  return current?.connected === true;
}

/** Listens to a link event; returns the function that stops listening. */
export function listen<E extends EventName>(event: E, handler: LinkEvents[E]): () => void {
  let set = handlers.get(event);
  if (!set) {
    set = new Set();
    handlers.set(event, set);
  }
  set.add(handler as Handler);
  return () => set.delete(handler as Handler);
}

type Done<T extends object> = (error: Error | null, answer?: AckAnswer<T>) => void;

/** One acknowledged call; never buffered while disconnected (the outbox is the buffer). */
function ask<T extends object>(send: (socket: HubSocket, done: Done<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const socket = current;
    if (!socket?.connected) {
      reject(new LinkError('disconnected'));
      return;
    }
    send(socket, (error, answer) => {
      if (error || !answer) {
        // socket.io says "operation has timed out" or "socket has been disconnected".
        reject(new LinkError(/disconnect/i.test(error?.message ?? '') ? 'disconnected' : 'timeout'));
        return;
      }
      if (answer.ok) resolve(answer);
      else reject(new LinkError(answer.error.code as ErrorCode, answer.error.message));
    });
  });
}

/** `room:join`: the socket receives the room's events; answers the room's last seq. */
export function joinRoom(roomId: string): Promise<{ lastSeq: number }> {
  return ask<{ lastSeq: number }>((s, done) => s.timeout(CALL_TIMEOUT_MS).emit('room:join', roomId, (e, a) => done(e, a)));
}

/** `room:leave` (quietly: leaving a room the link already lost is not an error). */
export function leaveRoom(roomId: string): void {
  if (current?.connected) current.emit('room:leave', roomId, () => undefined);
}

/** `message:send` with its clientMsgId; a repeat answers the message stored the first time. */
export function sendMessage(payload: {
  roomId: string;
  body: string;
  clientMsgId: string;
  replyTo?: number | null;
  mentions?: string[];
  attachments?: string[];
}): Promise<RoomMessage> {
  return ask<{ message: RoomMessage }>((s, done) => s.timeout(CALL_TIMEOUT_MS).emit('message:send', payload, (e, a) => done(e, a))).then((a) => a.message);
}

/** `message:edit` (author only). */
export function editMessage(messageId: string, body: string): Promise<RoomMessage> {
  return ask<{ message: RoomMessage }>((s, done) => s.timeout(CALL_TIMEOUT_MS).emit('message:edit', { messageId, body }, (e, a) => done(e, a))).then(
    (a) => a.message,
  );
}

/** `message:react`: toggles the person's reaction (one of the five of §8). */
export function reactToMessage(messageId: string, emoji: string): Promise<RoomMessage> {
  return ask<{ message: RoomMessage }>((s, done) => s.timeout(CALL_TIMEOUT_MS).emit('message:react', { messageId, emoji }, (e, a) => done(e, a))).then(
    (a) => a.message,
  );
}

/** `message:delete` (author, or an admin of the author's organisation). */
export function deleteMessage(messageId: string): Promise<void> {
  return ask<object>((s, done) => s.timeout(CALL_TIMEOUT_MS).emit('message:delete', { messageId }, (e, a) => done(e, a))).then(() => undefined);
}

/** `room:history`: up to `limit` messages with seq above `afterSeq`, in seq order. */
export function roomHistory(roomId: string, afterSeq: number, limit: number): Promise<RoomMessage[]> {
  return ask<{ messages: RoomMessage[] }>((s, done) => s.timeout(CALL_TIMEOUT_MS).emit('room:history', { roomId, afterSeq, limit }, (e, a) => done(e, a))).then(
    (a) => a.messages,
  );
}

/** `typing` (volatile: dropped rather than queued while disconnected). */
export function sendTyping(roomId: string): void {
  if (current?.connected) current.volatile.emit('typing', { roomId });
}

/**
 * Tries to connect at once instead of waiting for the next back-off step (up to 30 s): used when the
 * browser says the network is back. A socket the hub refused (not `active`) is realtime.ts's business.
 */
export function reconnectNow(): void {
  const socket = current;
  if (!socket || socket.connected || !socket.active) return;
  socket.disconnect();
  socket.connect();
}
