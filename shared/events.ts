import type { ErrorBody } from './errors.js';
import type { OrganisationKind, Role } from './roles.js';
import type { Notification } from './schemas/notifications.js';
import type { RoomMessage } from './schemas/rooms.js';

// Typed socket.io event maps (contract §8), used by the server and the web app alike. Rooms and
// messages (`room:join`, `message:send`, `message:new`, …) are added to these maps in their own issue.

/** The `notification` event's payload: the stored notification (§11). */
export type NotificationPayload = Notification;

/** The `session:revoked` event's payload, sent just before the server cuts the socket. */
export interface SessionRevokedPayload {
  reason: string;
}

/** The answer of every acknowledged client call: `{ok: true, ...}` or `{ok: false, error}`. */
export type AckAnswer<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

export type { RoomMessage };

/** Someone typing in a room. */
export interface TypingPayload {
  roomId: string;
  user: { id: string; name: string; organisationId: string };
}

/** Events the server emits to a socket. */
export interface ServerToClientEvents {
  notification: (payload: NotificationPayload) => void;
  'session:revoked': (payload: SessionRevokedPayload) => void;
  'message:new': (message: RoomMessage) => void;
  'message:updated': (message: RoomMessage) => void;
  'message:deleted': (payload: { roomId: string; messageId: string }) => void;
  'room:removed': (payload: { roomId: string }) => void;
  /** A room of the user's organisation that this socket has not joined got messages (no content): unread counts grow. */
  'room:activity': (payload: { roomId: string; lastSeq: number; at: string }) => void;
  typing: (payload: TypingPayload) => void;
  /** An item the user sees was created or changed, or its audience was (§11 live lists): reload it. */
  'assessment.changed': (payload: { id: string }) => void;
  'document.changed': (payload: { id: string }) => void;
  'room.changed': (payload: { id: string }) => void;
  'alert.changed': (payload: { id: string }) => void;
}

type Ack<T extends object = object> = (answer: AckAnswer<T>) => void;

/** Events a client emits to the server; every payload is validated on arrival (shared/schemas/rooms.ts). */
export interface ClientToServerEvents {
  'room:join': (roomId: string, ack: Ack<{ lastSeq: number }>) => void;
  'room:leave': (roomId: string, ack: Ack) => void;
  'message:send': (
    payload: { roomId: string; body: string; clientMsgId: string; attachments?: string[]; replyTo?: number | null; mentions?: string[] },
    ack: Ack<{ message: RoomMessage }>,
  ) => void;
  'message:react': (payload: { messageId: string; emoji: string }, ack: Ack<{ message: RoomMessage }>) => void;
  'message:edit': (payload: { messageId: string; body: string }, ack: Ack<{ message: RoomMessage }>) => void;
  'message:delete': (payload: { messageId: string }, ack: Ack) => void;
  'room:history': (payload: { roomId: string; afterSeq: number; limit: number }, ack: Ack<{ messages: RoomMessage[] }>) => void;
  typing: (payload: { roomId: string }) => void;
}

/** A message handed to its room's writer process: the sender's draft as JSON, and its `<user>:<clientMsgId>`. */
export interface AppendRequest {
  /** The process meant to store it (every other process answers null). */
  writer: string;
  draft: Omit<RoomMessage, 'id' | 'seq'>;
  key: string | null;
}

/** The writer's answer: the stored message, a refusal to relay, or "not the writer (any more)". */
export type AppendAnswer = { message: RoomMessage } | { error: ErrorBody & { retryAfterSeconds?: number } } | { notWriter: true };

/** Between the hub's processes (socket.io server-side events, through the Redis adapter). */
export interface InterServerEvents {
  /** A room changed: forget any copy of it. */
  'room:changed': (roomId: string) => void;
  /** A user's name or role changed: sockets read their principal again. */
  'user:changed': (userId: string) => void;
  /** Store a message of a room this process writes (server/realtime/roomWriters.ts). */
  'room:append': (request: AppendRequest, reply: (answer: AppendAnswer | null) => void) => void;
}

/**
 * Who is on a socket, checked at the handshake. Plain data on purpose: with the Redis adapter
 * `fetchSockets()` ships `socket.data` to other processes, so no document (and no hash) goes here.
 */
export interface SocketPrincipal {
  userId: string;
  sessionId: string;
  organisationId: string;
  organisationKind: OrganisationKind;
  role: Role;
  name: string;
}

/** What the server keeps on `socket.data`. */
export interface SocketData {
  principal: SocketPrincipal;
}
