import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { within } from '../timeouts.js';

type RedisClient = ReturnType<typeof createClient>;

/** What a limiter says about one key: allowed, or how long until the oldest counted event leaves the window. */
export interface RateVerdict {
  allowed: boolean;
  retryAfterMs: number;
}

/** A sliding-window limit: at most `max` events per key in any `windowMs`. */
export interface RateLimiter {
  /** Counts one event for `key`; false (and nothing counted) when the limit is reached. */
  take(key: string): Promise<boolean>;
  /** Like take, with how long to wait when refused. */
  attempt(key: string): Promise<RateVerdict>;
  /** Whether an event for `key` would be allowed now, counting nothing. */
  peek(key: string): Promise<RateVerdict>;
  close(): Promise<void>;
}

const ALLOWED: RateVerdict = { allowed: true, retryAfterMs: 0 };

/** In-process limiter: exact for one hub process. */
export function memoryRateLimiter(max: number, windowMs: number): RateLimiter {
  const events = new Map<string, number[]>();
  const sweep = setInterval(() => {
    const cutoff = Date.now() - windowMs;
    for (const [key, times] of events) if (times[times.length - 1]! <= cutoff) events.delete(key);
  }, windowMs);
  sweep.unref();
  const recent = (key: string, now: number) => {
    const times = (events.get(key) ?? []).filter((t) => t > now - windowMs);
    events.set(key, times);
    return times;
  };
  const verdict = (times: number[], now: number): RateVerdict =>
    times.length < max ? ALLOWED : { allowed: false, retryAfterMs: times[times.length - max]! + windowMs - now };
  const limiter: RateLimiter = {
    async take(key) {
      return (await limiter.attempt(key)).allowed;
    },
    async attempt(key) {
      const now = Date.now();
      const times = recent(key, now);
      const answer = verdict(times, now);
      if (answer.allowed) times.push(now);
      return answer;
    },
    async peek(key) {
      const now = Date.now();
      return verdict(recent(key, now), now);
    },
    async close() {
      clearInterval(sweep);
    },
  };
  return limiter;
}

// Atomic in Redis: drop events older than the window, count, and (ARGV[5] = '1') add this one only if
// under the limit. Answers {1, 0} when allowed, {0, ms until the oldest counted event leaves} otherwise.
const SLIDING_WINDOW = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
local max = tonumber(ARGV[3])
if count >= max then
  local oldest = redis.call('ZRANGE', KEYS[1], count - max, count - max, 'WITHSCORES')
  return {0, tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1])}
end
if ARGV[5] == '1' then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return {1, 0}`;

// A Redis that stops answering without closing its connection (frozen, or a partition the socket has not
// noticed) would hold every limited request and message forever: past REDIS_ANSWER_MS this process's own
// count decides, and Redis is left alone for SUSPECT_MS so that each request does not wait for it again.
const REDIS_ANSWER_MS = 300;
const SUSPECT_MS = 2000;

/**
 * Limiter shared by every hub process through Redis (a sorted set per key, updated by one Lua
 * script, so concurrent processes cannot both take the last slot). While Redis is unreachable or
 * does not answer, this process's own count decides. Not fail closed: refusing everything would stop
 * every write and chat of the hub whenever Redis blips, though Redis holds none of its data. Not fail
 * open: nothing would hold back a flood. Each process still enforces the limit, so across N processes
 * a caller gets at most N times it until Redis is back.
 */
export async function redisRateLimiter(url: string, prefix: string, max: number, windowMs: number, log: Logger): Promise<RateLimiter> {
  const client: RedisClient = createClient({ url, socket: { reconnectStrategy: (retries) => Math.min(retries * 200, 5000) } });
  let warned = false;
  client.on('error', (error: Error) => {
    if (!warned) log.warn({ err: error.message }, 'rate limits fall back to this process while Redis is unreachable');
    warned = true;
  });
  client.on('ready', () => {
    warned = false;
  });
  // Not awaited: a Redis that is down at start must not hold the hub's start; until it answers, the
  // fallback counts (the client keeps reconnecting by itself).
  client.connect().catch(() => undefined);
  const fallback = memoryRateLimiter(max, windowMs);
  let suspectUntil = 0;
  const run = async (key: string, count: boolean): Promise<RateVerdict> => {
    if (!client.isReady || Date.now() < suspectUntil) return count ? fallback.attempt(key) : fallback.peek(key);
    try {
      const now = Date.now();
      const [allowed, retryAfterMs] = (await within(
        client.eval(SLIDING_WINDOW, {
          keys: [`${prefix}:${key}`],
          arguments: [String(now), String(windowMs), String(max), `${now}-${randomUUID()}`, count ? '1' : '0'],
        }),
        REDIS_ANSWER_MS,
        'redis',
      )) as [number, number];
      return { allowed: allowed === 1, retryAfterMs };
    } catch {
      suspectUntil = Date.now() + SUSPECT_MS;
      return count ? fallback.attempt(key) : fallback.peek(key);
    }
  };
  return {
    async take(key) {
      return (await run(key, true)).allowed;
    },
    attempt: (key) => run(key, true),
    peek: (key) => run(key, false),
    async close() {
      await fallback.close();
      // quit() waits for Redis to answer: a client still trying to reach it, or a Redis that does not
      // answer in time, is just disconnected.
      const quit = client.isReady
        ? within(client.quit(), 1000, 'redis QUIT').then(
            () => true,
            () => false,
          )
        : Promise.resolve(false);
      if (!(await quit)) await client.disconnect().catch(() => undefined);
    },
  };
}
