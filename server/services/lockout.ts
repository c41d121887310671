import mongoose from 'mongoose';
import { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS } from '../../shared/limits.js';
import { LoginFailure } from '../models/loginThrottle.js';
import { claim } from '../store/claim.js';

// The window is cut into 15-minute buckets, and each bucket has at most 5 slots `<key>|<bucket>|<n>`.
// A sign-in claims a slot by inserting it BEFORE the password or code is checked: the unique `_id`
// lets exactly one claimer through per slot (FerretDB has no atomic `$inc` or conditional update),
// so however many requests arrive at once, at most 5 checks run, on any number of hub processes.
// The previous bucket is closed to new claims, so reading its recent failures is race-free: they are
// subtracted from the current bucket's slots, which keeps any 15-minute span at 5 failures or fewer.
const bucketOf = (time: number) => Math.floor(time / LOGIN_WINDOW_MS);
const slotId = (key: string, bucket: number, n: number) => `${key}|${bucket}|${n}`;
const slotsOf = (key: string, bucket: number) => Array.from({ length: LOGIN_MAX_FAILURES }, (_, i) => slotId(key, bucket, i + 1));

/** One reserved failure slot: given back after a successful check, kept (as the failure) otherwise. */
export interface LoginSlot {
  readonly id: string;
  /** Gives the slot back: the check it guarded succeeded, so it is no failure. */
  release(): Promise<void>;
}

/** Times of the slots held for `key` in `bucket` that are younger than the window. */
async function recentIn(key: string, bucket: number, now: number): Promise<number[]> {
  const rows = await Promise.all(slotsOf(key, bucket).map((id) => LoginFailure.findById(id, { at: 1 }).lean()));
  return rows.flatMap((r) => (r && r.at.getTime() > now - LOGIN_WINDOW_MS ? [r.at.getTime()] : []));
}

/**
 * Reserves one failure slot of `key` (an account's email) before a password or code is checked; null
 * when all are taken (the account is locked, 429, even for the right password).
 */
export async function reserveLoginSlot(key: string): Promise<LoginSlot | null> {
  const now = Date.now();
  const bucket = bucketOf(now);
  const free = LOGIN_MAX_FAILURES - (await recentIn(key, bucket - 1, now)).length;
  for (let n = 1; n <= free; n++) {
    const id = slotId(key, bucket, n);
    if (await claim(() => LoginFailure.create({ _id: id, at: new Date() }))) {
      return { id, release: async () => { await LoginFailure.deleteOne({ _id: id }); } };
    }
  }
  return null;
}

/** How long until `key` may try again after a refused reservation (at least 1 ms). */
export async function lockedForMs(key: string): Promise<number> {
  const now = Date.now();
  const bucket = bucketOf(now);
  const times = [...(await recentIn(key, bucket - 1, now)), ...(await recentIn(key, bucket, now))].sort((a, b) => a - b);
  // The oldest failure that still holds the count at 5 frees a slot when it is 15 minutes old.
  const oldest = times[Math.max(0, times.length - LOGIN_MAX_FAILURES)] ?? now;
  return Math.max(1, oldest + LOGIN_WINDOW_MS - now);
}

/** Deletes failures older than the window (FerretDB has no TTL indexes, so the hub sweeps them). */
export async function sweepLoginThrottles(): Promise<number> {
  const result = await LoginFailure.deleteMany({ at: mongoose.trusted({ $lte: new Date(Date.now() - LOGIN_WINDOW_MS) }) });
  return result.deletedCount;
}
