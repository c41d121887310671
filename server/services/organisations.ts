import { isDuplicateKey } from '../store/claim.js';
import mongoose from 'mongoose';
import type { Principal } from '../auth/principal.js';
import { principalChanged } from '../auth/principalCache.js';
import { HttpError, notFound } from '../http/errors.js';
import { decodeCursor, toPage } from '../http/paging.js';
import { Organisation } from '../models/organisation.js';
import { User } from '../models/user.js';
import { canSeeInactiveOrganisations } from '../policies/organisation.js';
import { presentOrganisation } from '../presenters/organisation.js';
import { recordAudit } from './audit.js';
import { actorOf, type ActionContext } from './context.js';
import { revokeUserSessions } from './sessions.js';


/** Loads an organisation by id or answers 404. */
export async function findOrganisation(id: string) {
  const organisation = await Organisation.findById(id).lean();
  if (!organisation) throw notFound('organisation');
  return organisation;
}

/** `GET /api/organisations`: active organisations by creation, paged (the Office admin may ask for all). */
export async function listOrganisations(p: Principal, query: { limit: number; cursor?: string; includeInactive?: '0' | '1' }) {
  const filter: Record<string, unknown> = {};
  if (!(query.includeInactive === '1' && canSeeInactiveOrganisations(p))) filter.active = true;
  if (query.cursor) {
    const [after] = decodeCursor(query.cursor, ['string']);
    if (!mongoose.isValidObjectId(after)) throw new HttpError('invalid_request', 'cursor: is not a cursor this list gave out.');
    filter._id = mongoose.trusted({ $gt: new mongoose.Types.ObjectId(String(after)) });
  }
  const rows = await Organisation.find(filter).sort({ _id: 1 }).limit(query.limit + 1).lean();
  return toPage(rows, query.limit, (o) => [o._id.toString()], presentOrganisation);
}

/** `POST /api/organisations`: a new partner organisation; the slug is unique (409). */
export async function createOrganisation(ctx: ActionContext, body: { slug: string; name: string; kind: string; parentId?: string | null }) {
  if (body.parentId) {
    const parent = await Organisation.findById(body.parentId).lean();
    if (!parent || !parent.active) throw new HttpError('invalid_request', 'parentId: must be an active organisation.');
  }
  let organisation;
  try {
    organisation = await Organisation.create({ slug: body.slug, name: body.name, kind: body.kind, parentId: body.parentId ?? null });
  } catch (error) {
    if (isDuplicateKey(error)) throw new HttpError('conflict', `slug: "${body.slug}" is already taken.`);
    throw error;
  }
  const id = organisation._id.toString();
  await recordAudit({
    actor: actorOf(ctx), action: 'organisation.create', target: { type: 'organisation', id, organisationId: id },
    ip: ctx.ip, outcome: 'success', details: { slug: body.slug, kind: body.kind },
  });
  return presentOrganisation(organisation.toObject());
}

/** `PATCH /api/organisations/:id`: rename, (de)activate or require MFA; deactivating ends its users' sessions. */
export async function updateOrganisation(ctx: ActionContext, id: string, change: { name?: string; active?: boolean; requireMfa?: boolean }) {
  const before = await findOrganisation(id);
  if (before.kind === 'office' && change.active === false) {
    throw new HttpError('forbidden', 'The Office cannot be deactivated.');
  }
  const organisation = await Organisation.findByIdAndUpdate(id, { $set: change }, { new: true }).lean();
  if (!organisation) throw notFound('organisation');
  if (before.active && change.active === false) {
    const users = await User.find({ organisationId: organisation._id }, { _id: 1 }).lean();
    for (const user of users) await revokeUserSessions(user._id.toString(), 'organisation deactivated');
  }
  await principalChanged({ organisationId: id });
  await recordAudit({
    actor: actorOf(ctx), action: 'organisation.update', target: { type: 'organisation', id, organisationId: id },
    ip: ctx.ip, outcome: 'success', details: describeChange(change),
  });
  return presentOrganisation(organisation);
}

/** Flattens a change for the audit trail's details. */
export function describeChange(change: Record<string, string | boolean | undefined>) {
  const details: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries(change)) if (value !== undefined) details[key] = value;
  return details;
}
