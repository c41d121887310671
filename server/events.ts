import { EventEmitter } from 'node:events';
import type { Notification } from '../shared/schemas/notifications.js';
import type { MessageView } from './presenters/room.js';

/** The kinds of item whose lists stay live through `<kind>.changed` (§11). */
export type ListedKind = 'assessment' | 'document' | 'room' | 'alert';

/** Domain events: services publish them after storing a change; server/realtime maps them to sockets. */
export interface DomainEvents {
  /**
   * Sessions of a user ended: the user's sockets get `session:revoked` and are cut — all of them, all
   * but those of `exceptSessionId` (password change), or only those of `onlySessionId` (logout, reuse).
   */
  'sessions.revoked': { userId: string; reason: string; exceptSessionId?: string; onlySessionId?: string };
  /** A message was stored (`new`) or edited (`updated`) in a room: its joined sockets get it. */
  'room.message': { roomId: string; kind: 'new' | 'updated'; message: MessageView };
  /** A message was deleted. */
  'room.message.deleted': { roomId: string; messageId: string };
  /** Organisations were taken out of a room: their sockets leave it at once and hear `room:removed`. */
  'room.removed': { roomId: string; organisationIds: string[] };
  /** A room's members, name or archive state changed (copies of it kept in memory are stale). */
  'room.changed': { roomId: string };
  /** A user's name or role changed (copies of their principal kept in memory are stale). */
  'user.changed': { userId: string };
  /** A notification was stored for a user: their sockets get it (§11). */
  notification: { userId: string; notification: Notification };
  /** An item was created or changed, or its audience was: sockets of these organisations hear `<kind>.changed`. */
  'item.changed': { kind: ListedKind; id: string; organisationIds: string[] };
}

type Listener<K extends keyof DomainEvents> = (event: DomainEvents[K]) => void;

/** The in-process bus; cross-process delivery is socket.io's (Redis adapter), not this bus's. */
class DomainEventBus {
  private readonly emitter = new EventEmitter();

  /** Publishes an event to every subscriber of this process. */
  publish<K extends keyof DomainEvents>(name: K, event: DomainEvents[K]): void {
    this.emitter.emit(name, event);
  }

  /** Subscribes; returns the function that unsubscribes. */
  subscribe<K extends keyof DomainEvents>(name: K, listener: Listener<K>): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}

export const domainEvents = new DomainEventBus();
