import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { createTenant } from '../helpers/factories.js';
import { ensureBuilt, hasChromium, launch, openPage, screenshot, signIn, switchLanguage } from './browser.js';

// Issuing an alert, acknowledging it and updating its action, as a person does it, in English and Arabic.
describe('browser: alerts', function () {
  this.timeout(120_000);
  let browser: Browser;

  before(async function () {
    if (!hasChromium()) this.skip();
    ensureBuilt();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  for (const locale of ['en', 'ar'] as const) {
    it(`issues, acknowledges and updates an action (${locale})`, async () => {
      const tenant = await createTenant();
      const { context, page, errors } = await openPage(browser);
      await signIn(page, { email: tenant.analyst.email, password: tenant.analyst.password });
      if (locale === 'ar') await switchLanguage(page, 'ar');

      await page.goto(new URL('/alerts/new?country=KEN&level=warning', page.url()).toString());
      await page.getByTestId('alert-title-input').fill(`Radio incitement ${locale}`);
      await page.getByTestId('alert-summary').fill(locale === 'ar' ? 'تحريض عبر الإذاعة المحلية.' : 'Incitement on local radio.');
      await page.getByTestId('action-add-row').click();
      await page.getByTestId('action-text').fill(locale === 'ar' ? 'إبلاغ المبعوث' : 'Brief the envoy');
      await page.getByTestId('alert-submit').click();

      await page.getByTestId('alert-details').waitFor();
      expect(await page.getByTestId('alert-page-title').innerText()).to.include(`Radio incitement ${locale}`);
      await page.getByTestId('alert-acknowledge').click();
      const acknowledged = page.getByTestId('alert-acknowledgements');
      await acknowledged.waitFor();
      expect(await acknowledged.innerText()).to.include(locale === 'ar' ? 'بواسطة' : 'acknowledged');
      expect(await page.getByTestId('alert-acknowledge').count(), 'once per organisation').to.equal(0);

      await page.getByTestId('action-status-select').selectOption('in-progress');
      await page.getByTestId('action-note').fill(locale === 'ar' ? 'تم تحديد موعد' : 'Meeting set');
      await page.getByTestId('action-update').click();
      await page.locator('[data-testid="action-item"][data-status="in-progress"]').waitFor();
      expect(await page.getByTestId('action-status').innerText()).to.equal(locale === 'ar' ? 'قيد التنفيذ' : 'In progress');
      await screenshot(page, `${locale}-alert`);

      await page.getByTestId('nav-dashboard').click();
      await page.getByTestId('dashboard-action').first().waitFor();
      expect(errors).to.deep.equal([]);
      await context.close();
    });
  }
});
