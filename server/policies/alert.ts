import type { Principal } from '../auth/principal.js';
import { isEditor, sameOrganisation } from './helpers.js';
import { inAudience, principalAudience } from './sharing.js';

/** What the alert policy looks at. */
export interface AlertFacts {
  organisationId: { toString(): string };
  audience: string[];
}

/** What the action policy looks at besides its alert. */
export interface ActionFacts {
  ownerOrganisationId: { toString(): string };
}

/** May `p` read this alert (and its actions)? §5's audience rule; alerts have no drafts. */
export function canReadAlert(p: Principal, a: AlertFacts): boolean {
  return inAudience(p, a.audience);
}

/** The audience keys a list of the alerts `p` may read asks for (the same rule as canReadAlert). */
export const visibleAlertAudience = (p: Principal): string[] => principalAudience(p);

/** May `p` issue alerts? Admins and analysts. */
export const canIssueAlert = (p: Principal): boolean => isEditor(p);

/** Verdict for reading an alert. */
export function readAlertVerdict(p: Principal, a: AlertFacts) {
  const visible = canReadAlert(p, a);
  return { visible, allowed: visible };
}

/** Verdict for changing an alert or adding actions to it: the issuer organisation's admins and analysts. */
export function editAlertVerdict(p: Principal, a: AlertFacts) {
  return { visible: canReadAlert(p, a), allowed: sameOrganisation(p, a.organisationId) && isEditor(p) };
}

/** Verdict for acknowledging: any user of an organisation of the audience, whatever their role. */
export function acknowledgeAlertVerdict(p: Principal, a: AlertFacts) {
  return readAlertVerdict(p, a);
}

/** Verdict for updating an action: admins and analysts of its owner organisation or of the issuer. */
export function updateActionVerdict(p: Principal, alert: AlertFacts, action: ActionFacts) {
  const party = sameOrganisation(p, action.ownerOrganisationId) || sameOrganisation(p, alert.organisationId);
  return { visible: canReadAlert(p, alert), allowed: party && isEditor(p) };
}
