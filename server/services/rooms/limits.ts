import type { Logger } from 'pino';
import type { Config } from '../../../config/index.js';
import { MESSAGE_RATE_LIMIT, MESSAGE_RATE_WINDOW_MS } from '../../../shared/schemas/rooms.js';
import { rateLimitPrefix } from '../../http/rateLimits.js';
import { memoryRateLimiter, redisRateLimiter, type RateLimiter } from '../rateLimit.js';

/**
 * The limit of 20 messages per user in 10 seconds: in Redis when REDIS_URL is set, so that it holds
 * across the processes of the hub; in memory otherwise.
 */
export async function createMessageLimiter(config: Pick<Config, 'redisUrl' | 'jwtSecret'>, log: Logger): Promise<RateLimiter> {
  if (!config.redisUrl) return memoryRateLimiter(MESSAGE_RATE_LIMIT, MESSAGE_RATE_WINDOW_MS);
  return redisRateLimiter(config.redisUrl, rateLimitPrefix(config, 'messages'), MESSAGE_RATE_LIMIT, MESSAGE_RATE_WINDOW_MS, log);
}

/** A limiter for one process alone (the demo loader). */
export const localMessageLimiter = (): RateLimiter => memoryRateLimiter(MESSAGE_RATE_LIMIT, MESSAGE_RATE_WINDOW_MS);
