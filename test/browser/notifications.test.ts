import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { domainEvents } from '../../server/events.js';
import { createAssessment, createOrganisation, createUser, type Org, type TestUser } from '../helpers/factories.js';
import { baseUrl } from '../helpers/hub.js';
import { post } from '../helpers/http.js';
import { englishMessages, ensureBuilt, hasChromium, launch, openPage, plain, screenshot, signIn, switchLanguage } from './browser.js';

const unique = () => randomBytes(3).toString('hex');

/** Two partner organisations: the author's (with an analyst) and the reader's (with a member). */
async function twoPartners(): Promise<{ author: TestUser; authorOrg: Org; reader: TestUser; readerOrg: Org }> {
  const [authorOrg, readerOrg] = await Promise.all([
    createOrganisation({ name: `African Union ${unique()}` }),
    createOrganisation({ name: `ECOWAS ${unique()}` }),
  ]);
  const [author, reader] = await Promise.all([createUser(authorOrg.id, 'analyst'), createUser(readerOrg.id, 'member')]);
  return { author, authorOrg, reader, readerOrg };
}

/** Publishes an unclassified assessment on Sudan shared with `readerOrg`; answers its title. */
async function shareOnSudan(author: TestUser, readerOrg: Org, overrides: Record<string, unknown> = {}): Promise<string> {
  const title = `Sudan outlook ${unique()}`;
  await createAssessment(
    author,
    { country: 'SDN', title, classification: 'unclassified', sharing: { scope: 'selected', organisations: [readerOrg.id] }, ...overrides },
    true,
  );
  return title;
}

/** The bell's unread count as shown, or null when there is none. */
async function bellCount(page: Page): Promise<string | null> {
  const count = page.getByTestId('notifications-count');
  return (await count.count()) > 0 ? (await count.innerText()).trim() : null;
}

