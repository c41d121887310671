import type { Locale } from '../../shared/limits.js';
import type { Organisation } from '../../shared/schemas/organisations.js';
import type { OrganisationDoc } from '../models/organisation.js';
import { toIso } from './user.js';

/** An organisation's name in each language, falling back to the English one (§4 v2). */
export function namesOf(organisation: Pick<OrganisationDoc, 'name' | 'names'>): Record<Locale, string> {
  const en = organisation.names?.en || organisation.name;
  return { en, fr: organisation.names?.fr || en, ar: organisation.names?.ar || en };
}

/** The organisation as the API shows it (§4): `name` in `lang` (default English), `names` in all three. */
export function presentOrganisation(organisation: OrganisationDoc, lang: Locale = 'en'): Organisation {
  const names = namesOf(organisation);
  return {
    id: organisation._id.toString(),
    slug: organisation.slug,
    name: names[lang],
    names,
    kind: organisation.kind,
    parentId: organisation.parentId ? organisation.parentId.toString() : null,
    active: organisation.active,
    requireMfa: organisation.requireMfa ?? false,
    createdAt: toIso(organisation.createdAt),
    updatedAt: toIso(organisation.updatedAt),
  };
}
