import type { Principal } from '../auth/principal.js';
import type { UserDoc } from '../models/user.js';
import { isAdmin, isOfficeAdmin, sameOrganisation } from './helpers.js';

/** What an update of a user would change. */
export interface UserChange {
  name?: string;
  role?: string;
  active?: boolean;
}

/**
 * May `p` apply `change` to `target`? Visible to the target's organisation and the Office admin;
 * allowed for the target organisation's admins and the Office admin. Nobody changes their own role or
 * deactivates themselves, so no organisation can lose its last admin by accident or escalation.
 */
export function updateUserVerdict(p: Principal, target: UserDoc, change: UserChange) {
  const own = sameOrganisation(p, target.organisationId);
  const visible = own || isOfficeAdmin(p);
  const manager = isOfficeAdmin(p) || (own && isAdmin(p));
  const self = p.user._id.equals(target._id);
  const selfDemotion = self && ((change.role !== undefined && change.role !== target.role) || change.active === false);
  return { visible, allowed: manager && !selfDemotion };
}
