import { z } from 'zod';
import { CLASSIFICATIONS, Tlp } from '../sharing.js';
import { Assessment } from './assessments.js';
import { Id, IsoTime, PageQuery } from './common.js';
import { HubDocument } from './documents.js';

// §13: discoverable cards and access requests, requests and answers (one file for the feature).

export const ACCESS_REQUEST_KINDS = ['assessment', 'document'] as const;
export type AccessRequestKind = (typeof ACCESS_REQUEST_KINDS)[number];
export const ACCESS_REQUEST_STATUSES = ['pending', 'approved', 'declined'] as const;
export const ACCESS_REASON_MAX_LENGTH = 2000;
export const ACCESS_NOTE_MAX_LENGTH = 2000;

/**
 * What an organisation that may not see a discoverable item sees of it: never its content; the title
 * only when the item is unclassified.
 */
export const ItemCard = z.object({
  id: Id,
  kind: z.enum(ACCESS_REQUEST_KINDS),
  organisationId: Id,
  country: z.string().nullable(),
  classification: z.enum(CLASSIFICATIONS),
  tlp: Tlp,
  createdAt: IsoTime,
  restricted: z.literal(true),
  title: z.string().nullable(),
});
export type ItemCard = z.infer<typeof ItemCard>;

/** An item of `GET /api/assessments`: an assessment the caller reads, or a discoverable one's card. */
export const AssessmentListItem = z.union([Assessment, ItemCard]);
/** An item of `GET /api/documents`: a document the caller reads, or a discoverable one's card. */
export const DocumentListItem = z.union([HubDocument, ItemCard]);

/** `POST /api/access-requests`. */
export const CreateAccessRequestBody = z.strictObject({
  kind: z.enum(ACCESS_REQUEST_KINDS),
  id: Id,
  reason: z.string().trim().min(1).max(ACCESS_REASON_MAX_LENGTH),
});
export type CreateAccessRequestBody = z.infer<typeof CreateAccessRequestBody>;

/** `GET /api/access-requests?direction=&status=`. */
export const ListAccessRequestsQuery = PageQuery.extend({
  direction: z.enum(['incoming', 'outgoing']).optional(),
  status: z.enum(ACCESS_REQUEST_STATUSES).optional(),
});
export type ListAccessRequestsQuery = z.infer<typeof ListAccessRequestsQuery>;

/** `POST /api/access-requests/:id/decide`: `expiresAt` (approvals) ends the granted share at that time. */
export const DecideAccessRequestBody = z.strictObject({
  approve: z.boolean(),
  note: z.string().trim().max(ACCESS_NOTE_MAX_LENGTH).optional(),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
});
export type DecideAccessRequestBody = z.infer<typeof DecideAccessRequestBody>;

/**
 * An access request (§13); the extras say whose item it is, who asked and decided, and what the
 * requester may know of the item (its card; the owner also reads the title).
 */
export const AccessRequest = z.object({
  id: Id,
  kind: z.enum(ACCESS_REQUEST_KINDS),
  itemId: Id,
  organisationId: Id,
  reason: z.string(),
  status: z.enum(ACCESS_REQUEST_STATUSES),
  createdAt: IsoTime,
  ownerOrganisationId: Id,
  requestedBy: z.object({ id: Id, name: z.string() }),
  decidedBy: z.object({ id: Id, name: z.string() }).nullable(),
  decidedAt: IsoTime.nullable(),
  note: z.string().nullable(),
  expiresAt: IsoTime.nullable(),
  item: z.object({ country: z.string().nullable(), classification: z.enum(CLASSIFICATIONS), tlp: Tlp, title: z.string().nullable() }),
});
export type AccessRequest = z.infer<typeof AccessRequest>;
