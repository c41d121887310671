import type { Principal } from '../../auth/principal.js';
import { hashPassword, verifyPassword } from '../../auth/passwords.js';
import { newRecoveryCodes } from '../../auth/recoveryCodes.js';
import { generateTotpSecret, otpauthUrl } from '../../auth/totp.js';
import type { Domain } from '../../domain.js';
import { HttpError } from '../../http/errors.js';
import { presentOrganisation } from '../../presenters/organisation.js';
import { presentUser } from '../../presenters/user.js';
import { recordAudit } from '../audit.js';
import { actorOf, type ActionContext } from '../context.js';
import { accountLocked, checkOtp, mfaBox } from './login.js';
import { revokeUserSessions } from './sessions.js';

type Signed = ActionContext & { principal: Principal };

const selfTarget = (ctx: Signed) => ({ type: 'user', id: ctx.principal.user._id.toString(), organisationId: ctx.principal.organisation._id.toString() });

function audit(ctx: Signed, action: string, outcome: 'success' | 'failure' = 'success') {
  return recordAudit({ actor: actorOf(ctx), action, target: selfTarget(ctx), ip: ctx.ip, outcome });
}

/** `GET /api/me`: the signed-in user and their organisation. */
export function describeMe(p: Principal) {
  return { user: presentUser(p.user), organisation: presentOrganisation(p.organisation) };
}

/** `PATCH /api/me`: the user's own name and language. */
export async function updateMe(domain: Domain, ctx: Signed, change: { name?: string; locale?: string }) {
  const user = await domain.repos.users.update(ctx.principal.user._id, change);
  if (!user) throw new HttpError('unauthenticated', 'This account no longer exists.');
  await domain.principals.changed({ userId: user._id.toString() });
  await audit(ctx, 'user.update_self');
  return { user: presentUser(user) };
}

/** `POST /api/me/password`: checks the current password, then ends every other session of the user. */
export async function changePassword(domain: Domain, ctx: Signed, currentPassword: string, newPassword: string): Promise<void> {
  const user = ctx.principal.user;
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    await audit(ctx, 'auth.password_change', 'failure');
    throw new HttpError('invalid_request', 'currentPassword: the current password is not correct.');
  }
  const passwordHash = await hashPassword(newPassword);
  await domain.repos.users.update(user._id, { passwordHash, passwordChangedAt: new Date() });
  await revokeUserSessions(domain, user._id.toString(), 'password changed', ctx.principal.sessionId);
  await audit(ctx, 'auth.password_change');
}

/**
 * Runs the checks of an MFA call inside one reserved sign-in slot of the account (§3 v2): 429 while
 * it is locked; a wrong or missing current password (unless an enrolment token stands in for it) or a
 * wrong code keeps the slot as a failed sign-in and answers 400; success gives the slot back.
 */
async function proveIdentity(domain: Domain, ctx: Signed, action: string, proof: MfaProof, code?: () => Promise<boolean>): Promise<void> {
  const user = ctx.principal.user;
  const slot = await domain.lockout.reserve(user.email);
  if (!slot) throw await accountLocked(domain, user.email);
  let failure: string | null = null;
  try {
    const passwordOk = proof.enrolment || (!!proof.currentPassword && (await verifyPassword(user.passwordHash, proof.currentPassword)));
    if (!passwordOk) failure = 'currentPassword: the current password is missing or not correct.';
    else if (code && !(await code())) failure = 'otp: the code is not valid.';
  } catch (error) {
    await slot.release();
    throw error;
  }
  if (failure) {
    await slot.fail();
    await audit(ctx, action, 'failure');
    throw new HttpError('invalid_request', failure);
  }
  await slot.release();
}

/** What proves an MFA call is the account holder's: the current password, or an enrolment token. */
export interface MfaProof {
  currentPassword?: string;
  enrolment: boolean;
}

/** `POST /api/me/mfa/setup`: a new secret, pending until a code from it is confirmed. */
export async function setupMfa(domain: Domain, ctx: Signed, proof: MfaProof) {
  const user = ctx.principal.user;
  if (user.mfaEnabled) throw new HttpError('conflict', 'Two-step verification is already on; turn it off first.');
  await proveIdentity(domain, ctx, 'auth.mfa_setup', proof);
  const secret = generateTotpSecret();
  await domain.repos.users.update(user._id, { mfaPendingSecret: mfaBox(domain.config).seal(secret) });
  return { secret, otpauthUrl: otpauthUrl(secret, user.email) };
}

/**
 * `POST /api/me/mfa/enable`: confirms the pending secret with a code from it, answers ten new recovery
 * codes (only their hashes are kept) and ends every other session of the user, like a password change:
 * whoever was signed in before the second factor existed must prove it now.
 */
export async function enableMfa(domain: Domain, ctx: Signed, otp: string, proof: MfaProof): Promise<{ recoveryCodes: string[] }> {
  const user = await domain.repos.users.find(ctx.principal.user._id);
  if (!user) throw new HttpError('unauthenticated', 'This account no longer exists.');
  if (user.mfaEnabled) throw new HttpError('conflict', 'Two-step verification is already on.');
  if (!user.mfaPendingSecret) throw new HttpError('invalid_request', 'Start the set-up first (POST /api/me/mfa/setup).');
  await proveIdentity(domain, ctx, 'auth.mfa_enable', proof, () => checkOtp(domain, user, otp, user.mfaPendingSecret, false));
  const userId = user._id.toString();
  const { codes, hashes } = newRecoveryCodes(userId);
  await domain.repos.sessions.forgetRecoveryCodes(userId, user.mfaRecoveryHashes ?? []);
  await domain.repos.users.update(user._id, { mfaEnabled: true, mfaSecret: user.mfaPendingSecret, mfaPendingSecret: null, mfaRecoveryHashes: hashes });
  await revokeUserSessions(domain, userId, 'mfa enabled', ctx.principal.sessionId || undefined);
  await domain.principals.changed({ userId });
  await audit(ctx, 'auth.mfa_enable');
  return { recoveryCodes: codes };
}

/** `POST /api/me/mfa/disable`: turns the second factor off, proven with the password and a current code. */
export async function disableMfa(domain: Domain, ctx: Signed, otp: string, proof: MfaProof): Promise<void> {
  const user = await domain.repos.users.find(ctx.principal.user._id);
  if (!user) throw new HttpError('unauthenticated', 'This account no longer exists.');
  if (!user.mfaEnabled) throw new HttpError('conflict', 'Two-step verification is not on.');
  await proveIdentity(domain, ctx, 'auth.mfa_disable', proof, () => checkOtp(domain, user, otp, user.mfaSecret, false));
  await domain.repos.users.update(user._id, { mfaEnabled: false, mfaSecret: null, mfaPendingSecret: null, mfaRecoveryHashes: [] });
  await domain.principals.changed({ userId: user._id.toString() });
  await audit(ctx, 'auth.mfa_disable');
}
