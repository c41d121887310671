import { expect } from 'chai';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pdf } from '../server/demo/documentFiles.js';
import { TypeSniffer } from '../server/services/documents/sniff.js';
import { documentFields, download, filesUnder, uploadDocument, uploadVersion, type TestFile } from './helpers/documents.js';
import { createTenant, type TestUser } from './helpers/factories.js';
import { testConfig } from './helpers/hub.js';
import { get, patch } from './helpers/http.js';

// Contract v2 for documents (issue 12): versions keep the audience they had while they were the latest
// (§5, §7), every list answer is one audit record (§9), markup anywhere in text is refused and download
// names end in the detected type's extension (§7).

type Tenant = Awaited<ReturnType<typeof createTenant>>;
const blobCount = () => filesUnder(path.join(testConfig().dataDir, 'blobs')).length;
const textFile = (content: string, name = 'notes.txt'): TestFile => ({ name, bytes: Buffer.from(content) });
const sharing = (scope: string, organisations: string[] = []) => ({ scope, organisations });

describe('documents, contract v2 (issue 12)', function () {
  this.timeout(60_000);
  let au: Tenant;
  let ecowas: Tenant;
  let third: Tenant;

  before(async () => {
    [au, ecowas, third] = await Promise.all([createTenant(), createTenant(), createTenant()]);
  });

  /** Versions listed to `user`, and the status of each version's content. */
  async function seenBy(user: TestUser, id: string, versions: number) {
    const read = await get(`/api/documents/${id}`, user.token);
    if (read.status !== 200) return { status: read.status, listed: [], content: [] };
    const content = await Promise.all(
      Array.from({ length: versions }, async (_, i) => (await download(user.token, `/api/documents/${id}/versions/${i + 1}/content`)).status),
    );
    return { status: 200, listed: (read.body.versions as { version: number }[]).map((v) => v.version), content };
  }

  it('a version is seen only by organisations that saw the document while it was the latest, and see it now', async () => {
    const created = await uploadDocument(au.analyst.token, textFile('v1 names the informant\n'), documentFields({ title: 'Redacted by versions' }));
    expect(created.status).to.equal(201);
    const id = created.body.id as string;
    const share = async (scope: string, organisations: string[] = []) => {
      const res = await patch(`/api/documents/${id}`, { sharing: sharing(scope, organisations) }, au.analyst.token);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    };
    const upload = async (line: string) => expect((await uploadVersion(au.analyst.token, id, textFile(line))).status).to.equal(201);

    // The reproduction: v1 organisation-only, v2 uploaded, then shared with ECOWAS.
    await upload('v2 without names\n');
    await share('selected', [ecowas.organisation.id]);
    expect(await seenBy(ecowas.member, id, 2)).to.deep.equal({ status: 200, listed: [2], content: [404, 200] });
    expect(await seenBy(au.member, id, 2)).to.deep.equal({ status: 200, listed: [1, 2], content: [200, 200] });
    const hidden = await download(ecowas.admin.token, `/api/documents/${id}/versions/1/content`);
    expect(hidden.json?.error?.code).to.equal('not_found');

    // Widened while v2 is the latest: v2 opens to everyone, v1 stays closed; v3 starts from `all`.
    await share('all');
    await upload('v3\n');
    expect(await seenBy(third.analyst, id, 3)).to.deep.equal({ status: 200, listed: [2, 3], content: [404, 200, 200] });

    // Narrowed: closed to those taken out; widened again, nothing before opens that was not theirs.
    await share('organisation');
    expect((await seenBy(ecowas.member, id, 3)).status).to.equal(404);
    await share('selected', [ecowas.organisation.id]);
    expect(await seenBy(ecowas.analyst, id, 3)).to.deep.equal({ status: 200, listed: [2, 3], content: [404, 200, 200] });
    expect(await seenBy(third.admin, id, 3)).to.deep.equal({ status: 404, listed: [], content: [] });
    expect(await seenBy(au.admin, id, 3)).to.deep.equal({ status: 200, listed: [1, 2, 3], content: [200, 200, 200] });
  });

  it('every answer of GET /api/documents is one document.list audit record naming what it returned', async () => {
    const mine = await Promise.all(
      [1, 2, 3].map(
        async (n) =>
          (
            await uploadDocument(
              au.analyst.token,
              textFile(`listed ${n}\n`),
              documentFields({ title: `Audited list ${n}`, sharing: sharing('selected', [third.organisation.id]) }),
            )
          ).body.id as string,
      ),
    );
    const first = await get(`/api/documents?organisation=${au.organisation.id}&q=audited&limit=2`, third.member.token);
    const second = await get(`/api/documents?organisation=${au.organisation.id}&q=audited&limit=2&cursor=${first.body.nextCursor}`, third.member.token);
    const returned = [...first.body.items, ...second.body.items].map((d: { id: string }) => d.id);
    expect(returned.sort()).to.deep.equal([...mine].sort());
    const trail = await get(`/api/audit?action=document.list&actor=${third.member.id}`, third.admin.token);
    expect(trail.status).to.equal(200);
    const records = trail.body.items as { actor: { userId: string }; details: { ids: string[]; count: number } }[];
    expect(records.map((r) => r.details).reverse()).to.deep.equal([
      { ids: first.body.items.map((d: { id: string }) => d.id), count: 2 },
      { ids: second.body.items.map((d: { id: string }) => d.id), count: 1 },
    ]);
    // Another organisation's admin does not see the reader's list records.
    const elsewhere = await get(`/api/audit?action=document.list&actor=${third.member.id}`, au.admin.token);
    expect(elsewhere.body.items).to.deep.equal([]);
  });

  describe('markup in uploads', () => {
    const prose = 'Situation report, district by district.\n'.repeat(60); // > 2 KiB without markup
    const polyglot = Buffer.concat([
      Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n<html><body><script>alert(document.domain)</script></body></html>\n', 'latin1'),
      pdf(['Polyglot']).subarray(pdf(['Polyglot']).indexOf('1 0 obj')),
    ]);
    const refused: [string, TestFile][] = [
      ['markup after the first KiB of text', textFile(`${prose}<script>alert(1)</script>\n`)],
      ['markup straddling the first 64 KiB of a long text', textFile(`${'x'.repeat(65_533)}<iframe src=//evil>\n${prose}`)],
      ['an <img src=x onerror=…> in a CSV cell', textFile(`county,level\nNakuru,2\n"<img src=x onerror=alert(1)>",3\n`, 'figures.csv')],
      ['a javascript: link in text', textFile(`${prose}<a href="jav&#x09;ascript:alert(1)">here</a>\n`)],
      ['an XML declaration after prose', textFile(`${prose}<?xml version="1.0"?><x/>\n`)],
      ['a PDF with HTML before its first object (a polyglot)', { name: 'report.pdf', bytes: polyglot }],
    ];
    for (const [why, file] of refused) {
      it(`${why}: 415 and nothing stored`, async () => {
        const before = blobCount();
        const res = await uploadDocument(au.analyst.token, file, documentFields({ title: `markup ${why}` }));
        expect([res.status, res.body.error?.code], JSON.stringify(res.body)).to.deep.equal([415, 'unsupported_media_type']);
        expect(blobCount()).to.equal(before);
        expect((await get(`/api/documents?organisation=${au.organisation.id}&q=markup`, au.analyst.token)).body.items).to.deep.equal([]);
      });
    }

    it('the sniffer finds markup split at every byte of a chunk boundary, and passes prose with < in it', async () => {
      const sniff = async (chunks: Buffer[]) => {
        const sniffer = new TypeSniffer('notes.txt');
        try {
          await pipeline(Readable.from(chunks), sniffer, async (source: AsyncIterable<Buffer>) => {
            for await (const chunk of source) void chunk;
          });
          return await sniffer.decide(() => Promise.reject(new Error('not a zip')));
        } catch (error) {
          return (error as { code?: string }).code;
        }
      };
      const head = Buffer.from(prose);
      for (const snippet of ['<svg/onload=alert(1)>', '<img src=x\n  onerror = "alert(1)">', '</SCRIPT>', '<!doctype html>']) {
        const bytes = Buffer.concat([head, Buffer.from(snippet), Buffer.from('\nmore prose\n')]);
        for (let cut = head.length; cut <= head.length + snippet.length; cut++) {
          expect(await sniff([bytes.subarray(0, cut), bytes.subarray(cut)]), `${snippet} cut at ${cut - head.length}`).to.equal('unsupported_media_type');
        }
      }
      expect(await sniff([Buffer.from('if a < b and c<3 then <b>bold</b>; mail <x@example.org>\nanother line\n')])).to.equal('text');
    });

    it("a download is named with the detected type's extension; a PDF and UTF-8 names keep theirs", async () => {
      const cases: [TestFile, string][] = [
        [textFile('no markup, only words\n', 'report.html'), 'report.html.txt'],
        [textFile('تقرير\n', 'تقرير.svg'), 'تقرير.svg.txt'],
        [{ name: 'report.PDF', bytes: pdf(['Report']) }, 'report.PDF'],
        [textFile('a,b\n1,2\n', 'figures.csv'), 'figures.csv'],
      ];
      for (const [file, name] of cases) {
        const res = await uploadDocument(au.analyst.token, file, documentFields({ title: `Named ${file.name}` }));
        expect([res.status, res.body.filename]).to.deep.equal([201, name]);
        const got = await download(au.analyst.token, `/api/documents/${res.body.id}/content`);
        const disposition = got.headers.get('content-disposition') ?? '';
        expect(disposition).to.match(/^attachment; filename="[^"]+"; filename\*=UTF-8''/);
        expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1]!)).to.equal(name);
        expect(/filename="([^"]+)"/.exec(disposition)![1]).to.match(new RegExp(`\\.${name.split('.').pop()}$`));
      }
    });
  });
});
