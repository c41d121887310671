/** The person's stored notifications (contract §11): the unread summary, the bell's pages, live arrivals. */
import { api, type Notification, type NotificationSummary } from '../api.js';
import { debounce } from '../debounce.js';
import { errorKey } from '../errors.js';
import { listen } from '../roomLink.js';
import type { MessageKey } from './i18n.svelte.js';

const PAGE_SIZE = 20;
// The summary also moves without an event reaching this tab (a message in a room not joined, a read
// elsewhere): look again now and then while the page is visible, and at each page change (nudge).
const SUMMARY_EVERY_MS = 20_000;
const EMPTY: NotificationSummary = { unread: 0, rooms: [] };

/** Unread counts and the bell's list, kept in step with the hub and the socket. */
export class NotificationCenter {
  summary = $state.raw<NotificationSummary>(EMPTY);
  /** Whether `summary` came from the hub (not the empty one of the start). */
  summaryLoaded = $state(false);
  items = $state.raw<Notification[]>([]);
  nextCursor = $state<string | null>(null);
  unreadOnly = $state(false);
  loading = $state(false);
  loaded = $state(false);
  failure = $state<MessageKey | null>(null);
  /** The latest arrival, announced to screen readers. */
  latest = $state.raw<Notification | null>(null);
  readonly unread = $derived(this.summary.unread);
  /** Rooms with unread messages, and whether one of them mentions the person. */
  readonly roomsUnread = $derived(this.summary.rooms.filter((room) => room.unread > 0).length);
  readonly mentioned = $derived(this.summary.rooms.some((room) => room.mentioned));
  /** The room on screen: its messages are read as they arrive. */
  openRoom: string | null = null;

  #userId: string | null = null;
  #stops: (() => void)[] = [];
  #timer: ReturnType<typeof setInterval> | null = null;
  #generation = 0;
  #summaryGeneration = 0;
  readonly #refetch = debounce(() => void this.refreshSummary());

