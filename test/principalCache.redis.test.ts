import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { HubProcess } from './helpers/process.js';
import { createOrganisationAt, createUserAt, requestAt, signInAt, startHubPair, type HubPair } from './helpers/hubPair.js';

/** A user created through `hub` with a password the test knows, signed in there (access and refresh token). */
async function newUser(hub: HubProcess, adminToken: string, organisationId: string) {
  const email = `cache-${randomBytes(4).toString('hex')}@hub.test`;
  const password = `password-${randomBytes(4).toString('hex')}-long`;
  const created = await requestAt<{ id: string }>(
    hub,
    'POST',
    `/api/organisations/${organisationId}/users`,
    { email, name: 'Cache user', role: 'member', password },
    adminToken,
  );
  expect(created.status).to.equal(201);
  const session = await requestAt<{ accessToken: string; refreshToken: string }>(hub, 'POST', '/api/auth/login', { email, password });
  expect(session.status).to.equal(200);
  return { id: created.body.id, ...session.body };
}

/** GET /api/me at `hub`, twice: the second answer comes from that process's principal cache. */
async function warm(hub: HubProcess, token: string) {
  for (let i = 0; i < 2; i++) expect((await requestAt(hub, 'GET', '/api/me', undefined, token)).status).to.equal(200);
}

describe('principal cache across hub processes (REDIS_URL)', function () {
  this.timeout(120_000);
  let pair: HubPair;
  let adminToken = '';
  let organisationId = '';

  before(async () => {
    pair = await startHubPair();
    adminToken = (await signInAt(pair.a)).accessToken;
    organisationId = await createOrganisationAt(pair.a, adminToken);
  });

  afterEach(function () {
    // A failure here is easier to read with what the processes logged.
    if (this.currentTest?.state === 'failed') process.stderr.write(`A:\n${pair.a.stdout()}${pair.a.stderr()}\nB:\n${pair.b.stdout()}${pair.b.stderr()}\n`);
  });

  after(() => pair?.stop());

  it('logout through A: the principal B keeps is dropped at once', async () => {
    const user = await newUser(pair.a, adminToken, organisationId);
    await warm(pair.b, user.accessToken);
    expect((await requestAt(pair.a, 'POST', '/api/auth/logout', { refreshToken: user.refreshToken })).status).to.equal(204);
    expect((await requestAt(pair.b, 'GET', '/api/me', undefined, user.accessToken)).status).to.equal(401);
  });

  it('refresh-token reuse through A: the session B keeps is dropped at once', async () => {
    const user = await newUser(pair.a, adminToken, organisationId);
    const rotated = await requestAt<{ accessToken: string }>(pair.a, 'POST', '/api/auth/refresh', { refreshToken: user.refreshToken });
    await warm(pair.b, rotated.body.accessToken);
    expect((await requestAt(pair.a, 'POST', '/api/auth/refresh', { refreshToken: user.refreshToken })).status).to.equal(401);
    expect((await requestAt(pair.b, 'GET', '/api/me', undefined, rotated.body.accessToken)).status).to.equal(401);
  });

  for (const [from, to] of [
    ['A', 'B'],
    ['B', 'A'],
  ] as const) {
    it(`deactivating a user through ${from}: ${to} refuses their token at once`, async () => {
      const [via, other] = from === 'A' ? [pair.a, pair.b] : [pair.b, pair.a];
      const user = await createUserAt(via, adminToken, organisationId);
      await warm(other, user.token);
      expect((await requestAt(via, 'PATCH', `/api/users/${user.id}`, { active: false }, adminToken)).status).to.equal(200);
      expect((await requestAt(other, 'GET', '/api/me', undefined, user.token)).status).to.equal(401);
    });
  }

  it('a role change through A: B answers with the new role at once', async () => {
    const user = await createUserAt(pair.a, adminToken, organisationId, 'member');
    await warm(pair.b, user.token);
    expect((await requestAt(pair.a, 'PATCH', `/api/users/${user.id}`, { role: 'analyst' }, adminToken)).status).to.equal(200);
    const me = await requestAt<{ user: { role: string } }>(pair.b, 'GET', '/api/me', undefined, user.token);
    expect(me.status).to.equal(200);
    expect(me.body.user.role).to.equal('analyst');
  });

  it('deactivating an organisation through A: B refuses its users at once', async () => {
    const organisation = await createOrganisationAt(pair.a, adminToken);
    const user = await createUserAt(pair.a, adminToken, organisation);
    await warm(pair.b, user.token);
    expect((await requestAt(pair.a, 'PATCH', `/api/organisations/${organisation}`, { active: false }, adminToken)).status).to.equal(200);
    expect((await requestAt(pair.b, 'GET', '/api/me', undefined, user.token)).status).to.equal(401);
  });
});
