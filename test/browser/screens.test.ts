import type { Browser } from 'playwright-core';
import { asOfficeAdmin } from '../helpers/factories.js';
import { patch } from '../helpers/http.js';
import { ensureBuilt, gotoSignIn, hasChromium, launch, LOCALES, openPage, screenshot, signIn, switchLanguage } from './browser.js';

/** Screenshots of the main pages in the three languages, under test-results/screens/, for reviewers. */
describe('browser: screenshots of the main pages', function () {
  this.timeout(120_000);
  let browser: Browser;

  before(async function () {
    if (!hasChromium()) this.skip();
    ensureBuilt();
    browser = await launch();
    // Earlier files may leave the Office admin in another language, which the app applies after signing in.
    const admin = await asOfficeAdmin();
    await patch('/api/me', { locale: 'en' }, admin.token);
  });

  after(async () => {
    const admin = await asOfficeAdmin();
    await patch('/api/me', { locale: 'en' }, admin.token);
    await browser?.close();
  });

  for (const locale of LOCALES) {
    it(`in ${locale}`, async () => {
      const { context, page } = await openPage(browser);
      await gotoSignIn(page);
      await switchLanguage(page, locale);
      await screenshot(page, `${locale}-signin`);
      await signIn(page);
      await switchLanguage(page, locale);
      await screenshot(page, `${locale}-dashboard`);
      const pages: [string, string][] = [
        ['nav-assessments', 'assessments'],
        ['nav-rooms', 'rooms'],
        ['nav-documents', 'documents'],
        ['nav-account', 'account'],
        ['nav-admin', 'admin-users'],
        ['admin-tab-organisations', 'admin-organisations'],
        ['admin-tab-audit', 'admin-audit'],
      ];
      for (const [testid, name] of pages) {
        await page.getByTestId(testid).click();
        await page.locator('#page-title').waitFor();
        await page.waitForLoadState('networkidle');
        await screenshot(page, `${locale}-${name}`);
      }
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByTestId('menu-toggle').click();
      await screenshot(page, `${locale}-phone-menu`);
      await context.close();
    });
  }
});
