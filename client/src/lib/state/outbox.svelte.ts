/**
 * The outbox: every message the person writes waits here, in memory and in this tab's sessionStorage,
 * until the hub acknowledges that it is stored. Each carries a clientMsgId, so sending it again after a
 * dropped connection (or a reload) never stores it twice (contract §8 `message:send`).
 */
import type { RoomMessage } from '../../../../shared/events.js';
import { isConnected, LinkError, listen, sendMessage, type LinkErrorCode } from '../roomLink.js';

/** `pending`: waiting for a connection; `sending`: on the wire; `failed`: the hub refused it for good. */
export type OutboxStatus = 'pending' | 'sending' | 'failed';

/** One message not yet stored by the hub. */
export interface OutboxEntry {
  clientMsgId: string;
  roomId: string;
  body: string;
  createdAt: string;
  status: OutboxStatus;
  /** Why the hub refused it (a contract code), for `failed` entries. */
  error: LinkErrorCode | null;
  /** What goes with the text (§8 v2): the seq it answers, whom it mentions, documents attached. */
  extras?: MessageExtras;
}

/** What a message may carry besides its text. */
export interface MessageExtras {
  replyTo?: number | null;
  mentions?: string[];
  attachments?: string[];
}

const ID = /^[0-9a-f]{24}$/;
/** The extras of a stored entry, if their shape holds (anything else is dropped). */
function extrasOf(value: unknown): MessageExtras | undefined {
  const extras = value as MessageExtras | null | undefined;
  if (!extras || typeof extras !== 'object') return undefined;
  const ids = (list: unknown) => (Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string' && ID.test(id)) : []);
  return {
    replyTo: typeof extras.replyTo === 'number' && Number.isInteger(extras.replyTo) && extras.replyTo > 0 ? extras.replyTo : null,
    mentions: ids(extras.mentions),
    attachments: ids(extras.attachments),
  };
}

interface TabStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const STORAGE_PREFIX = 'partner-hub.outbox.';
// A busy or rate-limited hub: try again after a pause rather than hammering it.
const RETRY_DELAY_MS = 3_000;

// sessionStorage, never localStorage: what one tab of one signed-in person wrote stays in that tab.
function storage(): TabStorage | null {
  try {
    return (globalThis as { sessionStorage?: TabStorage }).sessionStorage ?? null;
  } catch {
    return null;
  }
}

// Only the shape is checked here (the zod schemas stay out of the first download); the hub validates the rest.
function isEntry(value: unknown): value is OutboxEntry {
  const entry = value as Partial<OutboxEntry> | null;
  return (
    typeof entry?.clientMsgId === 'string' &&
    /^[A-Za-z0-9-]{1,100}$/.test(entry.clientMsgId) &&
    typeof entry.roomId === 'string' &&
    /^[0-9a-f]{24}$/.test(entry.roomId) &&
    typeof entry.body === 'string' &&
    entry.body.length > 0 &&
    typeof entry.createdAt === 'string'
  );
}

/** A new client message id (RFC 4122 v4). */
export function newClientMsgId(): string {
  return crypto.randomUUID();
}

/** The queue of one signed-in person's unsent messages, sent in the order they were written. */
export class Outbox {
  items = $state<OutboxEntry[]>([]);
  #key: string | null = null;
  #flushing = false;
  #again = false;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #delivered = new Set<(message: RoomMessage) => void>();
  #stopLink: (() => void) | null = null;

  /** Loads the outbox of `userId` from this tab and sends it whenever the link is up. */
  start(userId: string): void {
    this.stop();
    this.#key = `${STORAGE_PREFIX}${userId}`;
    this.items = this.#read();
    this.#stopLink = listen('connect', () => void this.flush());
    void this.flush();
  }

  /** Stops sending (sign-out); what is stored stays in the tab for the same person's next sign-in. */
  stop(): void {
    this.#stopLink?.();
    this.#stopLink = null;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.items = [];
    this.#key = null;
  }

  /** Queues a message for `roomId` and tries to send it at once. */
  add(roomId: string, body: string, extras?: MessageExtras): OutboxEntry {
    const entry: OutboxEntry = { clientMsgId: newClientMsgId(), roomId, body, createdAt: new Date().toISOString(), status: 'pending', error: null, extras };
    this.items.push(entry);
    this.#save();
    void this.flush();
    return entry;
  }

  /** The entries of one room, oldest first. */
  of(roomId: string): OutboxEntry[] {
    return this.items.filter((entry) => entry.roomId === roomId);
  }

  /** Puts a refused message back in the queue (after the person fixed the cause). */
  retry(clientMsgId: string): void {
    const entry = this.items.find((item) => item.clientMsgId === clientMsgId);
    if (!entry) return;
    entry.status = 'pending';
    entry.error = null;
    this.#save();
    void this.flush();
  }

  /** Drops a message the person no longer wants sent. */
  discard(clientMsgId: string): void {
    this.items = this.items.filter((item) => item.clientMsgId !== clientMsgId || item.status === 'sending');
    this.#save();
  }

  /** Drops every message of a room the person lost access to; answers how many there were. */
  discardRoom(roomId: string): number {
    const before = this.items.length;
    this.items = this.items.filter((item) => item.roomId !== roomId);
    this.#save();
    return before - this.items.length;
  }

  /** The hub stored a message of ours (seen as `message:new`, say): it no longer waits. */
  confirm(clientMsgId: string): void {
    if (!this.items.some((item) => item.clientMsgId === clientMsgId && item.status !== 'sending')) return;
    this.items = this.items.filter((item) => item.clientMsgId !== clientMsgId || item.status === 'sending');
    this.#save();
  }

  /** Calls `handler` with each message the hub acknowledged; returns the function that stops it. */
  onDelivered(handler: (message: RoomMessage) => void): () => void {
    this.#delivered.add(handler);
    return () => this.#delivered.delete(handler);
  }

  /** Sends what waits, one at a time and in order, while the link is up. */
  async flush(): Promise<void> {
    if (this.#flushing) {
      this.#again = true;
      return;
    }
    this.#flushing = true;
    try {
      do {
        this.#again = false;
        await this.#sendAll();
      } while (this.#again && isConnected());
    } finally {
      this.#flushing = false;
    }
  }

  async #sendAll(): Promise<void> {
    for (;;) {
      if (!isConnected() || !this.#key) return;
      const entry = this.items.find((item) => item.status === 'pending');
      if (!entry) return;
      entry.status = 'sending';
      try {
        const message = await sendMessage({ roomId: entry.roomId, body: entry.body, clientMsgId: entry.clientMsgId, ...entry.extras });
        this.items = this.items.filter((item) => item.clientMsgId !== entry.clientMsgId);
        this.#save();
        for (const handler of [...this.#delivered]) handler(message);
      } catch (error) {
        const code: LinkErrorCode = error instanceof LinkError ? error.code : 'internal';
        if (error instanceof LinkError && error.transient) {
          entry.status = 'pending';
          // Dropped link: the next `connect` sends again. Busy hub: try again after a pause.
          if (code !== 'disconnected') this.#later();
          return;
        }
        // Refused for good (an archived room, access withdrawn, too long): keep it visible, unsent.
        entry.status = 'failed';
        entry.error = code;
        this.#save();
      }
    }
  }

  #later(): void {
    if (this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      void this.flush();
    }, RETRY_DELAY_MS);
  }

  #read(): OutboxEntry[] {
    if (!this.#key) return [];
    try {
      const parsed: unknown = JSON.parse(storage()?.getItem(this.#key) ?? '[]');
      if (!Array.isArray(parsed)) return [];
      return parsed.filter(isEntry).map((entry) => ({
        clientMsgId: entry.clientMsgId,
        roomId: entry.roomId,
        body: entry.body,
        createdAt: entry.createdAt,
        // Whatever was on the wire when the tab went away is simply sent again (same clientMsgId).
        status: entry.status === 'failed' ? 'failed' : 'pending',
        error: entry.status === 'failed' ? (entry.error ?? null) : null,
        extras: extrasOf(entry.extras),
      }));
    } catch {
      return [];
    }
  }

  #save(): void {
    if (!this.#key) return;
    try {
      const store = storage();
      if (this.items.length === 0) store?.removeItem(this.#key);
      else store?.setItem(this.#key, JSON.stringify($state.snapshot(this.items)));
    } catch {
      // Storage full or disabled: the outbox still holds them in memory for this page.
    }
  }
}

export const outbox = new Outbox();
