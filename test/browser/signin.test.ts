import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { createTenant } from '../helpers/factories.js';
import { baseUrl } from '../helpers/hub.js';
import { get, patch, post } from '../helpers/http.js';
import { ensureBuilt, gotoSignIn, hasChromium, launch, openPage, screenshot, signIn, submitSignIn, switchLanguage, totp } from './browser.js';

describe('browser: signing in', function () {
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

  it('signs in without MFA, shows who is signed in, and signs out', async () => {
    const { analyst } = await createTenant();
    const { context, page, errors } = await openPage(browser);
    await signIn(page, analyst);
    expect(await page.getByTestId('current-user').innerText()).to.contain(`Test analyst ${analyst.email}`);
    expect(await page.getByTestId('nav-admin').count(), 'an analyst sees no Administration').to.equal(0);
    expect(await page.evaluate<string>('JSON.stringify(window.localStorage)'), 'no token in localStorage').not.to.match(/token|ey[A-Za-z0-9_-]{20,}/i);

    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-email').waitFor();
    expect(await page.getByTestId('signin-notice').innerText()).to.contain('You have signed out.');
    expect(new URL(page.url()).pathname).to.equal('/sign-in');
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('says clearly when the password is wrong', async () => {
    const { member } = await createTenant();
    const { context, page } = await openPage(browser);
    await gotoSignIn(page);
    await submitSignIn(page, member.email, 'not-the-password-at-all');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect(await error.getAttribute('role')).to.equal('alert');
    expect(await error.innerText()).to.contain('The email address or password is not correct.');
    expect(await page.getByTestId('login-password').inputValue(), 'the wrong password is cleared').to.equal('');
    await screenshot(page, 'en-signin-wrong-password');
    await context.close();
  });

  it('says the account is locked after repeated failures', async () => {
    const { member } = await createTenant();
    for (let attempt = 0; attempt < 5; attempt += 1) await post('/api/auth/login', { email: member.email, password: 'wrong-password-again' });
    const { context, page } = await openPage(browser);
    await gotoSignIn(page);
    await submitSignIn(page, member.email, member.password);
    await page.getByTestId('login-error').waitFor();
    expect(await page.getByTestId('login-error').innerText()).to.contain('Too many failed attempts');
    await context.close();
  });

  it('changes the password and so signs out every other session', async () => {
    const { analyst } = await createTenant();
    const here = await openPage(browser);
    const elsewhere = await openPage(browser);
    await signIn(here.page, analyst);
    await signIn(elsewhere.page, analyst);

    await here.page.getByTestId('nav-account').click();
    const fresh = `${analyst.password}-renewed`;
    await here.page.getByTestId('password-current').fill(analyst.password);
    await here.page.getByTestId('password-new').fill(fresh);
    await here.page.getByTestId('password-confirm').fill(fresh);
    await here.page.getByTestId('password-submit').click();
    await here.page.getByTestId('password-changed').waitFor();

    await elsewhere.page.getByTestId('signin-notice').waitFor({ timeout: 15_000 });
    await here.page.getByTestId('nav-dashboard').click();
    await here.page.getByTestId('dashboard-organisation').waitFor();
    expect(await here.page.getByTestId('sign-out').isVisible(), 'this session stays').to.equal(true);
    await here.context.close();
    await elsewhere.context.close();
  });

  it('resumes the session after a reload in the same tab', async () => {
    const { analyst } = await createTenant();
    const { context, page } = await openPage(browser);
    await signIn(page, analyst);
    await page.getByTestId('nav-account').click();
    await page.getByTestId('profile-name').fill('Fatou Ndiaye');
    await page.getByTestId('profile-submit').click();
    await page.getByTestId('profile-saved').waitFor();
    await page.reload();
    await page.getByTestId('profile-name').waitFor();
    expect(new URL(page.url()).pathname).to.equal('/account');
    expect(await page.getByTestId('current-user').innerText()).to.contain('Fatou Ndiaye');
    await context.close();
  });

  it('enrols in MFA with a locally drawn QR code, then signs in with a code', async () => {
    const { analyst } = await createTenant();
    const { context, page, errors } = await openPage(browser);
    await signIn(page, analyst);
    await page.getByTestId('nav-account').click();
    await page.getByTestId('mfa-password').fill('not-the-password-at-all');
    await page.getByTestId('mfa-setup').click();
    await page.getByTestId('mfa-error').waitFor();
    expect(await page.getByTestId('mfa-error').innerText()).to.contain('The current password is not correct.');
    await page.getByTestId('mfa-password').fill(analyst.password);
    await page.getByTestId('mfa-setup').click();
    const qr = page.getByTestId('mfa-qr');
    await qr.waitFor();
    expect(await qr.getAttribute('src')).to.match(/^data:image\/png;base64,/);
    const secret = await page.getByTestId('mfa-secret').getAttribute('data-secret');
    expect(secret).to.match(/^[A-Z2-7]+=*$/);
    await screenshot(page, 'en-account-mfa-setup');
    await page.getByTestId('mfa-enable-code').fill(totp(secret!));
    await page.getByTestId('mfa-enable-submit').click();
    // The ten recovery codes, once, and a deliberate "I have saved them" before going on.
    await page.getByTestId('recovery-codes').waitFor();
    const codes = await page.getByTestId('recovery-code').allInnerTexts();
    expect(codes).to.have.length(10);
    expect(await page.getByTestId('recovery-done').isDisabled()).to.equal(true);
    await page.getByTestId('recovery-saved').check();
    await page.getByTestId('recovery-done').click();
    await page.getByTestId('mfa-success').waitFor();
    expect(await page.getByTestId('recovery-codes').count(), 'shown only once').to.equal(0);
    expect(await page.getByTestId('mfa-status').innerText()).to.equal('On');

    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-email').waitFor();
    await submitSignIn(page, analyst.email, analyst.password);
    const otp = page.getByTestId('login-otp');
    await otp.waitFor();
    expect(await page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? null"), 'the code field has focus').to.equal('login-otp');
    await otp.fill('000000');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    expect(await page.getByTestId('login-error').innerText()).to.contain('That code is not valid');
    await otp.fill(totp(secret!));
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-dashboard').waitFor();
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('an organisation admin requires two-step sign-in; a user without it enrols at sign-in and is signed in', async () => {
    const { organisation, admin, member } = await createTenant();
    const adminPage = await openPage(browser);
    await signIn(adminPage.page, admin);
    await adminPage.page.goto(`${baseUrl()}/admin/users`);
    await adminPage.page.getByTestId('require-mfa-toggle').check();
    await adminPage.page.getByTestId('require-mfa-message').waitFor();
    expect(await adminPage.page.getByTestId('require-mfa-message').innerText()).to.contain('now required');
    expect((await get('/api/me', member.token)).body.organisation).to.include({ id: organisation.id, requireMfa: true });
    await adminPage.context.close();

    const { context, page, errors } = await openPage(browser);
    await gotoSignIn(page);
    await submitSignIn(page, member.email, member.password);
    await page.getByTestId('mfa-enrolment').waitFor();
    expect(await page.getByTestId('enrol-qr').getAttribute('src')).to.match(/^data:image\/png;base64,/);
    const secret = await page.getByTestId('enrol-secret').getAttribute('data-secret');
    await screenshot(page, 'en-signin-mfa-enrolment');
    await page.getByTestId('enrol-code').fill(totp(secret!));
    await page.getByTestId('enrol-submit').click();
    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.getByTestId('recovery-code').count()).to.equal(10);
    await page.getByTestId('recovery-saved').check();
    await page.getByTestId('recovery-done').click();
    await page.getByTestId('current-user').waitFor({ state: 'attached' });
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('the MFA panel in Arabic: right-to-left, Arabic labels, the recovery codes left-to-right', async () => {
    const { analyst } = await createTenant();
    const { context, page, errors } = await openPage(browser);
    await signIn(page, analyst);
    await switchLanguage(page, 'ar');
    await page.getByTestId('nav-account').click();
    const panel = page.getByTestId('mfa-panel');
    expect(await panel.innerText()).to.contain('كلمة المرور الحالية أولاً');
    await page.getByTestId('mfa-password').fill(analyst.password);
    await page.getByTestId('mfa-setup').click();
    const secret = await page.getByTestId('mfa-secret').getAttribute('data-secret');
    await page.getByTestId('mfa-enable-code').fill(totp(secret!));
    await page.getByTestId('mfa-enable-submit').click();
    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.getByTestId('recovery-codes').innerText()).to.contain('احفظ رموز الاسترداد');
    expect(await page.locator('[data-testid="recovery-codes"] ol').getAttribute('dir')).to.equal('ltr');
    expect(await page.locator('html').getAttribute('dir')).to.equal('rtl');
    // The saved-codes checkbox sits at the start of its line, which in Arabic is the right.
    const label = await page.locator('[data-testid="recovery-codes"] label').boundingBox();
    const check = await page.getByTestId('recovery-saved').boundingBox();
    expect(check!.x, 'the checkbox is on the right of its label').to.be.greaterThan(label!.x + label!.width / 2);
    await screenshot(page, 'ar-account-mfa-recovery-codes');
    await switchLanguage(page, 'en');
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('signs the person out with a message when an administrator deactivates them', async () => {
    const { admin, member } = await createTenant();
    const { context, page } = await openPage(browser);
    await signIn(page, member);
    const res = await patch(`/api/users/${member.id}`, { active: false }, admin.token);
    expect(res.status).to.equal(200);
    const notice = page.getByTestId('signin-notice');
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.innerText()).to.match(/session was ended|session has ended/);
    expect((await get('/api/me', member.token)).status).to.equal(401);
    await context.close();
  });
});
