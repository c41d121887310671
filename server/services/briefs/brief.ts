import type { Locale } from '../../../shared/limits.js';
import type { Domain } from '../../domain.js';
import { recordAudit } from '../audit.js';
import type { Signed } from '../alerts/commands.js';
import { actorOf } from '../context.js';
import { renderBrief } from './pdf.js';
import { briefView } from './view.js';

/** How many ids of what a brief shows its audit record names (as for lists, §9 v2). */
const AUDITED_IDS = 100;

/**
 * `GET /api/countries/:code/brief.pdf`: the caller's view of the country page, on paper, in `lang`;
 * recorded as `country.brief` with the items it shows and its marking.
 */
export async function countryBrief(domain: Domain, ctx: Signed, code: string, lang: Locale): Promise<{ pdf: Buffer; filename: string }> {
  const view = await briefView(domain, ctx.principal, code, lang);
  const pdf = await renderBrief(view);
  await recordAudit({
    actor: actorOf(ctx),
    action: 'country.brief',
    target: { type: 'country', id: code, organisationId: null },
    ip: ctx.ip,
    outcome: 'success',
    details: { lang, ids: view.ids.slice(0, AUDITED_IDS), count: view.ids.length, classification: view.classification, tlp: view.tlp },
  });
  return { pdf, filename: `brief-${code}-${lang}.pdf` };
}
