import type { Repositories } from '../repositories/index.js';
import type { AccessClaims } from './tokens.js';
import type { Principal } from './principal.js';

/** A principal as read from the database, with the end of its session (a cached copy must not outlive it). */
export interface PrincipalRead {
  principal: Principal;
  sessionExpiresAt: Date;
}

/**
 * Reads the principal of verified claims from the database: null unless the session was not ended and
 * the user and the organisation are still active.
 */
export async function readPrincipal(
  repos: Pick<Repositories, 'users' | 'sessions' | 'organisations'>,
  claims: Pick<AccessClaims, 'sub' | 'sid'>,
): Promise<PrincipalRead | null> {
  const [user, session] = await Promise.all([repos.users.find(claims.sub), repos.sessions.find(claims.sid)]);
  if (!user || !session || !user.active) return null;
  if (!session.userId.equals(user._id) || session.revokedAt || session.expiresAt <= new Date()) return null;
  const organisation = await repos.organisations.find(user.organisationId);
  if (!organisation || !organisation.active) return null;
  return { principal: { user, organisation, sessionId: claims.sid }, sessionExpiresAt: session.expiresAt };
}
