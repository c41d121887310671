import mongoose from 'mongoose';
import { AuditHead } from '../../models/auditHead.js';
import { GENESIS_HASH } from './hash.js';

/** A link of the chain: a seq and its record's hash. */
export interface Tip { seq: number; hash: string }

const HEAD_ID = 'audit';
// Fairness between processes: a loser asks the winner to hold off about twice as long as its own
// last catch-up (find the tip, insert) took, never more than a second.
const WRITER_ID = new mongoose.Types.ObjectId().toHexString();
const MAX_STEP_ASIDE_MS = 1000;
let lastHonoured = '';

/** When this process should next write: another process asked for a turn until then. */
export const turn = { stepAsideUntil: 0, catchUpMs: 50 };

/** Where the chain ended when last seen (a hint that may lag), or the genesis. */
export async function readHead(): Promise<Tip> {
  const head = await AuditHead.findById(HEAD_ID).lean();
  return head ? { seq: head.seq, hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** Moves the head forward, never back; losing this write only costs the next writer a few steps. */
export async function advanceHead(next: Tip): Promise<void> {
  try {
    const before = await AuditHead.findOneAndUpdate(
      { _id: HEAD_ID, seq: mongoose.trusted({ $lt: next.seq }) },
      { $set: { seq: next.seq, hash: next.hash } },
      { upsert: true, new: false },
    ).lean();
    // Honoured once per request and timed by this process's clock, so clock skew between hosts
    // cannot stretch it.
    const request = `${before?.waiter}@${before?.askedAt?.getTime()}`;
    if (before?.waiter && before.waiter !== WRITER_ID && request !== lastHonoured) {
      lastHonoured = request;
      turn.stepAsideUntil = Date.now() + Math.min(before.waitMs ?? 0, MAX_STEP_ASIDE_MS);
    }
  } catch {
    // A head already at or past `next` makes the upsert collide on _id; any other failure only
    // leaves the hint behind. Either way the record itself is stored.
  }
}

/** Asks, through the head, whichever process keeps taking the next seq to let this one have a turn. */
export async function askForTurn(): Promise<void> {
  const request = { waiter: WRITER_ID, askedAt: new Date(), waitMs: Math.min(2 * turn.catchUpMs, MAX_STEP_ASIDE_MS) };
  await AuditHead.updateOne({ _id: HEAD_ID }, { $set: request }).catch(() => undefined);
}
