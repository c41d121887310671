import type { Principal } from '../auth/principal.js';
import { isAdmin, isOfficeAdmin } from './helpers.js';

/** The MongoDB filter that limits an audit list to what its reader may see. */
export interface AuditVisibility {
  organisationIds?: string;
}

/**
 * The filter of the audit records `principal` may list: every record for an Office admin, the records
 * whose actor or target belongs to their organisation for another organisation's admin, and null
 * (nothing; the list is forbidden) for analysts and members.
 */
export function auditVisibleFilter(principal: Principal): AuditVisibility | null {
  if (isOfficeAdmin(principal)) return {};
  if (isAdmin(principal)) return { organisationIds: principal.organisation._id.toString() };
  return null;
}

/**
 * Whether `principal` may see the IP address of a record (§9 v2): the Office admin always; another
 * organisation's admin only when the actor is of their own organisation (where its people sign in
 * from is no business of the organisations they act upon).
 */
export function canSeeAuditIp(principal: Principal, actorOrganisationId: string | null | undefined): boolean {
  return isOfficeAdmin(principal) || (!!actorOrganisationId && actorOrganisationId === principal.organisation._id.toString());
}

/** Whether `principal` may verify the whole chain: the hub administrator only. */
export function canVerifyAudit(principal: Principal): boolean {
  return isOfficeAdmin(principal);
}

/**
 * Whether `principal` may be told the name of a person on an audit record (an actor or a target):
 * the Office admin anyone's; another organisation's admin the names of its own people only.
 */
export function canSeeAuditPerson(principal: Principal, personOrganisationId: string | null | undefined): boolean {
  return isOfficeAdmin(principal) || (!!personOrganisationId && personOrganisationId === principal.organisation._id.toString());
}
