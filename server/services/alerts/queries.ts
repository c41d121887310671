import type { ListActionsQuery, ListAlertsQuery } from '../../../shared/alerts.js';
import type { Principal } from '../../auth/principal.js';
import type { Domain } from '../../domain.js';
import { decodeCursor, toPage } from '../../http/paging.js';
import { notFound } from '../../http/errors.js';
import type { ActionDoc, AlertDoc } from '../../models/alert.js';
import { visibleAlertAudience } from '../../policies/alert.js';
import { presentActionListItem, presentAlert } from '../../presenters/alert.js';
import { visibleLinks } from './links.js';

/** An alert; an unknown one is 404. */
export async function findAlert(domain: Domain, id: string): Promise<AlertDoc> {
  const alert = await domain.repos.alerts.find(id);
  if (!alert) throw notFound('alert');
  return alert;
}

/** An action and its alert; an unknown one is 404. */
export async function findAction(domain: Domain, id: string): Promise<{ action: ActionDoc; alert: AlertDoc }> {
  const action = await domain.repos.alerts.findAction(id);
  const alert = action ? await domain.repos.alerts.find(action.alertId.toString()) : null;
  if (!action || !alert) throw notFound('action');
  return { action, alert };
}

/** Alerts as `p` reads them: with their actions, acknowledgements and the links `p` sees. */
export async function presentAlerts(domain: Domain, p: Principal, alerts: AlertDoc[]) {
  const [parts, links] = await Promise.all([domain.repos.alerts.partsOf(alerts.map((a) => a._id)), visibleLinks(domain, p, alerts)]);
  return alerts.map((a) => presentAlert(a, parts.get(a._id.toString())!, links.get(a._id.toString())!));
}

/** One alert as `p` reads it. */
export async function readAlert(domain: Domain, p: Principal, alert: AlertDoc) {
  return (await presentAlerts(domain, p, [alert]))[0]!;
}

/** `GET /api/alerts`: the alerts `p` sees, filtered, newest `createdAt` first, paged. */
export async function listAlerts(domain: Domain, p: Principal, query: ListAlertsQuery) {
  let rows = await domain.repos.alerts.visible(visibleAlertAudience(p), query);
  if (query.cursor) {
    const [time, id] = decodeCursor(query.cursor, ['number', 'string']) as [number, string];
    rows = rows.filter((a) => a.createdAt.getTime() < time || (a.createdAt.getTime() === time && a._id.toString() < id));
  }
  const page = toPage(
    rows.slice(0, query.limit + 1),
    query.limit,
    (a) => [a.createdAt.getTime(), a._id.toString()],
    (a) => a,
  );
  return { items: await presentAlerts(domain, p, page.items), nextCursor: page.nextCursor };
}

/**
 * `GET /api/actions`: the actions of the alerts `p` sees (`assigned=mine`: owned by `p`'s organisation),
 * soonest due first (so overdue ones lead), paged.
 */
export async function listActions(domain: Domain, p: Principal, query: ListActionsQuery) {
  const { alerts } = domain.repos;
  const visible = await alerts.visible(visibleAlertAudience(p));
  const byId = new Map(visible.map((a) => [a._id.toString(), a]));
  let rows = await alerts.actionsOf(
    visible.map((a) => a._id),
    { statuses: query.status, ownerOrganisationId: query.assigned === 'mine' ? p.organisation._id : undefined },
  );
  if (query.cursor) {
    const [due, id] = decodeCursor(query.cursor, ['string', 'string']) as [string, string];
    rows = rows.filter((a) => a.dueDate > due || (a.dueDate === due && a._id.toString() > id));
  }
  const page = toPage(
    rows.slice(0, query.limit + 1),
    query.limit,
    (a) => [a.dueDate, a._id.toString()],
    (a) => a,
  );
  const updates = await alerts.updatesOf(page.items.map((a) => a._id));
  return { items: page.items.map((a) => presentActionListItem(a, updates, byId.get(a.alertId.toString())!)), nextCursor: page.nextCursor };
}

/** `GET /api/actions/:id`: one action of an alert `p` sees, with that alert's row. */
export async function readAction(domain: Domain, action: ActionDoc, alert: AlertDoc) {
  return presentActionListItem(action, await domain.repos.alerts.updatesOf([action._id]), alert);
}
