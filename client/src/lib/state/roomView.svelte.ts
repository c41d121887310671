/**
 * One open situation room: its messages (history, catch-up by seq after every reconnection, live events),
 * who is typing, who was recently active, read markers, and the person's own edits and deletions.
 */
import type { TypingPayload } from '../../../../shared/events.js';
import { HISTORY_LIMIT_MAX } from '../../../../shared/schemas/rooms.js';
import { api, ApiError, type MessageMatch, type Room, type RoomMembers, type RoomMessage, type RoomReads } from '../api.js';
import { errorKey } from '../errors.js';
import {
  currentSocket,
  deleteMessage,
  editMessage,
  isConnected,
  joinRoom,
  LinkError,
  leaveRoom,
  listen,
  reactToMessage,
  roomHistory,
  sendTyping,
} from '../roomLink.js';
import { Timeline } from '../roomTimeline.js';
import type { MessageKey } from './i18n.svelte.js';
import { notifications } from './notifications.svelte.js';
import { outbox, type MessageExtras } from './outbox.svelte.js';
import { session } from './session.svelte.js';

/** Someone seen in the room: typing now, or active recently. */
export interface RoomPerson {
  id: string;
  name: string;
  organisationId: string;
  /** Until when they count as typing, or when they were last seen (ms since the epoch). */
  at: number;
}

const PAGE_SIZE = 50;
const TYPING_SHOWN_MS = 5_000;
const TYPING_EVERY_MS = 2_500;
/** "Active recently" means: wrote or typed here within this window (there is no presence on the hub). */
export const RECENT_WINDOW_MS = 5 * 60_000;
const READ_DELAY_MS = 800;
/** How often who-read-what is asked again while the room is open (and soon after each new message). */
const READS_EVERY_MS = 20_000;
const READS_AFTER_MS = 1_500;
/** Pages of history read at most to reach a message a reply or a search result points to. */
const JUMP_PAGES_MAX = 40;

/** Someone of the room, whom a message may mention. */
export type RoomMember = RoomMembers['items'][number];

/** Who may manage a room: admins and analysts of the creator organisation, and the Office admin (§8). */
export function canManageRoom(room: Room | null): boolean {
  if (!room || !session.user) return false;
  if (session.isOfficeAdmin) return true;
  return session.isEditor && room.createdByOrganisation === session.user.organisationId;
}

/** State of the room page. */
export class RoomView {
  room = $state.raw<Room | null>(null);
  loadError = $state<MessageKey | null>(null);
  loaded = $state(false);
  messages = $state.raw<RoomMessage[]>([]);
  hasOlder = $state(false);
  loadingOlder = $state(false);
  olderError = $state<MessageKey | null>(null);
  joined = $state(false);
  catchingUp = $state(false);
  /** The person's organisation was taken out of the room while it was open. */
  removed = $state(false);
  typing = $state.raw<RoomPerson[]>([]);
  recent = $state.raw<RoomPerson[]>([]);
  actionError = $state<MessageKey | null>(null);
  /** The first message that was unread when the person came back (the "New messages" line), if any. */
  firstUnreadSeq = $state<number | null>(null);
  /** The latest message from someone else, for screen readers. */
  arrival = $state.raw<RoomMessage | null>(null);
  /** The message the person is answering, shown above the composer. */
  replyTo = $state.raw<RoomMessage | null>(null);
  /** Bumped to ask the composer for the focus. */
  composerFocus = $state(0);
  /** The people of the room (mention suggestions). */
  members = $state.raw<RoomMember[]>([]);
  /** How far each organisation of the room has read. */
  reads = $state.raw<RoomReads['items']>([]);
  /** The message to bring into view and focus (a reply's original, a search result). */
  focusSeq = $state<number | null>(null);
  /** The words searched for, the matches (null: no search), and what went wrong. */
  searchQuery = $state('');
  searchResults = $state.raw<MessageMatch[] | null>(null);
  searching = $state(false);
  searchError = $state<MessageKey | null>(null);
  readonly pending = $derived.by(() => {
    const stored = new Set(this.messages.map((message) => message.clientMsgId).filter(Boolean));
    return outbox.items.filter((entry) => entry.roomId === this.id && !stored.has(entry.clientMsgId));
  });

