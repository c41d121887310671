import type { Webhook, WebhookDelivery } from '../../shared/schemas/webhooks.js';
import type { DeliveryDoc, WebhookDoc } from '../models/webhook.js';

/** The fields of a webhook that leave the server: never its secret. */
export function presentWebhook(doc: WebhookDoc): Webhook {
  return {
    id: doc._id.toString(),
    organisationId: doc.organisationId.toString(),
    url: doc.url,
    events: [...doc.events],
    createdAt: doc.createdAt.toISOString(),
  };
}

/** A delivery with its attempts; the body posted stays inside. */
export function presentDelivery(doc: DeliveryDoc): WebhookDelivery {
  return {
    id: doc._id,
    webhookId: doc.webhookId.toString(),
    eventId: doc.eventId,
    type: doc.type,
    status: doc.status,
    createdAt: doc.createdAt.toISOString(),
    nextAttemptAt: doc.nextAttemptAt?.toISOString() ?? null,
    attempts: doc.attempts.map((a) => ({ at: a.at.toISOString(), status: a.status ?? null, error: a.error ?? null, durationMs: a.durationMs })),
  };
}
