import type { Domain } from '../../domain.js';
import { HttpError, notFound } from '../../http/errors.js';
import { namesOf, presentOrganisation } from '../../presenters/organisation.js';

type Names = { en?: string; fr?: string; ar?: string };
import { recordAudit } from '../audit.js';
import { revokeUserSessions } from '../auth/sessions.js';
import { actorOf, type ActionContext } from '../context.js';
import { findOrganisation } from './queries.js';

/** `POST /api/organisations`: a new partner organisation; the slug is unique (409). */
export async function createOrganisation(
  domain: Domain,
  ctx: ActionContext,
  body: { slug: string; name: string; names?: Names; kind: string; parentId?: string | null },
) {
  const { organisations } = domain.repos;
  if (body.parentId) {
    const parent = await organisations.find(body.parentId);
    if (!parent || !parent.active) throw new HttpError('invalid_request', 'parentId: must be an active organisation.');
  }
  const names = { ...body.names, en: body.names?.en ?? body.name };
  const organisation = await organisations.create({ slug: body.slug, name: names.en, names, kind: body.kind, parentId: body.parentId ?? null });
  if (!organisation) throw new HttpError('conflict', `slug: "${body.slug}" is already taken.`);
  const id = organisation._id.toString();
  await recordAudit({
    actor: actorOf(ctx),
    action: 'organisation.create',
    target: { type: 'organisation', id, organisationId: id },
    ip: ctx.ip,
    outcome: 'success',
    details: { slug: body.slug, kind: body.kind },
  });
  return presentOrganisation(organisation);
}

/** `PATCH /api/organisations/:id`: rename, (de)activate or require MFA; deactivating ends its users' sessions. */
export async function updateOrganisation(
  domain: Domain,
  ctx: ActionContext,
  id: string,
  body: { name?: string; names?: Names; active?: boolean; requireMfa?: boolean },
) {
  const before = await findOrganisation(domain, id);
  // `name` is the English name: either field sets it, and `names` keeps the others (§4 v2).
  const { names: given, ...change } = body;
  const english = given?.en ?? body.name;
  const names = given || english ? { ...namesOf(before), ...given, ...(english ? { en: english } : {}) } : undefined;
  if (before.kind === 'office' && change.active === false) {
    throw new HttpError('forbidden', 'The Office cannot be deactivated.');
  }
  const organisation = await domain.repos.organisations.update(id, names ? { ...change, name: names.en, names } : change);
  if (!organisation) throw notFound('organisation');
  if (before.active && change.active === false) {
    for (const userId of await domain.repos.users.idsOf(organisation._id)) await revokeUserSessions(domain, userId, 'organisation deactivated');
  }
  await domain.principals.changed({ organisationId: id });
  await recordAudit({
    actor: actorOf(ctx),
    action: 'organisation.update',
    target: { type: 'organisation', id, organisationId: id },
    ip: ctx.ip,
    outcome: 'success',
    details: describeChange({ ...change, ...(names ? { names: Object.values(names).join(' | ') } : {}) }),
  });
  return presentOrganisation(organisation);
}

/** Flattens a change for the audit trail's details. */
export function describeChange(change: Record<string, string | boolean | undefined>) {
  const details: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries(change)) if (value !== undefined) details[key] = value;
  return details;
}