describe('browser: notifications, unread state and live lists (§11)', function () {
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

  it('shows a member who was away what was shared meanwhile, in the bell and on the dashboard, until they read it', async () => {
    const { author, authorOrg, reader, readerOrg } = await twoPartners();
    const { context, page, errors } = await openPage(browser);
    await signIn(page, reader);
    await page.getByTestId('dashboard-since').waitFor();
    expect(await bellCount(page)).to.equal(null);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-email').waitFor();

    // Away: shared with the reader's organisation, and a draft of the author's own that the reader never sees.
    const title = await shareOnSudan(author, readerOrg);
    await createAssessment(author, { title: `Unpublished ${unique()}` });

    await signIn(page, reader);
    await page.getByTestId('dashboard-notification').first().waitFor({ timeout: 15_000 });
    const dashboard = plain(await page.getByTestId('dashboard-new').innerText());
    expect(dashboard).to.contain(`${authorOrg.name} shared an assessment on Sudan`).and.contain(title);
    expect(plain(await page.getByTestId('dashboard-since-total').innerText())).to.contain('New notifications: 1');
    expect(await page.getByTestId('dashboard-since').innerText()).to.contain('Since your last visit');
    expect(await bellCount(page)).to.equal('1');

    // The bell is a disclosure: focus moves into the panel, Escape brings it back to the button.
    const button = page.getByTestId('notifications-button');
    await button.press('Enter');
    expect(await button.getAttribute('aria-expanded')).to.equal('true');
    const item = page.getByTestId('notification-item');
    await item.first().waitFor();
    expect(await page.evaluate<string | null>('document.activeElement?.id ?? null')).to.equal('notifications-title');
    expect(await item.count()).to.equal(1);
    expect(await item.first().getAttribute('data-unread')).to.equal('true');
    expect(await page.getByTestId('notification-link').getAttribute('href')).to.match(/^\/assessments\/[0-9a-f]{24}$/);
    await screenshot(page, 'en-notifications');
    await page.keyboard.press('Escape');
    await page.getByTestId('notifications-panel').waitFor({ state: 'detached' });
    expect(await page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? null")).to.equal('notifications-button');

    // Still unread after a reload; following the link reads it and opens the assessment.
    await page.reload();
    await page.getByTestId('notifications-count').waitFor();
    await button.click();
    await page.getByTestId('notification-link').click();
    await page.getByTestId('assessment-title').filter({ hasText: title }).waitFor();
    await page.getByTestId('notifications-count').waitFor({ state: 'detached' });
    await page.reload();
    await page.getByTestId('current-user').waitFor();
    await page.waitForTimeout(500);
    expect(await bellCount(page), 'read stays read').to.equal(null);
    await button.click();
    await page.getByTestId('notifications-unread-only').check();
    await page.getByText('No unread notifications.').waitFor();
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('updates the assessments list live in another user’s browser, keeping its filter', async () => {
    const { author, reader, readerOrg } = await twoPartners();
    const { context, page, errors } = await openPage(browser);
    await signIn(page, reader);
    await page.goto(`${baseUrl()}/assessments?country=SDN`);
    // Loaded: empty, or holding what other tests shared with everyone (or made discoverable) on Sudan.
    await page.getByTestId('assessments-empty').or(page.getByTestId('assessment-table')).first().waitFor();
    // Give the socket its handshake before the hub speaks.
    await page.waitForTimeout(1_000);
    const title = await shareOnSudan(author, readerOrg);
    await shareOnSudan(author, readerOrg, { country: 'KEN', title: `Kenya outlook ${unique()}` });
    await page.getByText(title).waitFor({ timeout: 15_000 });
    expect(await page.getByText(/Kenya outlook/).count(), 'the country filter still holds').to.equal(0);
    expect(new URL(page.url()).search).to.equal('?country=SDN');

    // A burst of fifty changes is one quiet refetch, not fifty.
    await page.waitForTimeout(1_000);
    let fetches = 0;
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/assessments') fetches += 1;
    });
    for (let i = 0; i < 50; i += 1)
      domainEvents.publish('item.changed', { kind: 'assessment', id: '0123456789abcdef01234567', organisationIds: [readerOrg.id] });
    await page.waitForTimeout(2_000);
    expect(fetches).to.equal(1);
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('saves the e-mail preferences of the six groups with a confirmation, kept across a reload', async () => {
    const { reader } = await twoPartners();
    const { context, page, errors } = await openPage(browser);
    await signIn(page, reader);
    await page.getByTestId('nav-account').click();
    const form = page.getByTestId('email-preferences');
    await form.getByTestId('prefs-documents-daily').and(page.locator(':checked:enabled')).waitFor();
    expect(await form.locator('fieldset').count()).to.equal(6);
    await form.getByTestId('prefs-documents-off').check();
    await form.getByTestId('prefs-rooms-daily').check();
    await form.getByTestId('prefs-submit').click();
    expect(await page.getByTestId('prefs-saved').innerText()).to.contain('Your e-mail preferences were saved.');
    await page.reload();
    await form.getByTestId('prefs-documents-off').and(page.locator(':checked:enabled')).waitFor();
    expect(await form.getByTestId('prefs-rooms-daily').isChecked()).to.equal(true);
    expect(await form.getByTestId('prefs-assessments-daily').isChecked(), 'untouched groups keep their default').to.equal(true);
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('counts a room message in another member’s navigation and marks where the new messages start', async () => {
    const { author, authorOrg, reader, readerOrg } = await twoPartners();
    const room = await post('/api/rooms', { name: `Sudan watch ${unique()}`, country: 'SDN', organisations: [authorOrg.id, readerOrg.id] }, author.token);
    expect(room.status).to.equal(201);
    const first = await post(`/api/rooms/${room.body.id}/messages`, { body: 'Before you looked' }, author.token);
    expect(first.status).to.equal(201);
    const { context, page, errors } = await openPage(browser);
    await signIn(page, reader);
    await page.getByTestId('nav-rooms-unread').waitFor();
    expect(await page.getByTestId('nav-rooms-unread').innerText()).to.contain('1');
    // Read the room, go back to the dashboard: no count; then a new message arrives while away from the room.
    await page.getByTestId('nav-rooms').click();
    await page.getByTestId('room-link').first().click();
    await page.getByTestId('message').first().waitFor();
    await page.getByTestId('nav-rooms-unread').waitFor({ state: 'detached', timeout: 10_000 });
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('dashboard-since').waitFor();
    const second = await post(`/api/rooms/${room.body.id}/messages`, { body: 'While you were away' }, author.token);
    expect(second.status).to.equal(201);
    // The count appears on the next page the member opens (or at the next look, every 20 s).
    await page.getByTestId('nav-documents').click();
    await page.getByTestId('nav-rooms-unread').waitFor({ timeout: 10_000 });
    await page.getByTestId('nav-rooms').click();
    await page.getByTestId('room-unread').waitFor();
    await page.getByTestId('room-link').first().click();
    const line = page.getByTestId('messages-new-line');
    await line.waitFor();
    // The line sits right before the first unread message.
    expect(await page.locator('[data-testid="messages-new-line"] + li').innerText()).to.contain('While you were away');
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('in Arabic: the watch toggle holds across a reload and the bell panel reads in Arabic only', async () => {
    const { author, reader, readerOrg } = await twoPartners();
    await shareOnSudan(author, readerOrg);
    const { context, page, errors } = await openPage(browser);
    await signIn(page, reader);
    await switchLanguage(page, 'ar');
    await page.goto(`${baseUrl()}/countries/SDN`);
    const watch = page.getByTestId('country-watch');
    await watch.and(page.locator(':enabled')).waitFor();
    expect(await watch.getAttribute('aria-pressed')).to.equal('false');
    expect((await watch.innerText()).trim()).to.equal('متابعة');
    await watch.click();
    await page.locator('[data-testid="country-watch"][aria-pressed="true"]').waitFor();
    await page.reload();
    await page.locator('[data-testid="country-watch"][aria-pressed="true"]:enabled').waitFor();
    expect((await watch.innerText()).trim()).to.equal('قيد المتابعة');
    expect(await page.evaluate<string>('document.documentElement.dir')).to.equal('rtl');

    await page.getByTestId('notifications-button').click();
    const panel = page.getByTestId('notifications-panel');
    await page.getByTestId('notification-item').first().waitFor();
    const text = plain(await panel.innerText());
    expect(text).to.contain('السودان');
    // The organisation's name and the title are user text; everything else is the interface's.
    for (const [key, english] of englishMessages()) {
      if (english.length > 3 && !/\{/.test(english)) expect(text, `English left on the panel: ${key}`).not.to.contain(english);
    }
    await screenshot(page, 'ar-notifications');
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});
