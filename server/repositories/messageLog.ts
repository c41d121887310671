import type { mongo } from 'mongoose';
import { RoomHead } from '../models/room.js';
import { BlockLog, blockOf, BLOCK_SIZE } from '../store/blockLog.js';

/** A message as stored in its room's block (`roommessages_<room>_<block>`; `_id` is its seq). */
export interface StoredMessage {
  _id: number;
  seq: number;
  roomId: string;
  author: { id: string; name: string; organisationId: string };
  body: string;
  attachments: string[];
  clientMsgId: string | null;
  /** `<userId>:<clientMsgId>`, or `~<random>` when the sender gave none; unique in the block. */
  claim: string;
  createdAt: Date;
  editedAt: Date | null;
  deleted: boolean;
  /** (v2; absent on older messages) the seq this message answers. */
  replyTo?: number | null;
  /** (v2) the users it mentions. */
  mentions?: string[];
  /** (v2) who reacted with what. */
  reactions?: { emoji: string; userIds: string[] }[];
  /** (v2) the earlier bodies, oldest first, each with when it was written. */
  edits?: { body: string; at: Date }[];
}

/** What a sender supplies; the log adds the seq and the claim. */
export type MessageDraft = Omit<StoredMessage, '_id' | 'seq' | 'claim' | 'reactions' | 'edits'>;

/** The claim of a stored message; messages stored before claims existed get one from their clientMsgId. */
function claimOf(message: Omit<StoredMessage, 'claim'> & { claim?: string }): string {
  if (message.claim) return message.claim;
  return message.clientMsgId ? `${message.author.id}:${message.clientMsgId}` : `~${message.roomId}:${message.seq}`;
}

/**
 * A block's claims are unique (so inserting a message claims its seq and its `clientMsgId` at once); a
 * block written before messages carried claims gets them first.
 */
async function claimIndex(block: mongo.Collection<StoredMessage>): Promise<void> {
  const unclaimed = await block.find({ claim: { $exists: false } }).toArray();
  for (const message of unclaimed) await block.updateOne({ _id: message._id }, { $set: { claim: claimOf(message) } });
  await block.createIndex({ claim: 1 }, { unique: true, name: 'claim_unique' });
}

/** The numbered log of one room's messages (blocks of 1,000, one collection each: store/blockLog.ts). */
export function roomBlocks(roomId: string): BlockLog<StoredMessage> {
  return new BlockLog<StoredMessage>({ nameOf: (block) => `roommessages_${roomId}_${block}`, idOf: (seq) => seq, prepare: claimIndex });
}

/** What the room logs of a process report to: metrics, and whoever announces recovered messages. */
export interface LogListeners {
  inserted(seconds: number, messages: number): void;
  recovered(message: StoredMessage): void;
}

/** What storing a message answered: the stored message, and whether it had been stored before (a repeat). */
export interface Sent {
  message: StoredMessage;
  repeated: boolean;
}

interface Pending {
  draft: MessageDraft;
  claim: string;
  resolve(sent: Sent): void;
  reject(error: unknown): void;
}

// At most this many messages go into one insert. Batching is what makes a busy room cheap: one insert
// of 20 messages costs FerretDB about what one insert of one message does.
const MAX_BATCH = 200;
// After a failed insert, the room is read again this soon, then less and less often while it fails.
const RECOVERY_FIRST_MS = 1000;
const RECOVERY_MAX_MS = 30_000;
// In a busy room (the last insert ended less than BUSY_WITHIN_MS ago) the next insert waits GATHER_MS for
// more messages unless GATHER_ENOUGH already wait: at a few hundred messages a second, inserts of one or
// two messages each would keep FerretDB busier than everything else the hub does. A message in a quiet
// room never waits.
const BUSY_WITHIN_MS = 10;
const GATHER_MS = 4;
const GATHER_ENOUGH = 8;

/**
 * The write side of one room in this process: a queue of messages to store, written in batches under
 * consecutive seqs, and what the process knows of the room — `head`, the last seq it knows stored (every
 * seq up to it is stored: seqs are claimed in order, so there is never a gap), and the claims of the
 * messages of the head's block and the one before (a repeated `clientMsgId` is recognised from memory).
 *
 * Other processes may write to the same room. A batch is inserted in order starting at head + 1, so
 * when another writer got there first the insert stops at the first taken seq (or claim): the log then
 * reads what was stored past its head (learning those claims too) and puts the rest of the batch after
 * it. So no seq is ever stored twice, and a message repeated through another process is found.
 */
