import mongoose from 'mongoose';
import { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS } from '../../shared/limits.js';
import { LoginThrottle } from '../models/loginThrottle.js';

const cutoff = () => new Date(Date.now() - LOGIN_WINDOW_MS);

/** True while `key` (an email) has had too many failed logins in its current window. */
export async function isLockedOut(key: string): Promise<boolean> {
  const row = await LoginThrottle.findById(key).lean();
  return !!row && row.failures >= LOGIN_MAX_FAILURES && row.windowStart > cutoff();
}

/**
 * Counts one failed login for `key` with an atomic increment (upserting the window on the first
 * failure); a window found already over starts again at one.
 */
export async function recordLoginFailure(key: string): Promise<void> {
  const increment = () => LoginThrottle.findOneAndUpdate(
    { _id: key },
    { $inc: { failures: 1 }, $setOnInsert: { windowStart: new Date() } },
    { upsert: true, new: true },
  ).lean();
  // Two first failures at once: one upsert inserts, the other hits the `_id` and increments instead.
  const row = await increment().catch((error: { code?: number }) => {
    if (error.code === 11000) return increment();
    throw error;
  });
  if (row && row.windowStart <= cutoff()) {
    await LoginThrottle.updateOne({ _id: key }, { $set: { failures: 1, windowStart: new Date() } });
  }
}

/** Forgets the failures of `key` after a successful login. */
export async function clearLoginFailures(key: string): Promise<void> {
  await LoginThrottle.deleteOne({ _id: key });
}

/** Deletes windows that ended (FerretDB has no TTL indexes, so the hub sweeps them). */
export async function sweepLoginThrottles(): Promise<number> {
  const result = await LoginThrottle.deleteMany({ windowStart: mongoose.trusted({ $lte: cutoff() }) });
  return result.deletedCount;
}
