import { z } from 'zod';
import { NOTIFICATION_TYPES } from '../notifications.js';
import { Id, IsoTime } from './common.js';
import { NotificationSubject } from './notifications.js';

export const WEBHOOK_URL_MAX_LENGTH = 2000;
export const WEBHOOK_SECRET_MIN_LENGTH = 16;
export const WEBHOOK_SECRET_MAX_LENGTH = 200;
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
/** The event a "send test event" button posts; never a notification of the hub. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/** `POST /api/organisations/:id/webhooks` (§14): the secret signs each body and is never shown again. */
export const CreateWebhookBody = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an https:// URL' }).max(WEBHOOK_URL_MAX_LENGTH),
  events: z.array(z.enum(NOTIFICATION_TYPES)).min(1).max(NOTIFICATION_TYPES.length),
  secret: z.string().min(WEBHOOK_SECRET_MIN_LENGTH).max(WEBHOOK_SECRET_MAX_LENGTH),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

/** A webhook as the API shows it: never its secret. */
export const Webhook = z.object({ id: Id, organisationId: Id, url: z.string(), events: z.array(z.string()), createdAt: IsoTime });
export type Webhook = z.infer<typeof Webhook>;

/** One try of a delivery: the receiver's status, or why there was none. */
export const DeliveryAttempt = z.object({ at: IsoTime, status: z.number().int().nullable(), error: z.string().nullable(), durationMs: z.number().int() });

/** One event posted to one webhook, with every attempt (`GET /api/webhooks/:id/deliveries`). */
export const WebhookDelivery = z.object({
  id: z.string(),
  webhookId: Id,
  eventId: z.string(),
  type: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  createdAt: IsoTime,
  nextAttemptAt: IsoTime.nullable(),
  attempts: z.array(DeliveryAttempt),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/** What the hub posts (§14): the notification's id, type, time and subject, never its content. */
export const WebhookEvent = z.object({ id: z.string(), type: z.string(), createdAt: IsoTime, subject: NotificationSubject.nullable() });
export type WebhookEvent = z.infer<typeof WebhookEvent>;
