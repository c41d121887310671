import { expect } from 'chai';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { documentFields, download, sha256, uploadDocument } from './helpers/documents.js';
import { asOfficeAdmin, createTenant, login, type TestUser } from './helpers/factories.js';
import { get, post } from './helpers/http.js';

// Stamped downloads (§13, issue 16 item 2): a sensitive PDF leaves the hub with the downloader, their
// organisation, the time and the audit record's id on every page, and that record holds its SHA-256.

type Tenant = Awaited<ReturnType<typeof createTenant>>;
const fontsDir = `${path.join(path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

/** A PDF of `pages` pages, each saying which it is. */
async function pagesPdf(pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) doc.addPage([595, 842]).drawText(`Page ${i} of the field report`, { x: 72, y: 770, font, size: 12 });
  return Buffer.from(await doc.save());
}

/** The text of each page as pdf.js reads it, control characters left out. */
async function pageTexts(bytes: Buffer): Promise<string[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), standardFontDataUrl: fontsDir }).promise;
  const texts: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    texts.push(
      content.items
        .map((item) => ('str' in item ? item.str : ''))
        .join(' ')
        .replace(/\p{Cc}/gu, ''),
    );
  }
  return texts;
}

describe('stamped downloads of sensitive PDFs (§13)', function () {
  this.timeout(120_000);
  let owner: Tenant;
  let partner: Tenant;
  let original: Buffer;
  let sensitiveId: string;

  const upload = async (user: TestUser, bytes: Buffer, fields: Record<string, unknown>) => {
    const res = await uploadDocument(
      user.token,
      { name: 'report.pdf', bytes },
      documentFields({ sharing: { scope: 'selected', organisations: [partner.organisation.id] }, ...fields }),
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id as string;
  };

  before(async () => {
    [owner, partner] = await Promise.all([createTenant(), createTenant()]);
    original = await pagesPdf(3);
    sensitiveId = await upload(owner.analyst, original, { classification: 'strictly-confidential', title: 'Witness statements' });
  });

  it('stamps every page with the downloader and the audit record, whose details.sha256 is the file received', async () => {
    const res = await download(partner.member.token, `/api/documents/${sensitiveId}/content`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/pdf');
    const bytes = res.bytes!;
    expect(Number(res.headers.get('content-length'))).to.equal(bytes.length);
    expect(sha256(bytes)).to.not.equal(sha256(original));
    const { body: me } = await get('/api/me', partner.member.token);
    const texts = await pageTexts(bytes);
    expect(texts).to.have.length(3);
    const recordId = /audit record ([0-9a-f-]{36})/.exec(texts[0]!)?.[1];
    expect(recordId, texts[0]).to.be.a('string');
    for (const text of texts) {
      expect(text).to.include(me.user.name);
      expect(text).to.include(partner.organisation.name);
      expect(text).to.match(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      expect(text).to.include(`audit record ${recordId}`);
    }
    expect(bytes.toString('latin1'), 'the line in the document information').to.include(`Downloaded by ${me.user.name}`);
    const office = await asOfficeAdmin();
    const trail = await get(`/api/audit?action=document.download&target=${sensitiveId}`, office.token);
    const record = (trail.body.items as { id: string; actor: { userId: string }; details: Record<string, unknown> }[]).find((r) => r.id === recordId);
    expect(record, JSON.stringify(trail.body.items)).to.not.equal(undefined);
    expect(record!.actor.userId).to.equal(partner.member.id);
    expect(record!.details).to.include({ sha256: sha256(bytes), stamped: true, version: 1 });
    expect(res.headers.get('etag')).to.equal(`"${sha256(bytes)}"`);
    expect((await get('/api/audit/verify', office.token)).body.ok).to.equal(true);
  });

  it('gives the owner organisation the stored file with ?original=true, and refuses it to others (403)', async () => {
    const mine = await download(owner.member.token, `/api/documents/${sensitiveId}/content?original=true`);
    expect(mine.status).to.equal(200);
    expect(mine.bytes!.equals(original)).to.equal(true);
    const versioned = await download(owner.admin.token, `/api/documents/${sensitiveId}/versions/1/content?original=true`);
    expect(versioned.bytes!.equals(original)).to.equal(true);
    const theirs = await download(partner.admin.token, `/api/documents/${sensitiveId}/content?original=true`);
    expect(theirs.status).to.equal(403);
    expect(theirs.json?.error?.code).to.equal('forbidden');
    const stampedForOwner = await download(owner.member.token, `/api/documents/${sensitiveId}/content`);
    expect(stampedForOwner.bytes!.equals(original)).to.equal(false);
    expect((await download(owner.member.token, `/api/documents/${sensitiveId}/content?original=yes`)).status).to.equal(400);
  });

  it('leaves a PDF that is not sensitive as stored', async () => {
    const id = await upload(owner.analyst, original, { classification: 'confidential' });
    const res = await download(partner.member.token, `/api/documents/${id}/content`);
    expect(res.status).to.equal(200);
    expect(res.bytes!.equals(original)).to.equal(true);
    expect((await download(partner.member.token, `/api/documents/${id}/content?original=true`)).bytes!.equals(original)).to.equal(true);
  });

  it('answers a clear 4xx, never a 500, for a sensitive PDF that cannot be stamped', async () => {
    const broken = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
    const id = await upload(owner.analyst, broken, { classification: 'strictly-confidential' });
    const res = await download(partner.member.token, `/api/documents/${id}/content`);
    expect(res.status).to.equal(415);
    expect(res.json?.error?.code).to.equal('unsupported_media_type');
    const kept = await download(owner.analyst.token, `/api/documents/${id}/content?original=true`);
    expect(kept.bytes!.equals(broken)).to.equal(true);
  });

  it('sets an Arabic name in Arabic letters', async () => {
    const office = await asOfficeAdmin();
    const email = `arabic-${Date.now()}@hub.test`;
    const password = 'a long enough password 1';
    const created = await post(`/api/organisations/${partner.organisation.id}/users`, { email, name: 'سارة بن علي', role: 'member', password }, office.token);
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const session = await login(email, password);
    const res = await download(session.accessToken, `/api/documents/${sensitiveId}/content`);
    expect(res.status).to.equal(200);
    const [text] = await pageTexts(res.bytes!);
    // pdf.js reads right-to-left runs word by word; each word of the name is there, shaped glyphs mapped back.
    const letters = text!.replace(/\s/g, '');
    for (const word of ['سارة', 'بن', 'علي']) expect(letters).to.include(word);
  });
});
