import { expect } from 'chai';
import mongoose from 'mongoose';
import { Assessment } from '../server/models/assessment.js';
import { ASSESSMENT_FEED } from '../server/repositories/assessments.js';
import { publishChange } from '../server/store/changeFeed.js';
import { del, get, patch, post } from './helpers/http.js';
import { asOfficeAdmin, assessmentBody, createAssessment, createOrganisation, createTenant, createUser, type TestUser } from './helpers/factories.js';
import { closeSockets, connectSocket, record, until } from './helpers/sockets.js';

type Tenant = Awaited<ReturnType<typeof createTenant>>;

/** Every id of a list, following cursors. */
async function listIds(token: string, query = ''): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await get(
      `/api/assessments?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`,
      token,
    );
    expect(res.status).to.equal(200);
    ids.push(...res.body.items.map((a) => a.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

describe('country assessments (§5, §6)', () => {
  let owner: Tenant;
  let partner: Tenant;
  let stranger: Tenant;
  let officeMember: TestUser;
  let officeAdmin: { token: string; organisationId: string; id: string };

  before(async () => {
    [owner, partner, stranger] = await Promise.all([createTenant(), createTenant(), createTenant()]);
    officeAdmin = await asOfficeAdmin();
    officeMember = await createUser(officeAdmin.organisationId, 'member');
  });
  afterEach(closeSockets);

  describe('visibility: every scope, draft and published, every role', () => {
    const scopes = ['organisation', 'office', 'selected', 'all'] as const;
    // Who sees a published item of each scope (§5); drafts: the owner only.
    const sees: Record<(typeof scopes)[number], ('owner' | 'office' | 'partner' | 'stranger')[]> = {
      organisation: ['owner'],
      office: ['owner', 'office'],
      selected: ['owner', 'office', 'partner'],
      all: ['owner', 'office', 'partner', 'stranger'],
    };

    for (const scope of scopes) {
      for (const published of [false, true]) {
        it(`${scope}, ${published ? 'published' : 'draft'}: reads and lists agree with §5`, async () => {
          const sharing = { scope, organisations: scope === 'selected' ? [partner.organisation.id] : [] };
          const a = await createAssessment(owner.analyst, { sharing, classification: 'confidential' }, published);
          const viewers: [string, TestUser | { token: string }, boolean][] = [
            ['owner', owner.member, true],
            ['owner', owner.admin, true],
            ['office', officeMember, published && sees[scope].includes('office')],
            ['office', officeAdmin, published && sees[scope].includes('office')],
            ['partner', partner.member, published && sees[scope].includes('partner')],
            ['partner', partner.admin, published && sees[scope].includes('partner')],
            ['stranger', stranger.analyst, published && sees[scope].includes('stranger')],
          ];
          for (const [who, user, visible] of viewers) {
            const read = await get(`/api/assessments/${a.id}`, user.token);
            expect(read.status, `${who} read`).to.equal(visible ? 200 : 404);
            if (!visible) expect(read.body.error.code).to.equal('not_found');
            const listed = (await listIds(user.token, `&country=KEN`)).includes(a.id);
            expect(listed, `${who} list`).to.equal(visible);
            const versions = await get(`/api/assessments/${a.id}/versions`, user.token);
            expect(versions.status, `${who} versions`).to.equal(visible ? 200 : 404);
            const overview = await get('/api/countries/KEN/overview', user.token);
            expect(
              overview.body.history.some((h: { assessmentId: string }) => h.assessmentId === a.id),
              `${who} overview`,
            ).to.equal(visible && published);
          }
        });
      }
    }

    it('no token: 401 on every assessment call', async () => {
      const a = await createAssessment(owner.analyst, {}, true);
      for (const [method, path] of [
        ['GET', '/api/assessments'],
        ['GET', `/api/assessments/${a.id}`],
        ['POST', '/api/assessments'],
        ['PATCH', `/api/assessments/${a.id}`],
        ['GET', '/api/countries/KEN/overview'],
        ['GET', '/api/framework'],
        ['GET', '/api/countries'],
      ]) {
        const res = await (method === 'GET' ? get(path!) : method === 'POST' ? post(path!, {}) : patch(path!, {}));
        expect(res.status, `${method} ${path}`).to.equal(401);
      }
    });
  });

  describe('who may change what', () => {
    it('owner admin and analyst edit and publish; owner member gets 403; a partner who sees it gets 403; others 404', async () => {
      const a = await createAssessment(owner.analyst, { sharing: { scope: 'all', organisations: [] } }, true);
      expect((await patch(`/api/assessments/${a.id}`, { version: a.version, title: 'By the admin' }, owner.admin.token)).status).to.equal(200);
      expect((await patch(`/api/assessments/${a.id}`, { version: a.version + 1, title: 'By the analyst' }, owner.analyst.token)).status).to.equal(200);
      for (const user of [owner.member, partner.admin, partner.analyst, officeMember]) {
        const res = await patch(`/api/assessments/${a.id}`, { version: a.version + 2, title: 'Not mine' }, user.token);
        expect(res.status).to.equal(403);
        expect(res.body.error.code).to.equal('forbidden');
      }
      expect((await patch(`/api/assessments/${a.id}`, { version: a.version + 2, title: 'x' }, officeAdmin.token)).status).to.equal(403);
      const draft = await createAssessment(owner.analyst);
      expect((await patch(`/api/assessments/${draft.id}`, { version: 1, title: 'x' }, partner.admin.token)).status).to.equal(404);
      expect((await post(`/api/assessments/${draft.id}/publish`, {}, partner.admin.token)).status).to.equal(404);
      expect((await post(`/api/assessments/${draft.id}/publish`, {}, owner.member.token)).status).to.equal(403);
      expect((await get(`/api/assessments/${a.id}`, owner.member.token)).body.title).to.equal('By the analyst');
    });

    it('members cannot create (403); admins and analysts can (201, draft, version 1)', async () => {
      expect((await post('/api/assessments', assessmentBody(), owner.member.token)).status).to.equal(403);
      const res = await post('/api/assessments', assessmentBody(), owner.admin.token);
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ status: 'draft', version: 1, organisationId: owner.organisation.id, country: 'KEN', publishedAt: null });
      expect(res.body.createdBy).to.equal(owner.admin.id);
    });

    it('only an owner admin deletes; then it is gone from reads and lists', async () => {
      const a = await createAssessment(owner.analyst, { sharing: { scope: 'all', organisations: [] } }, true);
      expect((await del(`/api/assessments/${a.id}`, owner.analyst.token)).status).to.equal(403);
      expect((await del(`/api/assessments/${a.id}`, partner.admin.token)).status).to.equal(403);
      expect((await del(`/api/assessments/${a.id}`, owner.admin.token)).status).to.equal(204);
      for (const user of [owner.admin, partner.member]) {
        expect((await get(`/api/assessments/${a.id}`, user.token)).status).to.equal(404);
        expect(await listIds(user.token, '&country=KEN')).to.not.include(a.id);
      }
      expect((await del(`/api/assessments/${a.id}`, owner.admin.token)).status).to.equal(404);
      const audit = await get(`/api/audit?target=${a.id}&action=assessment.delete`, officeAdmin.token);
      expect(audit.body.items).to.have.length(1);
    });
  });

  describe('versions and conflicts', () => {
    it('every change adds a version; each version is readable as it was', async () => {
      const a = await createAssessment(owner.analyst, { title: 'First', overallRisk: 1 });
      const v2 = await patch(`/api/assessments/${a.id}`, { version: 1, title: 'Second', overallRisk: 3 }, owner.analyst.token);
      expect(v2.status).to.equal(200);
      expect(v2.body.version).to.equal(2);
      const v3 = await post(`/api/assessments/${a.id}/publish`, {}, owner.analyst.token);
      expect(v3.body).to.include({ version: 3, status: 'published' });
      expect(v3.body.publishedAt).to.be.a('string');
      const versions = await get(`/api/assessments/${a.id}/versions`, owner.member.token);
      expect(versions.body.items.map((v: { version: number }) => v.version)).to.deep.equal([1, 2, 3]);
      const first = await get(`/api/assessments/${a.id}/versions/1`, owner.member.token);
      expect(first.body).to.include({ id: a.id, version: 1, title: 'First', overallRisk: 1, status: 'draft' });
      expect((await get(`/api/assessments/${a.id}/versions/2`, owner.member.token)).body).to.include({ title: 'Second', overallRisk: 3 });
      expect((await get(`/api/assessments/${a.id}/versions/4`, owner.member.token)).status).to.equal(404);
      expect((await get(`/api/assessments/${a.id}/versions/zero`, owner.member.token)).status).to.equal(400);
      expect((await post(`/api/assessments/${a.id}/publish`, {}, owner.analyst.token)).status).to.equal(409);
    });

    it('a stale version is 409; of concurrent edits from one version exactly one wins', async () => {
      const a = await createAssessment(owner.analyst);
      const edits = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          patch(`/api/assessments/${a.id}`, { version: 1, title: `Edit ${i}` }, i % 2 ? owner.analyst.token : owner.admin.token),
        ),
      );
      const statuses = edits.map((e) => e.status).sort();
      expect(statuses.filter((s) => s === 200)).to.have.length(1);
      expect(statuses.filter((s) => s === 409)).to.have.length(5);
      const winner = edits.find((e) => e.status === 200)!;
      const now = await get(`/api/assessments/${a.id}`, owner.member.token);
      expect(now.body).to.include({ version: 2, title: winner.body.title });
      const stale = await patch(`/api/assessments/${a.id}`, { version: 1, title: 'Late' }, owner.analyst.token);
      expect(stale.status).to.equal(409);
      expect(stale.body.error.code).to.equal('conflict');
      expect((await get(`/api/assessments/${a.id}/versions`, owner.member.token)).body.items).to.have.length(2);
    });
  });

  describe('input', () => {
    const bad: [string, Record<string, unknown>][] = [
      ['unknown country', { country: 'XYZ' }],
      ['alpha-2 country', { country: 'KE' }],
      ['lower-case country', { country: 'ken' }],
      ['overallRisk 5', { overallRisk: 5 }],
      ['overallRisk 2.5', { overallRisk: 2.5 }],
      ['overallRisk as text', { overallRisk: '2' }],
      ['factor 15', { riskFactors: [{ number: 15, level: 1, trend: 'stable', indicators: [], notes: '' }] }],
      [
        'factor twice',
        {
          riskFactors: [
            { number: 1, level: 1, trend: 'stable' },
            { number: 1, level: 2, trend: 'stable' },
          ],
        },
      ],
      ['level -1', { riskFactors: [{ number: 1, level: -1, trend: 'stable' }] }],
      ['bad trend', { riskFactors: [{ number: 1, level: 1, trend: 'worse' }] }],
      ['indicator of another factor', { riskFactors: [{ number: 1, level: 1, trend: 'stable', indicators: ['8.7'] }] }],
      ['unknown indicator', { riskFactors: [{ number: 8, level: 1, trend: 'stable', indicators: ['8.99'] }] }],
      ['bad date', { periodStart: '2026-13-40' }],
      ['period reversed', { periodStart: '2026-09-01', periodEnd: '2026-01-01' }],
      ['empty title', { title: '' }],
      ['huge title', { title: 'x'.repeat(201) }],
      ['bad classification', { classification: 'secret' }],
      ['bad scope', { sharing: { scope: 'world', organisations: [] } }],
      ['selected without organisations', { sharing: { scope: 'selected', organisations: [] } }],
      ['organisations for scope office', { sharing: { scope: 'office', organisations: ['0123456789abcdef01234567'] } }],
      ['unknown organisation', { sharing: { scope: 'selected', organisations: ['0123456789abcdef01234567'] } }],
      ['strictly confidential to all', { classification: 'strictly-confidential', sharing: { scope: 'all', organisations: [] } }],
      ['unknown field', { status: 'published' }],
      ['operator', { title: { $gt: '' } }],
      ['missing field', { overallRisk: undefined }],
    ];
    for (const [what, change] of bad) {
      it(`400 for ${what}, nothing stored`, async () => {
        const body = assessmentBody({ title: `bad-${what}-${Date.now()}`, ...change });
        const res = await post('/api/assessments', body, owner.analyst.token);
        expect(res.status).to.equal(400);
        expect(res.body.error.code).to.equal('invalid_request');
      });
    }

    it('a deactivated organisation cannot be chosen; a full date-time is accepted as a date', async () => {
      const gone = await createOrganisation();
      await patch(`/api/organisations/${gone.id}`, { active: false }, officeAdmin.token);
      const res = await post('/api/assessments', assessmentBody({ sharing: { scope: 'selected', organisations: [gone.id] } }), owner.analyst.token);
      expect(res.status).to.equal(400);
      const ok = await post('/api/assessments', assessmentBody({ periodStart: '2026-01-01T10:00:00Z' }), owner.analyst.token);
      expect(ok.status).to.equal(201);
      expect(ok.body.periodStart).to.equal('2026-01-01');
    });

    it('PATCH needs the version, refuses country and bad values, and changes nothing on 400', async () => {
      const a = await createAssessment(owner.analyst, { title: 'Unchanged' });
      for (const body of [
        { title: 'x' },
        { version: 1, country: 'TZA' },
        { version: 1, overallRisk: 9 },
        { version: 'one', title: 'x' },
        { version: 1, sharing: { scope: 'selected', organisations: [] } },
      ]) {
        expect((await patch(`/api/assessments/${a.id}`, body, owner.analyst.token)).status, JSON.stringify(body)).to.equal(400);
      }
      expect((await get(`/api/assessments/${a.id}`, owner.analyst.token)).body).to.include({ title: 'Unchanged', version: 1 });
    });
  });

  describe('lists', () => {
    it('filter by country, organisation, status, minimum risk and words; newest updatedAt first', async () => {
      const tenant = await createTenant();
      const older = await createAssessment(tenant.analyst, { country: 'SDN', overallRisk: 1, title: 'Darfur baseline' }, true);
      const newer = await createAssessment(tenant.analyst, { country: 'SDN', overallRisk: 4, title: 'Darfur escalation' });
      const other = await createAssessment(tenant.analyst, { country: 'TZA', overallRisk: 3 });
      const org = `&organisation=${tenant.organisation.id}`;
      expect(await listIds(tenant.member.token, `${org}&country=SDN`)).to.deep.equal([newer.id, older.id]);
      expect(await listIds(tenant.member.token, `${org}&status=published`)).to.deep.equal([older.id]);
      expect(await listIds(tenant.member.token, `${org}&minRisk=3`)).to.deep.equal([other.id, newer.id]);
      expect(await listIds(tenant.member.token, `${org}&q=ESCALATION`)).to.deep.equal([newer.id]);
      const page = await get(`/api/assessments?limit=1${org}`, tenant.member.token);
      expect(page.body.items).to.have.length(1);
      expect(page.body.nextCursor).to.be.a('string');
      for (const q of ['minRisk=7', 'status=gone', 'country=kenya', 'organisation=x', 'limit=500', 'cursor=abc', 'sort=title']) {
        expect((await get(`/api/assessments?${q}`, tenant.member.token)).status, q).to.equal(400);
      }
    });

    it('lists and the overview show every assessment as a read does; a draft revision is not in the overview until published', async () => {
      const tenant = await createTenant();
      const a = await createAssessment(tenant.analyst, { country: 'BDI', title: 'Before the change' }, true);
      const org = `&organisation=${tenant.organisation.id}`;
      const listed = async () => (await get(`/api/assessments?country=BDI${org}`, tenant.member.token)).body.items as { id: string }[];
      const overview = async () => (await get('/api/countries/BDI/overview', tenant.member.token)).body.latest as { id: string }[];
      const read = async () => (await get(`/api/assessments/${a.id}`, tenant.member.token)).body as Record<string, unknown>;
      const { versions: _v, ...current } = await read();
      expect(await listed()).to.deep.equal([current]);
      expect((await overview()).find((x) => x.id === a.id)).to.deep.equal(current);
      const changed = await patch(`/api/assessments/${a.id}`, { version: current.version, title: 'After the change', overallRisk: 4 }, tenant.analyst.token);
      expect(changed.status).to.equal(200);
      const { versions: _w, ...after } = await read();
      expect(after).to.include({
        title: 'After the change',
        overallRisk: 4,
        version: (current.version as number) + 1,
        status: 'draft',
        publishedVersion: current.version,
      });
      expect(await listed()).to.deep.equal([after]);
      expect((await overview()).find((x) => x.id === a.id)).to.deep.equal(current);
      expect((await post(`/api/assessments/${a.id}/publish`, {}, tenant.analyst.token)).status).to.equal(200);
      const { versions: _x, ...republished } = await read();
      expect(republished).to.include({ title: 'After the change', status: 'published', publishedVersion: (current.version as number) + 2 });
      expect(await listed()).to.deep.equal([republished]);
      expect((await overview()).find((x) => x.id === a.id)).to.deep.equal(republished);
    });

    it('a list sees every change stored before it began, also one this process was never told of', async () => {
      const tenant = await createTenant();
      const a = await createAssessment(tenant.analyst, { country: 'RWA', title: 'Stored by this hub' }, true);
      const titles = async () =>
        ((await get(`/api/assessments?country=RWA&organisation=${tenant.organisation.id}`, tenant.member.token)).body.items as { title: string }[]).map(
          (x) => x.title,
        );
      expect(await titles()).to.deep.equal(['Stored by this hub']);
      // As another process would: the document and the change feed, written without this hub's services.
      for (const title of ['Stored elsewhere', 'Stored elsewhere again']) {
        await Assessment.updateOne({ _id: new mongoose.Types.ObjectId(a.id as string) }, { $set: { title }, $inc: { version: 1 } });
        await publishChange(ASSESSMENT_FEED, a.id as string);
        expect(await titles()).to.deep.equal([title]);
      }
    });

    it('searches Arabic and French words regardless of diacritics and letter forms', async () => {
      const tenant = await createTenant();
      const ar = await createAssessment(tenant.analyst, { title: 'تقييم الأزمة في دارفور', summary: 'خطاب الكراهية في الإذاعة المحلية' });
      const fr = await createAssessment(tenant.analyst, { title: 'Évaluation trimestrielle', summary: 'Discours de haine à la radio' });
      const org = `&organisation=${tenant.organisation.id}`;
      expect(await listIds(tenant.analyst.token, `${org}&q=${encodeURIComponent('الازمة')}`)).to.deep.equal([ar.id]);
      expect(await listIds(tenant.analyst.token, `${org}&q=${encodeURIComponent('الكراهيه')}`)).to.deep.equal([ar.id]);
      expect(await listIds(tenant.analyst.token, `${org}&q=evaluation`)).to.deep.equal([fr.id]);
      expect(await listIds(tenant.analyst.token, `${org}&q=${encodeURIComponent('HAINE radio')}`)).to.deep.equal([fr.id]);
      expect(await listIds(tenant.analyst.token, `${org}&q=absent`)).to.deep.equal([]);
    });
  });

  describe('comments and notifications', () => {
    it('anyone who sees it comments; others get 404; the owner organisation is notified', async () => {
      const a = await createAssessment(owner.analyst, { sharing: { scope: 'selected', organisations: [partner.organisation.id] } }, true);
      const socket = await connectSocket(owner.member.token);
      const seen = record(socket);
      const res = await post(`/api/assessments/${a.id}/comments`, { body: 'Do you have sources for 8.7?' }, partner.member.token);
      expect(res.status).to.equal(201);
      expect(res.body.author).to.include({ id: partner.member.id, organisationId: partner.organisation.id });
      expect(res.body.body).to.equal('Do you have sources for 8.7?');
      await until(seen, (s) => s.some((e) => e.name === 'notification' && (e.payload as { type: string }).type === 'assessment.comment'));
      expect((await post(`/api/assessments/${a.id}/comments`, { body: 'Hello' }, stranger.member.token)).status).to.equal(404);
      expect((await post(`/api/assessments/${a.id}/comments`, { body: '' }, partner.member.token)).status).to.equal(400);
      const list = await get(`/api/assessments/${a.id}/comments`, officeMember.token);
      expect(list.body.items.map((c: { body: string }) => c.body)).to.deep.equal(['Do you have sources for 8.7?']);
    });

    it('organisations that gain sight of an assessment are notified, and only those', async () => {
      const a = await createAssessment(owner.analyst, { sharing: { scope: 'selected', organisations: [partner.organisation.id] } });
      const [partnerSocket, strangerSocket, officeSocket] = await Promise.all([
        connectSocket(partner.member.token),
        connectSocket(stranger.member.token),
        connectSocket(officeMember.token),
      ]);
      const [partnerSeen, strangerSeen, officeSeen] = [record(partnerSocket), record(strangerSocket), record(officeSocket)];
      await post(`/api/assessments/${a.id}/publish`, {}, owner.analyst.token);
      const shared = (s: { name: string; payload: unknown }[]) =>
        s.some(
          (e) =>
            e.name === 'notification' &&
            (e.payload as { type: string }).type === 'assessment.shared' &&
            (e.payload as { subject: { id: string } }).subject.id === a.id,
        );
      await until(partnerSeen, shared);
      await until(officeSeen, shared);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(shared(strangerSeen)).to.equal(false);
      // Wider sharing in a draft revision takes effect when the revision is published.
      await patch(`/api/assessments/${a.id}`, { version: 2, sharing: { scope: 'all', organisations: [] } }, owner.analyst.token);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(shared(strangerSeen)).to.equal(false);
      await post(`/api/assessments/${a.id}/publish`, {}, owner.analyst.token);
      await until(strangerSeen, shared);
    });
  });

  describe('the framework and countries', () => {
    it('GET /api/framework and /api/countries answer in the asked language', async () => {
      const fw = await get('/api/framework?lang=ar', owner.member.token);
      expect(fw.status).to.equal(200);
      expect(fw.body.riskFactors).to.have.length(14);
      const countries = await get('/api/countries?lang=fr', owner.member.token);
      expect(countries.body.items.find((c: { code: string }) => c.code === 'KEN')).to.deep.include({ name: 'Kenya' });
      expect((await get('/api/countries/XYZ/overview', owner.member.token)).status).to.equal(404);
      expect((await get('/api/countries/kenya/overview', owner.member.token)).status).to.equal(400);
    });
  });
});
