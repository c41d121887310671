import { expect } from 'chai';
import { documentFields, download, uploadDocument, type TestFile } from './helpers/documents.js';
import { asOfficeAdmin, assessmentBody, createAssessment, createTenant, type TestUser } from './helpers/factories.js';
import { get, patch, post } from './helpers/http.js';

// §13 (issue 16): TLP beside the classification, share expiry decided at the time of each request,
// discoverable cards and access requests.

type Tenant = Awaited<ReturnType<typeof createTenant>>;
const textFile = (content: string): TestFile => ({ name: 'notes.txt', bytes: Buffer.from(content) });
const selected = (...organisations: string[]) => ({ scope: 'selected', organisations });

/** Runs `fn` with the process's clock moved to `at` (the hub runs in this process). */
async function at<T>(time: number, fn: () => Promise<T>): Promise<T> {
  const real = Date.now;
  Date.now = () => time;
  try {
    return await fn();
  } finally {
    Date.now = real;
  }
}

async function upload(user: TestUser, fields: Record<string, unknown>) {
  const res = await uploadDocument(user.token, textFile('field notes\n'), documentFields(fields as never));
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as { id: string; tlp: string; discoverable: boolean; sharing: { expires?: Record<string, string> } };
}

describe('handling: TLP, expiry, discovery (§13)', function () {
  this.timeout(60_000);
  let owner: Tenant;
  let partner: Tenant;
  let third: Tenant;

  before(async () => {
    [owner, partner, third] = await Promise.all([createTenant(), createTenant(), createTenant()]);
  });

  describe('TLP', () => {
    it('is stored and shown on assessments, documents and rooms, amber by default; unknown labels are 400', async () => {
      const a = await createAssessment(owner.analyst);
      expect(a.tlp).to.equal('amber');
      const red = await createAssessment(owner.analyst, { tlp: 'red' });
      expect(red.tlp).to.equal('red');
      const edited = await patch(`/api/assessments/${red.id}`, { version: red.version, tlp: 'amber+strict' }, owner.analyst.token);
      expect(edited.body.tlp).to.equal('amber+strict');
      expect((await post('/api/assessments', assessmentBody({ tlp: 'white' }), owner.analyst.token)).status).to.equal(400);

      const doc = await upload(owner.analyst, { tlp: 'green' });
      expect(doc.tlp).to.equal('green');
      expect((await upload(owner.analyst, {})).tlp).to.equal('amber');
      expect((await uploadDocument(owner.analyst.token, textFile('x\n'), documentFields({ tlp: 'purple' }))).status).to.equal(400);
      expect((await patch(`/api/documents/${doc.id}`, { tlp: 'red' }, owner.analyst.token)).body.tlp).to.equal('red');

      const room = await post('/api/rooms', { name: 'TLP room', organisations: [], tlp: 'clear' }, owner.analyst.token);
      expect(room.body.tlp).to.equal('clear');
      expect((await patch(`/api/rooms/${room.body.id}`, { tlp: 'red' }, owner.analyst.token)).body.tlp).to.equal('red');
      expect((await post('/api/rooms', { name: 'x', organisations: [], tlp: 'RED' }, owner.analyst.token)).status).to.equal(400);
    });

    it('red and amber+strict documents are attached only by their owner organisation (403 for others)', async () => {
      const sharing = selected(partner.organisation.id);
      const red = await upload(owner.analyst, { tlp: 'red', sharing });
      const strict = await upload(owner.analyst, { tlp: 'amber+strict', sharing });
      const amber = await upload(owner.analyst, { tlp: 'amber', sharing });
      const room = await post('/api/rooms', { name: 'Joint', organisations: [owner.organisation.id] }, partner.analyst.token);
      for (const id of [red.id, strict.id]) {
        const res = await post(`/api/rooms/${room.body.id}/messages`, { body: 'see this', attachments: [id] }, partner.analyst.token);
        expect(res.status, id).to.equal(403);
        expect(res.body.error.code).to.equal('forbidden');
        expect((await post(`/api/rooms/${room.body.id}/messages`, { body: 'mine', attachments: [id] }, owner.member.token)).status).to.equal(201);
      }
      expect((await post(`/api/rooms/${room.body.id}/messages`, { body: 'ok', attachments: [amber.id] }, partner.member.token)).status).to.equal(201);
      const messages = await get(`/api/rooms/${room.body.id}/messages`, partner.member.token);
      expect(messages.body.items).to.have.length(3);
    });
  });

  describe('share expiry', () => {
    it('an organisation sees nothing of the item from its expiry time, to the second; the owner sees the expiry', async () => {
      const now = Date.now();
      const ends = new Date(Math.floor(now / 1000) * 1000 + 120_000).toISOString();
      const sharing = { ...selected(partner.organisation.id, third.organisation.id), expires: { [partner.organisation.id]: ends } };
      const a = await createAssessment(owner.analyst, { sharing, tlp: 'green' }, true);
      expect(a.sharing.expires).to.deep.equal({ [partner.organisation.id]: ends });
      const doc = await upload(owner.analyst, { sharing });
      expect(doc.sharing.expires).to.deep.equal({ [partner.organisation.id]: ends });

      const sees = async () => ({
        assessment: (await get(`/api/assessments/${a.id}`, partner.member.token)).status,
        versions: (await get(`/api/assessments/${a.id}/versions`, partner.member.token)).status,
        listed: (await get('/api/assessments?limit=100', partner.member.token)).body.items.some((i: { id: string }) => i.id === a.id),
        document: (await get(`/api/documents/${doc.id}`, partner.member.token)).status,
        content: (await download(partner.member.token, `/api/documents/${doc.id}/content`)).status,
        docListed: (await get('/api/documents?limit=100', partner.member.token)).body.items.some((i: { id: string }) => i.id === doc.id),
      });
      const end = Date.parse(ends);
      expect(await at(end - 1000, sees)).to.deep.equal({ assessment: 200, versions: 200, listed: true, document: 200, content: 200, docListed: true });
      expect(await at(end, sees)).to.deep.equal({ assessment: 404, versions: 404, listed: false, document: 404, content: 404, docListed: false });
      // Others of `selected` and the owner are untouched.
      await at(end + 1000, async () => {
        expect((await get(`/api/assessments/${a.id}`, third.member.token)).status).to.equal(200);
        const own = await get(`/api/documents/${doc.id}`, owner.member.token);
        expect(own.body.sharing.expires).to.deep.equal({ [partner.organisation.id]: ends });
      });
    });

    it('expires names only organisations of selected (400 otherwise)', async () => {
      const later = new Date(Date.now() + 3_600_000).toISOString();
      for (const sharing of [
        { scope: 'all', organisations: [], expires: { [partner.organisation.id]: later } },
        { ...selected(partner.organisation.id), expires: { [third.organisation.id]: later } },
        { ...selected(partner.organisation.id), expires: { [partner.organisation.id]: 'tomorrow' } },
      ]) {
        const res = await post('/api/assessments', assessmentBody({ sharing }), owner.analyst.token);
        expect(res.status, JSON.stringify(sharing)).to.equal(400);
      }
    });
  });

  describe('discoverable items and access requests', () => {
    const reason = 'We monitor the same districts and need the factor readings.';

    it('others see the card of a published discoverable item, in lists and by id; never its content', async () => {
      const secret = await createAssessment(owner.analyst, { title: 'Militia recruitment in the north', discoverable: true, tlp: 'amber+strict' }, true);
      const open = await createAssessment(owner.analyst, { title: 'Open market prices', classification: 'unclassified', discoverable: true }, true);
      const draft = await createAssessment(owner.analyst, { title: 'Unpublished', discoverable: true });
      const plain = await createAssessment(owner.analyst, { title: 'Not discoverable' }, true);
      const card = (await get(`/api/assessments/${secret.id}`, partner.member.token)).body;
      expect(card).to.deep.equal({
        id: secret.id,
        kind: 'assessment',
        organisationId: owner.organisation.id,
        country: 'KEN',
        classification: 'confidential',
        tlp: 'amber+strict',
        createdAt: secret.createdAt,
        restricted: true,
        title: null,
      });
      expect((await get(`/api/assessments/${open.id}`, partner.member.token)).body).to.include({ restricted: true, title: 'Open market prices' });
      for (const path of [`/api/assessments/${draft.id}`, `/api/assessments/${plain.id}`]) {
        expect((await get(path, partner.member.token)).status, path).to.equal(404);
      }
      for (const path of ['versions', 'versions/1', 'versions/2', 'comments']) {
        expect((await get(`/api/assessments/${secret.id}/${path}`, partner.member.token)).status, path).to.equal(404);
      }
      expect((await post(`/api/assessments/${secret.id}/comments`, { body: 'hello' }, partner.member.token)).status).to.equal(404);
      expect((await patch(`/api/assessments/${secret.id}`, { version: 2, title: 'x' }, partner.admin.token)).status).to.equal(404);

      const listed = (await get('/api/assessments?limit=100', partner.member.token)).body.items as { id: string; restricted?: boolean; title: string | null }[];
      const ids = listed.map((i) => i.id);
      expect(ids).to.include.members([secret.id, open.id]);
      expect(ids).to.not.include.members([draft.id, plain.id]);
      expect(listed.find((i) => i.id === secret.id)).to.deep.equal(card);
      // Searches and filters never reveal what the card hides.
      const search = async (query: string) => ((await get(`/api/assessments?${query}`, partner.member.token)).body.items as { id: string }[]).map((i) => i.id);
      expect(await search('q=militia')).to.not.include(secret.id);
      expect(await search('q=market')).to.include(open.id);
      expect(await search('minRisk=0')).to.not.include(secret.id);
      // The owner reads it whole.
      expect((await get(`/api/assessments/${secret.id}`, owner.member.token)).body)
        .to.include({ title: 'Militia recruitment in the north' })
        .and.not.have.property('restricted');

      const doc = await upload(owner.analyst, { title: 'Witness list', discoverable: 'true', tlp: 'red' });
      expect(doc.discoverable).to.equal(true);
      const docCard = (await get(`/api/documents/${doc.id}`, partner.member.token)).body;
      expect(docCard).to.include({ id: doc.id, kind: 'document', restricted: true, title: null, tlp: 'red', classification: 'confidential' });
      expect(docCard).to.not.have.any.keys('filename', 'sha256', 'size', 'sharing', 'versions');
      for (const path of ['content', 'versions/1/content']) {
        expect((await download(partner.member.token, `/api/documents/${doc.id}/${path}`)).status, path).to.equal(404);
      }
      const docs = (await get('/api/documents?limit=100', partner.member.token)).body.items as { id: string }[];
      expect(docs.find((d) => d.id === doc.id)).to.deep.equal(docCard);
      expect(((await get('/api/documents?q=witness', partner.member.token)).body.items as { id: string }[]).map((d) => d.id)).to.not.include(doc.id);
    });

    it('a request, its approval with an expiry, and access ending at that time to the second', async () => {
      const a = await createAssessment(owner.analyst, { title: 'Hate speech monitoring', discoverable: true }, true);
      const body = { kind: 'assessment', id: a.id, reason };
      expect((await post('/api/access-requests', body, partner.member.token)).status).to.equal(403);
      expect((await post('/api/access-requests', body, owner.analyst.token)).status).to.equal(409);
      expect((await post('/api/access-requests', { ...body, reason: '' }, partner.analyst.token)).status).to.equal(400);
      expect((await post('/api/access-requests', { ...body, extra: 1 }, partner.analyst.token)).status).to.equal(400);
      const hidden = await createAssessment(owner.analyst, {}, true);
      expect((await post('/api/access-requests', { ...body, id: hidden.id }, partner.analyst.token)).status).to.equal(404);

      const created = await post('/api/access-requests', body, partner.analyst.token);
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body).to.include({ kind: 'assessment', itemId: a.id, organisationId: partner.organisation.id, reason, status: 'pending' });
      expect(created.body.createdAt).to.be.a('string');
      const requestId = created.body.id as string;
      expect((await post('/api/access-requests', body, partner.admin.token)).status).to.equal(409);

      const incoming = await get('/api/access-requests?direction=incoming&status=pending', owner.member.token);
      expect(incoming.body.items.map((r: { id: string }) => r.id)).to.include(requestId);
      expect((await get('/api/access-requests?direction=outgoing', owner.member.token)).body.items.map((r: { id: string }) => r.id)).to.not.include(requestId);
      expect((await get('/api/access-requests?direction=outgoing', partner.member.token)).body.items[0]).to.include({ id: requestId, status: 'pending' });
      expect((await get('/api/access-requests?direction=incoming', third.admin.token)).body.items).to.deep.equal([]);
      expect((await get('/api/access-requests?direction=sideways', owner.admin.token)).status).to.equal(400);
      const requested = await eventually(owner.analyst.token, 'access.requested', requestId);
      expect(requested.subject).to.deep.include({ kind: 'access-request', id: requestId, title: null, classification: 'confidential' });

      const decide = (user: TestUser, decision: Record<string, unknown>) => post(`/api/access-requests/${requestId}/decide`, decision, user.token);
      expect((await decide(partner.admin, { approve: true })).status).to.equal(403);
      expect((await decide(owner.member, { approve: true })).status).to.equal(403);
      expect((await decide(third.admin, { approve: true })).status).to.equal(404);
      expect((await decide(owner.analyst, { approve: 'yes' })).status).to.equal(400);
      expect((await decide(owner.analyst, { approve: true, expiresAt: new Date(Date.now() - 1000).toISOString() })).status).to.equal(400);

      const ends = new Date(Math.floor(Date.now() / 1000) * 1000 + 120_000).toISOString();
      const approved = await decide(owner.analyst, { approve: true, expiresAt: ends, note: 'Until the next review.' });
      expect(approved.status, JSON.stringify(approved.body)).to.equal(200);
      expect(approved.body).to.include({ id: requestId, status: 'approved', expiresAt: ends, note: 'Until the next review.' });
      expect((await decide(owner.analyst, { approve: false })).status).to.equal(409);

      const read = await get(`/api/assessments/${a.id}`, partner.member.token);
      expect(read.status).to.equal(200);
      expect(read.body).to.include({ title: 'Hate speech monitoring', status: 'published' }).and.not.have.property('restricted');
      expect(read.body.sharing).to.deep.include({ scope: 'selected', expires: { [partner.organisation.id]: ends } });
      expect(read.body.sharing.organisations).to.include(partner.organisation.id);
      expect((await get(`/api/assessments/${a.id}/versions`, partner.member.token)).body.items).to.have.length(1);
      const decided = await eventually(partner.analyst.token, 'access.decided', requestId);
      expect(decided.actor.organisationId).to.equal(owner.organisation.id);

      const end = Date.parse(ends);
      expect(await at(end - 1000, async () => (await get(`/api/assessments/${a.id}`, partner.member.token)).body.restricted)).to.equal(undefined);
      await at(end, async () => {
        // Back to the card; content and versions are 404 again; a new request may be made.
        expect((await get(`/api/assessments/${a.id}`, partner.member.token)).body).to.include({ restricted: true });
        expect((await get(`/api/assessments/${a.id}/versions`, partner.member.token)).status).to.equal(404);
        expect((await post('/api/access-requests', { ...body, reason: 'Again, please.' }, partner.analyst.token)).status).to.equal(201);
      });

      const trail = await get(`/api/audit?target=${a.id}`, owner.admin.token);
      const actions = (trail.body.items as { action: string }[]).map((r) => r.action);
      expect(actions).to.include.members(['access.request', 'access.decide', 'assessment.share']);
    });

    it('a declined request keeps the item closed and carries the note; documents are granted alike', async () => {
      const doc = await upload(owner.analyst, { title: 'Shelter census', discoverable: 'true', classification: 'unclassified' });
      const created = await post('/api/access-requests', { kind: 'document', id: doc.id, reason }, third.admin.token);
      expect(created.status).to.equal(201);
      const declined = await post(`/api/access-requests/${created.body.id}/decide`, { approve: false, note: 'Not yet.' }, owner.admin.token);
      expect(declined.body).to.include({ status: 'declined', note: 'Not yet.', expiresAt: null });
      expect((await get(`/api/documents/${doc.id}`, third.member.token)).body).to.include({ restricted: true, title: 'Shelter census' });
      expect((await get('/api/access-requests?status=declined', third.member.token)).body.items[0]).to.include({ id: created.body.id });

      const again = await post('/api/access-requests', { kind: 'document', id: doc.id, reason }, third.analyst.token);
      expect(again.status).to.equal(201);
      expect((await post(`/api/access-requests/${again.body.id}/decide`, { approve: true }, owner.analyst.token)).body.status).to.equal('approved');
      const read = await get(`/api/documents/${doc.id}`, third.member.token);
      expect(read.body).to.include({ id: doc.id, filename: 'notes.txt' });
      expect((await download(third.member.token, `/api/documents/${doc.id}/content`)).status).to.equal(200);
      expect(read.body.sharing).to.deep.equal({ scope: 'selected', organisations: [third.organisation.id] });
    });
  });
});

