import mongoose from 'mongoose';
import { hashPassword } from '../auth/passwords.js';
import { principalChanged } from '../auth/principalCache.js';
import { domainEvents } from '../events.js';
import { HttpError, notFound } from '../http/errors.js';
import { decodeCursor, toPage } from '../http/paging.js';
import { User } from '../models/user.js';
import { presentUser } from '../presenters/user.js';
import { recordAudit } from './audit.js';
import { actorOf, type ActionContext } from './context.js';
import { describeChange } from './organisations.js';
import { revokeUserSessions } from './sessions.js';

/** Loads a user by id or answers 404. */
export async function findUser(id: string) {
  const user = await User.findById(id).lean();
  if (!user) throw notFound('user');
  return user;
}

/** `GET /api/organisations/:id/users`: the organisation's users by creation, paged. */
export async function listUsers(organisationId: string, query: { limit: number; cursor?: string }) {
  const filter: Record<string, unknown> = { organisationId: new mongoose.Types.ObjectId(organisationId) };
  if (query.cursor) {
    const [after] = decodeCursor(query.cursor, ['string']);
    if (!mongoose.isValidObjectId(after)) throw new HttpError('invalid_request', 'cursor: is not a cursor this list gave out.');
    filter._id = mongoose.trusted({ $gt: new mongoose.Types.ObjectId(String(after)) });
  }
  const rows = await User.find(filter).sort({ _id: 1 }).limit(query.limit + 1).lean();
  return toPage(rows, query.limit, (u) => [u._id.toString()], presentUser);
}

/** `POST /api/organisations/:id/users`: a new user; emails are unique across the hub (409). */
export async function createUser(
  ctx: ActionContext,
  organisationId: string,
  body: { email: string; name: string; role: string; password: string },
) {
  if (await User.exists({ email: body.email })) throw new HttpError('conflict', 'email: an account with this email already exists.');
  const passwordHash = await hashPassword(body.password);
  let user;
  try {
    user = await User.create({ email: body.email, name: body.name, role: body.role, organisationId, passwordHash });
  } catch (error) {
    if ((error as { code?: number }).code === 11000) throw new HttpError('conflict', 'email: an account with this email already exists.');
    throw error;
  }
  await recordAudit({
    actor: actorOf(ctx), action: 'user.create', target: { type: 'user', id: user._id.toString(), organisationId },
    ip: ctx.ip, outcome: 'success', details: { email: body.email, role: body.role },
  });
  return presentUser(user.toObject());
}

/** `PATCH /api/users/:id`: name, role, active; deactivation ends every session and socket at once. */
export async function updateUser(ctx: ActionContext, id: string, change: { name?: string; role?: string; active?: boolean }) {
  const before = await findUser(id);
  const user = await User.findByIdAndUpdate(id, { $set: change }, { new: true }).lean();
  if (!user) throw notFound('user');
  if (before.active && change.active === false) await revokeUserSessions(id, 'deactivated');
  await principalChanged({ userId: id });
  domainEvents.publish('user.changed', { userId: id });
  await recordAudit({
    actor: actorOf(ctx), action: 'user.update',
    target: { type: 'user', id, organisationId: user.organisationId.toString() },
    ip: ctx.ip, outcome: 'success', details: describeChange(change),
  });
  return presentUser(user);
}
