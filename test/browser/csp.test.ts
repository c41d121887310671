import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { asOfficeAdmin, createAssessment, createTenant } from '../helpers/factories.js';
import { uploadDocument } from '../helpers/documents.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/hub.js';
import { post } from '../helpers/http.js';
import { ensureBuilt, hasChromium, launch, openPage, signIn, switchLanguage } from './browser.js';

/** Collects every `securitypolicyviolation` the page's documents report, through a binding the policy cannot block. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeBinding('__reportViolation', (_source, text: string) => {
    violations.push(text);
  });
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (event) => {
    window.__reportViolation(event.effectiveDirective + ' blocked ' + (event.blockedURI || 'inline') + ' at ' + event.sourceFile + ':' + event.lineNumber);
  });`);
  return violations;
}

/** Opens `path` inside the signed-in app (as a followed link would) and lets it render and fetch. */
async function visit(page: Page, path: string): Promise<void> {
  await page.evaluate(`history.pushState(null, '', ${JSON.stringify(path)}); dispatchEvent(new PopStateEvent('popstate'))`);
  await page.getByTestId('current-user').waitFor({ state: 'attached' });
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
}

describe('browser: the app runs under the strict CSP (issue 7 §6)', function () {
  this.timeout(90_000);
  let browser: Browser;

  before(async function () {
    if (!hasChromium()) this.skip();
    ensureBuilt();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  it('renders every page, in English and Arabic, without a single policy violation; an injected inline script is refused', async () => {
    const { organisation, admin, analyst } = await createTenant();
    const assessment = await createAssessment(analyst, {}, true);
    const room = await post('/api/rooms', { name: 'CSP room', organisations: [organisation.id] }, analyst.token);
    expect(room.status).to.equal(201);
    const upload = await uploadDocument(analyst.token, { name: 'notes.txt', bytes: Buffer.from('CSP check\n') });
    expect(upload.status).to.equal(201);
    await asOfficeAdmin();

    const pages = [
      {
        email: analyst.email,
        password: analyst.password,
        paths: [
          '/',
          '/assessments',
          `/assessments/${assessment.id}`,
          `/assessments/${assessment.id}/edit`,
          '/assessments/new',
          '/countries/KEN',
          '/rooms',
          `/rooms/${room.body.id}`,
          '/rooms/new',
          '/documents',
          `/documents/${upload.body.id}`,
          '/account',
        ],
      },
      { email: admin.email, password: admin.password, paths: ['/admin', '/admin/audit'] },
      { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, paths: ['/admin/organisations', `/admin/organisations/${organisation.id}/users`] },
    ];
    for (const who of pages) {
      const { context, page, errors } = await openPage(browser);
      const violations = await watchViolations(page);
      await signIn(page, who);
      for (const path of who.paths) await visit(page, path);
      await switchLanguage(page, 'ar');
      await visit(page, who.paths[0]!);
      expect(violations, `${who.email}: ${who.paths.join(', ')}`).to.deep.equal([]);
      expect(errors).to.deep.equal([]);

      // The control: the watcher sees what the policy refuses, so the empty list above means something.
      const ran = await page.evaluate<boolean>(`(() => {
        const script = document.createElement('script');
        script.textContent = 'window.__inlineRan = true';
        document.head.append(script);
        return new Promise((resolve) => setTimeout(() => resolve(window.__inlineRan === true), 200));
      })()`);
      expect(ran, 'an inline script ran').to.equal(false);
      expect(violations).to.have.length(1);
      expect(violations[0]).to.match(/^script-src-elem blocked inline/);
      await context.close();
    }
  });
});
