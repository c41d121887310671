import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { asOfficeAdmin } from '../helpers/factories.js';
import { patch } from '../helpers/http.js';
import { englishMessages, ensureBuilt, hasChromium, launch, openPage, screenshot, signIn, switchLanguage } from './browser.js';

/** The page's text without user data: names and titles (`dir="auto"`) and emails, slugs, ids (`dir="ltr"`). */
function interfaceText(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    const copy = document.body.cloneNode(true);
    for (const element of copy.querySelectorAll('[dir="auto"], [dir="ltr"]')) element.remove();
    document.body.append(copy);
    const text = copy.innerText;
    copy.remove();
    return text;
  })()`);
}

/** English interface messages visible on the page. */
async function englishLeft(page: Page, messages: Map<string, string>): Promise<string[]> {
  const text = await interfaceText(page);
  return [...messages.values()].filter((message) => message.length >= 4 && text.includes(message));
}

describe('browser: Arabic', function () {
  this.timeout(90_000);
  let browser: Browser;

  before(async function () {
    if (!hasChromium()) this.skip();
    ensureBuilt();
    browser = await launch();
  });

  after(async () => {
    // The language is saved in the profile: give the Office admin back English for other tests.
    const admin = await asOfficeAdmin();
    await patch('/api/me', { locale: 'en' }, admin.token);
    await browser?.close();
  });

  it('switches to Arabic: the document is right-to-left, the layout mirrors, no English is left', async () => {
    const messages = englishMessages();
    const { context, page, errors } = await openPage(browser);
    await signIn(page);
    await switchLanguage(page, 'ar');

    expect([await page.locator('html').getAttribute('lang'), await page.locator('html').getAttribute('dir')]).to.deep.equal(['ar', 'rtl']);
    const nav = await page.locator('#main-nav').boundingBox();
    const main = await page.locator('#main').boundingBox();
    expect(nav!.x, 'the navigation moves to the right').to.be.greaterThan(main!.x);
    expect(await page.getByTestId('nav-dashboard').innerText()).to.equal('لوحة المتابعة');

    // The dashboard also shows what others shared (titles, organisations: user text, `dir="auto"`); of the
    // interface itself not one Latin word may remain.
    const text = (await interfaceText(page)).replace(/\S+@\S+/g, '');
    expect(text.match(/[A-Za-z]{3,}/g) ?? []).to.deep.equal([]);
    expect(await englishLeft(page, messages)).to.deep.equal([]);
    await screenshot(page, 'ar-dashboard-switched');

    for (const testid of ['nav-assessments', 'nav-account', 'nav-admin', 'admin-tab-organisations', 'admin-tab-audit']) {
      await page.getByTestId(testid).click();
      await page.waitForLoadState('networkidle');
      await page.locator('#page-title').waitFor();
      expect(await englishLeft(page, messages), `English left after ${testid}`).to.deep.equal([]);
    }
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('keeps the chosen language for the next sign-in, from the profile', async () => {
    const { context, page } = await openPage(browser);
    await signIn(page);
    await switchLanguage(page, 'ar');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-email').waitFor();
    await context.close();

    const fresh = await openPage(browser);
    await signIn(fresh.page);
    await fresh.page.locator('html[dir="rtl"]').waitFor({ state: 'attached' });
    expect(await fresh.page.getByTestId('sign-out').innerText()).to.contain('تسجيل الخروج');
    await fresh.context.close();
  });
});
