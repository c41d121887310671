import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { Assessment } from '../../server/models/assessment.js';
import { ASSESSMENT_FEED } from '../../server/repositories/assessments.js';
import { publishChange } from '../../server/store/changeFeed.js';
import { createAssessment, createOrganisation, createUser } from '../helpers/factories.js';
import { baseUrl } from '../helpers/hub.js';
import { get, patch, post } from '../helpers/http.js';
import { englishMessages, ensureBuilt, hasChromium, launch, LOCALES, openPage, screenshot, signIn, switchLanguage, tallScreenshot } from './browser.js';

const unique = () => randomBytes(3).toString('hex');
const DAY = 86_400_000;
// i18n.t() isolates names inside sentences with FSI…PDI; compare the words only.
const plain = (text: string) =>
  text
    .replace(/[\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** The page's text without user data (`dir="auto"`) and codes (`dir="ltr"`), as in arabic.test.ts. */
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

/** A fresh browser profile; waits are generous because a busy machine renders the long editor slowly. */
async function open(browser: Browser) {
  const opened = await openPage(browser);
  opened.page.setDefaultTimeout(60_000);
  // Leaving a dirty editor asks first (beforeunload): the tests always mean to leave.
  opened.page.on('dialog', (dialog) => void dialog.accept());
  return opened;
}

/** Moves a published assessment back in time, as the demo loader does, so the chart spreads over months. */
async function backdate(id: string, daysAgo: number): Promise<void> {
  const at = new Date(Date.now() - daysAgo * DAY);
  await Assessment.updateOne({ _id: id }, { $set: { publishedAt: at, 'published.publishedAt': at } });
  await publishChange(ASSESSMENT_FEED, id);
}

/** The owner organisation, a partner and a bystander, with the people a test asks for (each sign-up costs a password hash). */
async function tenants(people: { ownerAdmin?: boolean; partnerAnalyst?: boolean; partnerMember?: boolean } = {}) {
  const [owner, partner, bystander] = await Promise.all([
    createOrganisation({ name: `Sahel Watch ${unique()}` }),
    createOrganisation({ name: `ECOWAS Early Warning ${unique()}`, kind: 'subregional' }),
    createOrganisation({ name: `Bystander ${unique()}` }),
  ]);
  const skip = Promise.resolve(null);
  const [analyst, admin, partnerAnalyst, partnerMember] = await Promise.all([
    createUser(owner.id, 'analyst'),
    people.ownerAdmin ? createUser(owner.id, 'admin') : skip,
    people.partnerAnalyst ? createUser(partner.id, 'analyst') : skip,
    people.partnerMember ? createUser(partner.id, 'member') : skip,
  ]);
  return { owner, partner, bystander, analyst, admin: admin!, partnerAnalyst: partnerAnalyst!, partnerMember: partnerMember! };
}

describe('browser: country assessments', function () {
  this.timeout(180_000);
  let browser: Browser;

  before(async function () {
    if (!hasChromium()) this.skip();
    ensureBuilt();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  it('an analyst drafts, shares with one partner and publishes; the partner sees it in the list and on the country page', async () => {
    const t = await tenants({ partnerMember: true });
    const title = `Kenya: election-period reading ${unique()}`;
    const { context, page, errors } = await open(browser);
    await signIn(page, t.analyst);

    await page.getByTestId('nav-assessments').click();
    await page.getByTestId('assessment-new').click();
    await page.getByTestId('factor-14').waitFor();
    // Saving too early: the problems are said at their fields, and focus goes to the first one.
    await page.getByTestId('assessment-save').click();
    await page.locator('#assessment-country-error').waitFor();
    expect(await page.locator('#assessment-title-error').innerText()).to.equal('This field is required.');
    expect(await page.locator('#assessment-overallRisk-error').innerText()).to.equal('Choose the overall risk.');
    expect(await page.evaluate<string | null>('document.activeElement?.id ?? null')).to.equal('assessment-country');
    await page.getByTestId('assessment-country').selectOption('KEN');
    await page.getByTestId('assessment-title').fill(title);
    await page.getByTestId('assessment-summary').fill('Tension around by-elections; inflammatory messages on local radio.');
    await page.getByTestId('assessment-period-start').fill('2026-07-01');
    await page.getByTestId('assessment-period-end').fill('2026-09-30');

    // Factor 8 (triggering factors): level, trend, two indicators, notes.
    await page.getByTestId('factor-8-level-3').check();
    await page.getByTestId('factor-8-trend').selectOption('deteriorating');
    await page.getByTestId('factor-8-indicators').locator('summary').click();
    await page.getByTestId('factor-8-indicator-8.7').check();
    await page.getByTestId('factor-8-indicator-8.8').check();
    expect(await page.getByTestId('factor-8-indicators').locator('summary').innerText()).to.match(/2 of 12/);
    await page.getByTestId('factor-8-notes').fill('By-elections in two contested constituencies.');
    await page.getByTestId('factor-1-level-2').check();
    await page.getByTestId('factor-1-trend').selectOption('stable');
    await page.getByTestId('factor-1-indicators').locator('summary').click();
    await page.getByTestId('factor-1-indicator-1.1').check();
    await page.getByTestId('factor-9-level-1').check();
    await page.getByTestId('factor-9-trend').selectOption('stable');
    await page.getByTestId('overall-risk-3').check();

    // The sentence of who will see it follows the sharing choices.
    const sentence = page.getByTestId('sharing-sentence');
    expect(plain(await sentence.innerText())).to.contain('Draft — visible only to your organisation until published.');
    expect(plain(await sentence.innerText())).to.contain('Once published, visible to: your organisation.');
    await page.getByTestId('scope-selected').check();
    await page.getByTestId(`share-with-${t.partner.slug}`).check();
    await sentence.getByText(t.partner.name).waitFor();
    expect(plain(await sentence.innerText())).to.contain(`Once published, visible to: your organisation, the Office and ${t.partner.name}.`);
    expect(await sentence.innerText()).not.to.contain(t.bystander.name);
    await tallScreenshot(page, 'en-assessment-editor-filled');

    await page.getByTestId('assessment-save').click();
    await page.waitForURL(/\/assessments\/[0-9a-f]{24}\/edit$/);
    await page.getByTestId('editor-notice').getByText('Saved (version 1)').waitFor();
    const id = /\/assessments\/([0-9a-f]{24})\/edit$/.exec(page.url())![1]!;

    const draft = (await get(`/api/assessments/${id}`, t.analyst.token)).body;
    expect(draft).to.include({ status: 'draft', country: 'KEN', title, overallRisk: 3, periodStart: '2026-07-01', periodEnd: '2026-09-30' });
    expect(draft.sharing).to.deep.equal({ scope: 'selected', organisations: [t.partner.id] });
    expect(draft.riskFactors).to.deep.equal([
      { number: 1, level: 2, trend: 'stable', indicators: ['1.1'], notes: '' },
      { number: 8, level: 3, trend: 'deteriorating', indicators: ['8.7', '8.8'], notes: 'By-elections in two contested constituencies.' },
      { number: 9, level: 1, trend: 'stable', indicators: [], notes: '' },
    ]);
    expect((await get(`/api/assessments/${id}`, t.partnerMember.token)).status, 'a draft stays with its organisation').to.equal(404);

    await page.getByTestId('assessment-publish').click();
    expect(plain(await page.getByTestId('publish-confirm-audience').innerText())).to.contain(`your organisation, the Office and ${t.partner.name}`);
    await page.getByTestId('publish-confirm-yes').click();
    await page.waitForURL(new RegExp(`/assessments/${id}$`));
    await page.getByTestId('assessment-notice').getByText('Published (version 2)').waitFor();
    expect(await page.getByTestId('assessment-status').innerText()).to.equal('Published');
    expect(plain(await page.getByTestId('assessment-audience').innerText())).to.contain(`Visible to: your organisation, the Office and ${t.partner.name}.`);
    expect(errors).to.deep.equal([]);
    await context.close();

    // The partner's member finds it in the list, opens the country page and sees its column in the heat map.
    const partner = await open(browser);
    await signIn(partner.page, t.partnerMember);
    await partner.page.getByTestId('nav-assessments').click();
    const row = partner.page.getByTestId('assessment-row').filter({ hasText: title });
    await row.waitFor();
    expect(await row.getByTestId('assessment-row-organisation').innerText()).to.contain(t.owner.name);
    expect(await partner.page.getByTestId('assessment-new').count(), 'members do not create assessments').to.equal(0);
    await row.getByTestId('assessment-row-country').click();
    await partner.page.waitForURL(/\/countries\/KEN$/);
    const matrix = partner.page.getByTestId('heat-matrix');
    await matrix.locator(`[data-testid="matrix-column"][data-organisation="${t.owner.id}"]`).waitFor();
    expect(await matrix.locator(`[data-testid="matrix-row-8"] td[data-organisation="${t.owner.id}"]`).getAttribute('data-level')).to.equal('3');
    expect(await matrix.locator(`[data-testid="matrix-row-overall"] td[data-organisation="${t.owner.id}"]`).getAttribute('data-level')).to.equal('3');
    expect(await matrix.locator(`[data-testid="matrix-row-2"] td[data-organisation="${t.owner.id}"]`).getAttribute('data-level'), 'not assessed').to.equal('');
    expect(partner.errors).to.deep.equal([]);
    await partner.context.close();

    // The bystander organisation sees nothing of it.
    const bystander = await createUser(t.bystander.id, 'member');
    expect((await get(`/api/assessments/${id}`, bystander.token)).status).to.equal(404);
  });

  it('the owner sees a draft revision of the published version, compares it with what readers see, publishes and discards; readers compare only what they may see', async () => {
    const t = await tenants({ partnerMember: true });
    const share = { scope: 'selected', organisations: [t.partner.id] };
    const a = await createAssessment(t.analyst, { title: `Published reading ${unique()}`, overallRisk: 1, sharing: share }, true);
    const revised = await patch(`/api/assessments/${a.id}`, { version: a.version, title: `Revised reading ${unique()}`, overallRisk: 3 }, t.analyst.token);
    expect(revised.status).to.equal(200);

    const owner = await open(browser);
    await signIn(owner.page, t.analyst);
    await owner.page.goto(`${baseUrl()}/assessments/${a.id}`);
    const banner = owner.page.getByTestId('assessment-revision');
    await banner.waitFor();
    expect(plain(await banner.innerText())).to.contain('Draft revision of published version 2');
    expect(await owner.page.getByTestId('assessment-title').innerText()).to.contain(revised.body.title);
    expect(await owner.page.getByTestId('version-3-draft').count(), 'the revision is marked a draft').to.equal(1);
    expect(await owner.page.getByTestId('version-2-draft').count()).to.equal(0);
    await banner.getByTestId('revision-compare').click();
    const compare = owner.page.getByTestId('version-compare');
    await compare.locator('[data-testid="compare-row-title"][data-changed="true"]').waitFor();
    expect(plain(await compare.locator('thead').innerText())).to.match(/Version 2 ·.*Version 3 ·.*draft/s);
    await screenshot(owner.page, 'en-assessment-draft-revision');

    // Readers keep the published version; Compare offers them only the versions they may see.
    const reader = await open(browser);
    await signIn(reader.page, t.partnerMember);
    await reader.page.goto(`${baseUrl()}/assessments/${a.id}`);
    await reader.page.getByTestId('version-list').waitFor();
    expect(await reader.page.getByTestId('assessment-title').innerText()).to.contain(a.title);
    expect(await reader.page.getByTestId('assessment-revision').count()).to.equal(0);
    expect(await reader.page.getByTestId('version-list').locator('li').count()).to.equal(1);

    await owner.page.getByTestId('assessment-publish').click();
    expect(plain(await owner.page.getByTestId('publish-confirm-audience').innerText())).to.contain('your organisation');
    await owner.page.getByTestId('publish-confirm-yes').click();
    await owner.page.getByTestId('assessment-notice').getByText('The revision is published (version 4)').waitFor();
    expect(await owner.page.getByTestId('assessment-revision').count()).to.equal(0);

    await reader.page.reload();
    await reader.page.getByTestId('compare-left').waitFor();
    expect(await reader.page.getByTestId('assessment-title').innerText()).to.contain(revised.body.title);
    const options = reader.page.getByTestId('compare-left').locator('option');
    const offered = await Promise.all(Array.from({ length: await options.count() }, (_, i) => options.nth(i).getAttribute('value')));
    expect(offered).to.deep.equal(['4', '2']);
    expect(reader.errors).to.deep.equal([]);
    await reader.context.close();

    // A second revision, discarded from the page, in Arabic.
    expect((await patch(`/api/assessments/${a.id}`, { version: 4, title: 'To be dropped' }, t.analyst.token)).status).to.equal(200);
    await owner.page.reload();
    await switchLanguage(owner.page, 'ar');
    expect(await owner.page.locator('html').getAttribute('dir')).to.equal('rtl');
    await owner.page.getByTestId('assessment-revision').getByText('مسودة مراجعة للإصدار المنشور').waitFor();
    expect(plain(await owner.page.getByTestId('assessment-revision').innerText())).not.to.match(/[A-Za-z]{3,}/);
    await screenshot(owner.page, 'ar-assessment-draft-revision');
    expect(plain(await owner.page.getByTestId('assessment-discard').innerText())).to.equal('تجاهل المسودة');
    await owner.page.getByTestId('assessment-discard').click();
    await owner.page.getByTestId('assessment-notice').getByText('تم تجاهل مسودة المراجعة').waitFor();
    expect(await owner.page.getByTestId('assessment-title').innerText()).to.contain(revised.body.title);
    expect((await get(`/api/assessments/${a.id}`, t.analyst.token)).body).to.include({ status: 'published', version: 6, publishedVersion: 6 });
    expect(owner.errors).to.deep.equal([]);
    await owner.context.close();
  });

  it('when someone else saved first, says so and reloads the latest version without losing the typed text', async () => {
    const t = await tenants({ ownerAdmin: true });
    const created = await createAssessment(t.analyst, { title: 'Original title', summary: 'Original summary.' });
    const editUrl = `${baseUrl()}/assessments/${created.id}/edit`;

    const one = await open(browser);
    const two = await open(browser);
    await signIn(one.page, t.admin);
    await signIn(two.page, t.analyst);
    await one.page.goto(editUrl);
    await two.page.goto(editUrl);
    for (const page of [one.page, two.page]) {
      await page.getByTestId('assessment-title').waitFor();
      expect(await page.getByTestId('assessment-title').inputValue()).to.equal('Original title');
    }

    // Page two starts typing; page one saves first.
    const typed = 'My unsaved analysis: attacks on polling staff reported in three counties.';
    await two.page.getByTestId('assessment-summary').fill(typed);
    await two.page.getByTestId('assessment-title').fill('Title from page two');
    await one.page.getByTestId('assessment-title').fill('Title from page one');
    await one.page.getByTestId('factor-8-level-4').check();
    await one.page.getByTestId('assessment-save').click();
    await one.page.getByTestId('editor-notice').getByText('Saved (version 2)').waitFor();

    await two.page.getByTestId('assessment-save').click();
    const message = two.page.getByTestId('conflict-message');
    await message.waitFor();
    expect(await message.innerText()).to.contain('Someone else saved a newer version of this assessment.');
    await message.getByText(/Version 2 was saved by/).waitFor();
    expect(await two.page.getByTestId('assessment-summary').inputValue(), 'the text is still there').to.equal(typed);
    await tallScreenshot(two.page, 'en-assessment-conflict');

    await two.page.getByTestId('conflict-reload').click();
    const rebased = two.page.getByTestId('conflict-rebased');
    await rebased.waitFor();
    expect(await two.page.getByTestId('assessment-summary').inputValue(), 'reloading keeps the typed text').to.equal(typed);
    expect(await two.page.getByTestId('assessment-title').inputValue()).to.equal('Title from page two');
    expect(await two.page.getByTestId('factor-8-level-4').isChecked(), 'the other person’s change is loaded').to.equal(true);
    const clash = rebased.locator('[data-testid="conflict-item"][data-slot="title"]');
    expect(await clash.getByTestId('conflict-theirs').innerText()).to.equal('Title from page one');
    expect(await clash.getByTestId('conflict-mine').innerText()).to.equal('Title from page two');
    await tallScreenshot(two.page, 'en-assessment-conflict-reloaded');

    await two.page.getByTestId('assessment-save').click();
    await two.page.getByTestId('editor-notice').getByText('Saved (version 3)').waitFor();
    const saved = (await get(`/api/assessments/${created.id}`, t.analyst.token)).body;
    expect(saved).to.include({ version: 3, title: 'Title from page two', summary: typed });
    expect(saved.riskFactors.find((factor: { number: number }) => factor.number === 8)).to.include({ level: 4 });
    expect(one.errors.concat(two.errors)).to.deep.equal([]);
    await one.context.close();
    await two.context.close();
  });

  describe('pages in English, French and Arabic', () => {
    const country = 'BTN';
    let t: Awaited<ReturnType<typeof tenants>>;
    let current: { id: string; version: number };

    // One owner with two published readings of the country (the latest in four versions), and a
    // partner with two of its own shared back, spread over months so the chart shows a story.
    before(async function () {
      this.timeout(180_000);
      if (!browser) this.skip();
      t = await tenants({ partnerAnalyst: true, partnerMember: true });
      const share = { scope: 'selected', organisations: [t.partner.id] };
      // The owner's earlier and current readings; the current one has four versions.
      const earlier = await createAssessment(t.analyst, { country, title: 'Bhutan: first reading', overallRisk: 1, sharing: share }, true);
      await backdate(earlier.id, 200);
      current = await createAssessment(t.analyst, { country, title: 'Bhutan: quarterly reading', overallRisk: 2, sharing: share }, true);
      let version = current.version;
      const edit = async (changes: Record<string, unknown>) => {
        const res = await patch(`/api/assessments/${current.id}`, { version, ...changes }, t.analyst.token);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        version = res.body.version;
      };
      await edit({ summary: 'Fictional test data. Hate speech against a minority rose sharply in the capital.' });
      await edit({
        overallRisk: 3,
        riskFactors: [
          { number: 1, level: 2, trend: 'deteriorating', indicators: ['1.1', '1.3'], notes: 'Localised clashes spread to a second district.' },
          { number: 7, level: 3, trend: 'deteriorating', indicators: ['7.5'], notes: 'A new militia is recruiting openly.' },
          { number: 8, level: 4, trend: 'deteriorating', indicators: ['8.7', '8.8'], notes: 'Elections in March.' },
          { number: 9, level: 3, trend: 'stable', indicators: ['9.1'], notes: '' },
        ],
      });
      // Edits of a published assessment are a draft revision until published again (§6 v2).
      expect((await post(`/api/assessments/${current.id}/publish`, {}, t.analyst.token)).status).to.equal(200);
      await backdate(current.id, 20);
      // The partner's own readings of the same country, shared with the owner.
      const partnerShare = { scope: 'selected', organisations: [t.owner.id] };
      const partnerEarlier = await createAssessment(
        t.partnerAnalyst,
        { country, title: 'Bhutan: partner reading', overallRisk: 2, sharing: partnerShare },
        true,
      );
      await backdate(partnerEarlier.id, 120);
      const partnerNow = await createAssessment(
        t.partnerAnalyst,
        {
          country,
          title: 'Bhutan: partner reading, update',
          overallRisk: 4,
          sharing: partnerShare,
          riskFactors: [
            { number: 1, level: 4, trend: 'deteriorating', indicators: ['1.1'], notes: '' },
            { number: 8, level: 4, trend: 'deteriorating', indicators: ['8.1'], notes: '' },
            { number: 9, level: 1, trend: 'improving', indicators: [], notes: '' },
          ],
        },
        true,
      );
      await backdate(partnerNow.id, 5);
      await post(`/api/assessments/${current.id}/comments`, { body: 'Do the partner readings agree on factor 8?' }, t.partnerMember.token);
    });

    for (const locale of LOCALES) {
      it(`shows the list, the editor, an assessment with two versions compared and comments, and the country page in ${locale}`, async function () {
        this.timeout(150_000);
        // Only for screenshots: a parallel run that rebuilds client/dist briefly removes the chunks this page loads.
        this.retries(1);
        const messages = englishMessages();
        const { context, page, errors } = await open(browser);
        await signIn(page, t.analyst);
        await switchLanguage(page, locale);

        if (locale === 'en') {
          // The dashboard's map: the country is coloured, focusable and opens its page from the keyboard.
          const link = page.getByTestId(`map-country-${country}`);
          await link.waitFor();
          expect(await link.locator('path').getAttribute('class')).to.match(/risk-\d/);
          await page.getByTestId('map-legend').waitFor();
          await screenshot(page, 'en-dashboard-map');
          await link.focus();
          await page.keyboard.press('Enter');
          await page.waitForURL(new RegExp(`/countries/${country}$`));
          await page.getByTestId('nav-dashboard').click();
        }

        await page.getByTestId('nav-assessments').click();
        await page.getByTestId('assessment-table').waitFor();
        await page.getByTestId('filter-country').selectOption(country);
        await page.getByTestId('assessment-row').filter({ hasText: 'Bhutan: quarterly reading' }).waitFor();
        await page.waitForLoadState('networkidle');
        await screenshot(page, `${locale}-assessment-list`);

        await page.getByTestId('assessment-new').click();
        await page.getByTestId('factor-14').waitFor();
        await page.getByTestId('assessment-country').selectOption(country);
        await page
          .getByTestId('assessment-title')
          .fill(
            locale === 'ar' ? 'بوتان: قراءة الربع الرابع' : locale === 'fr' ? 'Bhoutan : lecture du quatrième trimestre' : 'Bhutan: fourth-quarter reading',
          );
        await page.getByTestId('factor-1-level-2').check();
        await page.getByTestId('factor-1-trend').selectOption('stable');
        await page.getByTestId('factor-8-level-4').check();
        await page.getByTestId('factor-8-trend').selectOption('deteriorating');
        await page.getByTestId('factor-8-indicators').locator('summary').click();
        await page.getByTestId('factor-8-indicator-8.7').check();
        await page.getByTestId('overall-risk-3').check();
        await page.getByTestId('scope-selected').check();
        await page.getByTestId(`share-with-${t.partner.slug}`).check();
        await page.getByTestId('sharing-sentence').getByText(t.partner.name).waitFor();
        await tallScreenshot(page, `${locale}-assessment-editor`);

        await page.goto(`${baseUrl()}/assessments/${current.id}`);
        const compare = page.getByTestId('version-compare');
        await compare.waitFor();
        expect(await compare.getByTestId('compare-row-factor-8').getAttribute('data-changed')).to.equal('true');
        expect(await compare.getByTestId('compare-row-title').getAttribute('data-changed')).to.equal('false');
        expect(await page.getByTestId('version-list').locator('li').count()).to.equal(5);
        await page.getByTestId('comment').first().waitFor();
        if (locale === 'en') {
          // Any two versions: the first against the last.
          await page.getByTestId('compare-left').selectOption('1');
          await page.getByTestId('compare-right').selectOption('4');
          await page.getByTestId('compare-submit').click();
          await compare.locator('[data-testid="compare-row-summary"][data-changed="true"]').waitFor();
          await page.getByTestId('comment-body').fill('Factor 8 reflects the March elections.');
          await page.getByTestId('comment-submit').click();
          await page.getByTestId('comment').filter({ hasText: 'Factor 8 reflects the March elections.' }).waitFor();
          expect(await page.getByTestId('assessment-edit').count()).to.equal(1);
          expect(await page.getByTestId('assessment-delete').count(), 'only the owner admin deletes').to.equal(0);
        }
        await screenshot(page, `${locale}-assessment-page`);

        await page.getByTestId('assessment-country').click();
        await page.waitForURL(new RegExp(`/countries/${country}$`));
        const matrix = page.getByTestId('heat-matrix');
        await matrix.locator(`[data-testid="matrix-column"][data-organisation="${t.partner.id}"]`).waitFor();
        expect(await matrix.getByTestId('matrix-column').count()).to.equal(2);
        expect(await page.getByTestId('risk-chart').getByTestId('chart-series').count()).to.equal(2);
        await page.waitForLoadState('networkidle');
        await screenshot(page, `${locale}-country-page`);

        if (locale === 'ar') {
          expect(await page.locator('html').getAttribute('dir')).to.equal('rtl');
          const text = await interfaceText(page);
          const left = [...messages.values()].filter((message) => message.length >= 4 && text.includes(message));
          expect(left, 'English messages on the Arabic country page').to.deep.equal([]);
          // Technical names stay as they are (the brief's format: PDF).
          const latin = (text.match(/[A-Za-z]{3,}/g) ?? []).filter((word) => word !== 'PDF');
          expect(latin, 'Latin words on the Arabic country page').to.deep.equal([]);
        }
        expect(errors, `errors in ${locale}`).to.deep.equal([]);
        await context.close();
      });
    }
  });
});
