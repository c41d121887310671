import type { Notification } from '../../../shared/schemas/notifications.js';
import type { Principal } from '../../auth/principal.js';
import type { Domain } from '../../domain.js';
import { domainEvents } from '../../events.js';
import type { ActionDoc, AlertDoc } from '../../models/alert.js';
import { ALL_AUDIENCE } from '../../policies/sharing.js';
import type { Repositories } from '../../repositories/index.js';
import { actorView } from '../context.js';

type Classification = Notification['subject']['classification'];

/** A notification's subject for an alert (the title only when unclassified). */
export function alertSubject(alert: AlertDoc): Notification['subject'] {
  const classification = alert.classification as Classification;
  return { kind: 'alert', id: alert._id.toString(), country: alert.country, title: classification === 'unclassified' ? alert.title : null, classification };
}

/** A notification's subject for an action: its alert's country and classification, its text only when unclassified. */
export function actionSubject(alert: AlertDoc, action: ActionDoc): Notification['subject'] {
  const classification = alert.classification as Classification;
  return { kind: 'action', id: action._id.toString(), country: alert.country, title: classification === 'unclassified' ? action.text : null, classification };
}

/** The organisations an audience names (`all`: every active organisation). */
export async function audienceOrganisations(repos: Repositories, audience: readonly string[]): Promise<string[]> {
  if (audience.includes(ALL_AUDIENCE)) return repos.organisations.activeIds();
  return audience.filter((k) => k.startsWith('org:')).map((k) => k.slice(4));
}

/** `alert.changed` to the sockets of the organisations that see the alert (its audience never changes). */
export async function alertChanged(domain: Domain, alert: AlertDoc): Promise<void> {
  const organisationIds = await audienceOrganisations(domain.repos, alert.audience);
  domainEvents.publish('item.changed', { kind: 'alert', id: alert._id.toString(), organisationIds });
}

/** `alert.issued` to the users of every organisation of the audience but the issuer's. */
export async function announceIssued(domain: Domain, p: Principal, alert: AlertDoc): Promise<void> {
  const issuer = alert.organisationId.toString();
  const organisationIds = (await audienceOrganisations(domain.repos, alert.audience)).filter((id) => id !== issuer);
  await domain.notifications.request({ type: 'alert.issued', actor: actorView(p), subject: alertSubject(alert), organisationIds });
}

/** `action.assigned` to the admins and analysts of the action's owner organisation. */
export async function announceAssigned(domain: Domain, p: Principal, alert: AlertDoc, action: ActionDoc): Promise<void> {
  const userIds = await domain.repos.users.activeEditorsOf(action.ownerOrganisationId.toString());
  await domain.notifications.request({ type: 'action.assigned', actor: actorView(p), subject: actionSubject(alert, action), userIds });
}
