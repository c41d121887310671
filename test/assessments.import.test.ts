import { expect } from 'chai';
import { assessmentBody, createTenant } from './helpers/factories.js';
import { call, get, post } from './helpers/http.js';

// §14: POST /api/assessments/import?dryRun= — CSV or JSON, row-by-row report, all or nothing, drafts.

const csvCell = (value: unknown) => `"${(typeof value === 'string' ? value : JSON.stringify(value)).replace(/"/g, '""')}"`;
const COLUMNS = ['country', 'title', 'summary', 'periodStart', 'periodEnd', 'overallRisk', 'riskFactors', 'classification', 'sharing'];
const csv = (rows: Record<string, unknown>[]) => [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => csvCell(r[c] ?? '')).join(','))].join('\n');
const importCsv = (text: string, token: string, dryRun = false) =>
  call('POST', `/api/assessments/import${dryRun ? '?dryRun=true' : ''}`, undefined, { token, raw: text, headers: { 'content-type': 'text/csv' } });

describe('assessment import (§14)', () => {
  it('imports CSV as drafts, after a dry run that stores nothing', async () => {
    const { organisation, analyst, member } = await createTenant();
    // Only this organisation's: other tests' assessments shared with all (or discoverable) are in any country's list.
    const own = `&organisation=${organisation.id}`;
    const rows = [assessmentBody({ country: 'TCD', title: 'Import one' }), assessmentBody({ country: 'TCD', title: 'Import two', periodStart: undefined })];
    const dry = await importCsv(csv(rows), analyst.token, true);
    expect(dry.status).to.equal(200);
    expect(dry.body).to.deep.equal({ created: 2, errors: [] });
    expect((await get(`/api/assessments?country=TCD${own}`, analyst.token)).body.items).to.have.length(0);

    const done = await importCsv(csv(rows), analyst.token);
    expect(done.body).to.deep.equal({ created: 2, errors: [] });
    const listed = (await get(`/api/assessments?country=TCD${own}`, analyst.token)).body.items as { title: string; status: string; version: number }[];
    expect(listed.map((a) => a.title).sort()).to.deep.equal(['Import one', 'Import two']);
    expect(listed.every((a) => a.status === 'draft' && a.version === 1)).to.equal(true);
    expect((await importCsv(csv(rows), member.token)).status).to.equal(403);
    expect((await importCsv(csv(rows), '')).status).to.equal(401);
  });

  it('reports every wrong row and field, and stores nothing when one row is wrong (CSV and JSON)', async () => {
    const { organisation, analyst } = await createTenant();
    const rows = [
      assessmentBody({ country: 'NER', title: 'Fine' }),
      assessmentBody({ country: 'XXX', title: 'Bad country' }),
      assessmentBody({ country: 'NER', overallRisk: 9 }),
    ];
    const answer = await importCsv(csv(rows), analyst.token);
    expect(answer.status).to.equal(200);
    expect(answer.body.created).to.equal(0);
    expect(answer.body.errors.map((e: { row: number; field: string }) => [e.row, e.field])).to.deep.equal([
      [2, 'country'],
      [3, 'overallRisk'],
    ]);
    const badJson = csv([rows[0]!]).replace('"{""scope', '"{scope');
    expect((await importCsv(badJson, analyst.token)).body.errors[0]).to.include({ row: 1, field: 'sharing' });

    const json = await post(
      '/api/assessments/import',
      [rows[0], { ...rows[0], secret: 1 }, { ...rows[0], sharing: { scope: 'selected', organisations: [] } }],
      analyst.token,
    );
    expect(json.status).to.equal(200);
    expect(json.body.created).to.equal(0);
    expect(json.body.errors.map((e: { row: number; field: string }) => [e.row, e.field])).to.deep.equal([
      [2, 'secret'],
      [3, 'sharing.organisations'],
    ]);
    expect((await get(`/api/assessments?country=NER&organisation=${organisation.id}`, analyst.token)).body.items).to.have.length(0);

    expect((await post('/api/assessments/import', [rows[0]], analyst.token)).body).to.deep.equal({ created: 1, errors: [] });
    expect((await post('/api/assessments/import', { not: 'an array' }, analyst.token)).status).to.equal(400);
    expect((await post('/api/assessments/import', [], analyst.token)).status).to.equal(400);
    expect((await importCsv('country,title\n"unclosed', analyst.token)).status).to.equal(400);
    expect(
      (await call('POST', '/api/assessments/import', undefined, { token: analyst.token, raw: 'x', headers: { 'content-type': 'text/plain' } })).status,
    ).to.equal(415);
    expect((await post('/api/assessments/import?dryRun=maybe', [rows[0]], analyst.token)).status).to.equal(400);
  });
});