export class RoomLog {
  private head = 0;
  private readonly claims = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<Sent>>();
  private queue: Pending[] = [];
  private loading: Promise<void> | null = null;
  private pumping = false;
  private attempting: Pending[] = [];
  // Claims of a batch whose insert failed without saying what it stored: once the room is read again,
  // those found stored are handed to the recovery listeners (their senders were told it failed, so no
  // one announced them).
  private readonly unconfirmed = new Set<string>();
  private hintedBlock = -1;
  // When the message at the head was written (what a rooms list shows as the last activity).
  private lastAt: { seq: number; at: Date | null } = { seq: 0, at: null };
  private lastInsertAt = -Infinity;
  lastUsed = Date.now();
  private readonly blocks: BlockLog<StoredMessage>;

  constructor(
    private readonly roomId: string,
    private readonly listeners: LogListeners,
  ) {
    this.blocks = roomBlocks(roomId);
  }

  get idle(): boolean {
    return this.queue.length === 0 && !this.pumping;
  }

  /** Stores a message under the next seq; a claim already stored (or being stored) answers that message. */
  send(draft: MessageDraft, claim: string): Promise<Sent> {
    this.lastUsed = Date.now();
    const first = this.inFlight.get(claim);
    if (first) return first.then(({ message }) => ({ message, repeated: true }));
    const sent = new Promise<Sent>((resolve, reject) => this.queue.push({ draft, claim, resolve, reject }));
    this.inFlight.set(claim, sent);
    const forget = () => this.inFlight.delete(claim);
    sent.then(forget, forget);
    void this.pump();
    return sent;
  }

  /** The room's last stored seq, counting what other processes stored since this one last looked. */
  async lastSeq(): Promise<number> {
    this.lastUsed = Date.now();
    await this.ready();
    const next = this.head + 1;
    if (await this.blocks.has(next)) await this.catchUp();
    return this.head;
  }

  /** When the room's last stored message was written (null: none, or not known to this process yet). */
  async lastMessageAt(): Promise<Date | null> {
    const last = await this.lastSeq();
    if (last === 0) return null;
    if (this.lastAt.seq !== last) this.lastAt = { seq: last, at: (await this.blocks.at(last, { createdAt: 1 }))?.createdAt ?? null };
    return this.lastAt.at;
  }

