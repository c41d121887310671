import { expect } from 'chai';
import { documentFields, download, uploadDocument, type TestFile } from './helpers/documents.js';
import { assessmentBody, createAssessment, createTenant, type TestUser } from './helpers/factories.js';
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
});
