import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { createAssessment, createTenant } from '../helpers/factories.js';
import { ensureBuilt, hasChromium, launch, openPage, plain, signIn } from './browser.js';

describe('browser: the app shell', function () {
  this.timeout(60_000);
  let browser: Browser;

  before(async function () {
    if (!hasChromium()) this.skip();
    ensureBuilt();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  it('rings the bell when a notification is stored for the person, live, and clears it on "mark all as read"', async () => {
    const [{ analyst, organisation }, { analyst: author }] = await Promise.all([createTenant(), createTenant()]);
    const { context, page, errors } = await openPage(browser);
    await signIn(page, analyst);
    // The socket connects once the shell is up; give the handshake a moment, then share as a partner would.
    await page.waitForTimeout(1_000);
    await createAssessment(
      author,
      {
        country: 'BDI',
        title: 'Burundi — quarterly assessment',
        classification: 'unclassified',
        sharing: { scope: 'selected', organisations: [organisation.id] },
      },
      true,
    );

    const count = page.getByTestId('notifications-count');
    await count.waitFor({ timeout: 10_000 });
    expect(await count.innerText()).to.equal('1');
    await page.getByTestId('notifications-button').click();
    const panel = page.getByTestId('notifications-panel');
    await page.getByTestId('notification-item').waitFor();
    expect(plain(await panel.innerText()))
      .to.contain('shared an assessment on Burundi')
      .and.contain('Burundi — quarterly assessment');
    await page.getByTestId('notifications-read-all').click();
    await count.waitFor({ state: 'detached' });
    expect(await page.getByTestId('notification-item').getAttribute('data-unread')).to.equal('false');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? null")).to.equal('notifications-button');
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('collapses the navigation behind a menu button on a phone', async () => {
    const { analyst } = await createTenant();
    const { context, page } = await openPage(browser, { width: 390, height: 844 });
    await signIn(page, analyst);
    expect(await page.locator('#main-nav').isVisible()).to.equal(false);
    const toggle = page.getByTestId('menu-toggle');
    expect(await toggle.getAttribute('aria-expanded')).to.equal('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).to.equal('true');
    await page.getByTestId('nav-documents').click();
    // On a phone the list's filters start folded behind their button (issue 18).
    await page.getByTestId('document-filters').waitFor({ state: 'attached' });
    expect(await page.locator('#main-nav').isVisible(), 'the menu closes after navigating').to.equal(false);
    await context.close();
  });

  it('offers a skip link to the main content as the first stop of the keyboard', async () => {
    const { analyst } = await createTenant();
    const { context, page } = await openPage(browser);
    await signIn(page, analyst);
    await page.reload();
    await page.getByTestId('current-user').waitFor();
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.getAttribute('href')).to.equal('#main');
    expect(await focused.isVisible()).to.equal(true);
    await context.close();
  });
});
