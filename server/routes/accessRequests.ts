import { Router, type Request } from 'express';
import { IdParams } from '../../shared/schemas/common.js';
import { CreateAccessRequestBody, DecideAccessRequestBody, ListAccessRequestsQuery } from '../../shared/schemas/handling.js';
import { auth, principalOf } from '../auth/passport.js';
import type { Domain } from '../domain.js';
import { input, validate } from '../http/validate.js';
import { contextOf } from '../services/context.js';
import { decideAccess, listAccessRequests, requestAccess } from '../services/handling/requests.js';

const signed = (req: Request) => ({ ...contextOf(req), principal: principalOf(req) });

/** `/api/access-requests` (§13): asking for a discoverable item, and the owner's decision. */
export function accessRequestsRouter(domain: Domain): Router {
  const router = Router();
  router.use(auth());

  router.get('/', validate({ query: ListAccessRequestsQuery }), async (req, res) => {
    res.json(await listAccessRequests(domain, principalOf(req), input(req, 'query', ListAccessRequestsQuery)));
  });

  router.post('/', validate({ body: CreateAccessRequestBody }), async (req, res) => {
    res.status(201).json(await requestAccess(domain, signed(req), input(req, 'body', CreateAccessRequestBody)));
  });

  router.post('/:id/decide', validate({ params: IdParams, body: DecideAccessRequestBody }), async (req, res) => {
    res.json(await decideAccess(domain, signed(req), input(req, 'params', IdParams).id, input(req, 'body', DecideAccessRequestBody)));
  });

  return router;
}
