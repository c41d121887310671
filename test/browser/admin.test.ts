import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { asOfficeAdmin, createTenant, login } from '../helpers/factories.js';
import { baseUrl } from '../helpers/hub.js';
import { get, post } from '../helpers/http.js';
import { ensureBuilt, hasChromium, launch, openPage, screenshot, signIn } from './browser.js';

const unique = () => randomBytes(4).toString('hex');

describe('browser: administration', function () {
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

  it('lets an organisation admin create a user, who can then sign in', async () => {
    const { admin, organisation } = await createTenant();
    const { context, page, errors } = await openPage(browser);
    await signIn(page, admin);
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('users-table').waitFor();
    expect(await page.getByTestId('admin-tab-organisations').count(), 'only the Office manages organisations').to.equal(0);

    const email = `ui-${unique()}@hub.test`;
    const password = `initial-${unique()}-password`;
    await page.getByTestId('user-create-email').fill(email);
    await page.getByTestId('user-create-name').fill('Amina Diallo');
    await page.getByTestId('user-create-role').selectOption('member');
    await page.getByTestId('user-create-password').fill(password);
    await page.getByTestId('user-create-submit').click();
    await page.getByTestId(`user-row-${email}`).waitFor();
    expect(await page.getByTestId('users-message').innerText()).to.contain('Amina Diallo');
    await screenshot(page, 'en-admin-user-created');

    const listed = await get(`/api/organisations/${organisation.id}/users`, admin.token);
    expect(listed.body.items.find((user: { email: string }) => user.email === email)).to.include({ name: 'Amina Diallo', role: 'member' });
    const session = await login(email, password);
    expect(session.user.organisationId).to.equal(organisation.id);
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('changes a role and deactivates a user', async () => {
    const { admin, analyst, member } = await createTenant();
    const { context, page } = await openPage(browser);
    await signIn(page, admin);
    await page.goto(`${baseUrl()}/admin/users`);
    await page.getByTestId(`user-role-${analyst.email}`).selectOption('member');
    await page.getByTestId('users-message').getByText('is now').waitFor();
    await page.getByTestId(`user-toggle-${member.email}`).click();
    await page.getByTestId('users-message').getByText('deactivated').waitFor();

    const users = (await get(`/api/organisations/${admin.organisationId}/users`, admin.token)).body.items as { id: string; role: string; active: boolean }[];
    expect(users.find((user) => user.id === analyst.id)?.role).to.equal('member');
    expect(users.find((user) => user.id === member.id)?.active).to.equal(false);
    expect((await post('/api/auth/login', { email: member.email, password: member.password })).status).to.equal(401);
    await context.close();
  });

  it('never shows a user of another organisation to an organisation admin', async () => {
    const mine = await createTenant();
    const other = await createTenant();
    const { context, page } = await openPage(browser);
    await signIn(page, mine.admin);

    await page.getByTestId('nav-admin').click();
    await page.getByTestId('users-table').waitFor();
    const usersText = await page.locator('body').innerText();
    expect(usersText).to.contain(mine.analyst.email);
    for (const user of [other.admin, other.analyst, other.member]) expect(usersText).not.to.contain(user.email);

    await page.goto(`${baseUrl()}/admin/organisations/${other.organisation.id}/users`);
    await page.getByTestId('users-not-found').waitFor();
    expect(await page.locator('body').innerText()).not.to.contain(other.admin.email);

    await page.getByTestId('admin-tab-audit').click();
    await page.getByTestId('audit-table').waitFor();
    const auditText = await page.locator('body').innerText();
    for (const user of [other.admin, other.analyst, other.member]) {
      expect(auditText).not.to.contain(user.email);
      expect(auditText).not.to.contain(`Test ${user.role} ${user.email}`);
    }
    expect(await page.getByTestId('audit-verify').count(), 'only the Office verifies the chain').to.equal(0);
    await context.close();
  });

  it('lets the Office admin create an organisation and a user of it through the UI', async () => {
    const office = await asOfficeAdmin();
    const parent = (await post('/api/organisations', { slug: `p-${unique()}`, name: 'Parent organisation', kind: 'regional' }, office.token)).body as {
      id: string;
    };
    const { context, page, errors } = await openPage(browser);
    await signIn(page);
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-tab-organisations').click();
    await page.getByTestId('orgs-table').waitFor();

    const slug = `ui-${unique()}`;
    await page.getByTestId('org-create-name').fill('Comité national de prévention');
    await page.getByTestId('org-create-slug').fill(slug);
    await page.getByTestId('org-create-kind').selectOption('national');
    await page.getByTestId('org-create-parent').selectOption(parent.id);
    await page.getByTestId('org-create-submit').click();
    await page.getByTestId(`org-row-${slug}`).waitFor();

    const organisations = (await get('/api/organisations?limit=100&includeInactive=1', office.token)).body.items as {
      id: string;
      slug: string;
      kind: string;
      parentId: string | null;
    }[];
    const created = organisations.find((organisation) => organisation.slug === slug);
    expect(created).to.include({ kind: 'national', parentId: parent.id });

    await page.getByTestId(`org-users-${slug}`).click();
    await page.getByTestId('user-create-email').waitFor();
    const email = `ui-${unique()}@hub.test`;
    await page.getByTestId('user-create-email').fill(email);
    await page.getByTestId('user-create-name').fill('Jean Mukeshimana');
    await page.getByTestId('user-create-role').selectOption('admin');
    await page.getByTestId('user-create-generate').click();
    const password = await page.getByTestId('user-create-password').inputValue();
    expect(password.length).to.be.greaterThanOrEqual(12);
    await page.getByTestId('user-create-submit').click();
    await page.getByTestId(`user-row-${email}`).waitFor();
    const session = await login(email, password);
    expect(session.user.organisationId).to.equal(created!.id);

    // The Office admin can pick any organisation on the users page.
    await page.getByTestId('admin-tab-users').click();
    await page.getByTestId('users-organisation').selectOption(created!.id);
    await page.getByTestId(`user-row-${email}`).waitFor();
    expect(new URL(page.url()).pathname).to.equal(`/admin/organisations/${created!.id}/users`);

    // Rename it, then deactivate it, from the list.
    await page.getByTestId('admin-tab-organisations').click();
    await page.getByTestId(`org-rename-${slug}`).click();
    await page.getByTestId(`org-rename-input-${slug}`).fill('لجنة الوقاية الوطنية');
    await page.getByTestId(`org-rename-save-${slug}`).click();
    await page.getByTestId('orgs-message').getByText('لجنة الوقاية الوطنية').waitFor();
    const renamed = (await get('/api/organisations?limit=100', office.token)).body.items.find((organisation: { slug: string }) => organisation.slug === slug);
    expect(renamed.name).to.equal('لجنة الوقاية الوطنية');
    await page.getByTestId(`org-toggle-${slug}`).click();
    await page.getByTestId('orgs-message').getByText('deactivated').waitFor();
    expect((await post('/api/auth/login', { email, password })).status).to.equal(401);
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it('runs the audit verify and shows its result', async () => {
    const { context, page } = await openPage(browser);
    await signIn(page);
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-tab-audit').click();
    await page.getByTestId('audit-table').waitFor();
    await page.getByTestId('audit-verify').click();
    const result = page.locator('[data-testid="audit-verify-result"][data-ok]');
    await result.waitFor();
    expect(await result.getAttribute('data-ok')).to.equal('true');
    expect(await result.innerText()).to.contain('The audit trail is intact.');

    await page.getByTestId('audit-filter-action').selectOption('auth.login');
    await page.getByTestId('audit-filter-submit').click();
    await page.locator('[data-testid="audit-row"]:not([data-action="auth.login"])').first().waitFor({ state: 'detached' });
    expect(await page.getByTestId('audit-row').count()).to.be.greaterThan(0);
    await screenshot(page, 'en-admin-audit-verified');
    await context.close();
  });
});
