/** The rooms list: the rooms of the person's organisation with their unread counts, and new invitations. */
import { api, type Room } from '../api.js';
import { errorKey } from '../errors.js';
import { listen } from '../roomLink.js';
import type { MessageKey } from './i18n.svelte.js';

const PAGE_SIZE = 50;

/** A room someone added the person's organisation to while the list was open (`room.added`). */
export interface AddedRoom {
  roomId: string;
  name: string | null;
}

/** State of the rooms list page. */
export class RoomList {
  items = $state.raw<Room[]>([]);
  nextCursor = $state<string | null>(null);
  loading = $state(false);
  loaded = $state(false);
  failure = $state<MessageKey | null>(null);
  added = $state.raw<AddedRoom | null>(null);
  /** Open rooms first, then archived ones; each group as the hub sends it (newest first). */
  readonly open = $derived(this.items.filter((room) => !room.archived));
  readonly archived = $derived(this.items.filter((room) => room.archived));
  #generation = 0;
  #stops: (() => void)[] = [];

  /** Loads the first page and follows `room.added` notifications and reconnections. */
  start(): void {
    this.#stops.push(
      listen('notification', (payload) => {
        if (payload.type !== 'room.added') return;
        const roomId = typeof payload.roomId === 'string' ? payload.roomId : '';
        this.added = { roomId, name: typeof payload.name === 'string' ? payload.name : null };
        void this.load();
      }),
      // Unread counts move while the link is down; refresh them when it is back.
      listen('connect', () => {
        if (this.loaded) void this.load();
      }),
    );
    void this.load();
  }

  /** Stops following (the page closes). */
  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
  }

  /** Loads the first page, or the page after `cursor`. */
  async load(cursor?: string): Promise<void> {
    const mine = ++this.#generation;
    this.loading = true;
    this.failure = null;
    try {
      const page = await api.rooms({ limit: PAGE_SIZE, cursor });
      if (mine !== this.#generation) return;
      this.items = cursor ? [...this.items, ...page.items.filter((room) => !this.items.some((held) => held.id === room.id))] : page.items;
      this.nextCursor = page.nextCursor;
      this.loaded = true;
    } catch (error) {
      if (mine === this.#generation) this.failure = errorKey(error);
    } finally {
      if (mine === this.#generation) this.loading = false;
    }
  }
}
