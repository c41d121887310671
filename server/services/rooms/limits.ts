import { MESSAGE_RATE_LIMIT, MESSAGE_RATE_WINDOW_MS } from '../../../shared/schemas/rooms.js';
import { memoryRateLimiter, type RateLimiter, type RateVerdict } from '../rateLimit.js';

let limiter: RateLimiter = memoryRateLimiter(MESSAGE_RATE_LIMIT, MESSAGE_RATE_WINDOW_MS);

/** Installs the message limiter (the Redis one when REDIS_URL is set, so the limit holds across processes). */
export function useMessageLimiter(next: RateLimiter): void {
  void limiter.close();
  limiter = next;
}

/** Takes one of the user's 20 messages per 10 seconds; refused, with when to retry, when none is left. */
export function takeMessageSlot(userId: string): Promise<RateVerdict> {
  return limiter.attempt(userId);
}

/** Releases the limiter's resources at shutdown. */
export function closeMessageLimiter(): Promise<void> {
  return limiter.close();
}
