import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { createTenant } from '../helpers/factories.js';
import { baseUrl } from '../helpers/hub.js';
import { ensureBuilt, hasChromium, launch, openPage, signIn } from './browser.js';

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

    // A second tab: no password asked.
    const second = await context.newPage();
    await second.goto(`${baseUrl()}/documents`);
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
});
