// Contract §11's notification types, subject kinds and e-mail groups, without zod: the web app's shell
// imports these at start-up, before it switches zod's compiled parsers off for the strict CSP
// (client/src/lib/strictCsp.ts), so nothing here may build a schema.

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
