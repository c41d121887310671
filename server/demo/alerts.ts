import type { Logger } from 'pino';
import type { Domain } from '../domain.js';
import { acknowledgeAlert, issueAlert, updateAction } from '../services/alerts/commands.js';
import { findAction } from '../services/alerts/queries.js';
import { analystOf, organisationIds } from './people.js';

// Two demo alerts issued through the alert services (audit, notifications, due dates), with actions in
// different states: open, in progress with a note, done, declined. Every word is invented.

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Loads the demo alerts on a database that has none. */
export async function loadDemoAlerts(domain: Domain, log: Logger): Promise<void> {
  const ids = await organisationIds(domain);
  const [office, au, ecowas, las] = await Promise.all(['osapg', 'au', 'ecowas', 'las'].map((slug) => analystOf(domain, slug)));
  const id = (slug: string) => ids.get(slug)!;

  const sudan = await issueAlert(domain, office!, {
    country: 'SDN',
    level: 'urgent',
    title: 'El Fasher: risk of mass atrocities as the siege tightens',
    summary:
      'Fictional demo data — Several partners report armed groups massing around El Fasher and incitement on local radio. Protection of civilians and humanitarian access must be raised at once.',
    classification: 'confidential',
    tlp: 'amber',
    sharing: { scope: 'selected', organisations: [id('au'), id('las'), id('igad')] },
    actions: [
      { text: 'Raise the situation with the Peace and Security Council', ownerOrganisationId: id('au'), dueDate: inDays(-2) },
      { text: 'Brief member states on humanitarian access', ownerOrganisationId: id('las'), dueDate: inDays(1) },
      { text: 'Prepare a note to the Secretary-General', ownerOrganisationId: id('osapg'), dueDate: inDays(10) },
    ],
  });
  const [psc, members, note] = sudan.actions;
  await acknowledgeAlert(domain, au!, (await findAction(domain, psc!.id)).alert);
  await acknowledgeAlert(domain, las!, (await findAction(domain, psc!.id)).alert);
  const at = async (actionId: string) => findAction(domain, actionId);
  let found = await at(psc!.id);
  await updateAction(domain, au!, found.alert, found.action, { status: 'in-progress', note: 'On the agenda of the next session.' });
  found = await at(members!.id);
  await updateAction(domain, las!, found.alert, found.action, { status: 'done', note: 'تمت إحاطة الدول الأعضاء.' });
  found = await at(note!.id);
  await updateAction(domain, office!, found.alert, found.action, { status: 'in-progress' });

  const sahel = await issueAlert(domain, ecowas!, {
    country: 'BFA',
    level: 'warning',
    title: 'Burkina Faso : discours de haine avant les élections locales',
    summary: 'Données fictives — Hausse des messages haineux visant une communauté dans le nord ; risque de violences ciblées.',
    classification: 'unclassified',
    sharing: { scope: 'all', organisations: [] },
    actions: [
      { text: 'Mission de bons offices auprès des autorités locales', ownerOrganisationId: id('ecowas'), dueDate: inDays(5) },
      { text: 'Monitor radio broadcasts in the north', ownerOrganisationId: id('au'), dueDate: inDays(3) },
    ],
  });
  found = await at(sahel.actions[1]!.id);
  await updateAction(domain, au!, found.alert, found.action, { status: 'declined', note: 'No monitoring capacity in the region this month.' });
  await acknowledgeAlert(domain, office!, found.alert);
  log.info('loaded the demo alerts');
}
