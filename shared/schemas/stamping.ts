import { z } from 'zod';

/**
 * `GET /api/documents/:id/content?original=true` and `…/versions/:version/content?original=true`
 * (§13): the owner organisation's way to the stored, unstamped file. Other query parameters are ignored.
 */
export const DocumentContentQuery = z.object({
  original: z
    .enum(['true', 'false'])
    .optional()
    .transform((value) => value === 'true'),
});
export type DocumentContentQuery = z.infer<typeof DocumentContentQuery>;
