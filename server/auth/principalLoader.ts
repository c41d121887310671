import type { OrganisationDoc } from '../models/organisation.js';
import type { SessionDoc } from '../models/session.js';
import type { UserDoc } from '../models/user.js';
import type { Repositories } from '../repositories/index.js';
import type { AccessClaims } from './tokens.js';
import type { Principal } from './principal.js';

/** A principal as read from the database, with the end of its session (a cached copy must not outlive it). */
export interface PrincipalRead {
  principal: Principal;
  sessionExpiresAt: Date;
}

/** The principal of claims from their documents as read: null unless the session was not ended and the user and the organisation are still active. */
function principalFrom(
  claims: Pick<AccessClaims, 'sub' | 'sid'>,
  user: UserDoc | null | undefined,
  session: SessionDoc | null | undefined,
  organisation: OrganisationDoc | null | undefined,
): PrincipalRead | null {
  if (!user || !session || !user.active) return null;
  if (!session.userId.equals(user._id) || session.revokedAt || session.expiresAt <= new Date()) return null;
  if (!organisation || !organisation._id.equals(user.organisationId) || !organisation.active) return null;
  return { principal: { user, organisation, sessionId: claims.sid }, sessionExpiresAt: session.expiresAt };
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
  if (!user || !session) return null;
  return principalFrom(claims, user, session, await repos.organisations.find(user.organisationId));
}

/** The principals of many claims, as `readPrincipal` reads one, in one query per collection (the socket sweep). */
export async function readPrincipals(
  repos: Pick<Repositories, 'users' | 'sessions' | 'organisations'>,
  claims: Pick<AccessClaims, 'sub' | 'sid'>[],
): Promise<(PrincipalRead | null)[]> {
  const [users, sessions] = await Promise.all([repos.users.findMany(claims.map((c) => c.sub)), repos.sessions.findMany(claims.map((c) => c.sid))]);
  const organisations = await repos.organisations.findMany([...new Set(users.map((u) => u.organisationId.toString()))]);
  const byId = <T extends { _id: { toString(): string } }>(docs: T[]) => new Map(docs.map((d) => [d._id.toString(), d]));
  const [userOf, sessionOf, organisationOf] = [byId(users), byId(sessions), byId(organisations)];
  return claims.map((c) => {
    const user = userOf.get(c.sub);
    return principalFrom(c, user, sessionOf.get(c.sid), user ? organisationOf.get(user.organisationId.toString()) : null);
  });
}
