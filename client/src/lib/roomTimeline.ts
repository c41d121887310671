/** The messages of one room as the client holds them: keyed by seq, so history, catch-up and live events merge without duplicates. */
import type { RoomMessage } from '../../../shared/events.js';

/**
 * A window of a room's messages, `base + 1` … upwards. `top` is the highest seq up to which nothing is
 * missing: a live message beyond `top + 1` means something was missed, and catch-up asks for `seq > top`.
 */
export class Timeline {
  #bySeq = new Map<number, RoomMessage>();
  #base = 0;
  #top = 0;
  #started = false;

  /** Whether the window has been placed (after the first page). */
  get started(): boolean {
    return this.#started;
  }

  /** Every seq at or below this is not loaded (0: the window reaches the room's first message). */
  get base(): number {
    return this.#base;
  }

  /** The highest seq with no gap below it in the window. */
  get top(): number {
    return this.#top;
  }

  /** The highest seq held (above `top` when a gap waits for catch-up). */
  get newest(): number {
    let newest = this.#top;
    for (const seq of this.#bySeq.keys()) if (seq > newest) newest = seq;
    return newest;
  }

  /** Places the window just above `base`: messages up to `base` are older history, loaded on demand. */
  startAt(base: number): void {
    this.#base = Math.max(0, base);
    this.#top = Math.max(this.#top, this.#base);
    this.#started = true;
    this.#advance();
  }

  /** Adds or refreshes messages newer than `base`; answers whether a gap remains below the newest. */
  add(messages: readonly RoomMessage[]): boolean {
    for (const message of messages) {
      if (message.seq > this.#base) this.#bySeq.set(message.seq, message);
    }
    this.#advance();
    return this.newest > this.#top;
  }

  /** Adds an older page (seq below `base`); an empty page means the room's beginning was reached. */
  addOlder(messages: readonly RoomMessage[]): void {
    let lowest = this.#base + 1;
    for (const message of messages) {
      if (message.seq > this.#base) continue;
      this.#bySeq.set(message.seq, message);
      lowest = Math.min(lowest, message.seq);
    }
    this.#base = messages.length === 0 ? 0 : lowest - 1;
  }

  /** Replaces a message already held (edited or deleted); others are outside the window. */
  update(message: RoomMessage): boolean {
    if (!this.#bySeq.has(message.seq)) return false;
    this.#bySeq.set(message.seq, message);
    return true;
  }

  /** A held message by its id (`<roomId>:<seq>`). */
  byId(id: string): RoomMessage | undefined {
    const seq = Number(id.slice(id.lastIndexOf(':') + 1));
    const message = this.#bySeq.get(seq);
    return message?.id === id ? message : undefined;
  }

  /** Everything held, in seq order. */
  sorted(): RoomMessage[] {
    return [...this.#bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  #advance(): void {
    while (this.#bySeq.has(this.#top + 1)) this.#top += 1;
  }
}
