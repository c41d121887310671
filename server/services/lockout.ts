import { isDuplicateKey } from '../store/claim.js';
import mongoose from 'mongoose';
import { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS } from '../../shared/limits.js';
import { LoginFailure } from '../models/loginThrottle.js';

// Slots kept per bucket: enough to know an account is locked, bounded so a storm costs little.
const SLOTS = LOGIN_MAX_FAILURES * 4;
const bucketOf = (time: number) => Math.floor(time / LOGIN_WINDOW_MS);
const slotId = (key: string, bucket: number, n: number) => `${key}|${bucket}|${n}`;

/** Times of the failures of `key` within the last 15 minutes (the current and previous bucket). */
async function recentFailures(key: string): Promise<number[]> {
  const now = Date.now();
  const bucket = bucketOf(now);
  const ids = [bucket - 1, bucket].flatMap((b) => Array.from({ length: LOGIN_MAX_FAILURES + 1 }, (_, i) => slotId(key, b, i + 1)));
  const rows = await Promise.all(ids.map((id) => LoginFailure.findById(id, { at: 1 }).lean()));
  return rows.filter((r) => r && r.at.getTime() > now - LOGIN_WINDOW_MS).map((r) => r!.at.getTime());
}

/**
 * How long `key` (an email) stays locked: while it has 5 failed logins within the last 15 minutes,
 * until enough of them are 15 minutes old, even for the right password; 0 when it is not locked.
 */
export async function lockedForMs(key: string): Promise<number> {
  const times = (await recentFailures(key)).sort((a, b) => a - b);
  if (times.length < LOGIN_MAX_FAILURES) return 0;
  return Math.max(1, times[times.length - LOGIN_MAX_FAILURES]! + LOGIN_WINDOW_MS - Date.now());
}

/** Counts one failed login of `key` by claiming the next free slot of the current bucket. */
export async function recordLoginFailure(key: string): Promise<void> {
  const bucket = bucketOf(Date.now());
  for (let n = 1; n <= SLOTS; n++) {
    try {
      await LoginFailure.create({ _id: slotId(key, bucket, n), at: new Date() });
      return;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
}

/** Forgets the failures of `key` after a successful login. */
export async function clearLoginFailures(key: string): Promise<void> {
  const bucket = bucketOf(Date.now());
  const ids = [bucket - 1, bucket].flatMap((b) => Array.from({ length: SLOTS }, (_, i) => slotId(key, b, i + 1)));
  await Promise.all(ids.map((id) => LoginFailure.deleteOne({ _id: id })));
}

/** Deletes failures older than the window (FerretDB has no TTL indexes, so the hub sweeps them). */
export async function sweepLoginThrottles(): Promise<number> {
  const result = await LoginFailure.deleteMany({ at: mongoose.trusted({ $lte: new Date(Date.now() - LOGIN_WINDOW_MS) }) });
  return result.deletedCount;
}
