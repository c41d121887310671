import { OFFICE_SLUG } from '../../shared/roles.js';
import type { Principal } from '../auth/principal.js';
import type { Domain } from '../domain.js';
import type { ActionContext } from '../services/context.js';
import { DEMO_ORGANISATIONS } from './organisations.js';

/** The demo analyst of `slug` as the principal the services act for. */
export async function analystOf(domain: Domain, slug: string): Promise<ActionContext & { principal: Principal }> {
  const [organisation, user] = await Promise.all([domain.repos.organisations.findBySlug(slug), domain.repos.users.findByEmail(`analyst@${slug}.demo`)]);
  if (!organisation || !user) throw new Error(`the demo analyst of ${slug} is missing`);
  return { principal: { user, organisation, sessionId: 'demo-loader' }, ip: null, userAgent: 'demo loader' };
}

/** The ids of the Office and the demo organisations, by slug. */
export async function organisationIds(domain: Domain): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const slug of [OFFICE_SLUG, ...DEMO_ORGANISATIONS.map((o) => o.slug)]) {
    const organisation = await domain.repos.organisations.findBySlug(slug);
    if (organisation) ids.set(slug, organisation._id.toString());
  }
  return ids;
}