describe('organisation names in three languages (§4 v2)', () => {
  it('names are set and shown in each language; name follows ?lang= and falls back to English', async () => {
    const admin = await asOfficeAdmin();
    const slug = `las-${Date.now().toString(36)}`;
    const created = await post(
      '/api/organisations',
      { slug, name: 'League of Arab States', kind: 'regional', names: { ar: 'جامعة الدول العربية' } },
      admin.token,
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.names).to.deep.equal({ en: 'League of Arab States', fr: 'League of Arab States', ar: 'جامعة الدول العربية' });
    const changed = await patch(`/api/organisations/${created.body.id}`, { names: { fr: 'Ligue des États arabes' } }, admin.token);
    expect(changed.body.names).to.deep.equal({ en: 'League of Arab States', fr: 'Ligue des États arabes', ar: 'جامعة الدول العربية' });
    // Every page, following cursors: a whole test run makes more than one page of organisations.
    const nameIn = async (lang: string) => {
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string; name: string }[]; nextCursor: string | null } } = await get(
          `/api/organisations?limit=100&lang=${lang}${cursor ? `&cursor=${cursor}` : ''}`,
          admin.token,
        );
        const found = page.body.items.find((o) => o.id === created.body.id);
        if (found) return found.name;
        cursor = page.body.nextCursor;
      } while (cursor);
      return undefined;
    };
    expect(await nameIn('ar')).to.equal('جامعة الدول العربية');
    expect(await nameIn('fr')).to.equal('Ligue des États arabes');
    expect(await nameIn('en')).to.equal('League of Arab States');
    expect((await get('/api/organisations?lang=de', admin.token)).status).to.equal(400);
    expect((await patch(`/api/organisations/${created.body.id}`, { names: { de: 'Arabische Liga' } }, admin.token)).status).to.equal(400);
    const renamed = await patch(`/api/organisations/${created.body.id}`, { name: 'League of Arab States (LAS)' }, admin.token);
    expect(renamed.body.names).to.include({ en: 'League of Arab States (LAS)', ar: 'جامعة الدول العربية' });
  });
});

/** Polls the notifications of a user until one of `type` about `id` arrives (the fan-out runs after the answer). */
async function eventually(token: string, type: string, id: string) {
  const until = Date.now() + 10_000;
  for (;;) {
    const items = (await get('/api/notifications?limit=100', token)).body.items as {
      type: string;
      subject: { id: string };
      actor: { organisationId: string };
    }[];
    const found = items.find((n) => n.type === type && n.subject.id === id);
    if (found) return found;
    if (Date.now() > until) throw new Error(`no ${type} notification for ${id}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
