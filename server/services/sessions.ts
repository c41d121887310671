import { isDuplicateKey } from '../store/claim.js';
import mongoose from 'mongoose';
import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_DAYS } from '../../shared/limits.js';
import { principalChanged } from '../auth/principalCache.js';
import { hashRefreshToken, newRefreshToken, signAccessToken } from '../auth/tokens.js';
import { domainEvents } from '../events.js';
import { RefreshToken, SpentRefreshToken } from '../models/refreshToken.js';
import { Session } from '../models/session.js';
import { UsedOtp } from '../models/usedOtp.js';

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

async function issue(secret: string, userId: string, sessionId: mongoose.Types.ObjectId, expiresAt: Date): Promise<TokenPair> {
  const refresh = newRefreshToken();
  await RefreshToken.create({ _id: refresh.hash, sessionId, userId, expiresAt });
  return {
    accessToken: signAccessToken(secret, userId, sessionId.toString()),
    refreshToken: refresh.token,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
  };
}

/** Opens a session (a login) and its first pair of tokens. */
export async function openSession(secret: string, userId: string, client: ClientInfo): Promise<TokenPair & { sessionId: string }> {
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  const session = await Session.create({ userId, expiresAt, ip: client.ip, userAgent: client.userAgent?.slice(0, 300) ?? null });
  return { ...(await issue(secret, userId, session._id, expiresAt)), sessionId: session._id.toString() };
}

/** What a refresh attempt came to. */
export type RefreshOutcome =
  | { kind: 'ok'; tokens: TokenPair; userId: string; sessionId: string }
  | { kind: 'invalid' }
  | { kind: 'reused'; userId: string; sessionId: string };


async function reuse(token: { sessionId: mongoose.Types.ObjectId; userId: mongoose.Types.ObjectId }): Promise<RefreshOutcome> {
  const sessionId = token.sessionId.toString();
  const userId = token.userId.toString();
  await revokeSession(sessionId, 'refresh token reused');
  domainEvents.publish('sessions.revoked', { userId, reason: 'refresh token reused', onlySessionId: sessionId });
  return { kind: 'reused', userId, sessionId };
}

/**
 * Spends a refresh token and issues the next one of its family. A token already spent is reuse:
 * the whole session ends, so a thief and the victim are both signed out of it. Every step is a
 * lookup or insert by `_id`, which stays fast on FerretDB and is atomic everywhere.
 */
export async function rotateRefreshToken(secret: string, token: string): Promise<RefreshOutcome> {
  const tokenHash = hashRefreshToken(token);
  const live = await RefreshToken.findById(tokenHash).lean();
  if (!live) {
    const spent = await SpentRefreshToken.findById(tokenHash).lean();
    return spent ? reuse(spent) : { kind: 'invalid' };
  }
  try {
    await SpentRefreshToken.create({ _id: tokenHash, sessionId: live.sessionId, userId: live.userId, expiresAt: live.expiresAt });
  } catch (error) {
    if (isDuplicateKey(error)) return reuse(live); // a concurrent refresh spent it first
    throw error;
  }
  await RefreshToken.deleteOne({ _id: tokenHash });
  const now = new Date();
  const session = await Session.findById(live.sessionId).lean();
  if (!session || session.revokedAt || session.expiresAt <= now || live.expiresAt <= now) return { kind: 'invalid' };
  const userId = live.userId.toString();
  const tokens = await issue(secret, userId, session._id, session.expiresAt);
  return { kind: 'ok', tokens, userId, sessionId: session._id.toString() };
}

/**
 * Ends one session: its access tokens fail on the next request (every process's cached principals of
 * the user are gone before this returns) and its refresh tokens are refused (rotation checks the session).
 */
export async function revokeSession(sessionId: string, reason: string): Promise<void> {
  const session = await Session.findById(sessionId, { revokedAt: 1, userId: 1 }).lean();
  if (!session || session.revokedAt) return;
  await Session.updateOne({ _id: sessionId }, { $set: { revokedAt: new Date(), revokedReason: reason } });
  await principalChanged({ userId: session.userId.toString() });
}

/** Finds the session a refresh token belongs to (for logout); null for an unknown token. */
export async function sessionOfRefreshToken(token: string): Promise<{ sessionId: string; userId: string } | null> {
  const row = await RefreshToken.findById(hashRefreshToken(token)).lean();
  return row ? { sessionId: row.sessionId.toString(), userId: row.userId.toString() } : null;
}

/**
 * Ends every session of a user (but `exceptSessionId`) and tells the real-time layer to cut their
 * sockets, on every hub process.
 */
export async function revokeUserSessions(userId: string, reason: string, exceptSessionId?: string): Promise<void> {
  const filter: Record<string, unknown> = { userId, revokedAt: null };
  if (exceptSessionId) filter._id = mongoose.trusted({ $ne: new mongoose.Types.ObjectId(exceptSessionId) });
  const open = await Session.find(filter, { _id: 1 }).lean();
  for (const session of open) await revokeSession(session._id.toString(), reason);
  domainEvents.publish('sessions.revoked', { userId, reason, exceptSessionId });
}

/** Deletes expired sessions and refresh tokens (no TTL indexes on FerretDB). */
export async function sweepExpiredSessions(): Promise<number> {
  const now = mongoose.trusted({ $lte: new Date() });
  const tokens = await RefreshToken.deleteMany({ expiresAt: now });
  const spent = await SpentRefreshToken.deleteMany({ expiresAt: now });
  const sessions = await Session.deleteMany({ expiresAt: now });
  // A code is valid for at most three 30-second steps; after that its record guards nothing.
  const otps = await UsedOtp.deleteMany({ at: mongoose.trusted({ $lte: new Date(Date.now() - 5 * 60_000) }) });
  return tokens.deletedCount + spent.deletedCount + sessions.deletedCount + otps.deletedCount;
}
