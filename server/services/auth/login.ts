import type { Config } from '../../../config/index.js';
import { verifyAgainstDummy, verifyPassword } from '../../auth/passwords.js';
import { SecretBox } from '../../auth/secretBox.js';
import { verifyTotp } from '../../auth/totp.js';
import type { Domain } from '../../domain.js';
import { domainEvents } from '../../events.js';
import { HttpError, rateLimited } from '../../http/errors.js';
import type { UserDoc } from '../../models/user.js';
import { presentUser } from '../../presenters/user.js';
import { recordAudit } from '../audit.js';
import type { ActionContext } from '../context.js';
import { clearLoginFailures, lockedForMs, recordLoginFailure } from './lockout.js';
import { openSession, revokeSession, rotateRefreshToken, sessionOfRefreshToken } from './sessions.js';

const WRONG_CREDENTIALS = 'The email or password is not correct.';

/** The box that seals TOTP secrets at rest. */
export const mfaBox = (config: Pick<Config, 'masterKey'>) => new SecretBox(config.masterKey, 'mfa-secret');

function loginAudit(ctx: ActionContext, email: string, user: UserDoc | null, outcome: 'success' | 'failure' | 'denied', reason?: string) {
  const organisationId = user ? user.organisationId.toString() : null;
  return recordAudit({
    actor: { userId: user ? user._id.toString() : null, organisationId },
    action: outcome === 'success' ? 'auth.login' : 'auth.login_failed',
    target: { type: 'user', id: user ? user._id.toString() : null, organisationId },
    ip: ctx.ip,
    outcome,
    details: reason ? { email, reason } : { email },
  });
}

/**
 * Checks a one-time password. At sign-in the code is spent by inserting `<user>:<step>` (unique
 * `_id`), so a code seen by someone else never opens a second session, even in a race (RFC 6238
 * §5.2); proofs of possession inside a session (enable, disable) do not spend it.
 */
export async function checkOtp(domain: Domain, user: UserDoc, otp: string, sealed: string | null | undefined, spend: boolean): Promise<boolean> {
  if (!sealed) return false;
  const step = verifyTotp(mfaBox(domain.config).open(sealed), otp, 0);
  if (step === null) return false;
  if (!spend) return true;
  return domain.repos.sessions.spendOtp(user._id.toString(), step);
}

/**
 * Signs a user in (§3): lockout first (429 even with the right password), the same 401 and about the
 * same time for an unknown email and a wrong password, then the second factor.
 */
export async function login(domain: Domain, ctx: ActionContext, email: string, password: string, otp?: string) {
  const { users, organisations, sessions } = domain.repos;
  const lockedMs = await lockedForMs(sessions, email);
  if (lockedMs > 0) {
    await loginAudit(ctx, email, null, 'denied', 'locked');
    throw rateLimited('Too many failed sign-ins for this account; try again in 15 minutes.', lockedMs);
  }
  const user = await users.findByEmail(email);
  const passwordOk = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(domain.dummyHash, password);
  if (!user || !passwordOk) {
    await recordLoginFailure(sessions, email);
    await loginAudit(ctx, email, user, 'failure', user ? 'wrong password' : 'unknown email');
    throw new HttpError('unauthenticated', WRONG_CREDENTIALS);
  }
  const organisation = await organisations.find(user.organisationId);
  if (!user.active || !organisation?.active) {
    await loginAudit(ctx, email, user, 'denied', 'inactive');
    throw new HttpError('unauthenticated', WRONG_CREDENTIALS);
  }
  if (user.mfaEnabled) {
    if (!otp) throw new HttpError('mfa_required', 'Enter the 6-digit code from your authenticator app.');
    if (!(await checkOtp(domain, user, otp, user.mfaSecret, true))) {
      await recordLoginFailure(sessions, email);
      await loginAudit(ctx, email, user, 'failure', 'wrong one-time password');
      throw new HttpError('mfa_required', 'The code is not valid; enter the current code from your authenticator app.');
    }
  }
  await clearLoginFailures(sessions, email);
  const session = await openSession(domain, user._id.toString(), ctx);
  await loginAudit(ctx, email, user, 'success');
  const { sessionId: _sessionId, ...tokens } = session;
  return { ...tokens, user: presentUser(user) };
}

/** Rotates a refresh token (§3); a spent one answers 401 and ends its whole session. */
export async function refresh(domain: Domain, ctx: ActionContext, refreshToken: string) {
  const { users, organisations } = domain.repos;
  const outcome = await rotateRefreshToken(domain, refreshToken);
  if (outcome.kind === 'ok') {
    const user = await users.find(outcome.userId);
    const organisation = user ? await organisations.find(user.organisationId) : null;
    if (user?.active && organisation?.active) return outcome.tokens;
    await revokeSession(domain, outcome.sessionId, 'account inactive');
  }
  if (outcome.kind === 'reused') {
    const user = await users.find(outcome.userId);
    await recordAudit({
      actor: { userId: outcome.userId, organisationId: user?.organisationId.toString() ?? null },
      action: 'auth.refresh_reuse',
      target: { type: 'session', id: outcome.sessionId, organisationId: user?.organisationId.toString() ?? null },
      ip: ctx.ip,
      outcome: 'denied',
    });
  }
  throw new HttpError('unauthenticated', 'This session has ended; sign in again.');
}

/** Ends the session of a refresh token (§3 logout); unknown tokens are ignored (204 either way). */
export async function logout(domain: Domain, refreshToken: string): Promise<void> {
  const found = await sessionOfRefreshToken(domain, refreshToken);
  if (!found) return;
  await revokeSession(domain, found.sessionId, 'logout');
  domainEvents.publish('sessions.revoked', { userId: found.userId, reason: 'logout', onlySessionId: found.sessionId });
}
