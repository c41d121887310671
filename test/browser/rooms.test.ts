import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { asOfficeAdmin, createOrganisation, createUser, type TestUser } from '../helpers/factories.js';
import { baseUrl } from '../helpers/hub.js';
import { get, post } from '../helpers/http.js';
import { ensureBuilt, hasChromium, launch, LOCALES, openPage, screenshot, signIn, switchLanguage, tallScreenshot } from './browser.js';

const unique = () => randomBytes(3).toString('hex');

/** Waits until `check` holds (polling), or fails saying `what` did not happen. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** Waits for the connection badge of the room view to say `state`. */
function linkIs(page: Page, state: 'connected' | 'reconnecting' | 'offline') {
  return page.locator(`[data-testid="connection-state"][data-state="${state}"]`).waitFor({ timeout: 30_000 });
}

/** Writes a message in the composer and sends it with Enter. */
async function write(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('composer-input');
  await input.fill(text);
  await input.press('Enter');
}

/** The stored messages the page shows, in order: [seq, body]. */
async function shown(page: Page): Promise<[number, string][]> {
  const items = page.getByTestId('message');
  const out: [number, string][] = [];
  for (let i = 0; i < (await items.count()); i += 1) {
    const item = items.nth(i);
    out.push([Number(await item.getAttribute('data-seq')), (await item.getByTestId('message-body').innerText()).trim()]);
  }
  return out;
}

/** Every message of a room as the hub stores it, read through the API as a member. */
async function stored(roomId: string, token: string): Promise<{ seq: number; body: string; clientMsgId: string | null }[]> {
  const res = await get(`/api/rooms/${roomId}/messages?after=0&limit=200`, token);
  expect(res.status).to.equal(200);
  return res.body.items;
}

