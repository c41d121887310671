import type { Principal } from '../auth/principal.js';
import { forbidden, notFound } from '../http/errors.js';

type IdLike = { toString(): string } | null | undefined;

/** True when the principal belongs to the Office. */
export const isOffice = (p: Principal): boolean => p.organisation.kind === 'office';

/** True for an admin of their own organisation. */
export const isAdmin = (p: Principal): boolean => p.user.role === 'admin';

/** True for the hub's administrators: admins of the Office. */
export const isOfficeAdmin = (p: Principal): boolean => isOffice(p) && isAdmin(p);

/** True for roles that create and edit their organisation's content (admin, analyst). */
export const isEditor = (p: Principal): boolean => p.user.role === 'admin' || p.user.role === 'analyst';

/** True when `organisationId` is the principal's own organisation. */
export function sameOrganisation(p: Principal, organisationId: IdLike): boolean {
  return !!organisationId && p.organisation._id.toString() === organisationId.toString();
}

/**
 * The one place a policy verdict becomes an answer: what may not be seen is 404 (as if absent),
 * what is seen but not allowed is 403.
 */
export function authorize(verdict: { visible: boolean; allowed: boolean }, what: string): void {
  if (!verdict.visible) throw notFound(what);
  if (!verdict.allowed) throw forbidden();
}
