import { Router } from 'express';
import { IdParams } from '../../shared/schemas/common.js';
import { UpdateUserBody } from '../../shared/schemas/organisations.js';
import { auth, principalOf } from '../auth/passport.js';
import type { Domain } from '../domain.js';
import { input, validate } from '../http/validate.js';
import { authorize } from '../policies/helpers.js';
import { updateUserVerdict } from '../policies/user.js';
import { contextOf } from '../services/context.js';
import { updateUser } from '../services/users/commands.js';
import { findUser } from '../services/users/queries.js';

/** `/api/users/:id` (§4): changes to one user by their organisation's admin or the Office admin. */
export function usersRouter(domain: Domain): Router {
  const router = Router();
  router.use(auth());

  router.patch('/:id', validate({ params: IdParams, body: UpdateUserBody }), async (req, res) => {
    const { id } = input(req, 'params', IdParams);
    const change = input(req, 'body', UpdateUserBody);
    const target = await findUser(domain, id);
    authorize(updateUserVerdict(principalOf(req), target, change), 'user');
    res.json(await updateUser(domain, contextOf(req), id, change));
  });

  return router;
}
