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
import { findOrganisation } from '../services/organisations/queries.js';

const signed = (req: Request) => ({ ...contextOf(req), principal: principalOf(req) });

/** Loads the organisation of `:id` and applies the machine-access verdict (404 / 403). */
async function organisationOf(domain: Domain, req: Request): Promise<string> {
  const { id } = input(req, 'params', IdParams);
  await findOrganisation(domain, id);
  authorize(machineAccessVerdict(principalOf(req), id), 'organisation');
  return id;
}

/** `/api/organisations/:id/api-keys` and `/api/api-keys/:id` (§14). */
export function apiKeysRouter(domain: Domain): Router {
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

  return router;
}
