import { z } from 'zod';
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../limits.js';

/** A MongoDB ObjectId as the API shows it: 24 hex characters. */
export const Id = z.string().regex(/^[0-9a-f]{24}$/, 'must be an id');

/** `?limit=&cursor=` of every paged list (§2). */
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
  cursor: z.string().max(512).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** `:id` route parameter. */
export const IdParams = z.strictObject({ id: Id });

/** A paged answer. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
