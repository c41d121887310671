import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { createClient } from 'redis';

type RedisClient = ReturnType<typeof createClient>;

/** A sliding-window limit: at most `max` events per key in any `windowMs`. */
export interface RateLimiter {
  /** Counts one event for `key`; false (and nothing counted) when the limit is reached. */
  take(key: string): Promise<boolean>;
  close(): Promise<void>;
}

/** In-process limiter: exact for one hub process. */
export function memoryRateLimiter(max: number, windowMs: number): RateLimiter {
  const events = new Map<string, number[]>();
  const sweep = setInterval(() => {
    const cutoff = Date.now() - windowMs;
    for (const [key, times] of events) if (times[times.length - 1]! <= cutoff) events.delete(key);
  }, windowMs);
  sweep.unref();
  return {
    async take(key) {
      const now = Date.now();
      const times = (events.get(key) ?? []).filter((t) => t > now - windowMs);
      if (times.length >= max) {
        events.set(key, times);
        return false;
      }
      times.push(now);
      events.set(key, times);
      return true;
    },
    async close() {
      clearInterval(sweep);
    },
  };
}

// Atomic in Redis: drop events older than the window, count, and add this one only if under the limit.
const SLIDING_WINDOW = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/**
 * Limiter shared by every hub process through Redis (a sorted set per key, updated by one Lua
 * script, so concurrent processes cannot both take the last slot). While Redis is unreachable it
 * falls back to this process's own count rather than refusing or allowing everything.
 */
export async function redisRateLimiter(url: string, prefix: string, max: number, windowMs: number, log: Logger): Promise<RateLimiter> {
  const client: RedisClient = createClient({ url, socket: { reconnectStrategy: (retries) => Math.min(retries * 200, 5000) } });
  let warned = false;
  client.on('error', (error: Error) => {
    if (!warned) log.warn({ err: error.message }, 'rate limits fall back to this process while Redis is unreachable');
    warned = true;
  });
  client.on('ready', () => { warned = false; });
  await client.connect();
  const fallback = memoryRateLimiter(max, windowMs);
  return {
    async take(key) {
      if (!client.isReady) return fallback.take(key);
      try {
        const now = Date.now();
        const allowed = await client.eval(SLIDING_WINDOW, {
          keys: [`${prefix}:${key}`],
          arguments: [String(now), String(windowMs), String(max), `${now}-${randomUUID()}`],
        });
        return allowed === 1;
      } catch {
        return fallback.take(key);
      }
    },
    async close() {
      await fallback.close();
      await client.quit().catch(() => undefined);
    },
  };
}
