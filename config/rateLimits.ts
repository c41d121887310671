import { z } from 'zod';

/** How much one caller may do in one window (see docs/security.md, "Rate limits"). */
export interface RateBudgets {
  /** Length of every window, in milliseconds. */
  windowMs: number;
  /** Writes (non-GET /api requests) per signed-in user, or per IP address without a valid token. */
  writes: number;
  /** Failed sign-in steps (login, refresh, password and one-time-code checks) per IP address. */
  authFailures: number;
}

const count = (fallback: number) => z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(1_000_000).default(fallback));

export const RateLimitEnv = z.object({
  HUB_RATE_WINDOW_SECONDS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(1).max(86_400).default(60)),
  HUB_RATE_WRITES: count(1200),
  HUB_RATE_AUTH_FAILURES: count(300),
});

/** The rate budgets from the parsed environment. */
export function rateBudgets(e: z.infer<typeof RateLimitEnv>): RateBudgets {
  return { windowMs: e.HUB_RATE_WINDOW_SECONDS * 1000, writes: e.HUB_RATE_WRITES, authFailures: e.HUB_RATE_AUTH_FAILURES };
}
