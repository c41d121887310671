/** Notifications pushed by the hub over the socket (contract §8 `notification`). */
import { paths } from '../routes.js';

/** A `notification` event as received, with when it arrived and whether it was seen. */
export interface HubNotification {
  key: number;
  type: string;
  receivedAt: string;
  read: boolean;
  /** A title or name carried by the event, if any (user-written text). */
  subject: string | null;
  /** Where the event leads (the room a `room.added` is about), if the app has a page for it. */
  href: string | null;
}

const MAX_KEPT = 50;

/** The bell's list: newest first, capped, with an unread count. */
export class Notifications {
  items = $state<HubNotification[]>([]);
  readonly unread = $derived(this.items.filter((item) => !item.read).length);
  /** The latest arrival, announced to screen readers. */
  latest = $state<HubNotification | null>(null);
  #next = 1;

  /** Adds an event from the socket. */
  add(payload: unknown): void {
    const event = (payload ?? {}) as Record<string, unknown>;
    const type = typeof event.type === 'string' ? event.type : 'unknown';
    const item: HubNotification = {
      key: this.#next++,
      type,
      receivedAt: new Date().toISOString(),
      read: false,
      subject: pickSubject(event),
      href: linkOf(event),
    };
    this.items = [item, ...this.items].slice(0, MAX_KEPT);
    this.latest = item;
  }

  /** Marks everything as seen. */
  markAllRead(): void {
    this.items = this.items.map((item) => ({ ...item, read: true }));
  }

  /** Forgets everything (sign-out). */
  clear(): void {
    this.items = [];
    this.latest = null;
  }
}

function linkOf(event: Record<string, unknown>): string | null {
  const roomId = event.roomId;
  return event.type === 'room.added' && typeof roomId === 'string' && /^[0-9a-f]{24}$/.test(roomId) ? paths.room(roomId) : null;
}

function pickSubject(event: Record<string, unknown>): string | null {
  for (const source of [event, event.assessment, event.document, event.room]) {
    if (!source || typeof source !== 'object') continue;
    const record = source as Record<string, unknown>;
    for (const field of ['title', 'name']) {
      const value = record[field];
      if (typeof value === 'string' && value.trim()) return value.slice(0, 200);
    }
  }
  return null;
}

export const notifications = new Notifications();
