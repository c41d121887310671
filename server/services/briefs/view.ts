import type { Alert } from '../../../shared/alerts.js';
import { riskFactorsIn } from '../../../shared/framework/index.js';
import type { Locale } from '../../../shared/limits.js';
import { CLASSIFICATIONS, TLP_LEVELS, type Classification } from '../../../shared/sharing.js';
import type { Principal } from '../../auth/principal.js';
import type { Domain } from '../../domain.js';
import { visibleAlertAudience } from '../../policies/alert.js';
import { canReadDocument } from '../../policies/document.js';
import { presentAlerts } from '../alerts/queries.js';
import { countryReadings } from '../assessments/queries.js';
import { countryName } from '../countries.js';

type Tlp = (typeof TLP_LEVELS)[number];

/** Everything a country brief shows: the caller's view of the country page, nothing more. */
export interface BriefView {
  lang: Locale;
  at: Date;
  country: { code: string; name: string };
  reader: string;
  /** Organisation names by id (of the readings, the alerts, their actions and acknowledgements). */
  organisations: Map<string, string>;
  factors: { number: number; title: string }[];
  /** Every visible published reading, oldest first. */
  history: { organisationId: string; publishedAt: Date; overallRisk: number }[];
  /** Per organisation, its latest visible published assessment's factor levels and overall risk. */
  latest: { organisationId: string; overallRisk: number; levels: Map<number, number> }[];
  alerts: Alert[];
  documents: { title: string; classification: string; updatedAt: Date }[];
  /** The highest classification and TLP of what the brief shows. */
  classification: Classification;
  tlp: Tlp;
  /** The ids of the items shown (for the audit record). */
  ids: string[];
}

// Items of other features carry `tlp` once §13 lands; until then (and when absent) the default, amber.
const tlpOf = (item: object): Tlp => ((item as { tlp?: unknown }).tlp as Tlp | undefined) ?? 'amber';
const highest = <T extends string>(order: readonly T[], values: T[], none: T): T =>
  values.reduce((top, v) => (order.indexOf(v) > order.indexOf(top) ? v : top), none);

/** Collects what `p` sees of `code` (the same reads as the country page: overview, alerts, documents). */
export async function briefView(domain: Domain, p: Principal, code: string, lang: Locale): Promise<BriefView> {
  const { published, latest } = await countryReadings(domain, p, code);
  const alertDocs = await domain.repos.alerts.visible(visibleAlertAudience(p), { country: code, status: 'open' });
  const alerts = await presentAlerts(domain, p, alertDocs);
  const documents = (await domain.repos.documents.live()).filter((d) => d.country === code && canReadDocument(p, d));

  const orgIds = new Set<string>([...latest.keys()]);
  for (const a of alerts) {
    orgIds.add(a.organisationId);
    for (const action of a.actions) orgIds.add(action.ownerOrganisationId);
    for (const k of a.acknowledgements) orgIds.add(k.organisationId);
  }
  const organisations = new Map<string, string>();
  await Promise.all(
    [...orgIds].map(async (id) => {
      const org = await domain.repos.organisations.find(id);
      organisations.set(id, org?.name ?? id);
    }),
  );
  const shown = [...published, ...alertDocs, ...documents];
  return {
    lang,
    at: domain.clock(),
    country: { code, name: countryName(code, lang) ?? code },
    reader: p.organisation.name,
    organisations,
    factors: riskFactorsIn(lang).map((f) => ({ number: f.number, title: f.title })),
    history: published.map((a) => ({ organisationId: a.organisationId.toString(), publishedAt: a.publishedAt!, overallRisk: a.overallRisk })),
    latest: [...latest.entries()].map(([organisationId, a]) => ({
      organisationId,
      overallRisk: a.overallRisk,
      levels: new Map(a.riskFactors.map((f) => [f.number, f.level])),
    })),
    alerts,
    documents: documents.map((d) => ({ title: d.title, classification: d.classification, updatedAt: d.updatedAt })),
    classification: highest(
      CLASSIFICATIONS,
      shown.map((item) => item.classification as Classification),
      'unclassified',
    ),
    tlp: highest(TLP_LEVELS, shown.map(tlpOf), 'clear'),
    ids: shown.map((item) => item._id.toString()),
  };
}
