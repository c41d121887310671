import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createAssessment, createTenant } from '../helpers/factories.js';
import { baseUrl } from '../helpers/hub.js';
import { ensureBuilt, hasChromium, launch, openPage, screenshot, signIn, switchLanguage } from './browser.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it stands (rule ids with the first target), none expected. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run();
    return result.violations.map((v) => `${v.id} ${v.nodes[0]?.target.join(' ') ?? ''}`);
  });
  return found;
}

/** Issue 18: what a day of real use showed (names, one session across tabs, forms, phones, languages). */
describe('browser: a day of real use (issue 18)', function () {
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

  it('shares one session between the tabs of a browser, and signs out of all at once', async () => {
    const { analyst } = await createTenant();
    const { context, page, errors } = await openPage(browser);
    await signIn(page, analyst);

    // A second tab: no password asked, even while the first is too busy to answer at once (as on a
    // loaded machine, where a fixed wait for its answer ran out and the new tab showed the sign-in form).
    const busy = page.evaluate((ms) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        // The first tab's main thread is taken, as by a long render.
      }
    }, 1_500);
    const second = await context.newPage();
    await second.goto(`${baseUrl()}/documents`);
    await busy;
    await second.getByTestId('current-user').waitFor({ state: 'attached' });
    expect(await second.getByTestId('login-email').count()).to.equal(0);
    await second.getByTestId('document-table').or(second.getByTestId('documents-empty')).first().waitFor();
    expect(await axeViolations(second)).to.deep.equal([]);

    // The second tab renews the session (a reload spends its refresh token); the first follows, so its
    // own reload presents the newest token and the hub sees no reuse.
    await second.reload();
    await second.getByTestId('current-user').waitFor({ state: 'attached' });
    await page.reload();
    await page.getByTestId('current-user').waitFor({ state: 'attached' });
    await second.reload();
    await second.getByTestId('current-user').waitFor({ state: 'attached' });
    expect(await page.evaluate<string>('JSON.stringify(window.localStorage)'), 'no token in localStorage').not.to.match(/token|ey[A-Za-z0-9_-]{20,}/i);

    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-email').waitFor();
    await second.getByTestId('login-email').waitFor();
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('checks a file on choosing it and clears the error once fixed; asks a trend; guards unsaved work; says who a publication reaches', async () => {
    const { analyst } = await createTenant();
    const { context, page, errors } = await openPage(browser);
    await signIn(page, analyst);
    await page.getByTestId('nav-documents').click();
    await page.getByTestId('document-new').click();
    const input = page.getByTestId('file-drop-input');
    await input.setInputFiles({ name: 'tool.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ binary') });
    await page.getByTestId('file-drop-error').getByText('This type of file is not accepted.', { exact: false }).waitFor();
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Field notes.') });
    await page.getByTestId('file-drop-name').getByText('notes.txt').waitFor();
    expect(await page.getByTestId('file-drop-error').count(), 'the error goes with the refused file').to.equal(0);

    // The editor: a rated factor asks for its trend ("Not stated" until chosen).
    await page.goto(`${baseUrl()}/assessments/new`);
    await page.getByTestId('factor-14').waitFor();
    await page.getByTestId('assessment-country').selectOption('KEN');
    await page.getByTestId('assessment-title').fill('Kenya: early reading');
    await page.getByTestId('factor-3-level-2').check();
    expect(await page.getByTestId('factor-3-trend').inputValue()).to.equal('');
    await page.getByTestId('overall-risk-2').check();
    await page.getByTestId('assessment-save').click();
    await page.locator('#assessment-factor-3-trend-error').waitFor();
    expect(await page.evaluate<string | null>('document.activeElement?.id ?? null')).to.equal('assessment-factor-3-trend');

    // Leaving by the sidebar with unsaved work asks; staying keeps the page.
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await page.getByTestId('nav-documents').click();
    expect(asked).to.contain('unsaved changes');
    expect(new URL(page.url()).pathname).to.equal('/assessments/new');

    await page.getByTestId('factor-3-trend').selectOption('deteriorating');
    await page.getByTestId('assessment-save').click();
    await page.waitForURL(/\/edit$/);
    await page.getByTestId('assessment-publish').click();
    expect(await page.getByTestId('publish-confirm-audience').innerText()).to.contain('your organisation');
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.getByTestId('publish-confirm-yes').click();
    await page.getByTestId('assessment-notice').getByText('Published (version 2)').waitFor();
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('fits a 390 px phone: country page (newest readings in view), assessment list as cards, dashboard map', async () => {
    const t = await createTenant();
    for (const [i, risk] of [1, 2, 3].entries()) {
      await createAssessment(
        t.analyst,
        { country: 'KEN', title: `Kenya reading ${i + 1}`, overallRisk: risk, sharing: { scope: 'all', organisations: [] }, classification: 'unclassified' },
        true,
      );
    }
    const { context, page, errors } = await openPage(browser, { width: 390, height: 844 });
    await signIn(page, t.member);
    const sideways = () => page.evaluate<number>('document.documentElement.scrollWidth');

    await page.goto(`${baseUrl()}/countries/KEN`);
    const plot = page.getByTestId('risk-chart-plot');
    await plot.waitFor();
    await page.getByTestId('chart-series').first().waitFor();
    expect(await sideways(), 'country page').to.be.at.most(390);
    const { left, width, scroll } = await plot.evaluate((el) => ({ left: el.scrollLeft, width: el.clientWidth, scroll: el.scrollWidth }));
    expect(left + width, 'the newest end of the chart is in view').to.be.at.least(scroll - 2);
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.goto(`${baseUrl()}/assessments`);
    await page.getByTestId('assessment-row').first().waitFor();
    expect(await page.getByTestId('assessment-filters').isVisible(), 'filters folded').to.equal(false);
    await page.getByTestId('filter-fold').click();
    await page.getByTestId('filter-country').waitFor();
    expect(await sideways(), 'assessment list').to.be.at.most(390);
    const card = await page.getByTestId('assessment-row').first().boundingBox();
    expect(card!.x + card!.width, 'each assessment a card within the screen').to.be.at.most(390);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, 'en-phone-assessments');

    await page.goto(`${baseUrl()}/`);
    const map = page.getByTestId('risk-map-svg');
    await map.waitFor();
    const [, , w] = ((await map.getAttribute('viewBox')) ?? '').split(' ').map(Number);
    expect(w, 'the map zooms to the readings').to.be.below(960);
    expect(await sideways(), 'dashboard').to.be.at.most(390);
    await screenshot(page, 'en-phone-dashboard');
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('speaks the chosen language: product name, dates, header ellipsis; a denied document offers no retry; latest readings newest first', async () => {
    const [first, second] = [await createTenant(), await createTenant()];
    const everyone = { scope: 'all', organisations: [] };
    await createAssessment(first.analyst, { country: 'BEN', title: 'Benin: older reading', sharing: everyone, classification: 'unclassified' }, true);
    await createAssessment(second.analyst, { country: 'BEN', title: 'Benin: newer reading', sharing: everyone, classification: 'unclassified' }, true);
    const { context, page, errors } = await openPage(browser);
    await signIn(page, first.analyst);

    await switchLanguage(page, 'fr');
    expect(await page.locator('.brand-name').innerText()).to.equal('Plateforme des partenaires');

    await switchLanguage(page, 'ar');
    const org = page.getByTestId('current-organisation');
    const style = await org.evaluate((el) => {
      const css = (globalThis as unknown as { getComputedStyle(e: unknown): { direction: string; textOverflow: string } }).getComputedStyle(el);
      return { direction: css.direction, overflow: css.textOverflow };
    });
    expect(style, 'a Latin name is cut at its own end, in the Arabic header too').to.deep.equal({ direction: 'ltr', overflow: 'ellipsis' });

    await page.goto(`${baseUrl()}/countries/BEN`);
    const latest = page.getByTestId('country-latest').locator('li a.title');
    await latest.first().waitFor();
    expect(await latest.allInnerTexts()).to.deep.equal(['Benin: newer reading', 'Benin: older reading']);
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.goto(`${baseUrl()}/assessments/new`);
    await page.getByTestId('factor-14').waitFor();
    await page.getByTestId('assessment-period-start').fill('2026-07-01');
    expect(await page.getByTestId('assessment-period-start-words').innerText(), 'the date in Arabic, whatever the browser').to.contain('يوليو');
    expect(await page.locator('input[type="date"], input[type="datetime-local"]').count()).to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);

    await page.goto(`${baseUrl()}/documents/${'0'.repeat(24)}`);
    await page.getByTestId('document-error').waitFor();
    expect(await page.getByTestId('document-retry').count(), 'no pointless retry').to.equal(0);
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});