  #timeline = new Timeline();
  #initial: Promise<boolean> | null = null;
  #catching = false;
  #catchAgain = false;
  #stops: (() => void)[] = [];
  #tick: ReturnType<typeof setInterval> | null = null;
  #typingSentAt = 0;
  #typers = new Map<string, RoomPerson>();
  #seen = new Map<string, RoomPerson>();
  #readSent = 0;
  #readTimer: ReturnType<typeof setTimeout> | null = null;
  #readsTimer: ReturnType<typeof setTimeout> | null = null;
  #readsTick: ReturnType<typeof setInterval> | null = null;
  #stopped = false;
  /** The socket connection this view last joined on (each reconnection has a new id). */
  #joinedOn: string | undefined;

  constructor(readonly id: string) {}

  /** Loads the room and its latest messages, then joins it over the socket whenever the link is up. */
  async start(): Promise<void> {
    notifications.openRoom = this.id;
    this.#stops.push(
      listen('connect', () => void this.#onConnect()),
      listen('disconnect', () => {
        this.joined = false;
        // Nobody is known to be typing while the link is down.
        this.#typers.clear();
        this.#publishTyping();
      }),
      listen('message:new', (message) => this.#onNew(message)),
      listen('message:updated', (message) => this.#onUpdated(message)),
      listen('message:deleted', ({ roomId, messageId }) => this.#onDeleted(roomId, messageId)),
      listen('room:removed', ({ roomId }) => this.#onRemoved(roomId)),
      listen('typing', (payload) => this.#onTyping(payload)),
      outbox.onDelivered((message) => {
        if (message.roomId === this.id) this.#merge([message]);
      }),
    );
    this.#tick = setInterval(() => this.#prune(), 1_000);
    this.#readsTick = setInterval(() => void this.#loadReads(), READS_EVERY_MS);
    if (!(await this.#loadInitial())) return;
    void this.#loadReads();
    void api.roomMembers(this.id).then(
      (answer) => (this.members = answer.items),
      () => undefined,
    );
    if (isConnected()) await this.#onConnect();
  }

  /** Leaves the room (the page closes). */
  stop(): void {
    this.#stopped = true;
    if (notifications.openRoom === this.id) notifications.openRoom = null;
    for (const stop of this.#stops) stop();
    this.#stops = [];
    if (this.#tick) clearInterval(this.#tick);
    if (this.#readsTick) clearInterval(this.#readsTick);
    if (this.#readTimer) clearTimeout(this.#readTimer);
    if (this.#readsTimer) clearTimeout(this.#readsTimer);
    if (this.joined) leaveRoom(this.id);
  }

  /** Tries the first load again (after a failure). */
  async retry(): Promise<void> {
    this.loadError = null;
    if ((await this.#loadInitial()) && isConnected()) await this.#onConnect();
  }

  /** Loads the page of messages before the oldest one shown. */
  async loadOlder(): Promise<void> {
    if (this.loadingOlder || !this.hasOlder) return;
    this.loadingOlder = true;
    this.olderError = null;
    try {
      const page = await api.roomMessages(this.id, { before: this.#timeline.base + 1, limit: PAGE_SIZE });
      this.#timeline.addOlder(page.items);
      this.#publish();
    } catch (error) {
      this.olderError = errorKey(error);
    } finally {
      this.loadingOlder = false;
    }
  }

  /** Queues a message in the outbox (sent now if connected, when the link returns otherwise). */
  send(body: string, extras?: MessageExtras): void {
    outbox.add(this.id, body, extras);
    this.replyTo = null;
    // The message clears the others' "is typing"; the next keystroke may say it again at once.
    this.#typingSentAt = 0;
  }

  /** Tells the others the person is typing (at most every few seconds). */
  typed(): void {
    const now = Date.now();
    if (now - this.#typingSentAt < TYPING_EVERY_MS || !this.joined) return;
    this.#typingSentAt = now;
    sendTyping(this.id);
  }

  /** Edits one of the person's messages; answers whether it worked (the error is in `actionError`). */
  async edit(message: RoomMessage, body: string): Promise<boolean> {
    this.actionError = null;
    try {
      this.#onUpdated(await editMessage(message.id, body));
      return true;
    } catch (error) {
      this.actionError = linkErrorKey(error);
      return false;
    }
  }

  /** Starts a reply to a message (the composer shows it and takes the focus). */
  startReply(message: RoomMessage): void {
    this.replyTo = message;
    this.composerFocus++;
  }

  /** Toggles the person's reaction to a message. */
  async react(message: RoomMessage, emoji: string): Promise<void> {
    this.actionError = null;
    try {
      this.#onUpdated(await reactToMessage(message.id, emoji));
    } catch (error) {
      this.actionError = linkErrorKey(error);
    }
  }

  /** Brings a message into view (reading older pages until it is held) and focuses it. */
  async jumpTo(seq: number): Promise<void> {
    for (let pages = 0; this.#timeline.base >= seq && this.hasOlder && pages < JUMP_PAGES_MAX; pages++) {
      await this.loadOlder();
      if (this.olderError) return;
    }
    this.focusSeq = null;
    this.focusSeq = seq;
  }

  /** The held message of a seq, if any (a reply's original). */
  held(seq: number): RoomMessage | undefined {
    return this.#timeline.byId(`${this.id}:${seq}`);
  }

  /** Searches the room's messages (newest first). */
  async search(q: string): Promise<void> {
    this.searchQuery = q;
    this.searchError = null;
    if (!q.trim()) {
      this.searchResults = null;
      return;
    }
    this.searching = true;
    try {
      this.searchResults = (await api.searchRoom(this.id, q, { limit: 50 })).items;
    } catch (error) {
      this.searchError = errorKey(error);
    } finally {
      this.searching = false;
    }
  }

  /** Closes the search. */
  clearSearch(): void {
    this.searchQuery = '';
    this.searchResults = null;
    this.searchError = null;
  }

  async #loadReads(): Promise<void> {
    if (this.#stopped || this.removed) return;
    try {
      this.reads = (await api.roomReads(this.id)).items;
    } catch {
      // kept as it was; asked again on the next message or tick
    }
  }

  #readsSoon(): void {
    this.#readsTimer ??= setTimeout(() => {
      this.#readsTimer = null;
      void this.#loadReads();
    }, READS_AFTER_MS);
  }

  /** Deletes a message (the author's, or as an admin of the author's organisation). */
  async remove(message: RoomMessage): Promise<boolean> {
    this.actionError = null;
    try {
      await deleteMessage(message.id);
      this.#onDeleted(this.id, message.id);
      return true;
    } catch (error) {
      this.actionError = linkErrorKey(error);
      return false;
    }
  }

  /** Applies a changed room (after the manager saved it). */
  setRoom(room: Room): void {
    this.room = room;
  }

  /** The room is on screen: records that everything shown has been read (debounced, only forwards). */
  markSeen(): void {
    const seq = this.#timeline.top;
    if (seq <= this.#readSent || this.#readTimer || this.removed) return;
    this.#readTimer = setTimeout(() => {
      this.#readTimer = null;
      const target = this.#timeline.top;
      if (target <= this.#readSent || this.#stopped) return;
      this.#readSent = target;
      api.markRoomRead(this.id, target).then(
        () => notifications.roomRead(this.id),
        () => {
          this.#readSent = 0; // tried again on the next message or visit
        },
      );
    }, READ_DELAY_MS);
  }

  async #loadInitial(): Promise<boolean> {
    this.#initial ??= (async () => {
      try {
        const room = await api.room(this.id);
        const page = await api.roomMessages(this.id, { before: room.lastSeq + 1, limit: PAGE_SIZE });
        this.room = room;
        if (room.unread && room.unread > 0) this.firstUnreadSeq = room.lastSeq - room.unread + 1;
        this.#timeline.startAt(page.items[0] ? page.items[0].seq - 1 : room.lastSeq);
        this.#merge(page.items);
        this.loaded = true;
        this.loadError = null;
        return true;
      } catch (error) {
        this.loadError = errorKey(error);
        this.#initial = null;
        return false;
      }
    })();
    return this.#initial;
  }

  async #onConnect(): Promise<void> {
    if (this.#stopped || this.removed) return;
    if (!(await this.#loadInitial())) return;
    const connectionId = currentSocket()?.id;
    if (!connectionId || connectionId === this.#joinedOn || !isConnected()) return;
    this.#joinedOn = connectionId;
    try {
      await joinRoom(this.id);
      this.joined = true;
      await this.#catchUp();
    } catch (error) {
      if (error instanceof LinkError && error.code === 'not_found') this.#lost();
      // A dropped link: the next `connect` joins and catches up again.
    }
  }

  /** Asks for everything after the last seq held without a gap, until there is no more. */
  async #catchUp(): Promise<void> {
    if (this.#catching) {
      this.#catchAgain = true;
      return;
    }
    this.#catching = true;
    this.catchingUp = true;
    try {
      do {
        this.#catchAgain = false;
        for (;;) {
          const from = this.#timeline.top;
          const batch = await roomHistory(this.id, from, HISTORY_LIMIT_MAX);
          this.#merge(batch);
          if (batch.length < HISTORY_LIMIT_MAX || this.#timeline.top <= from) break;
        }
      } while (this.#catchAgain && !this.#stopped);
    } catch {
      // The link dropped mid-way: the next connection starts again from `top`.
    } finally {
      this.#catching = false;
      this.catchingUp = false;
    }
  }

  #merge(messages: readonly RoomMessage[]): boolean {
    if (!this.#timeline.started || messages.length === 0) return false;
    const gap = this.#timeline.add(messages);
    const me = session.user?.id;
    for (const message of messages) {
      if (message.author.id === me && message.clientMsgId) outbox.confirm(message.clientMsgId);
      else this.#saw(message.author, message.createdAt ? Date.parse(message.createdAt) : 0);
    }
    this.#publish();
    return gap;
  }

  #publish(): void {
    this.messages = this.#timeline.sorted();
    this.hasOlder = this.#timeline.base > 0;
  }

  #onNew(message: RoomMessage): void {
    if (message.roomId !== this.id || !this.#timeline.started) return;
    const gap = this.#merge([message]);
    this.#typers.delete(message.author.id);
    this.#publishTyping();
    if (message.author.id !== session.user?.id) this.arrival = message;
    this.#readsSoon();
    // A seq beyond the next one: something was missed (a dropped event); fetch it.
    if (gap && this.joined) void this.#catchUp();
  }

  #onUpdated(message: RoomMessage): void {
    if (message.roomId !== this.id) return;
    if (this.#timeline.update(message)) this.#publish();
  }

  #onDeleted(roomId: string, messageId: string): void {
    if (roomId !== this.id) return;
    const held = this.#timeline.byId(messageId);
    if (!held || held.deleted) return;
    this.#timeline.update({ ...held, body: '', attachments: [], deleted: true });
    this.#publish();
  }

  #onRemoved(roomId: string): void {
    if (roomId === this.id) this.#lost();
  }

  #lost(): void {
    this.removed = true;
    this.joined = false;
  }

  #onTyping(payload: TypingPayload): void {
    if (payload.roomId !== this.id || payload.user.id === session.user?.id) return;
    this.#typers.set(payload.user.id, { ...payload.user, at: Date.now() + TYPING_SHOWN_MS });
    this.#saw(payload.user, Date.now());
    this.#publishTyping();
  }

  #saw(user: { id: string; name: string; organisationId: string }, at: number): void {
    if (user.id === session.user?.id || Date.now() - at > RECENT_WINDOW_MS) return;
    const known = this.#seen.get(user.id);
    if (known && known.at >= at) return;
    this.#seen.set(user.id, { id: user.id, name: user.name, organisationId: user.organisationId, at });
    this.#publishRecent();
  }

  #prune(): void {
    const now = Date.now();
    let changed = false;
    for (const [id, person] of this.#typers) {
      if (person.at < now) {
        this.#typers.delete(id);
        changed = true;
      }
    }
    if (changed) this.#publishTyping();
    let stale = false;
    for (const [id, person] of this.#seen) {
      if (now - person.at > RECENT_WINDOW_MS) {
        this.#seen.delete(id);
        stale = true;
      }
    }
    if (stale) this.#publishRecent();
  }

  #publishTyping(): void {
    this.typing = [...this.#typers.values()];
  }

  #publishRecent(): void {
    this.recent = [...this.#seen.values()].sort((a, b) => b.at - a.at);
  }
}

/** The message key for a failed socket or HTTP call. */
export function linkErrorKey(error: unknown): MessageKey {
  if (error instanceof LinkError) {
    if (error.code === 'disconnected' || error.code === 'timeout') return 'room_error_offline';
    return errorKey(new ApiError(0, error.code, error.message));
  }
  return errorKey(error);
}
