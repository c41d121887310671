import { type CreateActionBody, type CreateAlertBody, type UpdateActionBody, type UpdateAlertBody } from '../../../shared/alerts.js';
import { DEFAULT_TLP } from '../../../shared/sharing.js';
import type { Principal } from '../../auth/principal.js';
import type { Domain } from '../../domain.js';
import { HttpError } from '../../http/errors.js';
import type { ActionDoc, AlertDoc } from '../../models/alert.js';
import { audienceOf } from '../../policies/sharing.js';
import { presentAction } from '../../presenters/alert.js';
import { newId, toId } from '../../repositories/ids.js';
import { recordAudit } from '../audit.js';
import { actorOf, type ActionContext } from '../context.js';
import { isCountryCode } from '../countries.js';
import { audienceHolds } from '../notifications/subjects.js';
import { checkSharing } from '../sharing.js';
import { checkLinks } from './links.js';
import { alertChanged, announceAssigned, announceIssued, audienceOrganisations } from './notify.js';
import { readAlert } from './queries.js';

/** A request's context with its signed-in principal. */
export type Signed = ActionContext & { principal: Principal };
type Details = Record<string, string | number | boolean | null | string[]>;

async function audit(ctx: Signed, action: string, target: { type: string; id: string; organisationId: string }, details: Details = {}) {
  await recordAudit({ actor: actorOf(ctx), action, target, ip: ctx.ip, outcome: 'success', details });
}

const alertTarget = (alert: AlertDoc) => ({ type: 'alert', id: alert._id.toString(), organisationId: alert.organisationId.toString() });
const actionTarget = (alert: AlertDoc, action: ActionDoc) => ({ type: 'action', id: action._id.toString(), organisationId: alert.organisationId.toString() });

/** An action's owner must be an active organisation of the alert's audience (400 naming the field otherwise). */
async function checkOwner(domain: Domain, audience: string[], ownerId: string, field: string): Promise<void> {
  if (!audienceHolds(audience)(ownerId) || !(await domain.repos.organisations.isActive(ownerId))) {
    throw new HttpError('invalid_request', `${field}: ${ownerId} is not an active organisation of the alert's audience.`);
  }
}

function newAction(alertId: AlertDoc['_id'], body: CreateActionBody, p: Principal, at: Date): ActionDoc {
  return {
    _id: newId(),
    alertId,
    text: body.text,
    ownerOrganisationId: toId(body.ownerOrganisationId),
    dueDate: body.dueDate,
    status: 'open',
    createdBy: p.user._id,
    createdAt: at,
  };
}

/**
 * `POST /api/alerts`: checks the sharing (§5), the links and the actions' owners against the audience,
 * stores the alert with its actions, and issues it at once: `alert.issued` to the audience but the
 * issuer, `action.assigned` to each owner, `action.due` if an action is due today or tomorrow.
 */
export async function issueAlert(domain: Domain, ctx: Signed, body: CreateAlertBody) {
  const p = ctx.principal;
  if (!isCountryCode(body.country)) throw new HttpError('invalid_request', `country: ${body.country} is not an ISO 3166-1 alpha-3 country code.`);
  const owner = p.organisation._id;
  if (Object.keys(body.sharing.expires ?? {}).length > 0) {
    throw new HttpError('invalid_request', 'sharing.expires: an alert is shared until it is closed; it takes no expiry per organisation.');
  }
  const { scope, organisations } = await checkSharing(domain, body.sharing, body.classification, owner.toString());
  const sharing = { scope, organisations };
  const audience = audienceOf({ organisationId: owner, sharing, draft: false }, await domain.repos.organisations.officeId());
  const links = {
    assessments: [...new Set(body.links?.assessments ?? [])],
    documents: [...new Set(body.links?.documents ?? [])],
    rooms: [...new Set(body.links?.rooms ?? [])],
  };
  await checkLinks(domain, p, links, await audienceOrganisations(domain.repos, audience));
  const actions = body.actions ?? [];
  for (const [i, a] of actions.entries()) await checkOwner(domain, audience, a.ownerOrganisationId, `actions[${i}].ownerOrganisationId`);

  const now = domain.clock();
  const alert: AlertDoc = {
    _id: newId(),
    organisationId: owner,
    country: body.country,
    level: body.level,
    title: body.title,
    summary: body.summary,
    classification: body.classification,
    tlp: body.tlp ?? DEFAULT_TLP,
    sharing: { scope: sharing.scope, organisations: sharing.organisations.map(toId) },
    audience,
    links,
    status: 'open',
    createdBy: p.user._id,
    createdAt: now,
    updatedAt: now,
  };
  const docs = actions.map((a) => newAction(alert._id, a, p, now));
  await domain.repos.alerts.create(alert, docs);
  await audit(ctx, 'alert.issue', alertTarget(alert), {
    level: alert.level,
    classification: alert.classification,
    tlp: alert.tlp,
    scope: sharing.scope,
    actions: docs.map((a) => a._id.toString()),
  });
  await announceIssued(domain, p, alert);
  for (const action of docs) {
    await announceAssigned(domain, p, alert, action);
    await domain.actionsDue.check(action, alert);
  }
  await alertChanged(domain, alert);
  return readAlert(domain, p, alert);
}

