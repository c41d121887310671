import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'chai';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { riskFactorsIn } from '../shared/framework/index.js';
import { renderBrief } from '../server/services/briefs/pdf.js';
import type { BriefView } from '../server/services/briefs/view.js';
import { hasChromium, launch } from './browser/browser.js';
import { uploadDocument } from './helpers/documents.js';
import { asOfficeAdmin, createAssessment, createTenant } from './helpers/factories.js';
import { get, post } from './helpers/http.js';
import { baseUrl } from './helpers/hub.js';
import { pdfPage, renderPdfPage } from './helpers/pdfRender.js';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
const COUNTRY = 'SDN';
const NAMES = { en: 'Sudan', fr: 'Soudan', ar: 'السودان' } as const;

async function fetchBrief(token: string, query = ''): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const res = await fetch(`${baseUrl()}/api/countries/${COUNTRY}/brief.pdf${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The text of every page, as pdf.js extracts it (RTL runs put back in logical order). */
async function pdfText(bytes: Buffer): Promise<{ pages: number; text: string }> {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  const parts: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    parts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  return { pages: doc.numPages, text: parts.join('\n') };
}

describe('country brief as PDF (§12)', function () {
  this.timeout(60_000);
  let owner: Tenant;
  let other: Tenant;

  before(async () => {
    [owner, other] = await Promise.all([createTenant(), createTenant()]);
    const all = { scope: 'all', organisations: [] };
    await createAssessment(owner.analyst, { country: COUNTRY, title: 'Visible reading', overallRisk: 3, sharing: all }, true);
    await createAssessment(other.analyst, { country: COUNTRY, title: 'Second reading', overallRisk: 2, sharing: all, classification: 'unclassified' }, true);
    await createAssessment(
      other.analyst,
      { country: COUNTRY, title: 'Withheld reading', overallRisk: 4, sharing: { scope: 'organisation', organisations: [] } },
      true,
    );
    const alert = { country: COUNTRY, level: 'urgent', summary: 'Militia mobilising near El Fasher; يجب التحرك فوراً.', classification: 'confidential' };
    const issued = await post(
      '/api/alerts',
      {
        ...alert,
        title: 'Mobilisation alert',
        sharing: all,
        actions: [{ text: 'Call the envoy', ownerOrganisationId: owner.organisation.id, dueDate: '2031-01-05' }],
      },
      other.analyst.token,
    );
    expect(issued.status).to.equal(201);
    expect((await post(`/api/alerts/${issued.body.id}/acknowledge`, {}, owner.member.token)).status).to.equal(200);
    const hidden = await post(
      '/api/alerts',
      { ...alert, title: 'Withheld alert', tlp: 'red', sharing: { scope: 'organisation', organisations: [] } },
      other.analyst.token,
    );
    expect(hidden.status).to.equal(201);
    const doc = await uploadDocument(
      owner.analyst.token,
      { name: 'report.txt', bytes: Buffer.from('Report\n') },
      { title: 'Field report El Fasher', classification: 'unclassified', sharing: { scope: 'organisation', organisations: [] }, country: COUNTRY },
    );
    expect(doc.status).to.equal(201);
  });

  it('is the caller’s view in three languages, marked, with nothing the caller may not see, and audited', async () => {
    for (const lang of ['en', 'fr', 'ar'] as const) {
      const brief = await fetchBrief(owner.member.token, `?lang=${lang}`);
      expect(brief.status).to.equal(200);
      expect(brief.type).to.equal('application/pdf');
      expect(brief.bytes.subarray(0, 5).toString()).to.equal('%PDF-');
      const { text, pages } = await pdfText(brief.bytes);
      expect(text, lang).to.include(NAMES[lang]);
      for (const seen of ['Mobilisation alert', 'Call the envoy', 'Field report El Fasher']) expect(text, `${lang}: ${seen}`).to.include(seen);
      for (const withheld of ['Withheld reading', 'Withheld alert']) expect(text, lang).not.to.include(withheld);
      const marking = { en: 'CONFIDENTIAL', fr: 'CONFIDENTIEL', ar: 'سري' }[lang];
      expect(text.split(marking).length - 1, `${lang}: the marking on every page, top and foot`).to.be.at.least(2 * pages);
      expect(text).to.include('TLP:AMBER');
    }
    // The other organisation sees its red alert, so its brief is marked red.
    const theirs = await pdfText((await fetchBrief(other.member.token)).bytes);
    expect(theirs.text).to.include('Withheld alert');
    expect(theirs.text).to.include('TLP:RED');

    const office = await asOfficeAdmin();
    const trail = await get(`/api/audit?action=country.brief&actor=${owner.member.id}&limit=10`, office.token);
    expect(trail.body.items).to.have.length(3);
    expect(trail.body.items[0]).to.deep.include({ action: 'country.brief', target: { type: 'country', id: COUNTRY, organisationId: null } });
    expect((await fetchBrief(owner.member.token, '?lang=de')).status).to.equal(400);
    expect((await get(`/api/countries/XXX/brief.pdf`, owner.member.token)).status).to.equal(404);
    expect((await fetchBrief('nope')).status).to.equal(401);
  });

  it('sets Arabic shaped and right to left (page 1 rendered to PNG, compared with Chromium’s own setting)', async function () {
    if (!hasChromium()) this.skip();
    const brief = await fetchBrief(owner.member.token, '?lang=ar');
    const browser = await launch();
    try {
      const page = await pdfPage(browser, FONTS);
      const png = await renderPdfPage(page, brief.bytes, 1, 2);
      const dir = path.join(process.cwd(), 'test-results', 'brief');
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'brief-ar-page1.png'), png);
      // The title line (20 pt bold at 64 pt from the top, scale 2) against the same words set by Chromium.
      const title = `موجز قطري: ${NAMES.ar}`;
      const scores = (await page.evaluate(`(${COMPARE_IN_PAGE})(${JSON.stringify({ png: png.toString('base64'), title, band: [124, 184] })})`)) as {
        right: number;
        reversed: number;
        widthRatio: number;
        rightAligned: boolean;
      };
      expect(scores.rightAligned, 'the title sits on the right').to.equal(true);
      expect(scores.right, `like Chromium's Arabic (${JSON.stringify(scores)})`).to.be.above(0.8);
      expect(scores.right - scores.reversed, 'and unlike its letters reversed or unjoined').to.be.above(0.15);
      expect(scores.widthRatio, 'as wide').to.be.within(0.9, 1.1);
    } finally {
      await browser.close();
    }
  });

  it('sets a brief of 200 readings by 8 organisations and 60 documents in under 3 s', async () => {
    const orgs = Array.from({ length: 8 }, (_, i) => `org${i}`);
    const view: BriefView = {
      lang: 'ar',
      at: new Date(),
      country: { code: 'TCD', name: 'تشاد' },
      reader: 'ECOWAS',
      organisations: new Map(orgs.map((o) => [o, `Organisation ${o} الاتحاد الأفريقي`])),
      factors: riskFactorsIn('ar').map((f) => ({ number: f.number, title: f.title })),
      history: Array.from({ length: 200 }, (_, i) => ({
        organisationId: orgs[i % 8]!,
        publishedAt: new Date(Date.UTC(2026, 0, 1) + i * 86_400_000),
        overallRisk: i % 5,
      })),
      latest: orgs.map((o, i) => ({ organisationId: o, overallRisk: i % 5, levels: new Map(Array.from({ length: 14 }, (_, f) => [f + 1, (f + i) % 5])) })),
      alerts: [],
      documents: Array.from({ length: 60 }, (_, i) => ({ title: `Report ${i} تقرير ميداني`, classification: 'confidential', updatedAt: new Date() })),
      classification: 'confidential',
      tlp: 'amber',
      ids: [],
    };
    const started = performance.now();
    const pdf = await renderBrief(view);
    const ms = performance.now() - started;
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(ms, `${Math.round(ms)} ms`).to.be.below(3000);
  });
});

