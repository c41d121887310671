import type { Principal } from '../../auth/principal.js';
import type { Locale } from '../../../shared/limits.js';
import type { Domain } from '../../domain.js';
import { HttpError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/paging.js';
import type { OrganisationDoc } from '../../models/organisation.js';
import { canSeeInactiveOrganisations } from '../../policies/organisation.js';
import { presentOrganisation } from '../../presenters/organisation.js';
import { isId } from '../../repositories/ids.js';

/** Loads an organisation by id or answers 404. */
export async function findOrganisation(domain: Domain, id: string): Promise<OrganisationDoc> {
  const organisation = await domain.repos.organisations.find(id);
  if (!organisation) throw notFound('organisation');
  return organisation;
}

/** `GET /api/organisations`: active organisations by creation, paged (the Office admin may ask for all). */
export async function listOrganisations(domain: Domain, p: Principal, query: { limit: number; cursor?: string; includeInactive?: '0' | '1'; lang?: Locale }) {
  let after: string | undefined;
  if (query.cursor) {
    [after] = decodeCursor(query.cursor, ['string']) as string[];
    if (!isId(after)) throw new HttpError('invalid_request', 'cursor: is not a cursor this list gave out.');
  }
  const includeInactive = query.includeInactive === '1' && canSeeInactiveOrganisations(p);
  const rows = await domain.repos.organisations.page({ includeInactive, after, limit: query.limit + 1 });
  return toPage(
    rows,
    query.limit,
    (o) => [o._id.toString()],
    (o) => presentOrganisation(o, query.lang),
  );
}
