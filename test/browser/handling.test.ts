import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { asOfficeAdmin, assessmentBody, createOrganisation, createUser } from '../helpers/factories.js';
import { patch, post } from '../helpers/http.js';
import { ensureBuilt, hasChromium, launch, openPage, plain, signIn, switchLanguage } from './browser.js';

const unique = () => randomBytes(3).toString('hex');

describe('browser: handling (TLP, discovery, access requests)', function () {
  this.timeout(240_000);
  let browser: Browser;

  before(async function () {
    if (!hasChromium()) this.skip();
    ensureBuilt();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  it('a partner sees a restricted card with its TLP label, requests access; the owner approves it on the requests page (English)', async () => {
    const [owner, partner] = await Promise.all([createOrganisation({ name: `Owner ${unique()}` }), createOrganisation({ name: `Partner ${unique()}` })]);
    const [ownerAnalyst, partnerAnalyst] = await Promise.all([createUser(owner.id, 'analyst'), createUser(partner.id, 'analyst')]);
    const created = await post('/api/assessments', assessmentBody({ title: `Secret ${unique()}`, discoverable: true, tlp: 'red' }), ownerAnalyst.token);
    await post(`/api/assessments/${created.body.id}/publish`, {}, ownerAnalyst.token);

    const { page, context } = await openPage(browser);
    await signIn(page, partnerAnalyst);
    await page.goto(`${new URL(page.url()).origin}/assessments`);
    const row = page.locator(`[data-testid="assessment-row"][data-id="${created.body.id}"]`);
    await row.getByTestId('card-restricted').waitFor();
    expect(await row.getByTestId('tlp-label').textContent()).to.equal('TLP:RED');
    await row.getByTestId('request-access').click();
    await row.getByTestId('request-access-reason').fill('We cover the same districts.');
    await row.getByTestId('request-access-send').click();
    await row.getByTestId('request-access-done').waitFor();
    await context.close();

    const owned = await openPage(browser);
    await signIn(owned.page, ownerAnalyst);
    await owned.page.goto(`${new URL(owned.page.url()).origin}/access-requests`);
    const request = owned.page.getByTestId('requests-incoming').getByTestId('access-request').first();
    await request.getByTestId('access-request-approve').click();
    await owned.page.locator('[data-testid="access-request"][data-status="approved"]').waitFor();
    await owned.context.close();
  });

  it('in Arabic, organisations carry their Arabic names and cards read as restricted', async () => {
    const admin = await asOfficeAdmin();
    const owner = await createOrganisation({ name: `League ${unique()}` });
    await patch(`/api/organisations/${owner.id}`, { names: { ar: 'جامعة الدول العربية' } }, admin.token);
    const reader = await createUser((await createOrganisation({ name: `Reader ${unique()}` })).id, 'member');
    const author = await createUser(owner.id, 'analyst');
    const created = await post('/api/assessments', assessmentBody({ title: `Hidden ${unique()}`, discoverable: true, tlp: 'amber+strict' }), author.token);
    await post(`/api/assessments/${created.body.id}/publish`, {}, author.token);

    const { page, context } = await openPage(browser);
    await signIn(page, reader);
    await switchLanguage(page, 'ar');
    await page.goto(`${new URL(page.url()).origin}/assessments/${created.body.id}`);
    const card = page.getByTestId('restricted-card');
    await card.waitFor();
    expect(plain((await card.textContent()) ?? ''))
      .to.include('جامعة الدول العربية')
      .and.include('مقيّد')
      .and.include('TLP:AMBER+STRICT');
    expect(await page.locator('html').getAttribute('dir')).to.equal('rtl');
    await context.close();
  });
});
