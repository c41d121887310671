import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { asOfficeAdmin, createOrganisation, createUser, type TestUser } from '../helpers/factories.js';
import { baseUrl } from '../helpers/hub.js';
import { get, post } from '../helpers/http.js';
import { ensureBuilt, hasChromium, launch, openPage, signIn, switchLanguage } from './browser.js';

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

async function openRoom(page: Page, user: TestUser, roomId: string): Promise<void> {
  await signIn(page, user);
  await page.goto(`${baseUrl()}/rooms/${roomId}`);
  await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor({ timeout: 30_000 });
}

describe('browser: rooms people can work in (§8 v2)', function () {
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

  it('reply, mention and reaction; read by the other organisation; in Arabic right to left; on a phone', async () => {
    const orgA = await createOrganisation({ name: `Sahel Watch ${unique()}` });
    const orgB = await createOrganisation({ name: `ECOWAS Early Warning ${unique()}`, kind: 'subregional' });
    const [userA, userB] = await Promise.all([createUser(orgA.id, 'analyst'), createUser(orgB.id, 'member')]);
    const admin = await asOfficeAdmin();
    const created = await post('/api/rooms', { name: `Ménaka ${unique()}`, country: 'MLI', organisations: [orgA.id, orgB.id] }, admin.token);
    const roomId = created.body.id as string;
    expect((await post(`/api/rooms/${roomId}/messages`, { body: 'Road to Ménaka closed' }, userB.token)).status).to.equal(201);

    const { page, errors } = await openPage(browser);
    await openRoom(page, userA, roomId);
    // The composer has the focus on opening, and a skip link leads to it.
    await page.locator('#composer-input:focus').waitFor();
    expect(await page.getByTestId('skip-to-composer').getAttribute('href')).to.equal('#composer-input');

    // Reply with a mention picked from the suggestions.
    const first = page.locator('[data-testid="message"][data-seq="1"]');
    await first.getByTestId('message-reply').click();
    await page.getByTestId('composer-reply').waitFor();
    const input = page.getByTestId('composer-input');
    await input.pressSequentially('@Test');
    await page.getByTestId('mention-option').filter({ hasText: userB.email }).click();
    await input.pressSequentially('which road?');
    await input.press('Enter');
    const reply = page.locator('[data-testid="message"][data-seq="2"]');
    await reply.getByTestId('message-quote').waitFor();
    const stored = await get(`/api/rooms/${roomId}/messages?after=1`, userA.token);
    expect(stored.body.items[0]).to.deep.include({ replyTo: 1, mentions: [userB.id] });
    expect(stored.body.items[0].body).to.equal(`@Test member ${userB.email} which road?`);

    // A reaction toggles and is stored.
    const thumbs = first.locator('[data-testid="message-react"][data-emoji="👍"]');
    await thumbs.click();
    await until('the reaction', async () => (await thumbs.getAttribute('aria-pressed')) === 'true');
    const reacted = await get(`/api/rooms/${roomId}/messages?after=0&limit=1`, userA.token);
    expect(reacted.body.items[0].reactions).to.deep.equal([{ emoji: '👍', userIds: [userA.id] }]);

    // The quote leads back to the original.
    await reply.getByTestId('message-quote').click();
    await page.locator('[data-seq="1"] article:focus').waitFor();

    // The other organisation reads it: "read by" on my message.
    await post(`/api/rooms/${roomId}/read`, { seq: 2 }, userB.token);
    await post(`/api/rooms/${roomId}/messages`, { body: 'Seen.' }, userB.token);
    await reply.getByTestId('message-read-by').filter({ hasText: orgB.name }).waitFor({ timeout: 30_000 });

    // Arabic: right to left, the reply named in Arabic.
    await switchLanguage(page, 'ar');
    await page.locator('html[dir="rtl"]').waitFor({ state: 'attached' });
    expect(await reply.getByTestId('message-quote').innerText()).to.include('ردًا على');
    expect(errors).to.deep.equal([]);

    // A 390 px phone: the list and the composer fit the screen together.
    const phone = await openPage(browser, { width: 390, height: 844 });
    await openRoom(phone.page, userA, roomId);
    await phone.page.locator('section.chat').evaluate((element) => element.scrollIntoView({ block: 'start' }));
    const list = await phone.page.getByTestId('message-list').boundingBox();
    const send = await phone.page.getByTestId('composer-send').boundingBox();
    expect(list && list.y).to.be.at.least(0);
    expect(send && send.y + send.height).to.be.at.most(844);
    expect(send && send.x + send.width).to.be.at.most(390);
    expect(list && list.height).to.be.at.least(150);
    await phone.context.close();
  });
});
