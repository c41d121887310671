import { z } from 'zod';
import { Id, IsoTime, PageQuery } from './common.js';

export const AUDIT_ACTION_MAX_LENGTH = 64;
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
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
  /** `names=1`: each record also carries `actorName` and `targetTitle` (the web app asks for them). */
  names: z.enum(['0', '1']).optional(),
});
export type ListAuditQuery = z.infer<typeof ListAuditQuery>;

/** `GET /api/audit/verify` takes no parameters. */
export const VerifyAuditQuery = z.strictObject({});

/** An audit record as the API shows it (§9); `organisationIds` stays inside the server. */
export const AuditRecord = z.object({
  id: z.string(),
  seq: z.number().int().min(1),
  at: IsoTime,
  /** `apiKeyId`: the API key that acted (§14), absent when a person did. */
  actor: z.object({ userId: z.string().nullable(), organisationId: z.string().nullable(), apiKeyId: z.string().optional() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable(), organisationId: z.string().nullable() }),
  ip: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  details: z.record(z.string(), z.json()),
  /** With `names=1`: the actor's name, when the reader may know it (else null: the id stands). */
  actorName: z.string().nullable().optional(),
  /** With `names=1`: the target's title or name, when the reader may see the target now (else null: the id stands). */
  targetTitle: z.string().nullable().optional(),
  hash: z.string(),
  prevHash: z.string(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

/** The answer of `GET /api/audit/verify`. */
export const AuditVerification = z.object({ ok: z.boolean(), checked: z.number().int().min(0), firstBrokenId: z.string().nullable() });
export type AuditVerification = z.infer<typeof AuditVerification>;
