import { setTimeout as sleep } from 'node:timers/promises';
import { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS } from '../../../shared/limits.js';
import type { SessionRepository } from '../../repositories/sessions.js';

// The window is cut into 15-minute buckets, and each bucket has at most 5 slots `<key>|<bucket>|<n>`.
// A sign-in claims a slot by inserting it BEFORE the password or code is checked: the unique `_id`
// lets exactly one claimer through per slot (FerretDB has no atomic `$inc` or conditional update),
// so however many requests arrive at once, at most 5 checks run, on any number of hub processes.
// The previous bucket is closed to new claims, so reading its recent failures is race-free: they are
// subtracted from the current bucket's slots, which keeps any 15-minute span at 5 failures or fewer.
const bucketOf = (time: number) => Math.floor(time / LOGIN_WINDOW_MS);
const slotId = (key: string, bucket: number, n: number) => `${key}|${bucket}|${n}`;
const slotsOf = (key: string, bucket: number) => Array.from({ length: LOGIN_MAX_FAILURES }, (_, i) => slotId(key, bucket, i + 1));

// When every slot is taken but some are still being checked, a sign-in waits for them rather than
// answering 429 at once: a right password (the owner's tabs, a test suite) must not be refused for
// sharing a moment with other right passwords. It waits at most this long, then counts them as failures.
const WAIT_MAX_MS = 5_000;
// A reservation whose process died before settling it counts as a failure after this.
const PENDING_MAX_MS = 30_000;

/** One reserved failure slot: given back after a successful check, kept as the failure otherwise. */
export interface LoginSlot {
  readonly id: string;
  /** Gives the slot back: the check it guarded succeeded (or never ran), so it is no failure. */
  release(): Promise<void>;
  /** Keeps the slot as one failed sign-in of the account. */
  fail(): Promise<void>;
}

/** The sign-in lockout of one hub process: at most 5 failed checks per account in any 15 minutes. */
export class Lockout {
  /** The settling of this process's reservations, per key: waiters here need not poll the database. */
  private readonly inFlight = new Map<string, Set<Promise<void>>>();

  constructor(private readonly sessions: SessionRepository) {}

  /**
   * Reserves one failure slot of `key` (an account's email) before a password or code is checked; null
   * when all are held by failures (the account is locked: 429, even for the right password).
   */
  async reserve(key: string): Promise<LoginSlot | null> {
    const deadline = Date.now() + WAIT_MAX_MS;
    for (;;) {
      const now = Date.now();
      const bucket = bucketOf(now);
      const [previous, current] = await Promise.all([this.slotsIn(key, bucket - 1, now), this.slotsIn(key, bucket, now)]);
      const free = LOGIN_MAX_FAILURES - previous.times.length;
      // Only slots that looked free are tried: the insert decides, the read just spares a storm of them.
      for (let n = 1; n <= free; n++) {
        if (current.held[n - 1]) continue;
        const id = slotId(key, bucket, n);
        if (await this.sessions.reserveFailure(id)) return this.track(key, id);
      }
      if (Date.now() > deadline || (current.pending === 0 && current.held.slice(0, Math.max(0, free)).every(Boolean))) return null;
      // Wait for this process's checks of the account to settle (all of them: one wake-up, not five),
      // or poll when they run in another process.
      const local = this.inFlight.get(key);
      await (local?.size ? Promise.race([Promise.all([...local]), sleep(1_000)]) : sleep(50 + Math.random() * 100));
    }
  }

  /** How long until `key` may try again after a refused reservation (at least 1 ms). */
  async lockedForMs(key: string): Promise<number> {
    const now = Date.now();
    const bucket = bucketOf(now);
    const times = [...(await this.slotsIn(key, bucket - 1, now)).times, ...(await this.slotsIn(key, bucket, now)).times].sort((a, b) => a - b);
    // The oldest failure that still holds the count at 5 frees a slot when it is 15 minutes old.
    const oldest = times[Math.max(0, times.length - LOGIN_MAX_FAILURES)] ?? now;
    return Math.max(1, oldest + LOGIN_WINDOW_MS - now);
  }

  /** The slots of `key` in `bucket`: which are held (younger than the window), their times, how many still pending. */
  private async slotsIn(key: string, bucket: number, now: number): Promise<{ held: boolean[]; times: number[]; pending: number }> {
    const rows = await this.sessions.failureSlots(slotsOf(key, bucket));
    const live = rows.map((r) => (r !== null && r.at.getTime() > now - LOGIN_WINDOW_MS ? r : null));
    return {
      held: live.map((r) => r !== null),
      times: live.flatMap((r) => (r ? [r.at.getTime()] : [])),
      pending: live.filter((r) => r?.pending === true && r.at.getTime() > now - PENDING_MAX_MS).length,
    };
  }

  private track(key: string, id: string): LoginSlot {
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const mine = this.inFlight.get(key) ?? new Set<Promise<void>>();
    mine.add(settled);
    this.inFlight.set(key, mine);
    const done = () => {
      settle();
      mine.delete(settled);
      if (mine.size === 0 && this.inFlight.get(key) === mine) this.inFlight.delete(key);
    };
    let over = false;
    const once = async (work: () => Promise<unknown>) => {
      if (over) return;
      over = true;
      try {
        await work();
      } finally {
        done();
      }
    };
    return { id, release: () => once(() => this.sessions.releaseFailure(id)), fail: () => once(() => this.sessions.keepFailure(id)) };
  }
}
