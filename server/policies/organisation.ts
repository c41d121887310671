import type { Principal } from '../auth/principal.js';
import { isAdmin, isOfficeAdmin, sameOrganisation } from './helpers.js';

/** Who may create organisations, rename or deactivate them: the Office admin. */
export function canManageOrganisations(p: Principal): boolean {
  return isOfficeAdmin(p);
}

/** Whether the principal may list inactive organisations too. */
export function canSeeInactiveOrganisations(p: Principal): boolean {
  return isOfficeAdmin(p);
}

/**
 * Changing an organisation: the Office admin. An inactive organisation is listed to nobody else, so
 * to them it does not exist (404), like an unknown id.
 */
export function manageOrganisationVerdict(p: Principal, organisation: { active: boolean }) {
  return { visible: organisation.active || canSeeInactiveOrganisations(p), allowed: canManageOrganisations(p) };
}

/**
 * A change of an organisation: `requireMfa` alone is its own admin's or the Office admin's (another
 * partner's admin gets 404, like for its users); any other field is the Office admin's.
 */
export function updateOrganisationVerdict(p: Principal, organisation: { _id: { toString(): string }; active: boolean }, change: Record<string, unknown>) {
  const manage = manageOrganisationVerdict(p, organisation);
  if (change.requireMfa === undefined) return manage;
  const own = sameOrganisation(p, organisation._id.toString());
  const mfa = { visible: isOfficeAdmin(p) || (own && organisation.active), allowed: isOfficeAdmin(p) || (own && isAdmin(p)) };
  const others = Object.entries(change).some(([key, value]) => key !== 'requireMfa' && value !== undefined);
  return others ? { visible: mfa.visible && manage.visible, allowed: mfa.allowed && manage.allowed } : mfa;
}

/**
 * The users of an organisation: visible to its own people and the Office admin; manageable by its
 * admins and the Office admin. Another partner's admin does not even learn they exist (404).
 */
export function organisationUsersVerdict(p: Principal, organisationId: string) {
  const own = sameOrganisation(p, organisationId);
  return { visible: own || isOfficeAdmin(p), allowed: isOfficeAdmin(p) || (own && isAdmin(p)) };
}
