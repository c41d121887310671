import type { Domain } from '../../domain.js';
import { HttpError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/paging.js';
import type { UserDoc } from '../../models/user.js';
import { presentUser } from '../../presenters/user.js';
import { isId } from '../../repositories/ids.js';

/** Loads a user by id or answers 404. */
export async function findUser(domain: Domain, id: string): Promise<UserDoc> {
  const user = await domain.repos.users.find(id);
  if (!user) throw notFound('user');
  return user;
}

/** `GET /api/organisations/:id/users`: the organisation's users by creation, paged. */
export async function listUsers(domain: Domain, organisationId: string, query: { limit: number; cursor?: string }) {
  let after: string | undefined;
  if (query.cursor) {
    [after] = decodeCursor(query.cursor, ['string']) as string[];
    if (!isId(after)) throw new HttpError('invalid_request', 'cursor: is not a cursor this list gave out.');
  }
  const rows = await domain.repos.users.page(organisationId, { after, limit: query.limit + 1 });
  return toPage(rows, query.limit, (u) => [u._id.toString()], presentUser);
}
