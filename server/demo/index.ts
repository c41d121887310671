import type { Logger } from 'pino';
import { hashPassword } from '../auth/passwords.js';
import type { Domain } from '../domain.js';
import { loadDemoAlerts } from './alerts.js';
import { loadDemoAssessments } from './assessments.js';
import { loadDemoDocuments } from './documents.js';
import { loadDemoRooms } from './rooms.js';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD, DEMO_ROLES } from './organisations.js';

const demoEmail = (role: string, slug: string) => `${role}@${slug}.demo`;

/**
 * HUB_DEMO=1: on a database with no partner organisation yet, loads the hub's organisations and a
 * demo user in each role, then prints the logins (on every start, so they can be found again).
 */
export async function loadDemoData(domain: Domain, log: Logger): Promise<void> {
  const { organisations, users } = domain.repos;
  const office = await organisations.ensureOffice();
  if (!(await organisations.hasPartners())) {
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const ids = new Map<string, unknown>([['osapg', office._id]]);
    for (const demo of DEMO_ORGANISATIONS) {
      const created = await organisations.create({
        slug: demo.slug,
        name: demo.name,
        names: { en: demo.name, ...demo.names },
        kind: demo.kind,
        parentId: demo.parent ? ids.get(demo.parent) : null,
      });
      if (!created) throw new Error(`the demo organisation ${demo.slug} exists already`);
      ids.set(demo.slug, created._id);
    }
    const people = [{ slug: 'osapg', locale: 'en' as const }, ...DEMO_ORGANISATIONS];
    await users.createMany(
      people.flatMap((org) =>
        DEMO_ROLES.map(({ role, first }) => ({
          email: demoEmail(role, org.slug),
          name: `${first} (${org.slug.toUpperCase()} demo)`,
          role,
          organisationId: ids.get(org.slug),
          locale: org.locale,
          passwordHash,
        })),
      ),
    );
    log.info('loaded the demo organisations and users');
    await loadDemoAssessments(domain, log);
    await loadDemoDocuments(domain, log);
    await loadDemoRooms(domain, log);
    await loadDemoAlerts(domain, log);
  }
  const lines = [
    '',
    'Partner Hub demo logins (password for all: ' + DEMO_PASSWORD + ')',
    ...['osapg', 'au', 'ecowas', 'las'].map((slug) => `  ${slug.padEnd(8)} ${DEMO_ROLES.map((r) => demoEmail(r.role, slug)).join('  ')}`),
    '  … and admin@, analyst@, member@ for every organisation slug (e.g. analyst@icglr-kenya.demo)',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
