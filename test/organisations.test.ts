import { expect } from 'chai';
import { del, get, patch, post } from './helpers/http.js';
import { asOfficeAdmin, createOrganisation, createTenant, createUser } from './helpers/factories.js';

describe('organisations and users (§4)', () => {
  describe('GET /api/organisations', () => {
    it('lists active organisations, including the Office, paged with a cursor', async () => {
      const { member } = await createTenant();
      await Promise.all([createOrganisation(), createOrganisation()]);
      const first = await get('/api/organisations?limit=2', member.token);
      expect(first.status).to.equal(200);
      expect(first.body.items).to.have.length(2);
      expect(first.body.nextCursor).to.be.a('string');
      const all: { slug: string; kind: string; active: boolean }[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: typeof all; nextCursor: string | null } } = await get(
          `/api/organisations?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
          member.token,
        );
        all.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      const office = all.find((o) => o.slug === 'osapg');
      expect(office).to.include({ kind: 'office', active: true });
      expect(all.every((o) => o.active)).to.equal(true);
      expect(new Set(all.map((o) => o.slug)).size).to.equal(all.length);
    });

    it('hides deactivated organisations except from the Office admin asking for them', async () => {
      const admin = await asOfficeAdmin();
      const { member } = await createTenant();
      const gone = await createOrganisation();
      await patch(`/api/organisations/${gone.id}`, { active: false }, admin.token);
      const seen = await get('/api/organisations?limit=100&includeInactive=1', member.token);
      expect(JSON.stringify(seen.body.items)).to.not.contain(gone.id);
      const adminView: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await get(
          `/api/organisations?limit=100&includeInactive=1${cursor ? `&cursor=${cursor}` : ''}`,
          admin.token,
        );
        adminView.push(...page.body.items.map((o) => o.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(adminView).to.include(gone.id);
    });

    it('401 without a token; 400 for a bad limit, a forged cursor or an unknown parameter', async () => {
      const { member } = await createTenant();
      expect((await get('/api/organisations')).status).to.equal(401);
      for (const q of ['limit=0', 'limit=101', 'limit=abc', 'cursor=garbage', 'foo=1', 'limit[$gt]=1']) {
        const res = await get(`/api/organisations?${q}`, member.token);
        expect(res.status, q).to.equal(400);
        expect(res.body.error.code).to.equal('invalid_request');
      }
    });
  });

  describe('POST /api/organisations', () => {
    it('lets the Office admin create one (201), with a national committee under a parent', async () => {
      const admin = await asOfficeAdmin();
      const parent = await createOrganisation({ kind: 'subregional' });
      const slug = `nat-${Date.now().toString(36)}`;
      const res = await post('/api/organisations', { slug, name: 'National committee', kind: 'national', parentId: parent.id }, admin.token);
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ slug, name: 'National committee', kind: 'national', parentId: parent.id, active: true });
      expect(res.body.id).to.match(/^[0-9a-f]{24}$/);
      const again = await post('/api/organisations', { slug, name: 'Twice', kind: 'regional' }, admin.token);
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal('conflict');
    });

    it('refuses everyone else with 403, and bad input with 400, storing nothing', async () => {
      const admin = await asOfficeAdmin();
      const { admin: partnerAdmin, analyst } = await createTenant();
      const officeAnalyst = await createUser(admin.organisationId, 'analyst');
      for (const token of [partnerAdmin.token, analyst.token, officeAnalyst.token]) {
        const res = await post('/api/organisations', { slug: `x-${Date.now().toString(36)}`, name: 'X', kind: 'regional' }, token);
        expect(res.status).to.equal(403);
        expect(res.body.error.code).to.equal('forbidden');
      }
      const bad = [
        { slug: 'A', name: 'x', kind: 'regional' },
        { slug: '1abc', name: 'x', kind: 'regional' },
        { slug: 'abc', name: 'x', kind: 'office' },
        { slug: 'abc', name: '', kind: 'regional' },
        { slug: 'abc', name: 'x', kind: 'galactic' },
        { slug: 'abc', name: 'x', kind: 'regional', extra: true },
        { slug: { $gt: '' }, name: 'x', kind: 'regional' },
        { slug: 'abc', name: 'x', kind: 'regional', parentId: 'nope' },
        { slug: 'abc-parent', name: 'x', kind: 'national', parentId: '0123456789abcdef01234567' },
      ];
      for (const body of bad) {
        const res = await post('/api/organisations', body, admin.token);
        expect(res.status, JSON.stringify(body)).to.equal(400);
      }
      const list = await get('/api/organisations?limit=100', admin.token);
      expect(JSON.stringify(list.body)).to.not.contain('"abc-parent"');
    });
  });

  describe('PATCH /api/organisations/:id', () => {
    it('renames and deactivates (Office admin); 403 for others; 404 for unknown ids', async () => {
      const admin = await asOfficeAdmin();
      const { organisation, admin: partnerAdmin, member } = await createTenant();
      const renamed = await patch(`/api/organisations/${organisation.id}`, { name: 'Renamed' }, admin.token);
      expect(renamed.status).to.equal(200);
      expect(renamed.body).to.include({ id: organisation.id, name: 'Renamed', active: true });
      expect((await patch(`/api/organisations/${organisation.id}`, { name: 'Mine' }, partnerAdmin.token)).status).to.equal(403);
      expect((await patch('/api/organisations/0123456789abcdef01234567', { name: 'x' }, admin.token)).status).to.equal(404);
      expect((await patch(`/api/organisations/${organisation.id}`, { slug: 'changed' }, admin.token)).status).to.equal(400);
      const off = await patch(`/api/organisations/${organisation.id}`, { active: false }, admin.token);
      expect(off.body.active).to.equal(false);
      // Its users lose access at once.
      expect((await get('/api/me', member.token)).status).to.equal(401);
    });

    it('a deactivated organisation is unknown (404) to everyone but the Office admin, like an unknown id', async () => {
      const admin = await asOfficeAdmin();
      const [gone, other] = await Promise.all([createTenant(), createTenant()]);
      expect((await patch(`/api/organisations/${gone.organisation.id}`, { active: false }, admin.token)).status).to.equal(200);
      const tried = await patch(`/api/organisations/${gone.organisation.id}`, { name: 'Taken over' }, other.admin.token);
      expect(tried.status).to.equal(404);
      expect(tried.body.error.code).to.equal('not_found');
      const back = await patch(`/api/organisations/${gone.organisation.id}`, { active: true }, admin.token);
      expect(back.body).to.include({ active: true, name: gone.organisation.name });
    });

    it('the Office itself cannot be deactivated', async () => {
      const admin = await asOfficeAdmin();
      const res = await patch(`/api/organisations/${admin.organisationId}`, { active: false }, admin.token);
      expect(res.status).to.equal(403);
      expect((await get('/api/me', admin.token)).status).to.equal(200);
    });
  });

  describe('users of an organisation', () => {
    it('an organisation admin lists and creates its own users', async () => {
      const { organisation, admin } = await createTenant();
      const created = await post(
        `/api/organisations/${organisation.id}/users`,
        { email: `New.${Date.now()}@Hub.test`, name: 'New analyst', role: 'analyst', password: 'initial-password-1' },
        admin.token,
      );
      expect(created.status).to.equal(201);
      expect(created.body).to.include({ organisationId: organisation.id, role: 'analyst', active: true, mfaEnabled: false });
      expect(created.body.email).to.equal(created.body.email.toLowerCase());
      expect(created.body).to.not.have.any.keys('password', 'passwordHash');
      const list = await get(`/api/organisations/${organisation.id}/users`, admin.token);
      expect(list.status).to.equal(200);
      expect(list.body.items.map((u: { id: string }) => u.id)).to.include(created.body.id);
      expect(list.body.items.every((u: { organisationId: string }) => u.organisationId === organisation.id)).to.equal(true);
      const dup = await post(
        `/api/organisations/${organisation.id}/users`,
        { email: created.body.email, name: 'Dup', role: 'member', password: 'initial-password-1' },
        admin.token,
      );
      expect(dup.status).to.equal(409);
    });

    it("another partner's admin gets 404 for its users, reading or creating", async () => {
      const a = await createTenant();
      const b = await createTenant();
      expect((await get(`/api/organisations/${b.organisation.id}/users`, a.admin.token)).status).to.equal(404);
      const res = await post(
        `/api/organisations/${b.organisation.id}/users`,
        { email: `intruder-${Date.now()}@hub.test`, name: 'Intruder', role: 'admin', password: 'intruder-password' },
        a.admin.token,
      );
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('not_found');
      const list = await get(`/api/organisations/${b.organisation.id}/users?limit=100`, b.admin.token);
      expect(JSON.stringify(list.body)).to.not.contain('intruder');
    });

    it('analysts and members see 403 for their own organisation, 404 for another', async () => {
      const a = await createTenant();
      const b = await createTenant();
      for (const user of [a.analyst, a.member]) {
        expect((await get(`/api/organisations/${a.organisation.id}/users`, user.token)).status).to.equal(403);
        expect(
          (
            await post(
              `/api/organisations/${a.organisation.id}/users`,
              { email: `x-${Date.now()}@hub.test`, name: 'X', role: 'member', password: 'some-password-1' },
              user.token,
            )
          ).status,
        ).to.equal(403);
        expect((await get(`/api/organisations/${b.organisation.id}/users`, user.token)).status).to.equal(404);
      }
    });

    it("the Office admin sees and manages every organisation's users", async () => {
      const admin = await asOfficeAdmin();
      const { organisation, member } = await createTenant();
      const list = await get(`/api/organisations/${organisation.id}/users`, admin.token);
      expect(list.status).to.equal(200);
      expect(list.body.items.map((u: { id: string }) => u.id)).to.include(member.id);
      expect((await get('/api/organisations/0123456789abcdef01234567/users', admin.token)).status).to.equal(404);
      expect((await get('/api/organisations/not-an-id/users', admin.token)).status).to.equal(400);
    });

    it('user creation validates every field and stores nothing on a bad body', async () => {
      const { organisation, admin } = await createTenant();
      const email = `valid-${Date.now()}@hub.test`;
      const bad = [
        { email, name: 'X', role: 'admin', password: 'short' },
        { email: 'not-an-email', name: 'X', role: 'admin', password: 'long-enough-password' },
        { email, name: 'X', role: 'superadmin', password: 'long-enough-password' },
        { email, name: 'X', role: 'member', password: 'long-enough-password', organisationId: organisation.id },
        { email, name: 'X', role: 'member' },
        { email: { $ne: null }, name: 'X', role: 'member', password: 'long-enough-password' },
      ];
      for (const body of bad) {
        const res = await post(`/api/organisations/${organisation.id}/users`, body, admin.token);
        expect(res.status, JSON.stringify(body)).to.equal(400);
      }
      const list = await get(`/api/organisations/${organisation.id}/users?limit=100`, admin.token);
      expect(JSON.stringify(list.body)).to.not.contain(email);
    });
  });

  describe('PATCH /api/users/:id', () => {
    it('an organisation admin changes a role, renames and deactivates its users', async () => {
      const { admin, member } = await createTenant();
      const res = await patch(`/api/users/${member.id}`, { role: 'analyst', name: 'Promoted' }, admin.token);
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ id: member.id, role: 'analyst', name: 'Promoted' });
      // The new role holds on the next request, with the same token.
      expect((await get('/api/me', member.token)).body.user.role).to.equal('analyst');
    });

    it('a member cannot make itself admin (403); nobody demotes or deactivates themselves', async () => {
      const { admin, member } = await createTenant();
      const self = await patch(`/api/users/${member.id}`, { role: 'admin' }, member.token);
      expect(self.status).to.equal(403);
      expect((await get('/api/me', member.token)).body.user.role).to.equal('member');
      expect((await patch(`/api/users/${admin.id}`, { role: 'member' }, admin.token)).status).to.equal(403);
      expect((await patch(`/api/users/${admin.id}`, { active: false }, admin.token)).status).to.equal(403);
      expect((await patch(`/api/users/${admin.id}`, { name: 'Still me' }, admin.token)).status).to.equal(200);
    });

    it('an admin of another organisation gets 404 and changes nothing', async () => {
      const a = await createTenant();
      const b = await createTenant();
      const res = await patch(`/api/users/${b.member.id}`, { role: 'admin' }, a.admin.token);
      expect(res.status).to.equal(404);
      expect((await get('/api/me', b.member.token)).body.user.role).to.equal('member');
      const office = await asOfficeAdmin();
      expect((await patch(`/api/users/${office.id}`, { active: false }, a.admin.token)).status).to.equal(404);
    });

    it('400 for unknown fields, wrong types and operators; 404 for unknown ids', async () => {
      const { admin, member } = await createTenant();
      for (const body of [
        { email: 'x@y.z' },
        { role: 1 },
        { active: 'no' },
        { organisationId: admin.organisationId },
        { name: { $set: 'x' } },
        { 'profile.name': 'x' },
      ]) {
        expect((await patch(`/api/users/${member.id}`, body, admin.token)).status, JSON.stringify(body)).to.equal(400);
      }
      expect((await patch('/api/users/0123456789abcdef01234567', { name: 'x' }, admin.token)).status).to.equal(404);
      expect((await del(`/api/users/${member.id}`, admin.token)).status).to.equal(404);
    });
  });
});
