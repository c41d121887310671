/** The rooms list: the rooms of the person's organisation with their unread counts, and new invitations. */
import { api, type Room } from '../api.js';
import { listen } from '../roomLink.js';
import { PagedList } from './pagedList.svelte.js';

const PAGE_SIZE = 50;

/** A room someone added the person's organisation to while the list was open (`room.added`). */
export interface AddedRoom {
  roomId: string;
  name: string | null;
}

/** State of the rooms list page. */
export class RoomList extends PagedList<Room> {
  added = $state.raw<AddedRoom | null>(null);
  /** Open rooms first, then archived ones; each group as the hub sends it (newest first). */
  readonly open = $derived(this.items.filter((room) => !room.archived));
  readonly archived = $derived(this.items.filter((room) => room.archived));
  #stops: (() => void)[] = [];

  constructor() {
    super({
      fetch: (_values, request) => api.rooms(request),
      empty: () => ({}),
      pageSize: PAGE_SIZE,
      // A later page may repeat a room already held: keep the copy on screen.
      merge: (held, more) => [...held, ...more.filter((room) => !held.some((h) => h.id === room.id))],
    });
  }

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
}
