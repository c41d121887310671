import { hashPassword } from '../../auth/passwords.js';
import type { Domain } from '../../domain.js';
import { domainEvents } from '../../events.js';
import { HttpError, notFound } from '../../http/errors.js';
import { presentUser } from '../../presenters/user.js';
import { recordAudit } from '../audit.js';
import { revokeUserSessions } from '../auth/sessions.js';
import { actorOf, type ActionContext } from '../context.js';
import { describeChange } from '../organisations/commands.js';
import { findUser } from './queries.js';

const EMAIL_TAKEN = 'email: an account with this email already exists.';

/** `POST /api/organisations/:id/users`: a new user; emails are unique across the hub (409). */
export async function createUser(
  domain: Domain,
  ctx: ActionContext,
  organisationId: string,
  body: { email: string; name: string; role: string; password: string },
) {
  const { users } = domain.repos;
  if (await users.emailTaken(body.email)) throw new HttpError('conflict', EMAIL_TAKEN);
  const passwordHash = await hashPassword(body.password);
  const user = await users.create({ email: body.email, name: body.name, role: body.role, organisationId, passwordHash });
  if (!user) throw new HttpError('conflict', EMAIL_TAKEN);
  await recordAudit({
    actor: actorOf(ctx),
    action: 'user.create',
    target: { type: 'user', id: user._id.toString(), organisationId },
    ip: ctx.ip,
    outcome: 'success',
    details: { email: body.email, role: body.role },
  });
  // In the background: the answer does not wait for the new user's notification log.
  void domain.notifications.prepareUser(user._id.toString());
  return presentUser(user);
}

/** `PATCH /api/users/:id`: name, role, active; deactivation ends every session and socket at once. */
export async function updateUser(domain: Domain, ctx: ActionContext, id: string, change: { name?: string; role?: string; active?: boolean }) {
  const before = await findUser(domain, id);
  const user = await domain.repos.users.update(id, change);
  if (!user) throw notFound('user');
  if (before.active && change.active === false) await revokeUserSessions(domain, id, 'deactivated');
  await domain.principals.changed({ userId: id });
  domainEvents.publish('user.changed', { userId: id });
  await recordAudit({
    actor: actorOf(ctx),
    action: 'user.update',
    target: { type: 'user', id, organisationId: user.organisationId.toString() },
    ip: ctx.ip,
    outcome: 'success',
    details: describeChange(change),
  });
  return presentUser(user);
}