  /** Follows the signed-in person's notifications until `stop()`. */
  start(userId: string | null): void {
    this.stop();
    this.#userId = userId;
    this.#stops.push(
      listen('notification', (payload) => void this.#arrived(payload)),
      listen('connect', () => this.#refetch.run()),
      listen('room.changed', () => this.#refetch.run()),
      listen('room:activity', (activity) => this.#roomMoved(activity.roomId, activity.lastSeq)),
      listen('message:new', (message) => {
        if (message.roomId === this.openRoom || message.author.id === this.#userId) return;
        this.#bumpRoom(message.roomId);
        this.#refetch.run();
      }),
    );
    this.#timer = setInterval(() => {
      if (document.visibilityState === 'visible') this.#refetch.run();
    }, SUMMARY_EVERY_MS);
    void this.refreshSummary();
  }

  /** Stops following and forgets everything (sign-out). */
  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#refetch.cancel();
    this.#generation += 1;
    this.#summaryGeneration += 1;
    this.summary = EMPTY;
    this.summaryLoaded = false;
    this.items = [];
    this.nextCursor = null;
    this.loaded = false;
    this.failure = null;
    this.latest = null;
    this.openRoom = null;
  }

  /** Asks for fresh counts soon (a page change, the window back in front); bursts make one request. */
  nudge(): void {
    if (this.#stops.length > 0) this.#refetch.run();
  }

  /** Reads the unread counts again (quietly: a failure keeps the last ones). */
  async refreshSummary(): Promise<void> {
    const mine = ++this.#summaryGeneration;
    try {
      const summary = await api.notificationSummary();
      if (mine !== this.#summaryGeneration) return;
      this.summary = summary;
      this.summaryLoaded = true;
    } catch {
      // Offline or signed out: the counts stay as they were until the next try.
    }
  }

  /** Loads the first page of the list (or the page after `cursor`). */
  async load(cursor?: string): Promise<void> {
    const mine = ++this.#generation;
    this.loading = true;
    this.failure = null;
    try {
      const page = await api.notifications({ unread: this.unreadOnly, limit: PAGE_SIZE, cursor });
      if (mine !== this.#generation) return;
      this.items = cursor ? [...this.items, ...page.items.filter((item) => !this.items.some((held) => held.id === item.id))] : page.items;
      this.nextCursor = page.nextCursor;
      this.loaded = true;
    } catch (error) {
      if (mine === this.#generation) this.failure = errorKey(error);
    } finally {
      if (mine === this.#generation) this.loading = false;
    }
  }

  /** Shows only the unread ones, or all. */
  filter(unreadOnly: boolean): Promise<void> {
    this.unreadOnly = unreadOnly;
    return this.load();
  }

  /** Marks one notification read. */
  async markRead(id: string): Promise<void> {
    // Also called for notifications the bell has not loaded (the dashboard's): the summary then says.
    const item = this.items.find((held) => held.id === id);
    if (item?.readAt) return;
    if (item) {
      this.#setRead((held) => held.id === id);
      this.summary = { ...this.summary, unread: Math.max(0, this.summary.unread - 1) };
    }
    try {
      await api.readNotifications({ ids: [id] });
    } catch (error) {
      this.failure = errorKey(error);
    }
    this.#refetch.run();
  }

  /** Marks every notification read. */
  async markAllRead(): Promise<void> {
    this.#setRead(() => true);
    this.summary = { ...this.summary, unread: 0 };
    try {
      await api.readNotifications({ all: true });
    } catch (error) {
      this.failure = errorKey(error);
    }
    this.#refetch.run();
  }

  /** The person read a room up to its end here: its counts drop without waiting for the hub. */
  roomRead(roomId: string): void {
    if (!this.summary.rooms.some((room) => room.roomId === roomId)) return;
    this.summary = { ...this.summary, rooms: this.summary.rooms.map((room) => (room.roomId === roomId ? { ...room, unread: 0, mentioned: false } : room)) };
  }

  /** The unread count and mention of one room, as the summary knows them. */
  roomState(roomId: string): { unread: number; mentioned: boolean } | null {
    return this.summary.rooms.find((room) => room.roomId === roomId) ?? null;
  }

  #setRead(which: (item: Notification) => boolean): void {
    const now = new Date().toISOString();
    this.items = this.items.map((item) => (!item.readAt && which(item) ? { ...item, readAt: now } : item));
    if (this.unreadOnly) this.items = this.items.filter((item) => !item.readAt);
  }

  /**
   * A room not open here got messages up to `lastSeq`: a room the summary counts (it knows the room's
   * last seq then) grows by the difference; another one was read up to an unknown seq, so ask the hub.
   */
  #roomMoved(roomId: string, lastSeq: number): void {
    if (roomId === this.openRoom) return;
    const known = this.summary.rooms.find((room) => room.roomId === roomId);
    if (!known || known.lastSeq === undefined) {
      this.#refetch.run();
      return;
    }
    if (lastSeq <= known.lastSeq) return;
    const rooms = this.summary.rooms.map((room) => (room.roomId === roomId ? { ...room, unread: room.unread + (lastSeq - known.lastSeq!), lastSeq } : room));
    this.summary = { ...this.summary, rooms };
  }

  #bumpRoom(roomId: string): void {
    const known = this.summary.rooms.find((room) => room.roomId === roomId);
    const rooms = known
      ? this.summary.rooms.map((room) => (room.roomId === roomId ? { ...room, unread: room.unread + 1 } : room))
      : [...this.summary.rooms, { roomId, unread: 1, mentioned: false }];
    this.summary = { ...this.summary, rooms };
  }

  async #arrived(payload: unknown): Promise<void> {
    this.#refetch.run();
    // Loaded on the first event, not at start-up: building a zod schema before strictCsp.ts has run
    // would make zod probe for `new Function`, which the CSP reports as a violation.
    const { Notification } = await (notificationSchema ??= import('../../../../shared/schemas/notifications.js'));
    const parsed = Notification.safeParse(payload);
    if (!parsed.success) return;
    const item = parsed.data;
    if (this.items.some((held) => held.id === item.id)) return;
    this.latest = item;
    if (!item.readAt) this.summary = { ...this.summary, unread: this.summary.unread + 1 };
    if (this.loaded) this.items = [item, ...this.items];
  }
}

let notificationSchema: Promise<typeof import('../../../../shared/schemas/notifications.js')> | undefined;

export const notifications = new NotificationCenter();
