/** Roles of a user inside its organisation (contract §4). */
export const ROLES = ['admin', 'analyst', 'member'] as const;
export type Role = (typeof ROLES)[number];

/** Kinds of organisation; exactly one organisation, the Office, is of kind `office`. */
export const ORGANISATION_KINDS = ['office', 'regional', 'subregional', 'national'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** Slug of the Office on Genocide Prevention, created at start. */
export const OFFICE_SLUG = 'osapg';
