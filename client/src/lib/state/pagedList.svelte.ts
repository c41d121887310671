/** A list the hub sends a page at a time: its filters, the rows loaded so far, "load more" and the last failure. */
import { PAGE_LIMIT_MAX } from '../../../../shared/limits.js';
import type { Page } from '../api.js';
import { errorKey } from '../errors.js';
import type { MessageKey } from './i18n.svelte.js';

/** Where the page starts and how long it may be. */
export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** How one kind of list is fetched. */
export interface PagedListSource<Item, Values> {
  /** Asks the hub for the page `request` under the filters `values`. */
  fetch: (values: Values, request: PageRequest) => Promise<Page<Item>>;
  /** The filters when none is set. */
  empty: () => Values;
  pageSize: number;
  /** Adds a further page to the rows held (default: after them). */
  merge?: (held: Item[], more: Item[]) => Item[];
  /** Sees each page that is kept (one overtaken by a newer load is not). */
  onpage?: (items: Item[]) => void;
}

/** State of a filtered list with cursor paging; only the newest load may change it. */
export class PagedList<Item, Values extends object = Record<string, never>> {
  values = $state<Values>({} as Values);
  items = $state.raw<Item[]>([]);
  nextCursor = $state<string | null>(null);
  loading = $state(false);
  loaded = $state(false);
  failure = $state<MessageKey | null>(null);
  #generation = 0;
  /** The filters of the last load, so a quiet refresh ignores what is typed but not yet applied. */
  #applied: Values | null = null;
  readonly #source: PagedListSource<Item, Values>;

  constructor(source: PagedListSource<Item, Values>) {
    this.#source = source;
    this.values = source.empty();
  }

  /** Loads the first page for the current filters, or the page after `cursor`. */
  async load(cursor?: string): Promise<void> {
    const mine = ++this.#generation;
    this.loading = true;
    this.failure = null;
    if (!cursor) this.#applied = $state.snapshot(this.values) as Values;
    try {
      const page = await this.#source.fetch(this.values, { limit: this.#source.pageSize, cursor });
      if (mine !== this.#generation) return;
      const merge = this.#source.merge ?? ((held, more) => [...held, ...more]);
      this.items = cursor ? merge(this.items, page.items) : page.items;
      this.nextCursor = page.nextCursor;
      this.loaded = true;
      this.#source.onpage?.(page.items);
    } catch (error) {
      if (mine === this.#generation) this.failure = errorKey(error);
    } finally {
      if (mine === this.#generation) this.loading = false;
    }
  }

  /**
   * Fetches again as many rows as are shown, under the filters last applied, without a spinner: a live
   * event said something changed. A failure keeps the rows; a load under way wins.
   */
  async refresh(): Promise<void> {
    if (!this.loaded || this.loading || !this.#applied) return;
    const mine = ++this.#generation;
    const limit = Math.min(PAGE_LIMIT_MAX, Math.max(this.#source.pageSize, this.items.length));
    try {
      const page = await this.#source.fetch(this.#applied, { limit });
      if (mine !== this.#generation) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.#source.onpage?.(page.items);
    } catch {
      // Quiet: the rows on screen stay; the next event or the person's own action tries again.
    }
  }

  /** Loads the page after those held. */
  more(): Promise<void> {
    return this.load(this.nextCursor ?? undefined);
  }

  /** Clears every filter and reloads. */
  clear(): Promise<void> {
    this.values = this.#source.empty();
    return this.load();
  }
}

/** What a screen reads of a paged list, whatever its rows and filters. */
export interface PagedView {
  readonly items: readonly unknown[];
  readonly nextCursor: string | null;
  readonly loading: boolean;
  readonly loaded: boolean;
  readonly failure: MessageKey | null;
  load(cursor?: string): Promise<void>;
  more(): Promise<void>;
}
