import { randomUUID } from 'node:crypto';
import { WEBHOOK_TEST_EVENT, type CreateWebhookBody, type Webhook } from '../../../shared/schemas/webhooks.js';
import type { Domain } from '../../domain.js';
import { HttpError, notFound } from '../../http/errors.js';
import type { WebhookDoc } from '../../models/webhook.js';
import { presentDelivery, presentWebhook } from '../../presenters/webhook.js';
import { recordAudit } from '../audit.js';
import { actorOf, type ActionContext } from '../context.js';
import { refuseUrl } from '../webhooks/target.js';
import type { WebhookWorker } from '../webhooks/worker.js';

type Signed = ActionContext & { principal: NonNullable<ActionContext['principal']> };
const DELIVERIES_SHOWN = 100;

/** `POST /api/organisations/:id/webhooks`: https only, never to a private address (unless allowed). */
export async function createWebhook(domain: Domain, ctx: Signed, organisationId: string, body: CreateWebhookBody): Promise<Webhook> {
  const refused = refuseUrl(new URL(body.url), domain.config.webhookAllowPrivate);
  if (refused) throw new HttpError('invalid_request', refused);
  const doc = await domain.repos.webhooks.create({
    organisationId,
    url: body.url,
    events: [...new Set(body.events)],
    secretSealed: domain.webhookSecrets.seal(body.secret),
    createdBy: ctx.principal.user._id.toString(),
  });
  await recordAudit({
    actor: actorOf(ctx),
    action: 'webhook.create',
    target: { type: 'webhook', id: doc._id.toString(), organisationId },
    ip: ctx.ip,
    outcome: 'success',
    details: { url: body.url, events: doc.events },
  });
  return presentWebhook(doc);
}

/** The webhook of `id` (removed ones are gone: 404). */
export async function findWebhook(domain: Domain, id: string): Promise<WebhookDoc> {
  const doc = await domain.repos.webhooks.find(id);
  if (!doc || doc.deletedAt) throw notFound('webhook');
  return doc;
}

/** `DELETE /api/webhooks/:id`: nothing more is posted to it. */
export async function deleteWebhook(domain: Domain, ctx: Signed, doc: WebhookDoc): Promise<void> {
  await domain.repos.webhooks.remove(doc._id.toString());
  await recordAudit({
    actor: actorOf(ctx),
    action: 'webhook.delete',
    target: { type: 'webhook', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
    ip: ctx.ip,
    outcome: 'success',
    details: { url: doc.url },
  });
}

/** `POST /api/webhooks/:id/test`: a `webhook.test` event, posted and logged like any other. */
export async function sendTestEvent(worker: WebhookWorker, ctx: Signed, doc: WebhookDoc) {
  const eventId = `test-${randomUUID()}`;
  await worker.enqueueTo([doc._id], { id: eventId, type: WEBHOOK_TEST_EVENT, createdAt: new Date().toISOString(), subject: null });
  await recordAudit({
    actor: actorOf(ctx),
    action: 'webhook.test',
    target: { type: 'webhook', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
    ip: ctx.ip,
    outcome: 'success',
  });
  return { deliveryId: `${doc._id.toString()}:${eventId}` };
}

/** `GET /api/webhooks/:id/deliveries`: the latest deliveries with their attempts. */
export async function listDeliveries(domain: Domain, doc: WebhookDoc) {
  return { items: (await domain.repos.webhooks.deliveriesOf(doc._id.toString(), DELIVERIES_SHOWN)).map(presentDelivery) };
}
