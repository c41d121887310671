import { Router, type Request } from 'express';
import { CreateApiKeyBody } from '../../shared/schemas/apiKeys.js';
import { IdParams } from '../../shared/schemas/common.js';
import { auth, principalOf } from '../auth/passport.js';
import type { Domain } from '../domain.js';
import { input, validate } from '../http/validate.js';
import { authorize } from '../policies/helpers.js';
import { machineAccessVerdict } from '../policies/machineAccess.js';
import { presentApiKey } from '../presenters/apiKey.js';
import { contextOf } from '../services/context.js';
import { createApiKey, findApiKey, revokeApiKey } from '../services/machine/apiKeys.js';
import { createWebhook, deleteWebhook, findWebhook, listDeliveries, sendTestEvent } from '../services/machine/webhooks.js';
import type { WebhookWorker } from '../services/webhooks/worker.js';
import { presentWebhook } from '../presenters/webhook.js';
import { CreateWebhookBody } from '../../shared/schemas/webhooks.js';
import { findOrganisation } from '../services/organisations/queries.js';

const signed = (req: Request) => ({ ...contextOf(req), principal: principalOf(req) });

/** Loads the organisation of `:id` and applies the machine-access verdict (404 / 403). */
async function organisationOf(domain: Domain, req: Request): Promise<string> {
  const { id } = input(req, 'params', IdParams);
  await findOrganisation(domain, id);
  authorize(machineAccessVerdict(principalOf(req), id), 'organisation');
  return id;
}

/** Loads the webhook of `:id` and applies the machine-access verdict (404 / 403). */
async function webhookOf(domain: Domain, req: Request) {
  const doc = await findWebhook(domain, input(req, 'params', IdParams).id);
  authorize(machineAccessVerdict(principalOf(req), doc.organisationId.toString()), 'webhook');
  return doc;
}

/** API keys and webhooks of an organisation (§14): `/api/organisations/:id/api-keys|webhooks`, `/api/api-keys/:id`, `/api/webhooks/:id`. */
export function apiKeysRouter(domain: Domain, webhooks: WebhookWorker): Router {
  const router = Router();

  router.get('/organisations/:id/api-keys', auth(), validate({ params: IdParams }), async (req, res) => {
    const id = await organisationOf(domain, req);
    res.json({ items: (await domain.repos.apiKeys.listOf(id)).map(presentApiKey) });
  });

  router.post('/organisations/:id/api-keys', auth(), validate({ params: IdParams, body: CreateApiKeyBody }), async (req, res) => {
    const id = await organisationOf(domain, req);
    res.status(201).json(await createApiKey(domain, signed(req), id, input(req, 'body', CreateApiKeyBody)));
  });

  router.delete('/api-keys/:id', auth(), validate({ params: IdParams }), async (req, res) => {
    const doc = await findApiKey(domain, input(req, 'params', IdParams).id);
    authorize(machineAccessVerdict(principalOf(req), doc.organisationId.toString()), 'API key');
    await revokeApiKey(domain, signed(req), doc);
    res.status(204).end();
  });

  router.get('/organisations/:id/webhooks', auth(), validate({ params: IdParams }), async (req, res) => {
    const id = await organisationOf(domain, req);
    res.json({ items: (await domain.repos.webhooks.listOf(id)).map(presentWebhook) });
  });

  router.post('/organisations/:id/webhooks', auth(), validate({ params: IdParams, body: CreateWebhookBody }), async (req, res) => {
    const id = await organisationOf(domain, req);
    res.status(201).json(await createWebhook(domain, signed(req), id, input(req, 'body', CreateWebhookBody)));
  });

  router.delete('/webhooks/:id', auth(), validate({ params: IdParams }), async (req, res) => {
    await deleteWebhook(domain, signed(req), await webhookOf(domain, req));
    res.status(204).end();
  });

  router.get('/webhooks/:id/deliveries', auth(), validate({ params: IdParams }), async (req, res) => {
    res.json(await listDeliveries(domain, await webhookOf(domain, req)));
  });

  router.post('/webhooks/:id/test', auth(), validate({ params: IdParams }), async (req, res) => {
    res.status(202).json(await sendTestEvent(webhooks, signed(req), await webhookOf(domain, req)));
  });

  return router;
}
