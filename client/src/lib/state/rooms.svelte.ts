/** The rooms list: the rooms of the person's organisation with their unread counts, and new invitations. */
import { api, type Room } from '../api.js';
import { refreshOn } from '../liveLists.js';
import { listen } from '../roomLink.js';
import { session } from './session.svelte.js';
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

  /** Loads the first page and follows `room.added` notifications, room changes, new messages and reconnections. */
  start(): void {
    this.#stops.push(
      listen('notification', (payload) => {
        if (payload.type !== 'room.added') return;
        const subject = (payload.subject ?? {}) as { id?: unknown; title?: unknown };
        const roomId = typeof payload.roomId === 'string' ? payload.roomId : typeof subject.id === 'string' ? subject.id : '';
        this.added = { roomId, name: typeof subject.title === 'string' ? subject.title : null };
      }),
      // A message in a room shown here (the socket hears those of rooms joined elsewhere in the tab).
      listen('message:new', (message) => {
        if (message.author.id === session.user?.id) return;
        this.items = this.items.map((room) =>
          room.id === message.roomId && room.lastSeq < message.seq ? { ...room, lastSeq: message.seq, unread: (room.unread ?? 0) + 1 } : room,
        );
      }),
      // Rooms added, renamed, archived or taken away, and unread counts that moved while the link was down.
      refreshOn(['room.changed'], () => void this.refresh()),
    );
    void this.load();
  }

  /** Takes the unread counts of the notification summary (they move with messages this tab does not hear). */
  applyUnread(rooms: readonly { roomId: string; unread: number }[]): void {
    const counts = new Map(rooms.map((room) => [room.roomId, room.unread]));
    let changed = false;
    const next = this.items.map((room) => {
      const unread = counts.get(room.id) ?? 0;
      if ((room.unread ?? 0) === unread) return room;
      changed = true;
      return { ...room, unread };
    });
    if (changed) this.items = next;
  }

  /** Stops following (the page closes). */
  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
  }
}