/** `PATCH /api/alerts/:id`: title, summary, level, status (closing it when the situation passes), TLP. */
export async function updateAlert(domain: Domain, ctx: Signed, current: AlertDoc, body: UpdateAlertBody) {
  const changed = (Object.keys(body) as (keyof UpdateAlertBody)[]).filter((k) => body[k] !== undefined);
  if (changed.length === 0) return readAlert(domain, ctx.principal, current);
  const alert = await domain.repos.alerts.update(current._id, { ...body, updatedAt: domain.clock() });
  if (!alert) throw new HttpError('not_found', 'No such alert.');
  await audit(ctx, 'alert.update', alertTarget(alert), { changed: changed.join(','), ...(body.status ? { status: body.status } : {}) });
  await alertChanged(domain, alert);
  return readAlert(domain, ctx.principal, alert);
}

/** `POST /api/alerts/:id/acknowledge`: once per organisation; a repeat changes nothing. */
export async function acknowledgeAlert(domain: Domain, ctx: Signed, alert: AlertDoc) {
  const p = ctx.principal;
  const organisationId = p.organisation._id;
  const first = await domain.repos.alerts.acknowledge({
    _id: `${alert._id.toString()}:${organisationId.toString()}`,
    alertId: alert._id,
    organisationId,
    userId: p.user._id,
    userName: p.user.name,
    at: domain.clock(),
  });
  if (first) {
    await audit(ctx, 'alert.acknowledge', alertTarget(alert));
    await alertChanged(domain, alert);
  }
  return readAlert(domain, p, alert);
}

/** `POST /api/alerts/:id/actions`: a new action, assigned (and due, if its day has come) at once. */
export async function addAction(domain: Domain, ctx: Signed, alert: AlertDoc, body: CreateActionBody) {
  await checkOwner(domain, alert.audience, body.ownerOrganisationId, 'ownerOrganisationId');
  const action = newAction(alert._id, body, ctx.principal, domain.clock());
  await domain.repos.alerts.addAction(action);
  await audit(ctx, 'action.create', actionTarget(alert, action), { owner: body.ownerOrganisationId, dueDate: body.dueDate });
  await announceAssigned(domain, ctx.principal, alert, action);
  await domain.actionsDue.check(action, alert);
  await alertChanged(domain, alert);
  return presentAction(action, []);
}

/** `PATCH /api/actions/:id`: a status and an optional note, kept in the action's updates. */
export async function updateAction(domain: Domain, ctx: Signed, alert: AlertDoc, current: ActionDoc, body: UpdateActionBody) {
  const { alerts } = domain.repos;
  const action = await alerts.updateAction({
    _id: newId(),
    actionId: current._id,
    alertId: alert._id,
    at: domain.clock(),
    userId: ctx.principal.user._id,
    status: body.status,
    note: body.note || null,
  });
  if (!action) throw new HttpError('not_found', 'No such action.');
  await audit(ctx, 'action.update', actionTarget(alert, action), { status: body.status, from: current.status });
  await domain.actionsDue.check(action, alert);
  await alertChanged(domain, alert);
  return presentAction(action, await alerts.updatesOf([action._id]));
}
