import type { Logger } from 'pino';
import { domainEvents, type DomainEvents } from '../events.js';
import { organisationRoom, sessionRoom, situationRoom, userRoom } from './rooms.js';
import type { HubServer } from './types.js';

// The one place where domain events become socket.io emissions. `io.to(...)` and `disconnectSockets`
// go through the adapter, so with Redis they reach the sockets of every process of the hub.

/** Tells the sockets of the organisations that see an item (before or after its change) that it changed; no content. */
export function announceChange(io: HubServer, event: DomainEvents['item.changed']): void {
  // io.to([]) would mean every socket of the hub.
  if (event.organisationIds.length === 0) return;
  io.to(event.organisationIds.map(organisationRoom)).emit(`${event.kind}.changed`, { id: event.id });
}

/**
 * Tells the sockets of ended sessions that they ended, then cuts them: all of a user's sockets, all but
 * those of `exceptSessionId`, or only those of `onlySessionId`. Emitting first is what makes the client
 * see `session:revoked` before the disconnect: both go through the same adapter in order, and a closing
 * socket flushes what was written to it before it closes.
 */
export function revokeSessions(io: HubServer, event: DomainEvents['sessions.revoked']): void {
  if (!event.userId) return;
  // Several rooms in `in()` are a union, not an intersection: a session room alone is the target; it
  // holds only that session's (so that user's) sockets.
  let target = io.in(event.onlySessionId ? sessionRoom(event.onlySessionId) : userRoom(event.userId));
  if (event.exceptSessionId) target = target.except(sessionRoom(event.exceptSessionId));
  target.emit('session:revoked', { reason: event.reason });
  target.disconnectSockets(true);
}

/**
 * Takes organisations out of a situation room: their sockets leave it first, so no later event of
 * the room reaches them, then hear `room:removed` (on every process, through the adapter).
 */
export function removeFromRoom(io: HubServer, event: DomainEvents['room.removed']): void {
  const organisations = event.organisationIds.map(organisationRoom);
  if (organisations.length === 0) return;
  io.in(organisations).socketsLeave(situationRoom(event.roomId));
  io.to(organisations).emit('room:removed', { roomId: event.roomId });
}

/** Subscribes the socket.io server to the domain events it maps to rooms; returns the unsubscribe function. */
export function bridgeDomainEvents(io: HubServer, log: Logger): () => void {
  // The publisher is a service that already stored its change: a failure here is logged, never thrown back at it.
  const safely = <K extends keyof DomainEvents>(name: K, handle: (event: DomainEvents[K]) => void) =>
    domainEvents.subscribe(name, (event) => {
      try {
        handle(event);
      } catch (error) {
        log.error({ err: error, event: name }, 'real-time delivery failed');
      }
    });
  const unsubscribers = [
    safely('notification', (event) => io.to(userRoom(event.userId)).emit('notification', event.notification)),
    safely('item.changed', (event) => announceChange(io, event)),
    safely('sessions.revoked', (event) => revokeSessions(io, event)),
    safely('room.message', (event) => io.to(situationRoom(event.roomId)).emit(event.kind === 'new' ? 'message:new' : 'message:updated', event.message)),
    safely('room.message.deleted', (event) => io.to(situationRoom(event.roomId)).emit('message:deleted', event)),
    safely('room.removed', (event) => removeFromRoom(io, event)),
  ];
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}
