import { expect } from 'chai';
import type { z } from 'zod';
import { ErrorAnswer } from '../shared/schemas/common.js';
import { API_DOCS } from '../server/routes/docs.js';
import type { RouteDoc } from '../server/openapi/routeDoc.js';
import { uploadDocument } from './helpers/documents.js';
import { asOfficeAdmin, assessmentBody, createTenant } from './helpers/factories.js';
import { call, type Answer } from './helpers/http.js';
import { mountedApiRoutes } from './permissions/mounted.js';
import { text } from '../server/demo/documentFiles.js';

// §14: /api/openapi.json describes every route the app mounts, from the schemas the routes validate with.

const expressPath = (doc: RouteDoc) => `${doc.method.toUpperCase()} ${doc.path.replace(/\{(\w+)\}/g, ':$1')}`;

/** The documentation of the route `method url` answers on (the most specific template that matches). */
function documented(method: string, url: string): RouteDoc {
  const path = url.split('?')[0]!;
  const matches = API_DOCS.filter((d) => d.method === method.toLowerCase() && new RegExp(`^${d.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(path));
  matches.sort((a, b) => b.path.replace(/\{\w+\}/g, '').length - a.path.replace(/\{\w+\}/g, '').length);
  const doc = matches[0];
  if (!doc) throw new Error(`${method} ${path} is not documented`);
  return doc;
}

/** Calls the hub and checks the answer against the schema its route documents for that status. */
async function conforming(method: string, url: string, body?: unknown, token?: string): Promise<Answer> {
  const answer = await call(method, url, body, { token });
  const doc = documented(method, url);
  const what = `${method} ${url} → ${answer.status}`;
  const documentedAnswer = doc.answers[answer.status];
  const schema: z.ZodType | undefined = answer.status >= 400 ? ErrorAnswer : documentedAnswer?.schema;
  expect(answer.status < 400 ? documentedAnswer : true, `${what}: status not documented`).to.not.equal(undefined);
  if (!schema) return answer;
  const parsed = schema.safeParse(answer.body);
  expect(parsed.success ? [] : parsed.error.issues, what).to.deep.equal([]);
  return answer;
}

describe('OpenAPI description (§14)', () => {
  it('is OpenAPI 3.1, served without a token, and names every route the app mounts', async () => {
    const answer = await call('GET', '/api/openapi.json');
    expect(answer.status).to.equal(200);
    expect(answer.body.openapi).to.match(/^3\.1\./);
    const described = Object.entries(answer.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const mounted = await mountedApiRoutes();
    expect(
      mounted.filter((r) => !described.includes(r)),
      'mounted routes missing from /api/openapi.json',
    ).to.deep.equal([]);
    expect(
      described.filter((r) => !mounted.includes(r)),
      'described routes the app does not mount',
    ).to.deep.equal([]);
    expect(API_DOCS.map(expressPath).length, 'a route documented twice').to.equal(new Set(API_DOCS.map(expressPath)).size);
    const create = answer.body.paths['/api/assessments'].post;
    expect(create.requestBody.content['application/json'].schema.required).to.include.members(['country', 'title']);
    expect(create.responses['201'].content['application/json'].schema.properties).to.have.property('publishedVersion');
  });

  it('real answers match the schemas their routes document', async () => {
    const { organisation, admin, analyst, member } = await createTenant();
    const office = await asOfficeAdmin();
    await conforming('GET', '/api/health');
    await conforming('GET', '/api/me', undefined, member.token);
    await conforming('GET', '/api/organisations?limit=5', undefined, member.token);
    await conforming('GET', `/api/organisations/${organisation.id}/users`, undefined, admin.token);
    await conforming('GET', '/api/audit?limit=5', undefined, office.token);
    await conforming('GET', '/api/framework', undefined, member.token);
    const created = await conforming('POST', '/api/assessments', assessmentBody({ country: 'KEN' }), analyst.token);
    const id = created.body.id as string;
    await conforming('POST', `/api/assessments/${id}/publish`, {}, analyst.token);
    await conforming('GET', `/api/assessments/${id}`, undefined, member.token);
    await conforming('GET', '/api/assessments?country=KEN', undefined, member.token);
    await conforming('GET', `/api/assessments/${id}/versions/1`, undefined, member.token);
    await conforming('POST', `/api/assessments/${id}/comments`, { body: 'Noted.' }, member.token);
    await conforming('GET', '/api/countries/KEN/overview', undefined, member.token);
    const uploaded = await uploadDocument(analyst.token, { name: 'notes.txt', bytes: text('Notes.') });
    await conforming('GET', `/api/documents/${uploaded.body.id}`, undefined, member.token);
    const room = await conforming('POST', '/api/rooms', { name: 'Watch', organisations: [organisation.id] }, analyst.token);
    await conforming('POST', `/api/rooms/${room.body.id}/messages`, { body: 'Hello' }, member.token);
    await conforming('GET', '/api/notifications', undefined, member.token);
    await conforming('GET', '/api/notifications/summary', undefined, member.token);
    await conforming('GET', '/api/me/preferences', undefined, member.token);
    await conforming('PATCH', `/api/assessments/${id}`, { version: 1, title: 'x' }, analyst.token);
    await conforming('GET', '/api/me');
    await conforming('POST', '/api/assessments', { country: 'XX' }, analyst.token);
  });
});
