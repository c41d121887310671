import mongoose from 'mongoose';
import { LoginFailure } from '../models/loginThrottle.js';
import { RefreshToken, SpentRefreshToken } from '../models/refreshToken.js';
import { Session, type SessionDoc } from '../models/session.js';
import { UsedOtp } from '../models/usedOtp.js';
import { claim } from '../store/claim.js';

/** A refresh token as stored: its hash, its session and user, and when it ends. */
export interface StoredToken {
  _id: string;
  sessionId: mongoose.Types.ObjectId;
  userId: mongoose.Types.ObjectId;
  expiresAt: Date;
}

// A used one-time code is valid for at most three 30-second steps; after that its record guards nothing.
const USED_OTP_KEPT_MS = 5 * 60_000;

/**
 * Sign-in state: sessions, their refresh tokens (live and spent), spent one-time codes and the
 * login-failure slots. Everything that must happen once (spending a token or a code, counting a
 * failure) is claimed by inserting a record with a unique `_id`.
 */
export class SessionRepository {
  /** Opens a session. */
  async open(fields: { userId: string; expiresAt: Date; ip: string | null; userAgent: string | null }): Promise<SessionDoc> {
    return (await Session.create(fields)).toObject() as SessionDoc;
  }

  /** One session, or null. */
  find(id: string | mongoose.Types.ObjectId): Promise<SessionDoc | null> {
    return Session.findById(id).lean<SessionDoc>().exec();
  }

  /** Marks a session ended; answers its user, or null when it was unknown or already ended. */
  async revoke(id: string, reason: string): Promise<{ userId: string } | null> {
    const session = await Session.findById(id, { revokedAt: 1, userId: 1 }).lean();
    if (!session || session.revokedAt) return null;
    await Session.updateOne({ _id: id }, { $set: { revokedAt: new Date(), revokedReason: reason } });
    return { userId: session.userId.toString() };
  }

  /** Ids of a user's sessions not ended, but `exceptId`. */
  async openIdsOf(userId: string, exceptId?: string): Promise<string[]> {
    const filter: Record<string, unknown> = { userId, revokedAt: null };
    if (exceptId) filter._id = mongoose.trusted({ $ne: new mongoose.Types.ObjectId(exceptId) });
    const open = await Session.find(filter, { _id: 1 }).lean();
    return open.map((s) => s._id.toString());
  }

  /** Stores a live refresh token (by its hash). */
  async addToken(token: Omit<StoredToken, 'userId'> & { userId: string | mongoose.Types.ObjectId }): Promise<void> {
    await RefreshToken.create(token);
  }

  /** The live refresh token of a hash, or null. */
  liveToken(hash: string): Promise<StoredToken | null> {
    return RefreshToken.findById(hash).lean<StoredToken>().exec();
  }

  /** The spent refresh token of a hash, or null. */
  spentToken(hash: string): Promise<StoredToken | null> {
    return SpentRefreshToken.findById(hash).lean<StoredToken>().exec();
  }

  /** Spends a live token: false when a concurrent refresh spent it first. */
  async spend(token: StoredToken): Promise<boolean> {
    const { _id, sessionId, userId, expiresAt } = token;
    if (!(await claim(() => SpentRefreshToken.create({ _id, sessionId, userId, expiresAt })))) return false;
    await RefreshToken.deleteOne({ _id });
    return true;
  }

  /** Spends a one-time code `<user>:<step>`: false when it was spent before. */
  spendOtp(userId: string, step: number): Promise<boolean> {
    return claim(() => UsedOtp.create({ _id: `${userId}:${step}`, at: new Date() }));
  }

  /** The times of the login failures stored under these slot ids. */
  async failureTimes(slotIds: string[]): Promise<Date[]> {
    const rows = await Promise.all(slotIds.map((id) => LoginFailure.findById(id, { at: 1 }).lean()));
    return rows.flatMap((r) => (r ? [r.at] : []));
  }

  /** Claims one login-failure slot: false when it was taken. */
  claimFailure(slotId: string): Promise<boolean> {
    return claim(() => LoginFailure.create({ _id: slotId, at: new Date() }));
  }

  /** Removes login-failure slots. */
  async clearFailures(slotIds: string[]): Promise<void> {
    await Promise.all(slotIds.map((id) => LoginFailure.deleteOne({ _id: id })));
  }

  /**
   * Deletes expired sessions and refresh tokens, used codes that can no longer be valid, and failures
   * older than `failureWindowMs` (FerretDB has no TTL indexes, so the hub sweeps them).
   */
  async sweep(failureWindowMs: number): Promise<number> {
    const now = mongoose.trusted({ $lte: new Date() });
    const tokens = await RefreshToken.deleteMany({ expiresAt: now });
    const spent = await SpentRefreshToken.deleteMany({ expiresAt: now });
    const sessions = await Session.deleteMany({ expiresAt: now });
    const otps = await UsedOtp.deleteMany({ at: mongoose.trusted({ $lte: new Date(Date.now() - USED_OTP_KEPT_MS) }) });
    const failures = await LoginFailure.deleteMany({ at: mongoose.trusted({ $lte: new Date(Date.now() - failureWindowMs) }) });
    return tokens.deletedCount + spent.deletedCount + sessions.deletedCount + otps.deletedCount + failures.deletedCount;
  }
}
