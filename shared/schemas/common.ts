import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../errors.js';
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

/** A time as every answer shows it (§2): ISO-8601 in UTC, such as `2026-12-07T03:00:00.000Z`. */
export const IsoTime = z.iso.datetime();

/** The schema of a paged answer (§2) of `item`s. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** A paged answer. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** The `error` of every error answer, on HTTP and in socket acknowledgements (§2). */
export const ErrorBody = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/**
 * Every error answer of the HTTP API: `{"error": {code, message, details?}}`; a 403
 * `mfa_enrolment_required` also carries the `enrolmentToken` good only for MFA set-up (§3 v2).
 */
export const ErrorAnswer = z.object({ error: ErrorBody, enrolmentToken: z.string().optional() });

/** `?names=1` on a read: the answer also carries `names` (the web app asks; the plain answer keeps its shape). */
export const NamesQuery = z.strictObject({ names: z.enum(['0', '1']).optional() });

/** The display names of the people an answer names by id (authors of the item and its versions): id → name. */
export const AuthorNames = z.record(Id, z.string());
export type AuthorNames = z.infer<typeof AuthorNames>;