describe('browser: situation rooms', function () {
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

  /** Two partner organisations with a user each, in one room the Office admin opened for them. */
  async function roomOfTwo() {
    const orgA = await createOrganisation({ name: `Sahel Watch ${unique()}` });
    const orgB = await createOrganisation({ name: `ECOWAS Early Warning ${unique()}`, kind: 'subregional' });
    const [userA, userB] = await Promise.all([createUser(orgA.id, 'analyst'), createUser(orgB.id, 'member')]);
    const admin = await asOfficeAdmin();
    const name = `Mali: displacement around Ménaka ${unique()}`;
    const created = await post('/api/rooms', { name, country: 'MLI', organisations: [orgA.id, orgB.id] }, admin.token);
    expect(created.status).to.equal(201);
    return { orgA, orgB, userA, userB, roomId: created.body.id as string, name };
  }

  async function openRoom(browserPage: Page, user: TestUser, roomId: string): Promise<void> {
    await signIn(browserPage, user);
    await browserPage.goto(`${baseUrl()}/rooms/${roomId}`);
    await linkIs(browserPage, 'connected');
  }

  it('two organisations talk; B writes while cut off: the messages wait, then are stored exactly once, and B gets what A wrote meanwhile', async () => {
    const t = await roomOfTwo();
    const a = await openPage(browser);
    const b = await openPage(browser);

    // B finds the room in the list: its country, and no unread message yet.
    await signIn(b.page, t.userB);
    await b.page.getByTestId('nav-rooms').click();
    const item = b.page.getByTestId('room-item').filter({ hasText: t.name });
    await item.waitFor();
    expect(await item.getByTestId('room-country').innerText()).to.equal('Mali');
    expect(await item.getByTestId('room-unread').count()).to.equal(0);
    await item.getByTestId('room-link').click();
    await linkIs(b.page, 'connected');
    await b.page.getByTestId('messages-empty').waitFor();

    await openRoom(a.page, t.userA, t.roomId);

    // A writes; B sees it live, with A's name and organisation, as text.
    await write(a.page, 'Hello from Sahel Watch <b>not bold</b>');
    const first = b.page.getByTestId('message').filter({ hasText: 'Hello from Sahel Watch' });
    await first.waitFor();
    expect(await first.getByTestId('message-body').innerText()).to.equal('Hello from Sahel Watch <b>not bold</b>');
    expect(await first.locator('b').count(), 'message bodies are text, never HTML').to.equal(0);
    expect(await first.getByTestId('message-author').innerText()).to.contain(t.userA.email);
    expect(await first.getByTestId('message-organisation').innerText()).to.equal(t.orgA.name);
    expect(await first.getByTestId('message-body').getAttribute('dir')).to.equal('auto');

    // A types: B is told.
    await a.page.getByTestId('composer-input').pressSequentially('Som', { delay: 30 });
    await until('B sees that A is typing', async () => /is typing/.test(await b.page.getByTestId('typing-indicator').innerText()));
    await a.page.getByTestId('composer-input').fill('');

    // The network of B goes away.
    await b.context.setOffline(true);
    await linkIs(b.page, 'offline');
    await write(b.page, 'B offline one');
    await write(b.page, 'B offline two');
    const pending = b.page.getByTestId('message-pending');
    await until('two pending messages', async () => (await pending.count()) === 2);
    expect(await pending.nth(0).getAttribute('data-status')).to.equal('pending');
    expect(await pending.nth(1).getAttribute('data-status')).to.equal('pending');
    // Kept in this tab's sessionStorage too (so a reload does not lose them), never in localStorage.
    const kept = await b.page.evaluate<string>(
      `JSON.stringify(Object.keys(sessionStorage).filter((k) => k.startsWith('partner-hub.outbox.')).map((k) => JSON.parse(sessionStorage.getItem(k)).map((e) => e.body)))`,
    );
    expect(JSON.parse(kept)).to.deep.equal([['B offline one', 'B offline two']]);
    expect(await b.page.evaluate<number>(`Object.keys(localStorage).filter((k) => k.includes('outbox')).length`)).to.equal(0);
    await screenshot(b.page, 'rooms-offline-pending-en');

    // Meanwhile A writes; nothing of B's is stored yet.
    await write(a.page, 'A during the outage');
    await a.page.getByTestId('message').filter({ hasText: 'A during the outage' }).waitFor();
    expect((await stored(t.roomId, t.userA.token)).map((m) => m.body)).to.deep.equal(['Hello from Sahel Watch <b>not bold</b>', 'A during the outage']);

    // The network comes back: B's messages go out in order, once each, and B catches up with A's.
    await b.context.setOffline(false);
    await linkIs(b.page, 'connected');
    await until('B has no pending message left', async () => (await pending.count()) === 0);
    await until('B shows all four messages', async () => (await shown(b.page)).length === 4);
    expect(await shown(b.page)).to.deep.equal([
      [1, 'Hello from Sahel Watch <b>not bold</b>'],
      [2, 'A during the outage'],
      [3, 'B offline one'],
      [4, 'B offline two'],
    ]);
    await until('A sees B’s messages', async () => (await shown(a.page)).length === 4);

    const messages = await stored(t.roomId, t.userB.token);
    expect(
      messages.map((m) => m.seq),
      'seq is gap-free',
    ).to.deep.equal([1, 2, 3, 4]);
    const bodies = messages.map((m) => m.body);
    expect(bodies.filter((body) => body === 'B offline one')).to.have.length(1);
    expect(bodies.filter((body) => body === 'B offline two')).to.have.length(1);
    expect(messages[2]!.clientMsgId).to.be.a('string').and.not.equal(messages[3]!.clientMsgId);

    // The room is on B's screen: the read marker follows, so the list shows nothing unread.
    await until('B’s read marker reaches seq 4', async () => (await get(`/api/rooms/${t.roomId}`, t.userB.token)).body.unread === 0);

    expect(a.errors).to.deep.equal([]);
    expect(b.errors).to.deep.equal([]);
    await a.context.close();
    await b.context.close();
  });

  it('keeps unsent messages across a reload while the hub cannot be reached, then sends them once', async () => {
    const t = await roomOfTwo();
    const b = await openPage(browser);
    await openRoom(b.page, t.userB, t.roomId);

    // The socket cannot reach the hub (HTTP still can): the page is reloaded, then a message is written.
    await b.page.route('**/socket.io/**', (route) => route.abort());
    await b.page.reload();
    await b.page.getByTestId('composer-input').waitFor();
    await until('the link is down', async () => (await b.page.getByTestId('connection-state').getAttribute('data-state')) !== 'connected');
    await write(b.page, 'Written with no link');
    await b.page.getByTestId('message-pending').waitFor();

    // A reload keeps it (sessionStorage): still pending, still unsent.
    await b.page.reload();
    await b.page.getByTestId('message-pending').filter({ hasText: 'Written with no link' }).waitFor();
    expect(await stored(t.roomId, t.userB.token)).to.deep.equal([]);

    // The hub is reachable again; the browser says the network is back, and the client reconnects at once.
    await b.page.unroute('**/socket.io/**');
    await b.context.setOffline(true);
    await b.context.setOffline(false);
    await linkIs(b.page, 'connected');
    await until('nothing pending', async () => (await b.page.getByTestId('message-pending').count()) === 0);
    await b.page.getByTestId('message').filter({ hasText: 'Written with no link' }).waitFor();
    const messages = await stored(t.roomId, t.userB.token);
    expect(messages.map((m) => [m.seq, m.body])).to.deep.equal([[1, 'Written with no link']]);
    expect(b.errors).to.deep.equal([]);
    await b.context.close();
  });

  it('an analyst opens a room for a partner, edits and deletes a message, takes the partner out and archives the room', async () => {
    const orgA = await createOrganisation({ name: `Great Lakes Monitor ${unique()}` });
    const orgB = await createOrganisation({ name: `Kivu Civil Network ${unique()}`, kind: 'national' });
    const [analyst, partner] = await Promise.all([createUser(orgA.id, 'analyst'), createUser(orgB.id, 'member')]);
    const a = await openPage(browser);
    const b = await openPage(browser);
    await signIn(b.page, partner);
    await b.page.getByTestId('nav-rooms').click();
    await b.page.getByTestId('rooms-empty').waitFor();
    expect(await b.page.getByTestId('room-new').count(), 'members do not open rooms').to.equal(0);

    // The analyst fills the form: name, country, the partner organisation.
    await signIn(a.page, analyst);
    await a.page.getByTestId('nav-rooms').click();
    await a.page.getByTestId('room-new').click();
    const name = `DRC: North Kivu ${unique()}`;
    await a.page.getByTestId('room-create-name').fill(name);
    await a.page.getByTestId('room-create-country').selectOption('COD');
    await a.page.locator(`[data-testid="organisation-option"][data-organisation-id="${orgB.id}"]`).check();
    expect(
      await a.page.locator(`[data-testid="organisation-option"][data-organisation-id="${orgA.id}"]`).isDisabled(),
      'the creator organisation is always in',
    ).to.equal(true);
    await tallScreenshot(a.page, 'room-new-en', 6_000);
    await a.page.getByTestId('room-create-submit').click();
    await a.page.waitForURL(/\/rooms\/[0-9a-f]{24}$/);
    const roomId = /\/rooms\/([0-9a-f]{24})$/.exec(a.page.url())![1]!;
    await linkIs(a.page, 'connected');
    const room = (await get(`/api/rooms/${roomId}`, analyst.token)).body;
    expect(room).to.include({ name, country: 'COD', archived: false });
    expect([...room.organisations].sort()).to.deep.equal([orgA.id, orgB.id].sort());

    // The partner, on the rooms list, is told at once (room.added): the list shows it, the bell links to it.
    await b.page.getByTestId('rooms-added').waitFor();
    await b.page.getByTestId('room-item').filter({ hasText: name }).waitFor();
    await b.page.getByTestId('notifications-button').click();
    await b.page.getByTestId('notification-link').filter({ hasText: name }).click();
    await b.page.waitForURL(new RegExp(`/rooms/${roomId}$`));
    await linkIs(b.page, 'connected');

    // The composer: the limit is shown, a message over it is refused before it leaves; Shift+Enter starts a line.
    const composer = a.page.getByTestId('composer-input');
    await composer.fill('x'.repeat(8001));
    expect(await a.page.getByTestId('composer-count').innerText()).to.contain('8,001 / 8,000');
    await composer.press('Enter');
    await a.page.getByRole('alert').filter({ hasText: 'at most 8,000 characters' }).waitFor();
    await composer.fill('');
    await composer.pressSequentially('Line one');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('line two');
    await composer.press('Enter');
    await b.page.getByTestId('message').filter({ hasText: 'line two' }).waitFor();
    expect(await b.page.getByTestId('message').filter({ hasText: 'line two' }).getByTestId('message-body').innerText()).to.equal('Line one\nline two');

    // Edit and delete, seen on the other side.
    await write(a.page, 'First reading: road to Rutshuru cut');
    await a.page.getByTestId('message').filter({ hasText: 'First reading' }).waitFor();
    // By seq: while it is edited, the text is in a textarea, which `hasText` does not see.
    const mine = a.page.locator('[data-testid="message"][data-seq="2"]');
    await b.page.getByTestId('message').filter({ hasText: 'First reading' }).waitFor();
    await mine.getByTestId('message-edit').click();
    await mine.getByTestId('message-edit-input').fill('First reading: road to Rutshuru cut since Monday');
    await mine.getByTestId('message-edit-input').press('Enter');
    const theirs = b.page.getByTestId('message').filter({ hasText: 'since Monday' });
    await theirs.getByTestId('message-edited').waitFor();
    await write(a.page, 'Wrong room, sorry');
    const wrong = a.page.getByTestId('message').filter({ hasText: 'Wrong room' });
    await wrong.getByTestId('message-delete').click();
    await wrong.getByTestId('message-delete-confirm').click();
    await b.page.getByTestId('message-deleted').waitFor();
    expect(await b.page.getByTestId('message').filter({ hasText: 'Wrong room' }).count()).to.equal(0);
    await screenshot(a.page, 'rooms-manage-before-en');

    // The analyst takes the partner out: the partner's view leaves the room and says why.
    await a.page.getByTestId('room-manage').locator('summary').click();
    await a.page.locator(`[data-testid="organisation-option"][data-organisation-id="${orgB.id}"]`).uncheck();
    await tallScreenshot(a.page, 'rooms-manage-open-en', 6_000);
    await a.page.getByTestId('room-manage-save').click();
    await a.page.getByTestId('room-manage-done').waitFor();
    await b.page.waitForURL(/\/rooms$/);
    await b.page.getByTestId('rooms-notice').waitFor();
    expect(await b.page.getByTestId('rooms-notice').innerText()).to.contain('no longer have access');
    expect((await get(`/api/rooms/${roomId}`, partner.token)).status).to.equal(404);

    // Archived: the composer closes, the list marks it.
    await a.page.getByTestId('room-manage-archive').click();
    await a.page.getByTestId('composer-closed').waitFor();
    await a.page.getByTestId('room-archived-notice').waitFor();
    await a.page.getByTestId('nav-rooms').click();
    await a.page.getByTestId('rooms-archived').getByText(name).waitFor();
    expect(a.errors).to.deep.equal([]);
    expect(b.errors).to.deep.equal([]);
    await a.context.close();
    await b.context.close();
  });

  it('loads older messages as the reader scrolls up, without duplicates', async () => {
    const t = await roomOfTwo();
    const officer = await createUser((await asOfficeAdmin()).organisationId, 'analyst');
    // 60 messages from three people (each stays under the 20-in-10-seconds limit).
    const seed = async (token: string, who: string) => {
      for (let i = 1; i <= 20; i += 1) {
        const res = await post(`/api/rooms/${t.roomId}/messages`, { body: `${who} report ${i}` }, token);
        expect(res.status).to.equal(201);
      }
    };
    await Promise.all([seed(t.userA.token, 'A'), seed(t.userB.token, 'B'), seed(officer.token, 'Office')]);
    const { context, page, errors } = await openPage(browser);
    await openRoom(page, t.userB, t.roomId);
    await until('the latest page', async () => (await page.getByTestId('message').count()) === 50);
    expect(await page.getByTestId('message').first().getAttribute('data-seq')).to.equal('11');
    await page.getByTestId('messages-older').waitFor();
    await page.getByTestId('message-list').evaluate((element) => element.scrollTo({ top: 0 }));
    await page.locator('[data-testid="message"][data-seq="1"]').waitFor();
    const seqs = (await shown(page)).map(([seq]) => seq);
    expect(seqs).to.deep.equal(Array.from({ length: 60 }, (_, i) => i + 1));
    await page.getByText('This is the beginning of the room.').waitFor();
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('shows the rooms list and a room in English, French and Arabic (screenshots)', async () => {
    const t = await roomOfTwo();
    // A fresh Office analyst: the shared admin may have used its 20-in-10-seconds allowance in the test before.
    const officer = await createUser((await asOfficeAdmin()).organisationId, 'analyst');
    const said: [string, string][] = [
      [t.userB.token, 'Merci. Nous partageons notre évaluation dès ce soir.\nDeuxième ligne.'],
      [t.userA.token, 'Reports of armed men around the Ménaka market since dawn; two villages emptied.'],
      [officer.token, 'تم تأكيد نزوح نحو ٣٠٠ أسرة باتجاه المدينة. نحن على اتصال بالسلطات المحلية.'],
    ];
    for (const [token, body] of said) {
      expect((await post(`/api/rooms/${t.roomId}/messages`, { body }, token)).status).to.equal(201);
    }
    const { context, page, errors } = await openPage(browser);
    await signIn(page, t.userB);
    for (const locale of LOCALES) {
      await switchLanguage(page, locale);
      await page.getByTestId('nav-rooms').click();
      await page.getByTestId('room-item').filter({ hasText: t.name }).waitFor();
      await page.waitForLoadState('networkidle');
      await tallScreenshot(page, `rooms-list-${locale}`, 6_000);
      await page.getByTestId('room-item').filter({ hasText: t.name }).getByTestId('room-link').click();
      await linkIs(page, 'connected');
      await until('three messages', async () => (await page.getByTestId('message').count()) === 3);
      await page.waitForLoadState('networkidle');
      await tallScreenshot(page, `room-view-${locale}`, 6_000);
      if (locale === 'ar') expect(await page.locator('html').getAttribute('dir')).to.equal('rtl');
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'room-view-phone-ar');
    expect(errors).to.deep.equal([]);
    await context.close();
  });
});
