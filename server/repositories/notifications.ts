import type { mongo } from 'mongoose';
import type { Notification } from '../../shared/schemas/notifications.js';
import { BlockLog, blockOf, firstSeqOf } from '../store/blockLog.js';
import { connectedDb } from '../store/database.js';

// Each user's notifications are a numbered log of their own (`notifications_<user>_<block>`, blocks of
// 1,000; store/blockLog.ts): FerretDB scans a whole collection for any query, so a page of the newest
// costs one block of this user's, never anyone else's. Read state is cheap: a read-all watermark (one
// document in `notifications_<user>_state`) plus `readAt` on the items read one by one.

/** MongoDB's (and FerretDB's) code for a collection created meanwhile by someone else. */
const NAMESPACE_EXISTS = 48;

/** One stored notification: the §11 fields (`id` and `readAt` are derived on the way out) and the job that wrote it. */
export interface StoredNotification {
  _id: number;
  seq: number;
  /** The fan-out job that wrote it: a job writes at most one notification per user. */
  key: string;
  type: Notification['type'];
  createdAt: Date;
  readAt: Date | null;
  actor: Notification['actor'];
  subject: Notification['subject'];
  roomId?: string;
  messageSeq?: number;
}

/** What a writer hands over; the log gives it its seq. */
export type NewNotification = Omit<StoredNotification, '_id' | 'seq' | 'readAt'>;

interface ReadState {
  _id: 'read';
  /** Everything up to this seq is read (`POST /read {all: true}`). */
  seq: number;
  at: Date;
}

/** The read-all watermark of a user (seq 0: nothing read that way). */
export interface Watermark {
  seq: number;
  at: Date | null;
}

/** Every user's notification log; the heads are hints kept per process (the log itself decides). */
export class NotificationRepository {
  private readonly logs = new Map<string, BlockLog<StoredNotification>>();
  private readonly heads = new Map<string, number>();
  /** Appends to one user's log run one after another in a process (other processes: the insert decides). */
  private readonly queues = new Map<string, Promise<unknown>>();

  private log(userId: string): BlockLog<StoredNotification> {
    let log = this.logs.get(userId);
    if (!log) {
      log = new BlockLog<StoredNotification>({ nameOf: (block) => `notifications_${userId}_${block}`, idOf: (seq) => seq });
      this.logs.set(userId, log);
    }
    return log;
  }

  private state(userId: string): mongo.Collection<ReadState> {
    return connectedDb().collection<ReadState>(`notifications_${userId}_state`);
  }

  /**
   * Creates the first block of each user's log that has none yet. On FerretDB creating a collection costs
   * ten times an insert: done ahead (a new user, the hub's start), a user's first notification is an
   * insert like any other. Answers how many were created.
   */
  async prepare(userIds: string[]): Promise<number> {
    const db = connectedDb();
    const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    let created = 0;
    for (const userId of userIds) {
      const name = `notifications_${userId}_0`;
      if (existing.has(name)) continue;
      try {
        await db.createCollection(name);
        created += 1;
      } catch (error) {
        if ((error as { code?: number }).code !== NAMESPACE_EXISTS) throw error;
      }
    }
    return created;
  }

  /** The last seq of a user's log (0 when empty): from this process's hint, checked against the log. */
  async head(userId: string): Promise<number> {
    const log = this.log(userId);
    const hint = this.heads.get(userId) ?? 0;
    const end = await log.findEnd({ seq: hint }, async (seq) => ((await log.has(seq)) ? { seq } : null));
    this.heads.set(userId, end.seq);
    return end.seq;
  }

  /** Appends one notification to a user's log; answers it as stored. */
  append(userId: string, item: NewNotification): Promise<StoredNotification> {
    const previous = this.queues.get(userId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.insertNext(userId, item));
    this.queues.set(userId, next);
    void next
      .finally(() => {
        if (this.queues.get(userId) === next) this.queues.delete(userId);
      })
      .catch(() => undefined);
    return next;
  }

  private async insertNext(userId: string, item: NewNotification): Promise<StoredNotification> {
    const log = this.log(userId);
    let seq = (this.heads.get(userId) ?? (await this.head(userId))) + 1;
    for (;;) {
      const record: StoredNotification = { ...item, _id: seq, seq, readAt: null };
      if ((await log.insert([record])) === 1) {
        this.heads.set(userId, seq);
        return record;
      }
      // Another process took this seq: find the end again and go after it.
      seq = (await this.head(userId)) + 1;
    }
  }

