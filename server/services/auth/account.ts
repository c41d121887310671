import type { Principal } from '../../auth/principal.js';
import { principalChanged } from '../../auth/principalCache.js';
import { hashPassword, verifyPassword } from '../../auth/passwords.js';
import { generateTotpSecret, otpauthUrl } from '../../auth/totp.js';
import type { Domain } from '../../domain.js';
import { HttpError } from '../../http/errors.js';
import { presentOrganisation } from '../../presenters/organisation.js';
import { presentUser } from '../../presenters/user.js';
import { recordAudit } from '../audit.js';
import { actorOf, type ActionContext } from '../context.js';
import { checkOtp, mfaBox } from './login.js';
import { revokeUserSessions } from './sessions.js';

type Signed = ActionContext & { principal: Principal };

const selfTarget = (ctx: Signed) => ({
  type: 'user', id: ctx.principal.user._id.toString(), organisationId: ctx.principal.organisation._id.toString(),
});

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
  await principalChanged({ userId: user._id.toString() });
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

/** `POST /api/me/mfa/setup`: a new secret, pending until a code from it is confirmed. */
export async function setupMfa(domain: Domain, ctx: Signed) {
  const user = ctx.principal.user;
  if (user.mfaEnabled) throw new HttpError('conflict', 'Two-step verification is already on; turn it off first.');
  const secret = generateTotpSecret();
  await domain.repos.users.update(user._id, { mfaPendingSecret: mfaBox(domain.config).seal(secret) });
  return { secret, otpauthUrl: otpauthUrl(secret, user.email) };
}

/** `POST /api/me/mfa/enable`: confirms the pending secret with a code from it. */
export async function enableMfa(domain: Domain, ctx: Signed, otp: string): Promise<void> {
  const user = await domain.repos.users.find(ctx.principal.user._id);
  if (!user) throw new HttpError('unauthenticated', 'This account no longer exists.');
  if (user.mfaEnabled) throw new HttpError('conflict', 'Two-step verification is already on.');
  if (!user.mfaPendingSecret) throw new HttpError('invalid_request', 'Start the set-up first (POST /api/me/mfa/setup).');
  if (!(await checkOtp(domain, user, otp, user.mfaPendingSecret, false))) {
    await audit(ctx, 'auth.mfa_enable', 'failure');
    throw new HttpError('invalid_request', 'otp: the code is not valid.');
  }
  await domain.repos.users.update(user._id, { mfaEnabled: true, mfaSecret: user.mfaPendingSecret, mfaPendingSecret: null });
  await principalChanged({ userId: user._id.toString() });
  await audit(ctx, 'auth.mfa_enable');
}

/** `POST /api/me/mfa/disable`: turns the second factor off, proven with a current code. */
export async function disableMfa(domain: Domain, ctx: Signed, otp: string): Promise<void> {
  const user = await domain.repos.users.find(ctx.principal.user._id);
  if (!user) throw new HttpError('unauthenticated', 'This account no longer exists.');
  if (!user.mfaEnabled) throw new HttpError('conflict', 'Two-step verification is not on.');
  if (!(await checkOtp(domain, user, otp, user.mfaSecret, false))) {
    await audit(ctx, 'auth.mfa_disable', 'failure');
    throw new HttpError('invalid_request', 'otp: the code is not valid.');
  }
  await domain.repos.users.update(user._id, { mfaEnabled: false, mfaSecret: null, mfaPendingSecret: null });
  await principalChanged({ userId: user._id.toString() });
  await audit(ctx, 'auth.mfa_disable');
}
