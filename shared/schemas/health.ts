import { z } from 'zod';

/** `GET /api/health` (§10): 200 `ok`/`ok` while the database answers, 503 `degraded`/`down` while it does not. */
export const Health = z.object({ status: z.enum(['ok', 'degraded']), db: z.enum(['ok', 'down']), version: z.string() });
export type Health = z.infer<typeof Health>;
