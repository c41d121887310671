import { z } from 'zod';
import { Id, IsoTime, PageQuery } from './schemas/common.js';
import { CLASSIFICATIONS, Sharing, TLP_LEVELS } from './sharing.js';

// Contract §12: early-warning alerts and their recommended actions; requests and answers.

export const ALERT_LEVELS = ['watch', 'warning', 'urgent'] as const;
export const ALERT_STATUSES = ['open', 'closed'] as const;
export const ACTION_STATUSES = ['open', 'in-progress', 'done', 'declined'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
/** Statuses of an action still to be done: only these hear `action.due`. */
export const PENDING_ACTION_STATUSES: readonly ActionStatus[] = ['open', 'in-progress'];

export const ALERT_TITLE_MAX_LENGTH = 200;
export const ALERT_SUMMARY_MAX_LENGTH = 10_000;
export const ACTION_TEXT_MAX_LENGTH = 2000;
export const ACTION_NOTE_MAX_LENGTH = 2000;
export const ALERT_LINKS_MAX = 50;
export const ALERT_ACTIONS_MAX = 50;

const Country = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code such as SDN');
const Title = z.string().trim().min(1).max(ALERT_TITLE_MAX_LENGTH);
const Summary = z.string().trim().max(ALERT_SUMMARY_MAX_LENGTH);

/** `YYYY-MM-DD`, a day that exists. */
export const DueDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'must be a date that exists');

const IdList = z.array(Id).max(ALERT_LINKS_MAX);
export const AlertLinksInput = z.strictObject({ assessments: IdList.optional(), documents: IdList.optional(), rooms: IdList.optional() });

export const CreateActionBody = z.strictObject({ text: z.string().trim().min(1).max(ACTION_TEXT_MAX_LENGTH), ownerOrganisationId: Id, dueDate: DueDate });
export type CreateActionBody = z.infer<typeof CreateActionBody>;

export const CreateAlertBody = z.strictObject({
  country: Country,
  level: z.enum(ALERT_LEVELS),
  title: Title,
  summary: Summary,
  classification: z.enum(CLASSIFICATIONS),
  tlp: z.enum(TLP_LEVELS).optional(),
  sharing: Sharing,
  links: AlertLinksInput.optional(),
  actions: z.array(CreateActionBody).max(ALERT_ACTIONS_MAX).optional(),
});
export type CreateAlertBody = z.infer<typeof CreateAlertBody>;

export const UpdateAlertBody = z.strictObject({
  title: Title.optional(),
  summary: Summary.optional(),
  level: z.enum(ALERT_LEVELS).optional(),
  status: z.enum(ALERT_STATUSES).optional(),
  tlp: z.enum(TLP_LEVELS).optional(),
});
export type UpdateAlertBody = z.infer<typeof UpdateAlertBody>;

/** `POST /api/alerts/:id/acknowledge` takes an empty body or `{}`. */
export const AcknowledgeBody = z.strictObject({});

export const UpdateActionBody = z.strictObject({ status: z.enum(ACTION_STATUSES), note: z.string().trim().max(ACTION_NOTE_MAX_LENGTH).optional() });
export type UpdateActionBody = z.infer<typeof UpdateActionBody>;

export const ListAlertsQuery = PageQuery.extend({
  country: Country.optional(),
  status: z.enum(ALERT_STATUSES).optional(),
  level: z.enum(ALERT_LEVELS).optional(),
});
export type ListAlertsQuery = z.infer<typeof ListAlertsQuery>;

/** `status` may name several statuses, comma-separated (`open,in-progress`). */
const StatusList = z
  .string()
  .max(100)
  .transform((s) => s.split(',').filter(Boolean))
  .pipe(z.array(z.enum(ACTION_STATUSES)).min(1));

export const ListActionsQuery = PageQuery.extend({ status: StatusList.optional(), assigned: z.enum(['mine']).optional() });
export type ListActionsQuery = z.infer<typeof ListActionsQuery>;

export const BRIEF_LANGUAGES = ['en', 'fr', 'ar'] as const;
export const BriefQuery = z.strictObject({ lang: z.enum(BRIEF_LANGUAGES).default('en') });

// ---- answers ----

export const ActionUpdate = z.object({ at: IsoTime, userId: Id, status: z.enum(ACTION_STATUSES), note: z.string().nullable() });

export const AlertAction = z.object({
  id: Id,
  alertId: Id,
  text: z.string(),
  ownerOrganisationId: Id,
  dueDate: z.string(),
  status: z.enum(ACTION_STATUSES),
  updates: z.array(ActionUpdate),
});
export type AlertAction = z.infer<typeof AlertAction>;

/** An action in `GET /api/actions`, with the alert it belongs to (what a dashboard row shows). */
export const ActionListItem = AlertAction.extend({
  alert: z.object({ id: Id, organisationId: Id, country: z.string(), level: z.enum(ALERT_LEVELS), title: z.string(), status: z.enum(ALERT_STATUSES) }),
});
export type ActionListItem = z.infer<typeof ActionListItem>;

export const Acknowledgement = z.object({ organisationId: Id, userId: Id, userName: z.string().optional(), at: IsoTime });

export const Alert = z.object({
  id: Id,
  organisationId: Id,
  country: z.string(),
  level: z.enum(ALERT_LEVELS),
  title: z.string(),
  summary: z.string(),
  classification: z.enum(CLASSIFICATIONS),
  tlp: z.enum(TLP_LEVELS),
  sharing: z.object({ scope: Sharing.shape.scope, organisations: z.array(Id) }),
  links: z.object({ assessments: z.array(Id), documents: z.array(Id), rooms: z.array(Id) }),
  status: z.enum(ALERT_STATUSES),
  acknowledgements: z.array(Acknowledgement),
  actions: z.array(AlertAction),
  createdBy: Id,
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type Alert = z.infer<typeof Alert>;
