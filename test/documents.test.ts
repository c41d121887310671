import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { pdf, text, zip } from '../server/demo/documentFiles.js';
import { DocumentRepository } from '../server/repositories/documents.js';
import { OrganisationRepository } from '../server/repositories/organisations.js';
import { createBlobStore } from '../server/services/blobs/index.js';
import { sweepDocuments } from '../server/services/documents/sweeper.js';
import {
  abortedUpload,
  documentFields,
  download,
  filesUnder,
  refusedFiles,
  sampleFiles,
  sha256,
  uploadDocument,
  uploadVersion,
  type TestFile,
} from './helpers/documents.js';
import { asOfficeAdmin, createTenant, createUser, type TestUser } from './helpers/factories.js';
import { baseUrl, freshDatabaseUri, testConfig } from './helpers/hub.js';
import { del, get, patch, post, type Answer } from './helpers/http.js';
import { PROCESS_ADMIN_EMAIL, PROCESS_ADMIN_PASSWORD, spawnHub, type HubProcess } from './helpers/process.js';
import { closeSockets, connectSocket, record, until, type SeenEvent } from './helpers/sockets.js';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
type Viewer = TestUser | { token: string };
/** A record inserted around the models, keyed like the hub's `<document id>:<n>` records. */
type StrayRecord = { _id: string; [field: string]: unknown };

const blobsDir = () => path.join(testConfig().dataDir, 'blobs');
// The test hub's documents, as its hourly sweep sees them.
const sweep = () => sweepDocuments(new DocumentRepository(new OrganisationRepository()), createBlobStore(testConfig().dataDir));
const blobCount = () => filesUnder(blobsDir()).length;
const pdfFile = (name = 'report.pdf', line = 'Report'): TestFile => ({ name, bytes: pdf(['Report', line]) });
const textFile = (content: string, name = 'notes.txt'): TestFile => ({ name, bytes: text(content) });

