import { Organisation } from '../models/organisation.js';
import { Session } from '../models/session.js';
import { User } from '../models/user.js';
import type { AccessClaims } from './tokens.js';
import type { Principal } from './principal.js';

/**
 * Turns verified claims into the principal, checking on every request (not at token expiry) that the
 * session was not ended and that the user and the organisation are still active.
 */
export async function loadPrincipal(claims: AccessClaims): Promise<Principal | null> {
  const [user, session] = await Promise.all([
    User.findById(claims.sub).lean(),
    Session.findById(claims.sid).lean(),
  ]);
  if (!user || !session || !user.active) return null;
  if (!session.userId.equals(user._id) || session.revokedAt || session.expiresAt <= new Date()) return null;
  const organisation = await Organisation.findById(user.organisationId).lean();
  if (!organisation || !organisation.active) return null;
  return { user, organisation, sessionId: claims.sid };
}
