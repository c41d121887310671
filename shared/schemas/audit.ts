import { z } from 'zod';
import { Id, PageQuery } from './common.js';

export const AUDIT_ACTION_MAX_LENGTH = 64;
/** A dotted verb such as `auth.login` or `organisation.update`. */
export const AUDIT_ACTION_PATTERN = /^[a-z][a-zA-Z0-9_-]*(\.[a-z][a-zA-Z0-9_-]*)*$/;

// A full date-time with a zone (`Z` or an offset), or a plain date meaning its midnight UTC.
const AuditTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((value) => new Date(value));

/**
 * `GET /api/audit?action=&actor=&target=&after=&before=&limit=&cursor=`: `action` exact, `actor` and
 * `target` user/target ids, `after` and `before` exclusive bounds on `at`.
 */
export const ListAuditQuery = PageQuery.extend({
  action: z.string().max(AUDIT_ACTION_MAX_LENGTH).regex(AUDIT_ACTION_PATTERN, 'must be a dotted action such as auth.login').optional(),
  actor: Id.optional(),
  target: Id.optional(),
  after: AuditTime.optional(),
  before: AuditTime.optional(),
});
export type ListAuditQuery = z.infer<typeof ListAuditQuery>;

/** `GET /api/audit/verify` takes no parameters. */
export const VerifyAuditQuery = z.strictObject({});

/** An audit record as the API presents it (§9). */
export interface AuditRecordView {
  id: string;
  seq: number;
  at: string;
  actor: { userId: string | null; organisationId: string | null };
  action: string;
  target: { type: string; id: string | null; organisationId: string | null };
  ip: string | null;
  outcome: 'success' | 'failure' | 'denied';
  details: Record<string, string | number | boolean | null | string[]>;
  hash: string;
  prevHash: string;
}

/** The answer of `GET /api/audit/verify`. */
export interface AuditVerificationView {
  ok: boolean;
  checked: number;
  firstBrokenId: string | null;
}
