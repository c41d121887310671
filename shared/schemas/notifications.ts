import { z } from 'zod';
import { CLASSIFICATIONS } from '../sharing.js';
import { Id, IsoTime } from './common.js';

// Contract §11: stored notifications, the unread summary, watched countries and e-mail preferences.

/** Every notification type of §11 (sections 12 and 13 add theirs as those features land). */
export const NOTIFICATION_TYPES = [
  'assessment.shared',
  'assessment.updated',
  'assessment.comment',
  'document.shared',
  'document.version',
  'room.added',
  'room.mention',
  'risk.escalation',
  'alert.issued',
  'action.assigned',
  'action.due',
  'access.requested',
  'access.decided',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const SUBJECT_KINDS = ['assessment', 'document', 'room', 'alert', 'action', 'access-request'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** The e-mail groups of §11 and the notification types each one covers. */
export const EMAIL_GROUPS = {
  assessments: ['assessment.shared', 'assessment.updated', 'assessment.comment'],
  documents: ['document.shared', 'document.version'],
  rooms: ['room.added', 'room.mention'],
  escalations: ['risk.escalation', 'alert.issued'],
  actions: ['action.assigned', 'action.due'],
  access: ['access.requested', 'access.decided'],
} as const satisfies Record<string, readonly NotificationType[]>;
export type EmailGroup = keyof typeof EMAIL_GROUPS;
export const EMAIL_GROUP_NAMES = Object.keys(EMAIL_GROUPS) as EmailGroup[];

export const EMAIL_CADENCES = ['instant', 'daily', 'off'] as const;
export type EmailCadence = (typeof EMAIL_CADENCES)[number];

/** What a user who never chose gets (§11). */
export const DEFAULT_EMAIL_PREFERENCES: Record<EmailGroup, EmailCadence> = {
  assessments: 'daily',
  documents: 'daily',
  rooms: 'instant',
  escalations: 'instant',
  actions: 'instant',
  access: 'instant',
};

/** The group a notification type is mailed under. */
export function emailGroupOf(type: NotificationType): EmailGroup {
  for (const group of EMAIL_GROUP_NAMES) if ((EMAIL_GROUPS[group] as readonly string[]).includes(type)) return group;
  throw new TypeError(`notification type ${type} has no e-mail group`);
}

export const WATCH_MAX_COUNTRIES = 50;

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
  rooms: z.array(z.object({ roomId: Id, unread: z.number().int().min(0), mentioned: z.boolean() })),
});
export type NotificationSummary = z.infer<typeof NotificationSummary>;

export const WatchAnswer = z.object({ countries: z.array(z.string()) });
export const PreferencesAnswer = z.object({ email: z.record(z.enum(EMAIL_GROUP_NAMES as [EmailGroup, ...EmailGroup[]]), z.enum(EMAIL_CADENCES)) });
