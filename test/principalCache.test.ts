import { expect } from 'chai';
import mongoose from 'mongoose';
import { Session } from '../server/models/session.js';
import { asOfficeAdmin, createOrganisation, createUser, type TestUser } from './helpers/factories.js';
import { testDomain } from './helpers/hub.js';
import { get, patch, post } from './helpers/http.js';

/** Ends the session of `user`'s access token straight in the database, without the notice a service sends. */
async function endBehindTheBack(user: TestUser) {
  const sessionId = JSON.parse(Buffer.from(user.token.split('.')[1]!, 'base64url').toString('utf8')).sid as string;
  await Session.updateOne({ _id: new mongoose.Types.ObjectId(sessionId) }, { $set: { revokedAt: new Date() } });
}

/** GET /api/me as `user`: twice, so the second answer comes from the principal cache when it may. */
async function warm(user: TestUser) {
  for (let i = 0; i < 2; i++) expect((await get('/api/me', user.token)).status).to.equal(200);
}

describe('principal cache (HTTP, one process)', () => {
  let organisationId = '';
  let admin: { token: string };

  before(async () => {
    admin = await asOfficeAdmin();
    organisationId = (await createOrganisation()).id;
  });

  it("keeps a read principal for a few seconds: a session ended behind the services' back still reads, a write does not", async () => {
    const user = await createUser(organisationId, 'member');
    await warm(user);
    // Only the cache can still answer 200 now.
    await endBehindTheBack(user);
    expect((await get('/api/me', user.token)).status).to.equal(200);
    // Writes are authorised against the database as it is now.
    expect((await patch('/api/me', { name: 'Still here?' }, user.token)).status).to.equal(401);
  });

  it("uses no kept copy while this process cannot hear the other processes' notices (Redis away)", async () => {
    const user = await createUser(organisationId, 'member');
    let listening = true;
    const uninstall = testDomain().principals.useFanout({ announce: async () => undefined, listening: () => listening });
    try {
      await warm(user);
      listening = false;
      await endBehindTheBack(user);
      expect((await get('/api/me', user.token)).status).to.equal(401);
    } finally {
      uninstall();
    }
  });

  it('drops it at once after logout', async () => {
    const user = await createUser(organisationId, 'member');
    await warm(user);
    expect((await post('/api/auth/logout', { refreshToken: user.refreshToken })).status).to.equal(204);
    expect((await get('/api/me', user.token)).status).to.equal(401);
  });

  it('drops it at once when the session ends by refresh-token reuse', async () => {
    const user = await createUser(organisationId, 'member');
    const rotated = await post('/api/auth/refresh', { refreshToken: user.refreshToken });
    expect(rotated.status).to.equal(200);
    const current = { ...user, token: rotated.body.accessToken as string };
    await warm(current);
    expect((await post('/api/auth/refresh', { refreshToken: user.refreshToken })).status).to.equal(401);
    expect((await get('/api/me', current.token)).status).to.equal(401);
  });

  it('drops it at once when the user is deactivated', async () => {
    const user = await createUser(organisationId, 'member');
    await warm(user);
    expect((await patch(`/api/users/${user.id}`, { active: false }, admin.token)).status).to.equal(200);
    expect((await get('/api/me', user.token)).status).to.equal(401);
  });

  it('reads it again at once after a role change', async () => {
    const user = await createUser(organisationId, 'member');
    await warm(user);
    expect((await patch(`/api/users/${user.id}`, { role: 'analyst' }, admin.token)).status).to.equal(200);
    const me = await get('/api/me', user.token);
    expect(me.status).to.equal(200);
    expect(me.body.user.role).to.equal('analyst');
  });

  it('reads it again at once after the user renames themselves', async () => {
    const user = await createUser(organisationId, 'member');
    await warm(user);
    expect((await patch('/api/me', { name: 'Renamed at once' }, user.token)).status).to.equal(200);
    expect((await get('/api/me', user.token)).body.user.name).to.equal('Renamed at once');
  });

  it('drops it at once when the organisation is deactivated', async () => {
    const organisation = await createOrganisation();
    const user = await createUser(organisation.id, 'member');
    await warm(user);
    expect((await patch(`/api/organisations/${organisation.id}`, { active: false }, admin.token)).status).to.equal(200);
    expect((await get('/api/me', user.token)).status).to.equal(401);
  });

  it('reads it again at once after the organisation is renamed', async () => {
    const organisation = await createOrganisation();
    const user = await createUser(organisation.id, 'member');
    await warm(user);
    expect((await patch(`/api/organisations/${organisation.id}`, { name: 'Renamed organisation' }, admin.token)).status).to.equal(200);
    expect((await get('/api/me', user.token)).body.organisation.name).to.equal('Renamed organisation');
  });

  it('drops the other sessions at once after a password change, and keeps the one that changed it', async () => {
    const user = await createUser(organisationId, 'member');
    const other = await post('/api/auth/login', { email: user.email, password: user.password });
    const second = { ...user, token: other.body.accessToken as string };
    await Promise.all([warm(user), warm(second)]);
    const changed = await post('/api/me/password', { currentPassword: user.password, newPassword: `${user.password}-new` }, user.token);
    expect(changed.status).to.equal(204);
    expect((await get('/api/me', second.token)).status).to.equal(401);
    expect((await get('/api/me', user.token)).status).to.equal(200);
    // The kept session's next write checks against the new password, not a cached hash.
    const again = await post('/api/me/password', { currentPassword: `${user.password}-new`, newPassword: `${user.password}-newer` }, user.token);
    expect(again.status).to.equal(204);
  });
});
