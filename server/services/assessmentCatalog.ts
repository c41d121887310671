import { Assessment, type AssessmentDoc } from '../models/assessment.js';
import { feedHead, readFeed } from './changeFeed.js';

export const ASSESSMENT_FEED = 'assessments';
// Further behind than this, one full load is cheaper than reading the changes one by one.
const MAX_CHANGES_TO_APPLY = 200;

/**
 * A read model of every assessment, kept in each hub process and brought up to date before each
 * list or overview by reading the change feed (lookups by `_id` only). FerretDB 1.24 pushes down
 * nothing but `_id` equality on SQLite and sorts in memory, so a list filtered and sorted in the
 * database costs a scan of every assessment per request; here it costs one `_id` lookup when nothing
 * changed. Visibility is still decided by the assessment policy, item by item.
 */
export class AssessmentCatalog {
  private readonly items = new Map<string, AssessmentDoc>();
  private newestFirst: AssessmentDoc[] | null = null;
  private seq = -1;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  /**
   * Resolves once the catalog reflects every change stored before this call: joins a check only if
   * it starts after the call, so a request always sees the writes that finished before it began.
   */
  fresh(): Promise<void> {
    if (!this.running) {
      this.running = this.sync().finally(() => { this.running = null; });
      return this.running;
    }
    this.next ??= this.running.catch(() => undefined).then(() => {
      this.next = null;
      return this.fresh();
    });
    return this.next;
  }

  /** Live (not deleted) assessments, newest `updatedAt` first (ties: newest id first). */
  live(): readonly AssessmentDoc[] {
    this.newestFirst ??= [...this.items.values()]
      .filter((a) => !a.deletedAt)
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || (b._id.toString() < a._id.toString() ? -1 : 1));
    return this.newestFirst;
  }

  /** One assessment (deleted ones included), as of the last sync. */
  get(id: string): AssessmentDoc | undefined {
    return this.items.get(id);
  }

  /** Forgets everything (tests, and a database restored under a running hub). */
  reset(): void {
    this.items.clear();
    this.newestFirst = null;
    this.seq = -1;
  }

  private async sync(): Promise<void> {
    const head = await feedHead(ASSESSMENT_FEED);
    if (head === this.seq) return;
    if (this.seq < 0 || head < this.seq || head - this.seq > MAX_CHANGES_TO_APPLY) return this.reload(head);
    const ids = await readFeed(ASSESSMENT_FEED, this.seq, head);
    if (!ids) return this.reload(head);
    const docs = await Promise.all(ids.map((id) => Assessment.findById(id).lean()));
    ids.forEach((id, i) => {
      const doc = docs[i];
      if (doc) this.items.set(id, doc);
      else this.items.delete(id);
    });
    this.seq = head;
    this.newestFirst = null;
  }

  private async reload(head: number): Promise<void> {
    // The head is read before the load: a change after it is applied again by the next sync.
    const all = await Assessment.find({}).lean();
    this.items.clear();
    for (const doc of all) this.items.set(doc._id.toString(), doc);
    this.seq = head;
    this.newestFirst = null;
  }
}

/** The process's catalog. */
export const assessmentCatalog = new AssessmentCatalog();
