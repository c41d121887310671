import { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS } from '../../../shared/limits.js';
import type { SessionRepository } from '../../repositories/sessions.js';

// Slots kept per bucket: enough to know an account is locked, bounded so a storm costs little.
const SLOTS = LOGIN_MAX_FAILURES * 4;
const bucketOf = (time: number) => Math.floor(time / LOGIN_WINDOW_MS);
const slotId = (key: string, bucket: number, n: number) => `${key}|${bucket}|${n}`;

/** Times of the failures of `key` within the last 15 minutes (the current and previous bucket). */
async function recentFailures(sessions: SessionRepository, key: string): Promise<number[]> {
  const now = Date.now();
  const bucket = bucketOf(now);
  const ids = [bucket - 1, bucket].flatMap((b) => Array.from({ length: LOGIN_MAX_FAILURES + 1 }, (_, i) => slotId(key, b, i + 1)));
  const times = await sessions.failureTimes(ids);
  return times.map((at) => at.getTime()).filter((t) => t > now - LOGIN_WINDOW_MS);
}

/**
 * How long `key` (an email) stays locked: while it has 5 failed logins within the last 15 minutes,
 * until enough of them are 15 minutes old, even for the right password; 0 when it is not locked.
 */
export async function lockedForMs(sessions: SessionRepository, key: string): Promise<number> {
  const times = (await recentFailures(sessions, key)).sort((a, b) => a - b);
  if (times.length < LOGIN_MAX_FAILURES) return 0;
  return Math.max(1, times[times.length - LOGIN_MAX_FAILURES]! + LOGIN_WINDOW_MS - Date.now());
}

/** Counts one failed login of `key` by claiming the next free slot of the current bucket. */
export async function recordLoginFailure(sessions: SessionRepository, key: string): Promise<void> {
  const bucket = bucketOf(Date.now());
  for (let n = 1; n <= SLOTS; n++) {
    if (await sessions.claimFailure(slotId(key, bucket, n))) return;
  }
}

/** Forgets the failures of `key` after a successful login. */
export async function clearLoginFailures(sessions: SessionRepository, key: string): Promise<void> {
  const bucket = bucketOf(Date.now());
  await sessions.clearFailures([bucket - 1, bucket].flatMap((b) => Array.from({ length: SLOTS }, (_, i) => slotId(key, b, i + 1))));
}
