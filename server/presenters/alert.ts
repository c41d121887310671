import type { ActionListItem, Alert, AlertAction } from '../../shared/alerts.js';
import type { AlertParts } from '../repositories/alerts.js';
import type { ActionDoc, ActionUpdateDoc, AlertDoc } from '../models/alert.js';
import { toIso } from './user.js';

type Links = Alert['links'];

/** An action as the API shows it (§12), with its updates oldest first. */
export function presentAction(action: ActionDoc, updates: ActionUpdateDoc[]): AlertAction {
  const id = action._id.toString();
  return {
    id,
    alertId: action.alertId.toString(),
    text: action.text,
    ownerOrganisationId: action.ownerOrganisationId.toString(),
    dueDate: action.dueDate,
    status: action.status as AlertAction['status'],
    updates: updates
      .filter((u) => u.actionId.toString() === id)
      .map((u) => ({ at: toIso(u.at), userId: u.userId.toString(), status: u.status as AlertAction['status'], note: u.note ?? null })),
  };
}

/** An alert as the API shows it (§12); `links`: those the reader may see. */
export function presentAlert(alert: AlertDoc, parts: AlertParts, links: Links): Alert {
  return {
    id: alert._id.toString(),
    organisationId: alert.organisationId.toString(),
    country: alert.country,
    level: alert.level as Alert['level'],
    title: alert.title,
    summary: alert.summary,
    classification: alert.classification as Alert['classification'],
    tlp: alert.tlp as Alert['tlp'],
    sharing: { scope: alert.sharing.scope as Alert['sharing']['scope'], organisations: alert.sharing.organisations.map(String) },
    links,
    status: alert.status as Alert['status'],
    acknowledgements: parts.acknowledgements.map((k) => ({
      organisationId: k.organisationId.toString(),
      userId: k.userId.toString(),
      userName: k.userName,
      at: toIso(k.at),
    })),
    actions: parts.actions.map((a) => presentAction(a, parts.updates)),
    createdBy: alert.createdBy.toString(),
    createdAt: toIso(alert.createdAt),
    updatedAt: toIso(alert.updatedAt),
  };
}

/** An action of `GET /api/actions`: the action and what a list row says of its alert. */
export function presentActionListItem(action: ActionDoc, updates: ActionUpdateDoc[], alert: AlertDoc): ActionListItem {
  return {
    ...presentAction(action, updates),
    alert: {
      id: alert._id.toString(),
      organisationId: alert.organisationId.toString(),
      country: alert.country,
      level: alert.level as Alert['level'],
      title: alert.title,
      status: alert.status as Alert['status'],
    },
  };
}
