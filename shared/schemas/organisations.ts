import { z } from 'zod';
import { LOCALES, ORGANISATION_NAME_MAX_LENGTH, SLUG_PATTERN } from '../limits.js';
import { ORGANISATION_KINDS, ROLES } from '../roles.js';
import { Email, NewPassword, PersonName } from './auth.js';
import { Id, IsoTime, PageQuery } from './common.js';

const OrganisationName = z.string().trim().min(1).max(ORGANISATION_NAME_MAX_LENGTH);
/** `names` (§4 v2): the name in any of the three languages. */
const OrganisationNames = z.strictObject({ en: OrganisationName.optional(), fr: OrganisationName.optional(), ar: OrganisationName.optional() });

export const CreateOrganisationBody = z.strictObject({
  slug: z.string().regex(SLUG_PATTERN, 'must be 2–32 lower-case letters, digits or hyphens, starting with a letter'),
  name: OrganisationName,
  // The Office exists once and is created by the hub itself.
  kind: z.enum(ORGANISATION_KINDS).exclude(['office']),
  parentId: Id.nullable().optional(),
  names: OrganisationNames.optional(),
});

export const UpdateOrganisationBody = z.strictObject({
  name: OrganisationName.optional(),
  names: OrganisationNames.optional(),
  active: z.boolean().optional(),
  requireMfa: z.boolean().optional(),
});

export const ListOrganisationsQuery = PageQuery.extend({ includeInactive: z.enum(['0', '1']).optional(), lang: z.enum(LOCALES).optional() });

export const CreateUserBody = z.strictObject({ email: Email, name: PersonName, role: z.enum(ROLES), password: NewPassword });

export const UpdateUserBody = z.strictObject({ name: PersonName.optional(), role: z.enum(ROLES).optional(), active: z.boolean().optional() });

/** A user as the API shows it (§3): never a hash or a secret. */
export const User = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  organisationId: Id,
  role: z.enum(ROLES),
  active: z.boolean(),
  locale: z.enum(LOCALES),
  mfaEnabled: z.boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type User = z.infer<typeof User>;

/** An organisation as the API shows it (§4). */
export const Organisation = z.object({
  id: Id,
  slug: z.string(),
  name: z.string(),
  names: z.object({ en: z.string(), fr: z.string(), ar: z.string() }),
  kind: z.enum(ORGANISATION_KINDS),
  parentId: Id.nullable(),
  active: z.boolean(),
  /** Its users must sign in with a second factor (§4 v2). */
  requireMfa: z.boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type Organisation = z.infer<typeof Organisation>;
