import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_DAYS } from '../../../shared/limits.js';
import { hashRefreshToken, newRefreshToken, signAccessToken } from '../../auth/tokens.js';
import type { Domain } from '../../domain.js';
import { domainEvents } from '../../events.js';
import type { Id } from '../../repositories/ids.js';
import type { StoredToken } from '../../repositories/sessions.js';

const SESSION_TTL_MS = REFRESH_TOKEN_TTL_DAYS * 24 * 3600 * 1000;

/** The tokens a login or a refresh hands out. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Where a session was opened from, kept for the account holder and the audit trail. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

async function issue(domain: Domain, userId: string, sessionId: Id, expiresAt: Date): Promise<TokenPair> {
  const refresh = newRefreshToken();
  await domain.repos.sessions.addToken({ _id: refresh.hash, sessionId, userId, expiresAt });
  return {
    accessToken: signAccessToken(domain.config.jwtSecret, userId, sessionId.toString()),
    refreshToken: refresh.token,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
  };
}

/** Opens a session (a login) and its first pair of tokens. */
export async function openSession(domain: Domain, userId: string, client: ClientInfo): Promise<TokenPair & { sessionId: string }> {
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  const session = await domain.repos.sessions.open({ userId, expiresAt, ip: client.ip, userAgent: client.userAgent?.slice(0, 300) ?? null });
  return { ...(await issue(domain, userId, session._id, expiresAt)), sessionId: session._id.toString() };
}

/** What a refresh attempt came to. */
export type RefreshOutcome =
  { kind: 'ok'; tokens: TokenPair; userId: string; sessionId: string } | { kind: 'invalid' } | { kind: 'reused'; userId: string; sessionId: string };

async function reuse(domain: Domain, token: StoredToken): Promise<RefreshOutcome> {
  const sessionId = token.sessionId.toString();
  const userId = token.userId.toString();
  await revokeSession(domain, sessionId, 'refresh token reused');
  domainEvents.publish('sessions.revoked', { userId, reason: 'refresh token reused', onlySessionId: sessionId });
  return { kind: 'reused', userId, sessionId };
}

/**
 * Spends a refresh token and issues the next one of its family. A token already spent is reuse:
 * the whole session ends, so a thief and the victim are both signed out of it. Every step is a
 * lookup or insert by `_id`, which stays fast on FerretDB and is atomic everywhere.
 */
export async function rotateRefreshToken(domain: Domain, token: string): Promise<RefreshOutcome> {
  const { sessions } = domain.repos;
  const tokenHash = hashRefreshToken(token);
  const live = await sessions.liveToken(tokenHash);
  if (!live) {
    const spent = await sessions.spentToken(tokenHash);
    return spent ? reuse(domain, spent) : { kind: 'invalid' };
  }
  if (!(await sessions.spend(live))) return reuse(domain, live); // a concurrent refresh spent it first
  const now = new Date();
  const session = await sessions.find(live.sessionId);
  if (!session || session.revokedAt || session.expiresAt <= now || live.expiresAt <= now) return { kind: 'invalid' };
  const userId = live.userId.toString();
  const tokens = await issue(domain, userId, session._id, session.expiresAt);
  return { kind: 'ok', tokens, userId, sessionId: session._id.toString() };
}

/**
 * Ends one session: its access tokens fail on the next request (every process's cached principals of
 * the user are gone before this returns) and its refresh tokens are refused (rotation checks the session).
 */
export async function revokeSession(domain: Domain, sessionId: string, reason: string): Promise<void> {
  const ended = await domain.repos.sessions.revoke(sessionId, reason);
  if (ended) await domain.principals.changed({ userId: ended.userId });
}

/** Finds the session a refresh token belongs to (for logout); null for an unknown token. */
export async function sessionOfRefreshToken(domain: Domain, token: string): Promise<{ sessionId: string; userId: string } | null> {
  const row = await domain.repos.sessions.liveToken(hashRefreshToken(token));
  return row ? { sessionId: row.sessionId.toString(), userId: row.userId.toString() } : null;
}

/**
 * Ends every session of a user (but `exceptSessionId`) and tells the real-time layer to cut their
 * sockets, on every hub process.
 */
export async function revokeUserSessions(domain: Domain, userId: string, reason: string, exceptSessionId?: string): Promise<void> {
  for (const sessionId of await domain.repos.sessions.openIdsOf(userId, exceptSessionId)) await revokeSession(domain, sessionId, reason);
  domainEvents.publish('sessions.revoked', { userId, reason, exceptSessionId });
}
