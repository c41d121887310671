import mongoose from 'mongoose';
import { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS } from '../../shared/limits.js';
import { LoginThrottle } from '../models/loginThrottle.js';

const cutoff = () => new Date(Date.now() - LOGIN_WINDOW_MS);

/** True while `key` (an email) has had too many failed logins in its current window. */
export async function isLockedOut(key: string): Promise<boolean> {
  const row = await LoginThrottle.findOne({ key }).lean();
  return !!row && row.failures >= LOGIN_MAX_FAILURES && row.windowStart > cutoff();
}

/**
 * Counts one failed login for `key`: inside the current window atomically, otherwise by opening a new
 * window; a race with another process opening the same window is settled by the unique key.
 */
export async function recordLoginFailure(key: string): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const inWindow = await LoginThrottle.updateOne(
      { key, windowStart: mongoose.trusted({ $gt: cutoff() }) },
      { $inc: { failures: 1 } },
    );
    if (inWindow.matchedCount > 0) return;
    try {
      await LoginThrottle.updateOne(
        { key, windowStart: mongoose.trusted({ $lte: cutoff() }) },
        { $set: { failures: 1, windowStart: new Date() } },
        { upsert: true },
      );
      return;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
  }
}

/** Forgets the failures of `key` after a successful login. */
export async function clearLoginFailures(key: string): Promise<void> {
  await LoginThrottle.deleteOne({ key });
}

/** Deletes windows that ended (FerretDB has no TTL indexes, so the hub sweeps them). */
export async function sweepLoginThrottles(): Promise<number> {
  const result = await LoginThrottle.deleteMany({ windowStart: mongoose.trusted({ $lte: cutoff() }) });
  return result.deletedCount;
}