  /** Whether a user's log already holds the notification of job `key` (looked for in its last two blocks). */
  async hasKey(userId: string, key: string): Promise<boolean> {
    const head = await this.head(userId);
    if (head === 0) return false;
    const last = blockOf(head);
    for (const block of last > 0 ? [last, last - 1] : [last]) {
      if (
        await this.log(userId)
          .block(block)
          .findOne({ key }, { projection: { _id: 1 } })
      )
        return true;
    }
    return false;
  }

  /** The notification at `seq` of a user's log, or null. */
  at(userId: string, seq: number): Promise<StoredNotification | null> {
    return Number.isSafeInteger(seq) && seq > 0 ? this.log(userId).at(seq) : Promise.resolve(null);
  }

  /**
   * Up to `limit` notifications below seq `below` and above seq `floor`, newest first; `unreadOnly`
   * keeps those without their own `readAt` (the caller applies the watermark: it is the floor).
   */
  async newest(userId: string, below: number, floor: number, limit: number, unreadOnly: boolean): Promise<StoredNotification[]> {
    if (below - 1 <= floor) return [];
    const blocks = [];
    for (let block = blockOf(below - 1); block >= 0 && firstSeqOf(block + 1) - 1 > floor; block--) blocks.push(block);
    const rows = await this.log(userId).backward(below, limit, unreadOnly ? { readAt: null } : {}, blocks);
    return rows.filter((row) => row.seq > floor);
  }

  /**
   * Every notification of a user above seq `floor` without its own `readAt`, in no particular order and
   * with only what counting needs: one query per block above the floor, however many are unread
   * (`/summary`; paging through `newest` costs a sorted query per 200).
   */
  async unreadAbove(userId: string, floor: number): Promise<Pick<StoredNotification, 'seq' | 'type' | 'subject' | 'roomId' | 'messageSeq'>[]> {
    const head = await this.head(userId);
    if (head <= floor) return [];
    const out: Pick<StoredNotification, 'seq' | 'type' | 'subject' | 'roomId' | 'messageSeq'>[] = [];
    for (let block = blockOf(head); block >= blockOf(floor + 1); block--) {
      const filter = firstSeqOf(block) > floor ? { readAt: null } : { readAt: null, seq: { $gt: floor } };
      const rows = await this.log(userId)
        .block(block)
        .find(filter, { projection: { _id: 0, seq: 1, type: 1, subject: 1, roomId: 1, messageSeq: 1 } })
        .toArray();
      out.push(...rows);
    }
    return out;
  }

  /** Notifications created at or after `since`, oldest first (the daily digest reads the last day or so). */
  async since(userId: string, since: Date): Promise<StoredNotification[]> {
    const head = await this.head(userId);
    const out: StoredNotification[] = [];
    for (let block = blockOf(head); head > 0 && block >= 0; block--) {
      const rows = await this.log(userId)
        .block(block)
        .find({ createdAt: { $gte: since } })
        .toArray();
      out.push(...rows);
      // Blocks fill in time order: a block that is not wholly recent ends the search.
      if (rows.length < (block === blockOf(head) ? head - firstSeqOf(block) + 1 : 1000)) break;
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** Marks the named notifications of a user read (those already read keep their time). */
  async markRead(userId: string, seqs: number[], at: Date): Promise<void> {
    const log = this.log(userId);
    const byBlock = new Map<number, number[]>();
    for (const seq of seqs) byBlock.set(blockOf(seq), [...(byBlock.get(blockOf(seq)) ?? []), seq]);
    for (const [block, inBlock] of byBlock) {
      await log.block(block).updateMany({ _id: { $in: inBlock }, readAt: null }, { $set: { readAt: at } });
    }
  }

  /** The read-all watermark of a user. */
  async watermark(userId: string): Promise<Watermark> {
    const state = await this.state(userId).findOne({ _id: 'read' });
    return state ? { seq: state.seq, at: state.at } : { seq: 0, at: null };
  }

  /** Moves a user's read-all watermark forward to `seq` (never back). */
  async markAllRead(userId: string, seq: number, at: Date): Promise<void> {
    const current = await this.watermark(userId);
    if (seq <= current.seq) return;
    await this.state(userId).updateOne({ _id: 'read' }, { $set: { seq, at } }, { upsert: true });
  }
}
