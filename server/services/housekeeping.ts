import type { Logger } from 'pino';
import { LOGIN_WINDOW_MS } from '../../shared/limits.js';
import type { SessionRepository } from '../repositories/sessions.js';
import { pruneFeeds } from '../store/changeFeed.js';

const EVERY_MS = 10 * 60 * 1000;
const FEED_MAX_AGE_MS = 60 * 60 * 1000;

/** Periodic clean-up that TTL indexes would do on MongoDB (FerretDB has none). */
export function startHousekeeping(sessions: SessionRepository, log: Logger): { stop(): void } {
  const sweep = async () => {
    try {
      const removed = (await sessions.sweep(LOGIN_WINDOW_MS)) + (await pruneFeeds(FEED_MAX_AGE_MS));
      if (removed) log.debug({ removed }, 'housekeeping removed expired records');
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'housekeeping failed; will retry');
    }
  };
  const first = setTimeout(sweep, 5_000);
  const timer = setInterval(sweep, EVERY_MS);
  first.unref();
  timer.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
