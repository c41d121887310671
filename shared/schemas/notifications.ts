import { z } from 'zod';
import { CLASSIFICATIONS } from '../sharing.js';
import { Id, IsoTime } from './common.js';
import {
  EMAIL_CADENCES,
  EMAIL_GROUP_NAMES,
  NOTIFICATION_TYPES,
  SUBJECT_KINDS,
  WATCH_MAX_COUNTRIES,
  type EmailCadence,
  type EmailGroup,
} from '../notifications.js';

// Contract §11: stored notifications, the unread summary, watched countries and e-mail preferences.

export {
  DEFAULT_EMAIL_PREFERENCES,
  EMAIL_CADENCES,
  EMAIL_GROUP_NAMES,
  EMAIL_GROUPS,
  emailGroupOf,
  NOTIFICATION_TYPES,
  SUBJECT_KINDS,
  WATCH_MAX_COUNTRIES,
  type EmailCadence,
  type EmailGroup,
  type NotificationType,
  type SubjectKind,
} from '../notifications.js';

// ---- requests ----

export const ListNotificationsQuery = z.strictObject({
  unread: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

export const ReadNotificationsBody = z.union([
  z.strictObject({ ids: z.array(z.string().min(1).max(100)).min(1).max(500) }),
  z.strictObject({ all: z.literal(true) }),
]);

const Country = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code such as SDN');
export const WatchBody = z.strictObject({ countries: z.array(Country).max(WATCH_MAX_COUNTRIES) });

export const PreferencesBody = z.strictObject({
  email: z.strictObject(
    Object.fromEntries(EMAIL_GROUP_NAMES.map((g) => [g, z.enum(EMAIL_CADENCES).optional()])) as Record<
      EmailGroup,
      z.ZodOptional<z.ZodEnum<{ [K in EmailCadence]: K }>>
    >,
  ),
});

// ---- answers ----

export const NotificationActor = z.object({ id: Id, name: z.string(), organisationId: Id });

export const NotificationSubject = z.object({
  kind: z.enum(SUBJECT_KINDS),
  id: z.string(),
  country: z.string().nullable(),
  /** `null` unless the subject is `unclassified`. */
  title: z.string().nullable(),
  classification: z.enum(CLASSIFICATIONS).nullable(),
});

export const Notification = z.object({
  id: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  createdAt: IsoTime,
  readAt: IsoTime.nullable(),
  actor: NotificationActor.nullable(),
  subject: NotificationSubject,
  roomId: Id.optional(),
  seq: z.number().int().optional(),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationSummary = z.object({
  unread: z.number().int().min(0),
  rooms: z.array(z.object({ roomId: Id, unread: z.number().int().min(0), mentioned: z.boolean(), lastSeq: z.number().int().min(0).optional() })),
});
export type NotificationSummary = z.infer<typeof NotificationSummary>;

export const WatchAnswer = z.object({ countries: z.array(z.string()) });
export const PreferencesAnswer = z.object({ email: z.record(z.enum(EMAIL_GROUP_NAMES as [EmailGroup, ...EmailGroup[]]), z.enum(EMAIL_CADENCES)) });
