import { expect } from 'chai';
import { get, patch, post } from './helpers/http.js';
import { asOfficeAdmin, createAssessment, createTenant, createUser, type TestUser } from './helpers/factories.js';
import { closeSockets, connectSocket, record, until } from './helpers/sockets.js';

type Tenant = Awaited<ReturnType<typeof createTenant>>;

// §5 and §6 (v2): what was written for one audience stays with it; revisions are drafted; §9 (v2)
// bulk reads are recorded.
describe('assessment audiences: versions, comments, draft revisions, bulk reads (§5, §6, §9 v2)', () => {
  let owner: Tenant;
  let partner: Tenant;
  let stranger: Tenant;
  let officeMember: TestUser;

  before(async () => {
    [owner, partner, stranger] = await Promise.all([createTenant(), createTenant(), createTenant()]);
    officeMember = await createUser((await asOfficeAdmin()).organisationId, 'member');
  });
  afterEach(closeSockets);

  const versionsOf = async (id: string, user: { token: string }) =>
    ((await get(`/api/assessments/${id}/versions`, user.token)).body.items as { version: number; status: string }[]).map((v) => v.version);

  it('the reproduction: a secret first draft, edited, widened to all and published, stays with its owner', async () => {
    const secret = 'Informant: Jane Doe, Nyala market';
    const a = await createAssessment(owner.analyst, { summary: secret, classification: 'strictly-confidential' });
    const edited = await patch(
      `/api/assessments/${a.id}`,
      { version: 1, summary: 'Names removed.', classification: 'confidential', sharing: { scope: 'all', organisations: [] } },
      owner.analyst.token,
    );
    expect(edited.body).to.include({ version: 2, status: 'draft', publishedVersion: null });
    const published = await post(`/api/assessments/${a.id}/publish`, {}, owner.analyst.token);
    expect(published.body).to.include({ version: 3, status: 'published', publishedVersion: 3 });
    for (const reader of [partner.member, stranger.admin, officeMember]) {
      for (const n of [1, 2]) {
        const old = await get(`/api/assessments/${a.id}/versions/${n}`, reader.token);
        expect(old.status, `version ${n}`).to.equal(404);
        expect(JSON.stringify(old.body)).not.to.contain('Jane Doe');
      }
      expect(await versionsOf(a.id, reader)).to.deep.equal([3]);
      const read = await get(`/api/assessments/${a.id}`, reader.token);
      expect(read.body.versions.map((v: { version: number }) => v.version)).to.deep.equal([3]);
      expect((await get(`/api/assessments/${a.id}/versions/3`, reader.token)).body).to.include({ summary: 'Names removed.', status: 'published' });
    }
    expect(await versionsOf(a.id, owner.member)).to.deep.equal([1, 2, 3]);
    expect((await get(`/api/assessments/${a.id}/versions/1`, owner.member.token)).body).to.include({ summary: secret, status: 'draft' });
    // Narrowing closes everything, earlier published versions included, to those taken out.
    await patch(`/api/assessments/${a.id}`, { version: 3, sharing: { scope: 'selected', organisations: [partner.organisation.id] } }, owner.analyst.token);
    expect((await get(`/api/assessments/${a.id}/versions/3`, stranger.member.token)).status, 'before the narrowing is published').to.equal(200);
    await post(`/api/assessments/${a.id}/publish`, {}, owner.analyst.token);
    for (const path of ['', '/versions', '/versions/3', '/versions/5']) {
      expect((await get(`/api/assessments/${a.id}${path}`, stranger.member.token)).status, path).to.equal(404);
    }
    expect(await versionsOf(a.id, partner.member)).to.deep.equal([3, 5]);
  });

  it('a comment reaches only organisations that could see the assessment when it was written and still can', async () => {
    const a = await createAssessment(owner.analyst, { sharing: { scope: 'selected', organisations: [partner.organisation.id] } }, true);
    await post(`/api/assessments/${a.id}/comments`, { body: 'Before widening' }, partner.member.token);
    await patch(`/api/assessments/${a.id}`, { version: a.version, sharing: { scope: 'all', organisations: [] } }, owner.analyst.token);
    await post(`/api/assessments/${a.id}/comments`, { body: 'During the draft revision' }, owner.member.token);
    await post(`/api/assessments/${a.id}/publish`, {}, owner.analyst.token);
    expect((await post(`/api/assessments/${a.id}/comments`, { body: 'After widening' }, stranger.member.token)).status).to.equal(201);
    const bodies = async (user: { token: string }, query = '') =>
      ((await get(`/api/assessments/${a.id}/comments${query}`, user.token)).body.items as { body: string }[]).map((c) => c.body);
    const all = ['Before widening', 'During the draft revision', 'After widening'];
    expect(await bodies(stranger.member)).to.deep.equal(['After widening']);
    expect(await bodies(stranger.member, '?limit=1')).to.deep.equal(['After widening']);
    expect(await bodies(partner.member)).to.deep.equal(all);
    expect(await bodies(officeMember)).to.deep.equal(all);
    expect(await bodies(owner.member)).to.deep.equal(all);
  });

  it('a PATCH of a published assessment is a draft revision: others read the published version everywhere until publish notifies them', async () => {
    const a = await createAssessment(
      owner.analyst,
      { country: 'CAF', title: 'Original reading', overallRisk: 1, sharing: { scope: 'all', organisations: [] } },
      true,
    );
    const socket = await connectSocket(stranger.member.token);
    const seen = record(socket);
    const revision = await patch(
      `/api/assessments/${a.id}`,
      { version: 2, title: 'Revised reading', overallRisk: 4, sharing: { scope: 'organisation', organisations: [] } },
      owner.analyst.token,
    );
    expect(revision.body).to.include({ version: 3, status: 'draft', publishedVersion: 2, title: 'Revised reading' });
    expect((await get(`/api/assessments/${a.id}`, owner.member.token)).body).to.include({ status: 'draft', publishedVersion: 2, title: 'Revised reading' });
    const listed = async (user: { token: string }, query: string) =>
      (await get(`/api/assessments?country=CAF&organisation=${owner.organisation.id}${query}`, user.token)).body.items as { id: string; title: string }[];
    for (const reader of [stranger.member, partner.analyst, officeMember]) {
      expect((await get(`/api/assessments/${a.id}`, reader.token)).body).to.include({
        title: 'Original reading',
        status: 'published',
        version: 2,
        publishedVersion: 2,
      });
      expect((await listed(reader, '')).map((x) => x.title)).to.deep.equal(['Original reading']);
      expect(await listed(reader, '&q=revised')).to.deep.equal([]);
      expect(await listed(reader, '&minRisk=4')).to.deep.equal([]);
      expect(await listed(reader, '&status=draft')).to.deep.equal([]);
      const overview = (await get('/api/countries/CAF/overview', reader.token)).body;
      expect(overview.latest.find((x: { id: string }) => x.id === a.id)).to.include({ title: 'Original reading', overallRisk: 1 });
      const map = (await get('/api/countries/risk-map', reader.token)).body.items as { assessmentId: string; overallRisk: number }[];
      expect(map.find((x) => x.assessmentId === a.id)?.overallRisk).to.equal(1);
      expect(await versionsOf(a.id, reader)).to.deep.equal([2]);
      expect((await get(`/api/assessments/${a.id}/versions/3`, reader.token)).status).to.equal(404);
    }
    expect((await listed(owner.member, '&q=revised')).map((x) => x.id)).to.deep.equal([a.id]);
    // Narrower sharing in the revision too takes effect on publish; keep it wide to see the update.
    await patch(`/api/assessments/${a.id}`, { version: 3, sharing: { scope: 'all', organisations: [] } }, owner.analyst.token);
    const updated = (s: typeof seen) =>
      s.some(
        (e) =>
          e.name === 'notification' &&
          (e.payload as { type: string }).type === 'assessment.updated' &&
          (e.payload as { subject: { id: string } }).subject.id === a.id,
      );
    expect(updated(seen)).to.equal(false);
    const published = await post(`/api/assessments/${a.id}/publish`, {}, owner.analyst.token);
    expect(published.body).to.include({ version: 5, status: 'published', publishedVersion: 5 });
    expect(Date.parse(published.body.publishedAt)).to.be.greaterThan(Date.parse(a.publishedAt));
    await until(seen, updated);
    expect((await get(`/api/assessments/${a.id}`, stranger.member.token)).body).to.include({ title: 'Revised reading', version: 5, overallRisk: 4 });
    expect((await listed(stranger.member, '&minRisk=4')).map((x) => x.id)).to.deep.equal([a.id]);
    expect(await versionsOf(a.id, stranger.member)).to.deep.equal([2, 5]);
  });

  it('discard drops the draft revision (owner admin, analyst); nothing to discard is 409', async () => {
    const a = await createAssessment(owner.analyst, { title: 'Kept', sharing: { scope: 'selected', organisations: [partner.organisation.id] } }, true);
    await patch(`/api/assessments/${a.id}`, { version: 2, title: 'Dropped' }, owner.analyst.token);
    expect((await post(`/api/assessments/${a.id}/discard`, {}, owner.member.token)).status).to.equal(403);
    expect((await post(`/api/assessments/${a.id}/discard`, {}, partner.admin.token)).status).to.equal(403);
    expect((await post(`/api/assessments/${a.id}/discard`, {}, stranger.admin.token)).status).to.equal(404);
    expect((await post(`/api/assessments/${a.id}/discard`, { x: 1 }, owner.admin.token)).status).to.equal(400);
    const discarded = await post(`/api/assessments/${a.id}/discard`, {}, owner.admin.token);
    expect(discarded.status).to.equal(200);
    expect(discarded.body).to.include({ title: 'Kept', status: 'published', version: 4, publishedVersion: 4, publishedAt: a.publishedAt });
    expect((await get(`/api/assessments/${a.id}`, owner.member.token)).body).to.include({ title: 'Kept', status: 'published' });
    expect((await get(`/api/assessments/${a.id}`, partner.member.token)).body).to.include({ title: 'Kept', status: 'published' });
    expect((await get(`/api/assessments/${a.id}/versions/3`, partner.member.token)).status).to.equal(404);
    const again = await post(`/api/assessments/${a.id}/discard`, {}, owner.analyst.token);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('conflict');
    const firstDraft = await createAssessment(owner.analyst);
    expect((await post(`/api/assessments/${firstDraft.id}/discard`, {}, owner.analyst.token)).status).to.equal(409);
  });

  it('lists, comment lists and overviews are each one audit record naming the items returned', async () => {
    const a = await createAssessment(owner.analyst, { country: 'TCD', sharing: { scope: 'all', organisations: [] } }, true);
    await post(`/api/assessments/${a.id}/comments`, { body: 'One' }, owner.member.token);
    const reader = await createUser(stranger.organisation.id, 'member');
    const list = await get('/api/assessments?country=TCD&limit=100', reader.token);
    const comments = await get(`/api/assessments/${a.id}/comments`, reader.token);
    const overview = await get('/api/countries/TCD/overview', reader.token);
    const office = await asOfficeAdmin();
    const recorded = async (action: string) =>
      (await get(`/api/audit?action=${action}&actor=${reader.id}`, office.token)).body.items as {
        target: { type: string; id: string | null };
        details: { ids: string[]; count: number };
      }[];
    const [listed] = await recorded('assessment.list');
    expect(listed!.details).to.deep.equal({ ids: list.body.items.map((x: { id: string }) => x.id), count: list.body.items.length });
    expect(listed!.details.ids).to.include(a.id);
    const commentRecords = await recorded('comment.list');
    expect(commentRecords).to.have.length(1);
    expect(commentRecords[0]).to.deep.include({ target: { type: 'assessment', id: a.id, organisationId: owner.organisation.id } });
    expect(commentRecords[0]!.details).to.deep.equal({ ids: comments.body.items.map((c: { id: string }) => c.id), count: comments.body.items.length });
    const [overviewRecord] = await recorded('country.overview');
    expect(overviewRecord!.target).to.include({ type: 'country', id: 'TCD' });
    expect(overviewRecord!.details.ids).to.include(a.id);
    expect(overviewRecord!.details.count).to.equal(overview.body.history.length);
  });
});
