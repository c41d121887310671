import { Router } from 'express';
import { IdParams, PageQuery } from '../../shared/schemas/common.js';
import { CreateOrganisationBody, CreateUserBody, ListOrganisationsQuery, UpdateOrganisationBody } from '../../shared/schemas/organisations.js';
import { auth, principalOf } from '../auth/passport.js';
import type { Domain } from '../domain.js';
import { input, validate } from '../http/validate.js';
import { authorize } from '../policies/helpers.js';
import { canManageOrganisations, organisationUsersVerdict, updateOrganisationVerdict } from '../policies/organisation.js';
import { contextOf } from '../services/context.js';
import { createOrganisation, updateOrganisation } from '../services/organisations/commands.js';
import { findOrganisation, listOrganisations } from '../services/organisations/queries.js';
import { createUser } from '../services/users/commands.js';
import { listUsers } from '../services/users/queries.js';

/** `/api/organisations` (§4): the hub's tenants and their users. */
export function organisationsRouter(domain: Domain): Router {
  const router = Router();
  router.use(auth());

  router.get('/', validate({ query: ListOrganisationsQuery }), async (req, res) => {
    res.json(await listOrganisations(domain, principalOf(req), input(req, 'query', ListOrganisationsQuery)));
  });

  router.post('/', validate({ body: CreateOrganisationBody }), async (req, res) => {
    authorize({ visible: true, allowed: canManageOrganisations(principalOf(req)) }, 'organisation');
    res.status(201).json(await createOrganisation(domain, contextOf(req), input(req, 'body', CreateOrganisationBody)));
  });

  router.patch('/:id', validate({ params: IdParams, body: UpdateOrganisationBody }), async (req, res) => {
    const { id } = input(req, 'params', IdParams);
    const change = input(req, 'body', UpdateOrganisationBody);
    authorize(updateOrganisationVerdict(principalOf(req), await findOrganisation(domain, id), change), 'organisation');
    res.json(await updateOrganisation(domain, contextOf(req), id, change));
  });

  router.get('/:id/users', validate({ params: IdParams, query: PageQuery }), async (req, res) => {
    const { id } = input(req, 'params', IdParams);
    await findOrganisation(domain, id);
    authorize(organisationUsersVerdict(principalOf(req), id), 'organisation');
    res.json(await listUsers(domain, id, input(req, 'query', PageQuery)));
  });

  router.post('/:id/users', validate({ params: IdParams, body: CreateUserBody }), async (req, res) => {
    const { id } = input(req, 'params', IdParams);
    await findOrganisation(domain, id);
    authorize(organisationUsersVerdict(principalOf(req), id), 'organisation');
    res.status(201).json(await createUser(domain, contextOf(req), id, input(req, 'body', CreateUserBody)));
  });

  return router;
}
