import { expect } from 'chai';
import { asOfficeAdmin, assessmentBody, createTenant } from './helpers/factories.js';
import { call, del, get, post } from './helpers/http.js';

// §14: API keys per organisation — hash only, role limits, revocation at once, audit names the key.

const keysOf = (orgId: string) => `/api/organisations/${orgId}/api-keys`;

describe('API keys (§14)', () => {
  it('are created by the organisation’s admin, shown once, listed without the key, and act with their role', async () => {
    const { organisation, admin, member } = await createTenant();
    const other = await createTenant();
    expect((await post(keysOf(organisation.id), { name: 'ECOWARN', role: 'analyst' })).status).to.equal(401);
    expect((await post(keysOf(organisation.id), { name: 'ECOWARN', role: 'admin' }, admin.token)).status).to.equal(400);
    expect((await post(keysOf(organisation.id), { name: 'x', role: 'member', expiresAt: '2001-01-01T00:00:00Z' }, admin.token)).status).to.equal(400);
    expect((await post(keysOf(organisation.id), { name: 'ECOWARN', role: 'member' }, member.token)).status).to.equal(403);
    expect((await post(keysOf(organisation.id), { name: 'ECOWARN', role: 'member' }, other.admin.token)).status).to.equal(404);
    expect((await get(keysOf(organisation.id), other.admin.token)).status).to.equal(404);

    const created = await post(keysOf(organisation.id), { name: 'ECOWARN', role: 'analyst' }, admin.token);
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ name: 'ECOWARN', role: 'analyst', expiresAt: null, lastUsedAt: null });
    expect(created.body.key).to.match(/^phk_[A-Za-z0-9_-]{43}$/);
    expect(created.body.key.startsWith(created.body.prefix)).to.equal(true);
    const key = created.body.key as string;

    const listed = await get(keysOf(organisation.id), admin.token);
    expect(listed.body.items.map((k: { id: string }) => k.id)).to.deep.equal([created.body.id]);
    expect(JSON.stringify(listed.body)).to.not.include(key);

    const made = await post('/api/assessments', assessmentBody({ country: 'GHA' }), key);
    expect(made.status).to.equal(201);
    expect((await get('/api/assessments?country=GHA', key)).body.items.map((a: { id: string }) => a.id)).to.include(made.body.id);
    expect((await get(`/api/assessments?country=GHA`, other.admin.token)).body.items).to.deep.equal([]);

    const audit = await get(`/api/audit?action=assessment.create&actor=${created.body.id}`, admin.token);
    expect(audit.body.items[0].actor).to.deep.include({ apiKeyId: created.body.id, organisationId: organisation.id });
    expect((await get(keysOf(organisation.id), admin.token)).body.items[0].lastUsedAt).to.be.a('string');
  });

  it('cannot manage users, keys, webhooks or MFA, and a member key cannot write', async () => {
    const { organisation, admin, member } = await createTenant();
    const analystKey = (await post(keysOf(organisation.id), { name: 'A', role: 'analyst' }, admin.token)).body.key as string;
    const memberKey = (await post(keysOf(organisation.id), { name: 'M', role: 'member' }, admin.token)).body.key as string;
    expect((await get(`/api/organisations/${organisation.id}/users`, analystKey)).status).to.equal(403);
    expect(
      (await post(`/api/organisations/${organisation.id}/users`, { email: 'k@hub.test', name: 'K', role: 'admin', password: 'a-long-password-1' }, analystKey))
        .status,
    ).to.equal(403);
    expect((await call('PATCH', `/api/users/${member.id}`, { role: 'admin' }, { token: analystKey })).status).to.equal(403);
    expect((await post(keysOf(organisation.id), { name: 'B', role: 'analyst' }, analystKey)).status).to.equal(403);
    expect(
      (
        await post(
          `/api/organisations/${organisation.id}/webhooks`,
          { url: 'https://example.org/h', events: ['assessment.shared'], secret: 'a-secret-of-16-chars' },
          analystKey,
        )
      ).status,
    ).to.equal(403);
    expect((await post('/api/me/mfa/setup', { currentPassword: 'whatever-password' }, analystKey)).status).to.equal(403);
    expect((await post('/api/me/password', { currentPassword: 'whatever-password', newPassword: 'another-long-password' }, analystKey)).status).to.equal(403);
    expect((await post('/api/assessments', assessmentBody(), memberKey)).status).to.equal(403);
    expect((await get('/api/assessments', memberKey)).status).to.equal(200);
  });

  it('answers 401 on the very next request once revoked or expired; only its organisation’s admin revokes it', async () => {
    const { organisation, admin } = await createTenant();
    const other = await createTenant();
    const office = await asOfficeAdmin();
    const created = await post(keysOf(organisation.id), { name: 'CEWARN', role: 'member' }, admin.token);
    const { key, id } = created.body as { key: string; id: string };
    expect((await get('/api/assessments', key)).status).to.equal(200); // kept in the principal cache now
    expect((await del(`/api/api-keys/${id}`, other.admin.token)).status).to.equal(404);
    expect((await del(`/api/api-keys/${id}`, office.token)).status).to.equal(403);
    expect((await del(`/api/api-keys/${id}`, admin.token)).status).to.equal(204);
    const after = await get('/api/assessments', key);
    expect(after.status).to.equal(401);
    expect(after.body.error.code).to.equal('unauthenticated');
    expect((await del(`/api/api-keys/${id}`, admin.token)).status).to.equal(404);
    expect((await get(keysOf(organisation.id), admin.token)).body.items).to.deep.equal([]);
    expect((await get('/api/assessments', 'phk_unknown-key-of-the-right-looks-0000000000000')).status).to.equal(401);
    const audit = await get(`/api/audit?action=apikey.revoke`, admin.token);
    expect(audit.body.items[0].target).to.deep.include({ type: 'apikey', id });

    const soon = new Date(Date.now() + 1500).toISOString();
    const expiring = (await post(keysOf(organisation.id), { name: 'Short', role: 'member', expiresAt: soon }, admin.token)).body.key as string;
    expect((await get('/api/assessments', expiring)).status).to.equal(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await get('/api/assessments', expiring)).status).to.equal(401);
  });
});
