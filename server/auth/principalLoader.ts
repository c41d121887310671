import { Organisation } from '../models/organisation.js';
import { Session } from '../models/session.js';
import { User } from '../models/user.js';
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
export async function readPrincipal(claims: Pick<AccessClaims, 'sub' | 'sid'>): Promise<PrincipalRead | null> {
  const [user, session] = await Promise.all([
    User.findById(claims.sub).lean(),
    Session.findById(claims.sid).lean(),
  ]);
  if (!user || !session || !user.active) return null;
  if (!session.userId.equals(user._id) || session.revokedAt || session.expiresAt <= new Date()) return null;
  const organisation = await Organisation.findById(user.organisationId).lean();
  if (!organisation || !organisation.active) return null;
  return { principal: { user, organisation, sessionId: claims.sid }, sessionExpiresAt: session.expiresAt };
}

/** The principal of verified claims, read from the database now (never from a cache). */
export async function loadPrincipal(claims: Pick<AccessClaims, 'sub' | 'sid'>): Promise<Principal | null> {
  return (await readPrincipal(claims))?.principal ?? null;
}
