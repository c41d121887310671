import type { Locale } from '../../shared/limits.js';
import type { OrganisationKind, Role } from '../../shared/roles.js';

/** A demo organisation: the partners named in the Office's partnership work (shared/framework.md). */
export interface DemoOrganisation {
  slug: string;
  name: string;
  kind: Exclude<OrganisationKind, 'office'>;
  parent?: string;
  locale: Locale;
}

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  { slug: 'au', name: 'African Union — Continental Early Warning System', kind: 'regional', locale: 'en' },
  { slug: 'osce', name: 'OSCE — High Commissioner on National Minorities', kind: 'regional', locale: 'en' },
  { slug: 'ecowas', name: 'ECOWAS — ECOWARN', kind: 'subregional', locale: 'fr' },
  { slug: 'icglr', name: 'ICGLR — Regional Committee for the Prevention of Genocide', kind: 'subregional', locale: 'fr' },
  { slug: 'icglr-kenya', name: 'ICGLR National Committee — Kenya', kind: 'national', parent: 'icglr', locale: 'en' },
  { slug: 'icglr-tanzania', name: 'ICGLR National Committee — Tanzania', kind: 'national', parent: 'icglr', locale: 'en' },
  { slug: 'eu', name: 'European Union — European External Action Service', kind: 'regional', locale: 'en' },
  { slug: 'igad', name: 'IGAD — CEWARN', kind: 'subregional', locale: 'en' },
  { slug: 'oas', name: 'Organization of American States', kind: 'regional', locale: 'en' },
  { slug: 'asean', name: 'ASEAN', kind: 'regional', locale: 'en' },
  { slug: 'sadc', name: 'SADC', kind: 'subregional', locale: 'en' },
  { slug: 'las', name: 'League of Arab States', kind: 'regional', locale: 'ar' },
];

/** Fictional people, one per role; the organisation's slug goes into the email. */
export const DEMO_ROLES: { role: Role; first: string }[] = [
  { role: 'admin', first: 'Administrator' },
  { role: 'analyst', first: 'Analyst' },
  { role: 'member', first: 'Officer' },
];

/** The password of every demo account; demo data is for trying the hub, never for real use. */
export const DEMO_PASSWORD = 'partner-hub-demo';