const fontFile = (file: string) => ({ body: readFileSync(createRequire(import.meta.url).resolve(file)), type: 'font/woff' });
/** The fonts the brief embeds, for Chromium to set the same words with. */
const FONTS = {
  '/ar.woff': fontFile('@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-700-normal.woff'),
  '/la.woff': fontFile('@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff'),
};

// Runs in the page. The ink of each pixel column of the PDF's title band, against Chromium setting the
// same words in the same fonts: right to left and joined (as it should be), letters in reverse order,
// and letters kept apart (unshaped). Profiles are resampled to 120 columns and compared by correlation.
const COMPARE_IN_PAGE = `async ({ png, title, band }) => {
  const image = await new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = reject;
    img.src = 'data:image/png;base64,' + png;
  });
  const ink = (ctx, w, y0, y1) => {
    const data = ctx.getImageData(0, y0, w, y1 - y0).data;
    const cols = new Float64Array(w);
    let minX = w, maxX = -1;
    for (let y = 0; y < y1 - y0; y++) for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      if (data[i] + data[i + 1] + data[i + 2] < 384) { cols[x]++; if (x < minX) minX = x; if (x > maxX) maxX = x; }
    }
    const span = cols.slice(minX, maxX + 1);
    const bins = Array.from({ length: 120 }, (_, b) => {
      const from = Math.floor((b * span.length) / 120), to = Math.max(from + 1, Math.floor(((b + 1) * span.length) / 120));
      let sum = 0; for (let x = from; x < to; x++) sum += span[x]; return sum / (to - from);
    });
    return { bins, minX, maxX, width: maxX - minX + 1 };
  };
  const corr = (a, b) => {
    const mean = (v) => v.reduce((s, x) => s + x, 0) / v.length;
    const ma = mean(a), mb = mean(b);
    let num = 0, da = 0, db = 0;
    for (let i = 0; i < a.length; i++) { num += (a[i] - ma) * (b[i] - mb); da += (a[i] - ma) ** 2; db += (b[i] - mb) ** 2; }
    return num / Math.sqrt(da * db);
  };
  const page = document.createElement('canvas');
  page.width = image.width; page.height = image.height;
  const pctx = page.getContext('2d', { willReadFrequently: true });
  pctx.drawImage(image, 0, 0);
  const pdf = ink(pctx, page.width, band[0], band[1]);
  for (const [family, url] of [['BriefAr', '/ar.woff'], ['BriefLa', '/la.woff']]) {
    const face = new FontFace(family, 'url(' + url + ')', { weight: '700' });
    await face.load();
    document.fonts.add(face);
  }
  const set = (text) => {
    const c = document.createElement('canvas');
    c.width = 1400; c.height = 120;
    const ctx = c.getContext('2d', { willReadFrequently: true });
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, c.width, c.height);
    ctx.fillStyle = '#000'; ctx.font = '700 40px BriefAr, BriefLa'; ctx.direction = 'rtl'; ctx.textAlign = 'right';
    ctx.fillText(text, 1380, 80);
    return ink(ctx, c.width, 0, c.height);
  };
  const right = set(title);
  const reversed = set([...title].reverse().join(''));
  const unjoined = set([...title].join('\\u200c'));
  return {
    right: corr(pdf.bins, right.bins),
    reversed: Math.max(corr(pdf.bins, reversed.bins), corr(pdf.bins, unjoined.bins)),
    widthRatio: pdf.width / right.width,
    rightAligned: pdf.maxX > page.width * 0.85 && pdf.minX > page.width * 0.3,
  };
}`;
