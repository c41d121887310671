import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../../config/index.js';
import { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS } from '../../shared/limits.js';
import { verifyAccessToken } from '../auth/tokens.js';
import { memoryRateLimiter, redisRateLimiter, type RateLimiter, type RateVerdict } from '../services/rateLimit.js';
import { rateLimited } from './errors.js';

/** The API's rate limits: the middleware to mount on /api and how to release their Redis connections. */
export interface RateLimits {
  handler: RequestHandler;
  /** The per-user write budget (key `user:<id>`), for writes made over socket.io. */
  writes: RateLimiter;
  close(): Promise<void>;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Paths under /api (Express matches routes case-insensitively, with or without a trailing slash).
const SIGN_IN = /^\/auth\/(login|refresh)\/?$/i;
const CREDENTIAL_CHECKS = /^\/me\/(password|mfa\/setup|mfa\/enable|mfa\/disable)\/?$/i;

/**
 * Rate limits on every write and on every credential check (OWASP: limit by user and by source).
 * Writes: `config.rateLimits.writes` per window for each signed-in user, or each IP address without a
 * valid token. Credential checks (sign-in, refresh, current password, one-time code): the failures
 * from one IP address share `authFailures`, and a signed-in account may fail its own password or code
 * checks as often as the login lockout allows (5 in 15 minutes). Past a budget: 429 `rate_limited`
 * with `Retry-After`, before anything is read or stored. With REDIS_URL the counts are shared by
 * every hub process.
 */
export async function createRateLimits(config: Config, log: Logger): Promise<RateLimits> {
  const { windowMs, writes, authFailures } = config.rateLimits;
  const make = (name: string, max: number, window: number) =>
    config.redisUrl ? redisRateLimiter(config.redisUrl, rateLimitPrefix(config, name), max, window, log) : Promise.resolve(memoryRateLimiter(max, window));
  const [writeLimit, sourceFailures, accountFailures] = await Promise.all([
    make('writes', writes, windowMs),
    make('auth-ip', authFailures, windowMs),
    make('auth-account', LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS),
  ]);
  const limiters: RateLimiter[] = [writeLimit, sourceFailures, accountFailures];

  const handler: RequestHandler = (req, res, next) => {
    if (READS.has(req.method)) return next();
    limit(req, res).then(next, next);
  };

  async function limit(req: Request, res: Response): Promise<void> {
    const source = `ip:${sourceOf(req.ip)}`;
    const userId = bearerUser(req, config.jwtSecret);
    const signIn = SIGN_IN.test(req.path);
    const credentialCheck = userId !== null && CREDENTIAL_CHECKS.test(req.path);
    if (signIn || credentialCheck) {
      refuseUnless(await sourceFailures.peek(source), 'Too many failed sign-in attempts from this network; try again later.');
      if (credentialCheck) refuseUnless(await accountFailures.peek(`user:${userId}`), 'Too many failed checks for this account; try again later.');
    }
    refuseUnless(await writeLimit.attempt(userId ? `user:${userId}` : source), 'Too many changes in a short time; slow down and try again shortly.');
    if (!signIn && !credentialCheck) return;
    // Counted once answered: a wrong password or code is only known after the route has checked it.
    res.on('finish', () => {
      const failed = signIn ? res.statusCode === 401 || res.statusCode === 429 : res.statusCode === 400;
      if (!failed) return;
      void sourceFailures.attempt(source);
      if (credentialCheck) void accountFailures.attempt(`user:${userId}`);
    });
  }

  return {
    handler,
    writes: writeLimit,
    async close() {
      await Promise.all(limiters.map((limiter) => limiter.close()));
    },
  };
}

/**
 * Where a limiter keeps its counts in Redis. One Redis may serve several hubs (staging and production,
 * or the tests' hubs): the processes of one hub share its JWT secret, so a digest of it keeps each hub's
 * counts apart without putting the secret anywhere.
 */
export function rateLimitPrefix(config: Pick<Config, 'jwtSecret'>, name: string): string {
  return hubRedisPrefix(config, 'rl', name);
}

/** Where this hub keeps the keys of `area` (`rl`: rate limits, `rw`: room writers) in a Redis other hubs may share. */
export function hubRedisPrefix(config: Pick<Config, 'jwtSecret'>, area: string, name: string): string {
  const hub = createHash('sha256').update(`partner-hub rate limits ${config.jwtSecret}`).digest('hex').slice(0, 16);
  return `hub:${area}:${hub}:${name}`;
}

/** Throws 429 with Retry-After unless the verdict allows. */
function refuseUnless(verdict: RateVerdict, message: string): void {
  if (!verdict.allowed) throw rateLimited(message, verdict.retryAfterMs);
}

/** The user a valid bearer token names (signature and claims only; the session is checked by auth()). */
function bearerUser(req: Request, secret: string): string | null {
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) return null;
  return verifyAccessToken(secret, header.slice(7).trim())?.sub ?? null;
}

/**
 * The source a budget is kept for: an IPv4 address, or an IPv6 address's /64 network, since one
 * IPv6 host is usually given a whole /64 and could otherwise spread its requests over 2^64 addresses.
 */
export function sourceOf(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