/** Every id of the document list for `query`, following cursors. */
async function listIds(token: string, query = ''): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res: Answer<{ items: { id: string }[]; nextCursor: string | null }> = await get(
      `/api/documents?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`,
      token,
    );
    expect(res.status).to.equal(200);
    ids.push(...res.body.items.map((d) => d.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

/** Uploads a document as `user`, failing the test unless it is created. */
async function createDocument(user: TestUser, file: TestFile = pdfFile(), overrides: Record<string, string | object | undefined> = {}) {
  const res = await uploadDocument(user.token, file, documentFields(overrides));
  if (res.status !== 201) throw new Error(`upload answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; version: number; sha256: string; size: number; contentType: string; filename: string };
}

/** The blob file of a version, found through the database as the hub sees it. */
async function blobOf(documentId: string, version = 1): Promise<string> {
  const record = await mongoose.connection
    .db!.collection('documentversions')
    .findOne({ _id: `${documentId}:${version}` as unknown as mongoose.Types.ObjectId });
  if (!record) throw new Error('no version record');
  return path.join(blobsDir(), String(record.blobId));
}

/** Decodes `filename*=UTF-8''…` of a Content-Disposition. */
function extendedFilename(disposition: string): string | null {
  const match = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  return match ? decodeURIComponent(match[1]!) : null;
}

const sharedTo = (id: string) => (seen: SeenEvent[]) =>
  seen.some(
    (e) =>
      e.name === 'notification' && (e.payload as { type: string }).type === 'document.shared' && (e.payload as { subject: { id: string } }).subject.id === id,
  );

describe('documents (§7)', () => {
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

  describe('round trips', () => {
    for (const sample of sampleFiles('round-trip')) {
      it(`${sample.kind}: stored as ${sample.contentType}, downloaded byte for byte with the contract's headers`, async () => {
        const res = await uploadDocument(owner.analyst.token, sample.file, documentFields({ title: `A ${sample.kind} file` }));
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        expect(res.body).to.include({
          organisationId: owner.organisation.id,
          title: `A ${sample.kind} file`,
          filename: sample.file.name,
          contentType: sample.contentType,
          size: sample.file.bytes.length,
          sha256: sha256(sample.file.bytes),
          country: 'KEN',
          classification: 'confidential',
          version: 1,
          createdBy: owner.analyst.id,
        });
        expect(res.body.sharing).to.deep.equal({ scope: 'organisation', organisations: [] });
        expect(res.body.createdAt).to.be.a('string');
        expect(res.body.updatedAt).to.be.a('string');
        const got = await download(owner.member.token, `/api/documents/${res.body.id}/content`);
        expect(got.status).to.equal(200);
        expect(got.error).to.equal(null);
        expect(got.bytes!.equals(sample.file.bytes)).to.equal(true);
        expect(sha256(got.bytes!)).to.equal(sha256(sample.file.bytes));
        expect(got.headers.get('content-type')).to.equal(sample.contentType);
        expect(got.headers.get('content-length')).to.equal(String(sample.file.bytes.length));
        expect(got.headers.get('etag')).to.equal(`"${sha256(sample.file.bytes)}"`);
        expect(got.headers.get('x-content-type-options')).to.equal('nosniff');
        expect(got.headers.get('cache-control')).to.equal('private, no-store');
        expect(got.headers.get('content-disposition')).to.match(/^attachment; filename="[^"]+"; filename\*=UTF-8''/);
        expect(extendedFilename(got.headers.get('content-disposition')!)).to.equal(sample.file.name);
      });
    }

    it('a multi-segment file (1 MiB + 1 byte) round trips; the type comes from the bytes, not the name or declared type', async () => {
      const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(1024 * 1024 - 8)]);
      const doc = await createDocument(owner.analyst, { name: 'scan.txt', bytes, type: 'text/plain' });
      expect(doc.contentType).to.equal('application/pdf');
      const got = await download(owner.admin.token, `/api/documents/${doc.id}/content`);
      expect(got.bytes!.equals(bytes)).to.equal(true);
    });

    it('an office document whose central directory lies before the 64 KiB tail window is read back from the sealed blob', async () => {
      const parts = Array.from({ length: 1500 }, (_, i) => ({
        name: `word/media/illustration-${String(i).padStart(5, '0')}-${'x'.repeat(40)}.xml`,
        data: `<p>${i}</p>`,
      }));
      const bytes = zip([
        { name: '[Content_Types].xml', data: '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
        { name: 'word/document.xml', data: '<w:document/>' },
        ...parts,
      ]);
      expect(bytes.length).to.be.greaterThan(200 * 1024);
      const doc = await createDocument(owner.analyst, { name: 'large.docx', bytes });
      expect(doc.contentType).to.equal('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      const plain = await uploadDocument(owner.analyst.token, { name: 'large.docx', bytes: zip(parts) });
      expect(plain.status).to.equal(415);
    });

    it('an Arabic file name survives in the document and in Content-Disposition (RFC 6266/5987)', async () => {
      const name = 'تقرير الإنذار المبكر ٢٠٢٦.pdf';
      const doc = await createDocument(owner.analyst, pdfFile(name));
      expect(doc.filename).to.equal(name);
      const got = await download(partner.member.token, `/api/documents/${doc.id}/content`).catch(() => null);
      expect(got?.status).to.equal(404);
      const own = await download(owner.member.token, `/api/documents/${doc.id}/content`);
      const disposition = own.headers.get('content-disposition')!;
      expect(disposition).to.match(/^attachment; filename="[\x20-\x7e]+\.pdf"; filename\*=UTF-8''%D8%AA/);
      expect(extendedFilename(disposition)).to.equal(name);
      expect(/^[\x20-\x7e]*$/.test(disposition)).to.equal(true);
    });

    it('CSV is told from text by name or by consistent commas; file names lose directories and control characters', async () => {
      const byCommas = await createDocument(owner.analyst, textFile('a,b,c\n1,2,3\n4,5,6\n', 'table.txt'));
      expect([byCommas.contentType, byCommas.filename]).to.deep.equal(['text/csv', 'table.txt.csv']);
      const byName = await createDocument(owner.analyst, textFile('one column\nonly\n', 'list.csv'));
      expect(byName.contentType).to.equal('text/csv');
      const prose = await createDocument(owner.analyst, textFile('Hello, world.\nNo table here\n', 'prose.csv.txt'));
      expect(prose.contentType).to.equal('text/plain');
      const odd = await createDocument(owner.analyst, textFile('plain\n', 'C:\\Users\\x\\evil\u202Etxt.exe'));
      // Ends in the detected type's extension (§7 v2).
      expect(odd.filename).to.equal('eviltxt.exe.txt');
    });
  });

  describe('refused uploads', () => {
    for (const refused of refusedFiles()) {
      it(`${refused.why}: 415 and nothing stored`, async () => {
        const before = blobCount();
        const res = await uploadDocument(owner.analyst.token, refused.file, documentFields({ title: `refused ${refused.why}` }));
        expect(res.status, JSON.stringify(res.body)).to.equal(415);
        expect(res.body.error.code).to.equal('unsupported_media_type');
        expect(blobCount()).to.equal(before);
        const list = await get(`/api/documents?organisation=${owner.organisation.id}&q=refused`, owner.analyst.token);
        expect(list.body.items).to.have.length(0);
      });
    }

    it('an empty file: 400 and nothing stored', async () => {
      const before = blobCount();
      const res = await uploadDocument(owner.analyst.token, { name: 'empty.pdf', bytes: Buffer.alloc(0) });
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.match(/^file:/);
      expect(blobCount()).to.equal(before);
    });

    it('multipart fields are validated as strictly as JSON bodies, before the file is stored', async () => {
      const before = blobCount();
      const file = pdfFile();
      const cases: [Record<string, string | object | undefined>, RegExp][] = [
        [documentFields({ title: undefined }), /^title:/],
        [documentFields({ title: '   ' }), /^title:/],
        [documentFields({ classification: 'secret' }), /^classification:/],
        [documentFields({ sharing: '{not json' }), /^sharing:/],
        [documentFields({ sharing: { scope: 'organisation', organisations: [], $where: '1' } }), /sharing/],
        [documentFields({ sharing: { scope: 'everyone', organisations: [] } }), /^sharing\.scope:/],
        [documentFields({ sharing: { scope: 'selected', organisations: [] } }), /^sharing\.organisations:/],
        [documentFields({ sharing: { scope: 'selected', organisations: [new mongoose.Types.ObjectId().toHexString()] } }), /^sharing\.organisations:/],
        [documentFields({ sharing: { scope: 'organisation', organisations: [partner.organisation.id] } }), /^sharing\.organisations:/],
        [documentFields({ classification: 'strictly-confidential', sharing: { scope: 'all', organisations: [] } }), /^sharing\.scope:/],
        [documentFields({ country: 'XXX' }), /^country:/],
        [documentFields({ country: 'kenya' }), /^country:/],
        [documentFields({ owner: 'me' }), /owner/],
      ];
      for (const [fields, message] of cases) {
        const res = await uploadDocument(owner.analyst.token, file, fields);
        expect(res.status, JSON.stringify(fields)).to.equal(400);
        expect(res.body.error.code).to.equal('invalid_request');
        expect(res.body.error.message, JSON.stringify(fields)).to.match(message);
      }
      expect((await uploadDocument(owner.analyst.token, null)).status).to.equal(400);
      expect(blobCount()).to.equal(before);
    });

    it('the file must be the last part: a field after it, or a second file, is 400 and nothing is kept', async () => {
      const before = blobCount();
      const boundary = 'xyzBOUNDARY';
      const part = (headers: string, body: string) => `--${boundary}\r\n${headers}\r\n\r\n${body}\r\n`;
      const fields =
        part('Content-Disposition: form-data; name="title"', 'Late field') +
        part('Content-Disposition: form-data; name="classification"', 'unclassified') +
        part('Content-Disposition: form-data; name="sharing"', '{"scope":"organisation","organisations":[]}');
      const file = part('Content-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain', 'hello');
      for (const body of [
        `${fields}${file}${part('Content-Disposition: form-data; name="country"', 'KEN')}--${boundary}--\r\n`,
        `${fields}${file}${file}--${boundary}--\r\n`,
        `${fields}${part('Content-Disposition: form-data; name="attachment"; filename="a.txt"', 'hello')}--${boundary}--\r\n`,
        `${fields}${file}`, // no closing boundary
      ]) {
        const raw = await fetch(`${baseUrl()}/api/documents`, {
          method: 'POST',
          headers: { authorization: `Bearer ${owner.analyst.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
          body,
        });
        expect(raw.status, body).to.equal(400);
      }
      const json = await post('/api/documents', { title: 'x' }, owner.analyst.token);
      expect(json.status).to.equal(415);
      expect((await post('/api/documents', undefined, owner.analyst.token)).status).to.equal(415);
      expect(blobCount()).to.equal(before);
    });

    it('members cannot upload (403), nobody without a token (401); nothing is stored', async () => {
      const before = blobCount();
      const member = await uploadDocument(owner.member.token, pdfFile());
      expect(member.status).to.equal(403);
      expect(member.body.error.code).to.equal('forbidden');
      expect((await uploadDocument(undefined, pdfFile())).status).to.equal(401);
      const doc = await createDocument(owner.analyst);
      const afterOne = blobCount();
      expect(afterOne).to.equal(before + 1);
      for (const [method, url] of [
        ['GET', '/api/documents'],
        ['GET', `/api/documents/${doc.id}`],
        ['GET', `/api/documents/${doc.id}/content`],
        ['GET', `/api/documents/${doc.id}/versions/1/content`],
        ['PATCH', `/api/documents/${doc.id}`],
        ['DELETE', `/api/documents/${doc.id}`],
      ] as const) {
        const res = await (method === 'GET' ? get(url) : method === 'PATCH' ? patch(url, { title: 'x' }) : del(url));
        expect(res.status, `${method} ${url}`).to.equal(401);
      }
      expect((await uploadVersion(undefined, doc.id, pdfFile())).status).to.equal(401);
      expect((await uploadVersion(owner.member.token, doc.id, pdfFile())).status).to.equal(403);
      expect(blobCount()).to.equal(afterOne);
    });

    it('bad ids and versions are 400 / 404', async () => {
      const doc = await createDocument(owner.analyst);
      expect((await get('/api/documents/not-an-id', owner.member.token)).status).to.equal(400);
      expect((await get(`/api/documents/${new mongoose.Types.ObjectId().toHexString()}`, owner.member.token)).status).to.equal(404);
      expect((await get(`/api/documents/${doc.id}/versions/0/content`, owner.member.token)).status).to.equal(400);
      expect((await get(`/api/documents/${doc.id}/versions/2/content`, owner.member.token)).status).to.equal(404);
      expect((await get('/api/documents?type=exe', owner.member.token)).status).to.equal(400);
      expect((await get('/api/documents?country[$ne]=KEN', owner.member.token)).status).to.equal(400);
    });
  });

  describe('visibility (§5): every scope, every role', () => {
    const scopes = ['organisation', 'office', 'selected', 'all'] as const;
    const sees: Record<(typeof scopes)[number], ('owner' | 'office' | 'partner' | 'stranger')[]> = {
      organisation: ['owner'],
      office: ['owner', 'office'],
      selected: ['owner', 'office', 'partner'],
      all: ['owner', 'office', 'partner', 'stranger'],
    };

    for (const scope of scopes) {
      it(`${scope}: reads, lists and downloads agree with §5; changes are the owner's editors' only`, async () => {
        const sharing = { scope, organisations: scope === 'selected' ? [partner.organisation.id] : [] };
        const doc = await createDocument(owner.analyst, textFile(`visible ${scope}\n`), { sharing, classification: 'confidential', title: `Scope ${scope}` });
        const viewers: [string, Viewer, boolean][] = [
          ['owner member', owner.member, true],
          ['owner admin', owner.admin, true],
          ['office member', officeMember, sees[scope].includes('office')],
          ['office admin', officeAdmin, sees[scope].includes('office')],
          ['partner member', partner.member, sees[scope].includes('partner')],
          ['partner admin', partner.admin, sees[scope].includes('partner')],
          ['stranger analyst', stranger.analyst, sees[scope].includes('stranger')],
        ];
        for (const [who, user, visible] of viewers) {
          const read = await get(`/api/documents/${doc.id}`, user.token);
          expect(read.status, `${who} read`).to.equal(visible ? 200 : 404);
          if (!visible) expect(read.body.error.code).to.equal('not_found');
          expect((await listIds(user.token, `&organisation=${owner.organisation.id}`)).includes(doc.id), `${who} list`).to.equal(visible);
          const content = await download(user.token, `/api/documents/${doc.id}/content`);
          expect(content.status, `${who} content`).to.equal(visible ? 200 : 404);
          const v1 = await download(user.token, `/api/documents/${doc.id}/versions/1/content`);
          expect(v1.status, `${who} version 1`).to.equal(visible ? 200 : 404);
          // Changing: 404 for those who cannot see it, 403 for those who can but are not the owner's editors.
          const editStatus = visible ? 403 : 404;
          if (user !== owner.admin) {
            expect((await patch(`/api/documents/${doc.id}`, { title: 'Taken over' }, user.token)).status, `${who} patch`).to.equal(editStatus);
            expect((await uploadVersion(user.token, doc.id, textFile('v2\n'))).status, `${who} new version`).to.equal(editStatus);
          }
          expect((await del(`/api/documents/${doc.id}`, user.token)).status, `${who} delete`).to.equal(user === owner.admin ? 204 : editStatus);
          if (user === owner.admin) break;
        }
      });
    }

    it('a deleted document is gone for everyone: 404 on read, content and version content, absent from lists; its blobs are removed', async () => {
      const doc = await createDocument(owner.analyst, pdfFile(), { sharing: { scope: 'all', organisations: [] } });
      await uploadVersion(owner.analyst.token, doc.id, pdfFile('v2.pdf', 'second'));
      const blobs = [await blobOf(doc.id, 1), await blobOf(doc.id, 2)];
      expect((await del(`/api/documents/${doc.id}`, owner.analyst.token)).status).to.equal(403);
      expect((await del(`/api/documents/${doc.id}`, owner.admin.token)).status).to.equal(204);
      for (const user of [owner.admin, partner.member, officeMember]) {
        expect((await get(`/api/documents/${doc.id}`, user.token)).status).to.equal(404);
        expect((await download(user.token, `/api/documents/${doc.id}/content`)).status).to.equal(404);
        expect((await download(user.token, `/api/documents/${doc.id}/versions/1/content`)).status).to.equal(404);
        expect(await listIds(user.token, `&organisation=${owner.organisation.id}`)).to.not.include(doc.id);
      }
      expect((await del(`/api/documents/${doc.id}`, owner.admin.token)).status).to.equal(404);
      expect(filesUnder(blobsDir()).filter((f) => blobs.includes(f))).to.deep.equal([]);
      const audit = await get(`/api/audit?target=${doc.id}&action=document.delete`, officeAdmin.token);
      expect(audit.body.items).to.have.length(1);
    });
  });

  describe('versions', () => {
    it('a new version is version + 1; every version downloads as it was; the history lists them', async () => {
      const v1 = textFile('first version\n', 'plan.txt');
      const v2 = pdfFile('plan-v2.pdf', 'second version');
      const doc = await createDocument(owner.analyst, v1, { sharing: { scope: 'selected', organisations: [partner.organisation.id] } });
      const res = await uploadVersion(owner.admin.token, doc.id, v2);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body).to.include({
        id: doc.id,
        version: 2,
        filename: 'plan-v2.pdf',
        contentType: 'application/pdf',
        size: v2.bytes.length,
        sha256: sha256(v2.bytes),
      });
      const read = await get(`/api/documents/${doc.id}`, partner.member.token);
      expect(read.status).to.equal(200);
      expect(read.body.version).to.equal(2);
      expect(
        read.body.versions.map((v: { version: number; size: number; sha256: string; createdBy: string }) => [v.version, v.size, v.sha256, v.createdBy]),
      ).to.deep.equal([
        [1, v1.bytes.length, sha256(v1.bytes), owner.analyst.id],
        [2, v2.bytes.length, sha256(v2.bytes), owner.admin.id],
      ]);
      expect(read.body.versions[0].createdAt).to.be.a('string');
      const latest = await download(partner.member.token, `/api/documents/${doc.id}/content`);
      expect(latest.bytes!.equals(v2.bytes)).to.equal(true);
      expect(latest.headers.get('content-type')).to.equal('application/pdf');
      const first = await download(partner.member.token, `/api/documents/${doc.id}/versions/1/content`);
      expect(first.bytes!.equals(v1.bytes)).to.equal(true);
      expect(first.headers.get('content-type')).to.equal('text/plain');
      expect(extendedFilename(first.headers.get('content-disposition')!)).to.equal('plan.txt');
      const second = await download(partner.member.token, `/api/documents/${doc.id}/versions/2/content`);
      expect(second.bytes!.equals(v2.bytes)).to.equal(true);
      expect((await download(partner.member.token, `/api/documents/${doc.id}/versions/3/content`)).status).to.equal(404);
      const refused = await uploadVersion(owner.analyst.token, doc.id, { name: 'x.pdf', bytes: Buffer.from('MZ\x90\x00', 'latin1') });
      expect(refused.status).to.equal(415);
      expect((await uploadVersion(owner.analyst.token, doc.id, pdfFile(), { title: 'no fields here' })).status).to.equal(400);
      expect((await get(`/api/documents/${doc.id}`, owner.member.token)).body.version).to.equal(2);
    });

    it('concurrent uploads of new versions each get their own number', async () => {
      const doc = await createDocument(owner.analyst, textFile('base\n'));
      const answers = await Promise.all([1, 2, 3].map((i) => uploadVersion(owner.analyst.token, doc.id, textFile(`parallel ${i}\n`))));
      expect(answers.map((a) => a.status)).to.deep.equal([201, 201, 201]);
      expect(answers.map((a) => a.body.version).sort()).to.deep.equal([2, 3, 4]);
      const read = await get(`/api/documents/${doc.id}`, owner.member.token);
      expect(read.body.version).to.equal(4);
      expect(read.body.versions.map((v: { version: number }) => v.version)).to.deep.equal([1, 2, 3, 4]);
      for (const a of answers) {
        const got = await download(owner.member.token, `/api/documents/${doc.id}/versions/${a.body.version}/content`);
        expect(sha256(got.bytes!)).to.equal(a.body.sha256);
      }
    });
  });

  describe('metadata, sharing and notifications', () => {
    it('PATCH changes title, country and sharing; the newly visible organisation is notified, others are not', async () => {
      const doc = await createDocument(owner.analyst, pdfFile(), { sharing: { scope: 'organisation', organisations: [] }, title: 'Quiet report' });
      const [partnerSocket, strangerSocket, officeSocket] = await Promise.all([
        connectSocket(partner.member.token),
        connectSocket(stranger.member.token),
        connectSocket(officeMember.token),
      ]);
      const [partnerSeen, strangerSeen, officeSeen] = [record(partnerSocket), record(strangerSocket), record(officeSocket)];
      const res = await patch(
        `/api/documents/${doc.id}`,
        { sharing: { scope: 'selected', organisations: [partner.organisation.id] }, title: 'Shared report', country: 'TZA' },
        owner.analyst.token,
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ title: 'Shared report', country: 'TZA', version: 1 });
      expect(res.body.sharing).to.deep.equal({ scope: 'selected', organisations: [partner.organisation.id] });
      await until(partnerSeen, sharedTo(doc.id));
      await until(officeSeen, sharedTo(doc.id));
      const note = partnerSeen.find((e) => sharedTo(doc.id)([e]))!.payload as { subject: Record<string, unknown>; actor: Record<string, unknown> };
      expect(note.subject).to.include({ kind: 'document', id: doc.id, country: 'TZA' });
      expect(note.actor).to.include({ id: owner.analyst.id, organisationId: owner.organisation.id });
      await sleep(300);
      expect(sharedTo(doc.id)(strangerSeen)).to.equal(false);
      expect((await get(`/api/documents/${doc.id}`, partner.member.token)).status).to.equal(200);
      expect(await listIds(partner.member.token, '&country=TZA')).to.include(doc.id);

      // Narrowing takes the document away at once; widening to all reaches the stranger.
      await patch(`/api/documents/${doc.id}`, { sharing: { scope: 'organisation', organisations: [] } }, owner.admin.token);
      expect((await get(`/api/documents/${doc.id}`, partner.member.token)).status).to.equal(404);
      expect(await listIds(partner.member.token, '&country=TZA')).to.not.include(doc.id);
      await patch(`/api/documents/${doc.id}`, { sharing: { scope: 'all', organisations: [] }, classification: 'unclassified' }, owner.analyst.token);
      await until(strangerSeen, sharedTo(doc.id));

      const audit = await get(`/api/audit?target=${doc.id}&action=document.update`, officeAdmin.token);
      expect(audit.body.items).to.have.length(3);
      expect(audit.body.items.filter((r: { details: { sharingChanged?: boolean } }) => r.details.sharingChanged)).to.have.length(3);
      expect(audit.body.items.every((r: { details: { version?: number } }) => r.details.version === 1)).to.equal(true);
    });

    it('PATCH keeps §5 rules and strictness: 400 for bad bodies, and a classification that forbids the current scope', async () => {
      const doc = await createDocument(owner.analyst, pdfFile(), { sharing: { scope: 'all', organisations: [] }, classification: 'unclassified' });
      for (const body of [
        { classification: 'strictly-confidential' },
        { sharing: { scope: 'selected', organisations: [] } },
        { country: 'ZZZ' },
        { title: '' },
        { filename: 'other.pdf' },
        { sharing: { scope: 'organisation', organisations: [], $ne: 1 } },
      ]) {
        const res = await patch(`/api/documents/${doc.id}`, body, owner.analyst.token);
        expect(res.status, JSON.stringify(body)).to.equal(400);
      }
      const cleared = await patch(
        `/api/documents/${doc.id}`,
        { country: null, classification: 'strictly-confidential', sharing: { scope: 'office', organisations: [] } },
        owner.analyst.token,
      );
      expect(cleared.status).to.equal(200);
      expect(cleared.body).to.include({ country: null, classification: 'strictly-confidential' });
    });

    it('concurrent PATCHes are all applied, one after the other', async () => {
      const doc = await createDocument(owner.analyst, pdfFile(), { title: 'Race' });
      const answers = await Promise.all([
        patch(`/api/documents/${doc.id}`, { title: 'Race A' }, owner.analyst.token),
        patch(`/api/documents/${doc.id}`, { country: 'UGA' }, owner.admin.token),
        patch(`/api/documents/${doc.id}`, { sharing: { scope: 'office', organisations: [] } }, owner.analyst.token),
      ]);
      expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200]);
      const read = await get(`/api/documents/${doc.id}`, owner.member.token);
      expect(read.body).to.include({ title: 'Race A', country: 'UGA' });
      expect(read.body.sharing.scope).to.equal('office');
    });
  });

  describe('lists', () => {
    it('filter by country, organisation, type and words; page with cursors', async () => {
      const tenant = await createTenant();
      const made = [
        await createDocument(tenant.analyst, pdfFile('budget.pdf'), { title: 'Budget éléments', country: 'SSD' }),
        await createDocument(tenant.analyst, textFile('x\n', 'minutes.txt'), { title: 'Meeting minutes', country: 'SSD' }),
        await createDocument(tenant.analyst, textFile('a,b\n1,2\n', 'figures.csv'), { title: 'Figures', country: 'UGA' }),
      ];
      const org = `&organisation=${tenant.organisation.id}`;
      expect(await listIds(tenant.member.token, org)).to.deep.equal(made.map((d) => d.id).reverse());
      expect(await listIds(tenant.member.token, `${org}&country=SSD`)).to.have.members([made[0]!.id, made[1]!.id]);
      expect(await listIds(tenant.member.token, `${org}&type=pdf`)).to.deep.equal([made[0]!.id]);
      expect(await listIds(tenant.member.token, `${org}&type=text%2Fcsv`)).to.deep.equal([made[2]!.id]);
      expect(await listIds(tenant.member.token, `${org}&q=ELEMENTS`)).to.deep.equal([made[0]!.id]);
      expect(await listIds(tenant.member.token, `${org}&q=minut`)).to.deep.equal([made[1]!.id]);
      const page = await get(`/api/documents?limit=2${org}`, tenant.member.token);
      expect(page.body.items).to.have.length(2);
      expect(page.body.items[0]).to.not.have.property('versions');
      const next = await get(`/api/documents?limit=2${org}&cursor=${page.body.nextCursor}`, tenant.member.token);
      expect(next.body.items.map((d: { id: string }) => d.id)).to.deep.equal([made[0]!.id]);
      expect(next.body.nextCursor).to.equal(null);
      expect(await listIds(owner.member.token, org)).to.deep.equal([]);
    });
  });

  describe('audit', () => {
    it('every read and download is recorded with the version read', async () => {
      const doc = await createDocument(owner.analyst, textFile('audited\n'));
      await uploadVersion(owner.analyst.token, doc.id, textFile('audited v2\n'));
      await download(owner.member.token, `/api/documents/${doc.id}/versions/1/content`);
      await download(owner.member.token, `/api/documents/${doc.id}/content`);
      await get(`/api/documents/${doc.id}`, owner.member.token);
      const downloads = await get(`/api/audit?target=${doc.id}&action=document.download`, officeAdmin.token);
      expect(
        downloads.body.items.map((r: { details: { version: number }; outcome: string; actor: { userId: string } }) => [
          r.details.version,
          r.outcome,
          r.actor.userId,
        ]),
      ).to.deep.equal([
        [2, 'success', owner.member.id],
        [1, 'success', owner.member.id],
      ]);
      const reads = await get(`/api/audit?target=${doc.id}&action=document.read`, officeAdmin.token);
      expect(reads.body.items[0].details.version).to.equal(2);
      const created = await get(`/api/audit?target=${doc.id}&action=document.create`, officeAdmin.token);
      expect(created.body.items).to.have.length(1);
      expect((await get('/api/audit/verify', officeAdmin.token)).body.ok).to.equal(true);
    });
  });

  describe('encryption at rest', () => {
    it('neither the database (every collection) nor the blob files hold a byte of plaintext', async () => {
      const marker = `PLAINTEXT-MARKER-${randomBytes(8).toString('hex')}`;
      const doc = await createDocument(owner.analyst, textFile(`Secret field report.\n${marker}\n`.repeat(3), 'secret.txt'), { title: 'Sealed' });
      await uploadVersion(owner.analyst.token, doc.id, textFile(`v2 ${marker}\n`));
      const db = mongoose.connection.db!;
      const needles = [marker, Buffer.from(marker).toString('base64'), Buffer.from(marker).toString('hex')];
      let scanned = 0;
      for (const { name } of await db.listCollections().toArray()) {
        for (const row of await db.collection(name).find({}).toArray()) {
          scanned++;
          const json = JSON.stringify(row, (_key, value: unknown) =>
            value instanceof mongoose.mongo.Binary ? Buffer.from(value.buffer).toString('latin1') : value,
          );
          for (const needle of needles) expect(json.includes(needle), `${name} holds the marker`).to.equal(false);
        }
      }
      expect(scanned).to.be.greaterThan(10);
      const files = filesUnder(blobsDir());
      expect(files.length).to.be.greaterThan(0);
      for (const file of files) expect(readFileSync(file).includes(Buffer.from(marker)), file).to.equal(false);
      // …and the hub still serves it.
      const got = await download(owner.member.token, `/api/documents/${doc.id}/versions/1/content`);
      expect(got.bytes!.toString('utf8')).to.include(marker);
    });

    it('a byte altered in the stored blob makes the download fail instead of serving it; it is audited', async () => {
      const original = Buffer.from(`${'Altered in the middle.\n'.repeat(10_000)}`);
      for (const where of ['first segment', 'last segment']) {
        const doc = await createDocument(owner.analyst, { name: 'tamper.txt', bytes: original });
        const file = await blobOf(doc.id);
        const blob = readFileSync(file);
        const at = where === 'first segment' ? 100 : blob.length - 20;
        blob[at] = blob[at]! ^ 0x01;
        writeFileSync(file, blob);
        const got = await download(owner.member.token, `/api/documents/${doc.id}/content`);
        const served = got.bytes && got.bytes.equals(original);
        expect(served, where).to.not.equal(true);
        expect(got.error, where).to.not.equal(null);
        // The failure is audited as the hub aborts the response, so it may land just after the client sees the abort.
        let audited = false;
        for (let attempt = 0; attempt < 30 && !audited; attempt++) {
          const audit = await get(`/api/audit?target=${doc.id}&action=document.download`, officeAdmin.token);
          audited = audit.body.items.some((r: { outcome: string }) => r.outcome === 'failure');
          if (!audited) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(audited, where).to.equal(true);
      }
    });

    it('a blob swapped for another valid blob of the same organisation, or cut short, does not complete a download', async () => {
      const a = await createDocument(owner.analyst, textFile(`A ${'a'.repeat(70_000)}\n`));
      const b = await createDocument(owner.analyst, textFile(`B ${'b'.repeat(70_000)}\n`));
      const [fileA, fileB] = [await blobOf(a.id), await blobOf(b.id)];
      writeFileSync(fileA, readFileSync(fileB));
      const swapped = await download(owner.member.token, `/api/documents/${a.id}/content`);
      expect(swapped.error).to.not.equal(null);
      const c = await createDocument(owner.analyst, textFile(`C ${'c'.repeat(200_000)}\n`));
      const fileC = await blobOf(c.id);
      const sealed = readFileSync(fileC);
      writeFileSync(fileC, sealed.subarray(0, 50 + 2 * (65536 + 16)));
      const cut = await download(owner.member.token, `/api/documents/${c.id}/content`);
      expect(cut.error).to.not.equal(null);
    });

    it('a recorded SHA-256 altered in the database does not complete a download (the blob seals the SHA-256 it was stored with)', async () => {
      const bytes = Buffer.from(`Recorded ${'r'.repeat(150_000)}\n`);
      const doc = await createDocument(owner.analyst, textFile(bytes.toString('utf8')));
      const versions = mongoose.connection.db!.collection<{ _id: string; sha256: string }>('documentversions');
      await versions.updateOne({ _id: `${doc.id}:1` }, { $set: { sha256: sha256(Buffer.from('another file')) } });
      const got = await download(owner.member.token, `/api/documents/${doc.id}/content`);
      expect(got.error).to.not.equal(null);
      expect(got.bytes?.equals(bytes)).to.not.equal(true);
    });

    it('each organisation has its own data key, stored wrapped', async () => {
      const db = mongoose.connection.db!;
      const keys = await db.collection('organisationkeys').find({}).toArray();
      const ownerKey = keys.find((k) => String(k._id) === owner.organisation.id);
      expect(ownerKey).to.not.equal(undefined);
      expect(ownerKey!.algorithm).to.equal('aes-256-gcm');
      expect(Buffer.from(String(ownerKey!.wrapped), 'base64')).to.have.length(60);
      const header = readFileSync(filesUnder(blobsDir()).find((f) => !path.basename(f).startsWith('.'))!).subarray(0, 6);
      expect(header.subarray(0, 4).toString('latin1')).to.equal('PHUB');
    });
  });

  describe('housekeeping and HTTP details', () => {
    it('HEAD answers the headers of a download without a body and without an audit record', async () => {
      const doc = await createDocument(owner.analyst, textFile('head me\n'));
      const res = await fetch(`${baseUrl()}/api/documents/${doc.id}/content`, { method: 'HEAD', headers: { authorization: `Bearer ${owner.member.token}` } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-length')).to.equal('8');
      expect(res.headers.get('etag')).to.equal(`"${doc.sha256}"`);
      const audit = await get(`/api/audit?target=${doc.id}&action=document.download`, officeAdmin.token);
      expect(audit.body.items).to.have.length(0);
    });

    it('refused uploads are on the audit trail; an empty PATCH changes nothing', async () => {
      await uploadDocument(owner.analyst.token, { name: 'x.pdf', bytes: Buffer.from('MZ\x90\x00\x03', 'latin1') });
      const audit = await get(`/api/audit?actor=${owner.analyst.id}&action=document.create`, officeAdmin.token);
      expect(audit.body.items[0]).to.deep.include({ outcome: 'denied' });
      expect(audit.body.items[0].details).to.deep.equal({ reason: 'unsupported_media_type' });
      const doc = await createDocument(owner.analyst);
      const same = await patch(`/api/documents/${doc.id}`, {}, owner.analyst.token);
      expect(same.status).to.equal(200);
      expect((await get(`/api/audit?target=${doc.id}&action=document.update`, officeAdmin.token)).body.items).to.have.length(0);
    });

    it('the sweep removes blobs and unfinished writes no live document names, once they are old, and nothing else', async () => {
      const live = await createDocument(owner.analyst, textFile('kept\n'));
      const dir = blobsDir();
      const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
      const orphan = path.join(dir, randomBytes(16).toString('hex'));
      const part = path.join(dir, `.part-${randomBytes(16).toString('hex')}`);
      const fresh = path.join(dir, randomBytes(16).toString('hex'));
      for (const file of [orphan, part, fresh]) writeFileSync(file, 'sealed bytes');
      utimesSync(orphan, old, old);
      utimesSync(part, old, old);
      const liveBlob = await blobOf(live.id);
      utimesSync(liveBlob, old, old);
      expect((await sweep()).blobs).to.equal(2);
      expect([existsSync(orphan), existsSync(part), existsSync(fresh), existsSync(liveBlob)]).to.deep.equal([false, false, true, true]);
      rmSync(fresh);
      const got = await download(owner.member.token, `/api/documents/${live.id}/content`);
      expect(got.bytes!.toString()).to.equal('kept\n');
    });
  });

  describe('unfinished records', () => {
    it('the sweep removes the version and revision records of a document never created, once old, and nothing else', async () => {
      const live = await createDocument(owner.analyst, textFile('recorded\n'));
      const db = mongoose.connection.db!;
      const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
      const [gone, recent] = [new mongoose.Types.ObjectId(), new mongoose.Types.ObjectId()];
      const records = (id: mongoose.Types.ObjectId, at: Date) => [
        db
          .collection<StrayRecord>('documentversions')
          .insertOne({ _id: `${id.toString()}:1`, documentId: id, version: 1, blobId: randomBytes(16).toString('hex'), createdAt: at }),
        db.collection<StrayRecord>('documentrevisions').insertOne({ _id: `${id.toString()}:1`, documentId: id, revision: 1, updatedAt: at }),
      ];
      await Promise.all([...records(gone, old), ...records(recent, new Date())]);
      expect((await sweep()).records).to.equal(2);
      const left = async (collection: string) =>
        (
          await db
            .collection(collection)
            .find({ documentId: { $in: [gone, recent, new mongoose.Types.ObjectId(live.id)] } })
            .toArray()
        )
          .map((r) => String(r.documentId))
          .sort();
      const expected = [recent.toString(), live.id].sort();
      expect(await left('documentversions')).to.deep.equal(expected);
      expect(await left('documentrevisions')).to.deep.equal(expected);
      for (const collection of ['documentversions', 'documentrevisions'])
        await db.collection<{ _id: string }>(collection).deleteOne({ _id: `${recent.toString()}:1` });
      const got = await download(owner.member.token, `/api/documents/${live.id}/content`);
      expect(got.bytes!.toString()).to.equal('recorded\n');
    });
  });

  describe('interrupted uploads', () => {
    it('a client that goes away mid-upload leaves no blob and no document', async () => {
      const before = blobCount();
      const listed = (await listIds(owner.analyst.token, `&organisation=${owner.organisation.id}`)).length;
      await abortedUpload(owner.analyst.token, documentFields({ title: 'Interrupted' }), 3 * 1024 * 1024, 8 * 1024 * 1024);
      // The partial file goes when the hub notices the client left: both within 5 s, however loaded the machine.
      const partials = () => filesUnder(blobsDir()).filter((f) => path.basename(f).startsWith('.'));
      const deadline = Date.now() + 5000;
      while ((blobCount() !== before || partials().length > 0) && Date.now() < deadline) await sleep(50);
      expect(blobCount()).to.equal(before);
      expect(partials()).to.deep.equal([]);
      expect((await listIds(owner.analyst.token, `&organisation=${owner.organisation.id}`)).length).to.equal(listed);
      // The hub is fine afterwards.
      expect((await uploadDocument(owner.analyst.token, pdfFile())).status).to.equal(201);
    });
  });

  describe('size limit (HUB_MAX_UPLOAD_MB=1, its own hub process)', function () {
    this.timeout(90_000);
    let hub: HubProcess;
    let dataDir: string;
    let token: string;
    const base = () => `http://127.0.0.1:${hub.port}`;
    const hubBlobs = () => filesUnder(path.join(dataDir, 'blobs'));

    before(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'hub-docs-limit-'));
      hub = await spawnHub({ DATA_DIR: dataDir, MONGODB_URI: freshDatabaseUri('docslimit'), HUB_MAX_UPLOAD_MB: '1' });
      const res = await fetch(`${base()}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: PROCESS_ADMIN_EMAIL, password: PROCESS_ADMIN_PASSWORD }),
      });
      token = ((await res.json()) as { accessToken: string }).accessToken;
    });
    after(async () => {
      await hub?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('a file of exactly 1 MiB is accepted; one byte more is 413 and nothing is stored', async () => {
      const exact = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(1024 * 1024 - 9)]);
      const ok = await uploadDocument(token, { name: 'exact.pdf', bytes: exact }, documentFields(), base());
      expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
      expect(hubBlobs()).to.have.length(1);
      const over = await uploadDocument(token, { name: 'over.pdf', bytes: Buffer.concat([exact, Buffer.from('x')]) }, documentFields(), base());
      expect(over.status).to.equal(413);
      expect(over.body.error.code).to.equal('payload_too_large');
      expect(hubBlobs()).to.have.length(1);
      const list = await fetch(`${base()}/api/documents`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await list.json()) as { items: unknown[] }).items).to.have.length(1);
    });

    it('a much larger upload streamed without Content-Length is stopped at the limit: 413, nothing stored', async () => {
      const boundary = 'limitBOUNDARY';
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nHuge\r\n--${boundary}\r\nContent-Disposition: form-data; name="classification"\r\n\r\nunclassified\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="sharing"\r\n\r\n{"scope":"organisation","organisations":[]}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.txt"\r\n\r\n`,
      );
      const answer = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
        const req = request({
          host: '127.0.0.1',
          port: hub.port,
          path: '/api/documents',
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
        });
        let sent = 0;
        let stop = false;
        req.on('response', (res) => {
          stop = true;
          let body = '';
          res.on('data', (c: Buffer) => {
            body += c.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }));
          res.on('error', reject);
        });
        req.on('error', (error) => {
          if (!stop) reject(error);
        });
        req.write(head);
        const chunk = Buffer.alloc(64 * 1024, 'z');
        // Up to 64 MiB: far more than the limit, so only an early answer ends this. Paced at 1 MiB per 20 ms
        // (50 MB/s), so a hub slowed by a busy machine still has over half a second to answer before 32 MiB.
        const pump = () => {
          for (let i = 0; i < 16 && !stop && sent < 64 * 1024 * 1024; i++) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          if (!stop && sent < 64 * 1024 * 1024) setTimeout(pump, 20);
        };
        pump();
      });
      expect(answer.status).to.equal(413);
      expect(JSON.parse(answer.body).error.code).to.equal('payload_too_large');
      expect(answer.sent).to.be.lessThan(32 * 1024 * 1024);
      expect(hubBlobs()).to.have.length(1);
    });

    it('a declared Content-Length far over the limit is refused before the body is read', async () => {
      const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3 * 1024 * 1024)]);
      const res = await uploadDocument(token, { name: 'big.pdf', bytes: big }, documentFields(), base());
      expect(res.status).to.equal(413);
      expect(hubBlobs()).to.have.length(1);
    });
  });
});
