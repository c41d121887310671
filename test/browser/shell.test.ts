import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { domainEvents } from '../../server/events.js';
import { createTenant } from '../helpers/factories.js';
import { ensureBuilt, hasChromium, launch, openPage, screenshot, signIn } from './browser.js';

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

  it('rings the bell when a notification arrives on the socket', async () => {
    const { analyst } = await createTenant();
    const { context, page, errors } = await openPage(browser);
    await signIn(page, analyst);
    // The socket connects once the shell is up; give the handshake a moment, then publish as a service would.
    await page.waitForTimeout(1_000);
    domainEvents.publish('notification', {
      userId: analyst.id,
      notification: {
        id: '1.0123456789abcdef01234567', type: 'assessment.shared', createdAt: new Date().toISOString(), readAt: null, actor: null,
        subject: { kind: 'assessment', id: '0123456789abcdef01234567', country: 'BDI', title: 'Burundi — quarterly assessment', classification: 'unclassified' },
      },
    });

    const count = page.getByTestId('notifications-count');
    await count.waitFor({ timeout: 10_000 });
    expect(await count.innerText()).to.equal('1');
    await page.getByTestId('notifications-button').click();
    const panel = page.getByTestId('notifications-panel');
    await panel.waitFor();
    expect(await panel.innerText()).to.contain('An assessment was shared with your organisation').and.contain('Burundi — quarterly assessment');
    await screenshot(page, 'en-notifications');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await count.count(), 'read once the panel was seen').to.equal(0);
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
    await page.getByTestId('document-filters').waitFor();
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
