import type { Organisation } from '../../shared/schemas/organisations.js';
import type { OrganisationDoc } from '../models/organisation.js';
import { toIso } from './user.js';

/** The organisation as the API shows it (§4). */
export function presentOrganisation(organisation: OrganisationDoc): Organisation {
  return {
    id: organisation._id.toString(),
    slug: organisation.slug,
    name: organisation.name,
    kind: organisation.kind,
    parentId: organisation.parentId ? organisation.parentId.toString() : null,
    active: organisation.active,
    requireMfa: organisation.requireMfa ?? false,
    createdAt: toIso(organisation.createdAt),
    updatedAt: toIso(organisation.updatedAt),
  };
}
