import mongoose from 'mongoose';
import { LoginFailure } from '../models/loginThrottle.js';
import { RefreshToken, SpentRefreshToken } from '../models/refreshToken.js';
import { Session, type SessionDoc } from '../models/session.js';
import { SpentRecoveryCode } from '../models/spentRecoveryCode.js';
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
 * Sign-in state: sessions, their refresh tokens (live and spent), spent one-time and recovery codes
 * and the login-failure slots. Everything that must happen once (spending a token or a code, counting a
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

  /** The sessions of these ids that exist (one query for a batch: the socket sweep). */
  findMany(ids: string[]): Promise<SessionDoc[]> {
    const valid = ids.filter((id) => mongoose.isValidObjectId(id)).map((id) => new mongoose.Types.ObjectId(id));
    return Session.find({ _id: mongoose.trusted({ $in: valid }) })
      .lean<SessionDoc[]>()
      .exec();
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

  /** Spends a recovery code (its hash) of a user: false when it was spent before. */
  spendRecoveryCode(userId: string, hash: string): Promise<boolean> {
    return claim(() => SpentRecoveryCode.create({ _id: `${userId}:${hash}`, at: new Date() }));
  }

  /** Forgets which of these recovery codes (hashes) of a user were spent (they are replaced). */
  async forgetRecoveryCodes(userId: string, hashes: string[]): Promise<void> {
    await SpentRecoveryCode.deleteMany({ _id: mongoose.trusted({ $in: hashes.map((h) => `${userId}:${h}`) }) });
  }

  /** The login-failure slots of these ids: when each was taken and whether its check still runs (null: free). */
  async failureSlots(slotIds: string[]): Promise<({ at: Date; pending: boolean } | null)[]> {
    const rows = await Promise.all(slotIds.map((id) => LoginFailure.findById(id, { at: 1, pending: 1 }).lean()));
    return rows.map((r) => (r ? { at: r.at, pending: r.pending === true } : null));
  }

  /** Claims a login-failure slot while its check runs: false when it was taken. */
  reserveFailure(slotId: string): Promise<boolean> {
    return claim(() => LoginFailure.create({ _id: slotId, at: new Date(), pending: true }));
  }

  /** Gives a reserved slot back (the check succeeded). */
  async releaseFailure(slotId: string): Promise<void> {
    await LoginFailure.deleteOne({ _id: slotId });
  }

  /** Keeps a reserved slot as one failed sign-in. */
  async keepFailure(slotId: string): Promise<void> {
    await LoginFailure.updateOne({ _id: slotId }, { $set: { pending: false } });
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