  private ready(): Promise<void> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = null;
      throw error;
    });
    return this.loading;
  }

  /**
   * Learns the room from the database: the head's hint says which block to start from (every seq up to
   * the hint is stored); the block before it gives its claims; then forward to the real head.
   */
  private async load(): Promise<void> {
    const hint = (await RoomHead.findById(this.roomId, { lastSeq: 1 }).lean())?.lastSeq ?? 0;
    const block = blockOf(hint + 1);
    this.claims.clear();
    this.head = block * BLOCK_SIZE;
    this.hintedBlock = blockOf(hint);
    if (block > 0)
      this.learn(
        await this.blocks
          .block(block - 1)
          .find({})
          .toArray(),
      );
    await this.catchUp();
  }

  /** Reads what was stored past the head, block after block, and learns it. */
  private async catchUp(): Promise<void> {
    for (;;) {
      const block = blockOf(this.head + 1);
      const before = this.head;
      this.learn(await this.blocks.after(this.head));
      if (this.head === before || blockOf(this.head + 1) === block) return;
    }
  }

  /** Takes stored messages into what this process knows (in any order; knowledge only grows). */
  private learn(stored: StoredMessage[]): void {
    const seqs = new Set(stored.map((m) => m.seq));
    for (const message of stored) this.claims.set(claimOf(message), message.seq);
    const recovered = stored.filter((m) => this.unconfirmed.delete(claimOf(m))).sort((a, b) => a.seq - b.seq);
    for (const message of recovered) this.listeners.recovered(message);
    // The head only moves over an unbroken run of seqs.
    while (seqs.has(this.head + 1)) this.head++;
    for (const message of stored) if (message.seq <= this.head && message.seq > this.lastAt.seq) this.lastAt = { seq: message.seq, at: message.createdAt };
    this.forgetOldClaims();
  }

  /** Keeps the claims of the head's block and the one before it. */
  private forgetOldClaims(): void {
    const oldest = blockOf(this.head + 1) - 1;
    if (this.claims.size <= 2 * BLOCK_SIZE) return;
    for (const [claim, seq] of this.claims) if (blockOf(seq) < oldest) this.claims.delete(claim);
  }

  /** Reads the room again after a failed insert (retrying while the database is away). */
  private recoverSoon(delayMs: number): void {
    setTimeout(() => {
      if (this.unconfirmed.size === 0) return;
      this.ready().then(
        // Read to the real head: what is still unconfirmed was not stored.
        () => this.unconfirmed.clear(),
        () => this.recoverSoon(Math.min(delayMs * 2, RECOVERY_MAX_MS)),
      );
    }, delayMs).unref();
  }

  /** Writes the queue out, batch after batch; one loop per room and process. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        this.attempting = [];
        try {
          await this.ready();
          await this.gather();
          await this.writeBatch();
        } catch (error) {
          // What was stored is not known (the database may have failed mid-insert): fail the batch (or,
          // when the room could not even be read, everything waiting) and learn the room afresh before
          // the next write. A retry with the same clientMsgId then finds its message if it was stored.
          const failed = new Set(this.attempting.length > 0 ? this.attempting : this.queue);
          this.queue = this.queue.filter((pending) => !failed.has(pending));
          for (const pending of failed) pending.reject(error);
          for (const pending of this.attempting) this.unconfirmed.add(pending.claim);
          this.loading = null;
          if (this.unconfirmed.size > 0) this.recoverSoon(RECOVERY_FIRST_MS);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Lets a busy room's next insert carry more than the one or two messages that came meanwhile. */
  private async gather(): Promise<void> {
    if (this.queue.length >= GATHER_ENOUGH || performance.now() - this.lastInsertAt > BUSY_WITHIN_MS) return;
    await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
  }

  private async writeBatch(): Promise<void> {
    await this.answerRepeats();
    if (this.queue.length === 0) return;
    const first = this.head + 1;
    const block = blockOf(first);
    const batch = this.queue.slice(0, Math.min(MAX_BATCH, (block + 1) * BLOCK_SIZE - this.head));
    this.attempting = batch;
    const documents: StoredMessage[] = batch.map(({ draft, claim }, i) => ({ _id: first + i, seq: first + i, ...draft, claim }));
    await this.blocks.ready(block);
    const started = performance.now();
    const stored = await this.blocks.insert(documents).finally(() => {
      this.lastInsertAt = performance.now();
      this.listeners.inserted((this.lastInsertAt - started) / 1000, documents.length);
    });
    // What the insert stored is known now (the prefix before a taken seq or claim): nothing is unconfirmed.
    this.attempting = [];
    this.queue.splice(0, stored);
    this.learn(documents.slice(0, stored));
    batch.slice(0, stored).forEach((pending, i) => pending.resolve({ message: documents[i]!, repeated: false }));
    if (stored < documents.length) await this.afterCollision(this.queue[0]!);
    this.hintHead();
  }

  /**
   * Another writer took the next seq, or the next message's claim: learn what was stored past the head.
   * If that explains nothing, the claim must be older than the head's block: look it up where it lives.
   */
  private async afterCollision(next: Pending): Promise<void> {
    const head = this.head;
    await this.catchUp();
    if (this.head !== head || this.claims.has(next.claim)) return;
    const found = await this.blocks.block(blockOf(head + 1)).findOne({ claim: next.claim });
    if (found) {
      this.claims.set(claimOf(found), found.seq);
      return;
    }
    this.queue.shift();
    next.reject(new Error(`room ${this.roomId}: seq ${head + 1} collided with nothing this process can find`));
  }

  /** Queued messages whose claim is already stored answer the stored message, and are not stored again. */
  private async answerRepeats(): Promise<void> {
    const repeats = this.queue.filter((pending) => this.claims.has(pending.claim));
    if (repeats.length === 0) return;
    this.queue = this.queue.filter((pending) => !this.claims.has(pending.claim));
    for (const pending of repeats) {
      const seq = this.claims.get(pending.claim)!;
      try {
        const message = await this.blocks.at(seq);
        if (message) pending.resolve({ message, repeated: true });
        else pending.reject(new Error(`room ${this.roomId}: claimed seq ${seq} is not stored`));
      } catch (error) {
        pending.reject(error);
      }
    }
  }

  /**
   * Moves the head's hint forward once per block: it only has to say where to start reading, and the
   * blocks are read forward from it. (A racing lower write can only make a reader read one more block.)
   */
  private hintHead(): void {
    const block = blockOf(this.head);
    if (block <= this.hintedBlock) return;
    this.hintedBlock = block;
    RoomHead.updateOne({ _id: this.roomId }, { $max: { lastSeq: this.head } }, { upsert: true }).catch(() => {
      this.hintedBlock = -1;
    });
  }
}
