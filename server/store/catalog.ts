import { feedHead, hasEntry, readFeed, type FeedModels } from './changeFeed.js';

// Further behind than this, one full load is cheaper than reading the changes one by one.
// Applying a change costs a lookup; a full load of 10,000 assessments costs tens of seconds on FerretDB.
const MAX_CHANGES_TO_APPLY = 2000;
// Between full reads of the feed's end, a check is one lookup: is there an entry after the last one
// seen? A missing entry proves nothing once pruneFeeds (1 h) could have removed it, nor does it notice a
// feed rewound under the hub; a full read at least this often keeps both far out of reach.
const FULL_CHECK_MS = 60_000;

/** What a catalog keeps: anything with an id, an update time and a deletion mark. */
export interface CatalogItem {
  _id: { toString(): string };
  updatedAt: Date;
  deletedAt?: Date | null;
}

/**
 * A read model of every item of a kind (assessments, documents), kept in each hub process and
 * brought up to date before each read or list by reading its change feed (lookups by `_id` only).
 * FerretDB 1.24 on SQLite scans the collection for any query and sorts in memory, so a list filtered
 * and sorted in the database would cost a scan of every item per request; here an unchanged catalog
 * costs one lookup (the entry after the last one applied). Visibility is still decided by the item's
 * policy, item by item.
 * Live items are also grouped by `groupOf` (assessments: by country), so a list filtered on it walks
 * its group only.
 */
export class Catalog<T extends CatalogItem> {
  private readonly items = new Map<string, T>();
  private newestFirst: T[] | null = null;
  private grouped: Map<string, T[]> | null = null;
  private seq = -1;
  private fullCheckAt = -Infinity;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(
    private readonly feed: string,
    private readonly loadOne: (id: string) => Promise<T | null>,
    private readonly loadAll: () => Promise<T[]>,
    private readonly groupOf: (item: T) => string = () => '',
    // The time lists order by (assessments: that of the published view, which others read).
    private readonly timeOf: (item: T) => number = (item) => item.updatedAt.getTime(),
    private readonly feeds?: FeedModels,
  ) {}

  /**
   * Resolves once the catalog reflects every change stored before this call: joins a check only if
   * it starts after the call, so a request always sees the writes that finished before it began, on
   * any process (a writer's feed entry is stored before it answers, and entries have no gaps).
   */
  fresh(): Promise<void> {
    if (!this.running) {
      this.running = this.sync().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.fresh();
      });
    return this.next;
  }

  /** Live (not deleted) items, newest `timeOf` (by default `updatedAt`) first (ties: newest id first). */
  live(): readonly T[] {
    this.newestFirst ??= [...this.items.values()]
      .filter((item) => !item.deletedAt)
      .sort((a, b) => this.timeOf(b) - this.timeOf(a) || (b._id.toString() < a._id.toString() ? -1 : 1));
    return this.newestFirst;
  }

  /** Live items of one group (`groupOf`: a country, say), in the order of `live()`. */
  liveIn(group: string): readonly T[] {
    if (!this.grouped) {
      this.grouped = new Map();
      for (const item of this.live()) {
        const key = this.groupOf(item);
        const members = this.grouped.get(key);
        if (members) members.push(item);
        else this.grouped.set(key, [item]);
      }
    }
    return this.grouped.get(group) ?? [];
  }

  /** One item (deleted ones included), as of the last sync. */
  get(id: string): T | undefined {
    return this.items.get(id);
  }

  private async sync(): Promise<void> {
    const startedAt = performance.now();
    if (this.seq >= 0 && startedAt - this.fullCheckAt < FULL_CHECK_MS && !(await hasEntry(this.feed, this.seq + 1, this.feeds))) return;
    const head = await feedHead(this.feed, this.feeds);
    this.fullCheckAt = startedAt;
    if (head === this.seq) return;
    if (this.seq < 0 || head < this.seq || head - this.seq > MAX_CHANGES_TO_APPLY) return this.reload(head);
    const ids = await readFeed(this.feed, this.seq, head, this.feeds);
    if (!ids) return this.reload(head);
    const docs = await Promise.all(ids.map((id) => this.loadOne(id)));
    ids.forEach((id, i) => {
      const doc = docs[i];
      if (doc) this.items.set(id, doc);
      else this.items.delete(id);
    });
    this.seq = head;
    this.newestFirst = null;
    this.grouped = null;
  }

  private async reload(head: number): Promise<void> {
    // The head is read before the load: a change after it is applied again by the next sync.
    const all = await this.loadAll();
    this.items.clear();
    for (const doc of all) this.items.set(doc._id.toString(), doc);
    this.seq = head;
    this.newestFirst = null;
    this.grouped = null;
  }
}
