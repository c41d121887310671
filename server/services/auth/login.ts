import type { Config } from '../../../config/index.js';
import { verifyAgainstDummy, verifyPassword } from '../../auth/passwords.js';
import { hashRecoveryCode } from '../../auth/recoveryCodes.js';
import { SecretBox } from '../../auth/secretBox.js';
import { signEnrolmentToken } from '../../auth/tokens.js';
import { verifyTotp } from '../../auth/totp.js';
import type { Domain } from '../../domain.js';
import { domainEvents } from '../../events.js';
import { HttpError, rateLimited } from '../../http/errors.js';
import type { OrganisationDoc } from '../../models/organisation.js';
import type { UserDoc } from '../../models/user.js';
import { presentUser } from '../../presenters/user.js';
import { recordAudit } from '../audit.js';
import type { ActionContext } from '../context.js';
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

/** The second factor at sign-in: a current code, or an unused recovery code, spent by claiming it. */
async function checkSecondFactor(domain: Domain, user: UserDoc, code: string): Promise<boolean> {
  if (/^[0-9]+$/.test(code)) return checkOtp(domain, user, code, user.mfaSecret, true);
  const hash = hashRecoveryCode(user._id.toString(), code);
  if (!(user.mfaRecoveryHashes ?? []).includes(hash)) return false;
  return domain.repos.sessions.spendRecoveryCode(user._id.toString(), hash);
}

/** The 429 of a locked account, with its Retry-After. */
export async function accountLocked(domain: Domain, email: string) {
  return rateLimited('Too many failed sign-ins for this account; try again in 15 minutes.', await domain.lockout.lockedForMs(email));
}

/**
 * Signs a user in (§3). One failure slot of the account is reserved before anything is checked
 * (lockout.ts), so of any burst at most 5 passwords or codes are checked and the rest, the right
 * password included, answer 429 once those 5 turned out wrong (while they are still being checked,
 * the others wait for them, so parallel right passwords all get through). The same 401 and about the same time for an unknown email (it
 * reserves a slot too) and a wrong password; then the second factor within the same slot.
 *
 * A success gives back only its own slot and does NOT clear earlier failures: the contract counts 5
 * failed logins within 15 minutes, and clearing would hand a guesser who races the owner (or holds the
 * password and guesses codes) 5 fresh tries per success, and free the slots of guesses still in flight.
 */
export async function login(domain: Domain, ctx: ActionContext, email: string, password: string, otp?: string) {
  const { users, organisations } = domain.repos;
  const slot = await domain.lockout.reserve(email);
  if (!slot) {
    await loginAudit(ctx, email, null, 'denied', 'locked');
    throw await accountLocked(domain, email);
  }
  let user: UserDoc | null;
  let organisation: OrganisationDoc | null;
  try {
    user = await users.findByEmail(email);
    const passwordOk = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(domain.dummyHash, password);
    if (!user || !passwordOk) {
      await loginAudit(ctx, email, user, 'failure', user ? 'wrong password' : 'unknown email');
      throw new HttpError('unauthenticated', WRONG_CREDENTIALS);
    }
    organisation = await organisations.find(user.organisationId);
    if (user.mfaEnabled && otp && !(await checkSecondFactor(domain, user, otp))) {
      await loginAudit(ctx, email, user, 'failure', 'wrong one-time password');
      throw new HttpError('mfa_required', 'The code is not valid; enter the current code from your authenticator app.');
    }
  } catch (error) {
    // A wrong password or code keeps the slot as the failure; anything else (the database) gives it back.
    await (error instanceof HttpError ? slot.fail() : slot.release());
    throw error;
  }
  // The password (and code, if any) was right: this attempt is no failure.
  await slot.release();
  if (!user.active || !organisation?.active) {
    await loginAudit(ctx, email, user, 'denied', 'inactive');
    throw new HttpError('unauthenticated', WRONG_CREDENTIALS);
  }
  if (user.mfaEnabled && !otp) throw new HttpError('mfa_required', 'Enter the 6-digit code from your authenticator app.');
  if (organisation.requireMfa && !user.mfaEnabled) {
    await loginAudit(ctx, email, user, 'denied', 'mfa enrolment required');
    const error = new HttpError('mfa_enrolment_required', 'Your organisation requires two-step sign-in; set it up to continue.');
    error.extra = { enrolmentToken: signEnrolmentToken(domain.config.jwtSecret, user._id.toString()) };
    throw error;
  }
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
