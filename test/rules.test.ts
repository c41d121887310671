import { expect } from 'chai';
import { baseUrl } from './helpers/hub.js';
import { call, get, patch, post } from './helpers/http.js';
import { createTenant } from './helpers/factories.js';

describe('rules every response obeys (§2)', () => {
  it('errors have the contract shape and no stack or driver message', async () => {
    const res = await get('/api/no-such-endpoint');
    expect(res.status).to.equal(404);
    expect(res.body).to.deep.equal({ error: { code: 'not_found', message: res.body.error.message } });
    expect(res.body.error.message)
      .to.be.a('string')
      .and.not.match(/at .*\.ts|Mongo/);
  });

  it('every response carries nosniff and a CSP and no X-Powered-By', async () => {
    for (const path of ['/api/health', '/api/me', '/api/nothing', '/']) {
      const res = await fetch(baseUrl() + path);
      expect(res.headers.get('x-content-type-options'), path).to.equal('nosniff');
      expect(res.headers.get('content-security-policy'), path).to.contain("default-src 'self'").and.contain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).to.not.contain('unsafe-inline');
      expect(res.headers.get('x-powered-by'), path).to.equal(null);
    }
  });

  it('malformed JSON is 400, a body over 1 MiB is 413, a non-JSON body is 415', async () => {
    const { member } = await createTenant();
    const malformed = await call('PATCH', '/api/me', undefined, { token: member.token, raw: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.code).to.equal('invalid_request');
    const huge = await call('PATCH', '/api/me', undefined, {
      token: member.token,
      raw: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).to.equal(413);
    expect(huge.body.error.code).to.equal('payload_too_large');
    const text = await call('PATCH', '/api/me', undefined, {
      token: member.token,
      raw: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.status).to.equal(415);
    expect(text.body.error.code).to.equal('unsupported_media_type');
  });

  it('rejects unknown fields, $-operators, dotted keys, __proto__ and deep nesting with 400, naming the field', async () => {
    const { member } = await createTenant();
    const unknown = await patch('/api/me', { name: 'A', role: 'admin' }, member.token);
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error.message).to.contain('role');
    for (const raw of [
      '{"name": {"$gt": ""}}',
      '{"$set": {"role": "admin"}}',
      '{"a.b": 1}',
      '{"__proto__": {"admin": true}}',
      '{"name": ' + '['.repeat(200) + ']'.repeat(200) + '}',
    ]) {
      const res = await call('PATCH', '/api/me', undefined, { token: member.token, raw, headers: { 'content-type': 'application/json' } });
      expect(res.status, raw.slice(0, 40)).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_request');
    }
    expect(({} as Record<string, unknown>).admin).to.equal(undefined);
    const me = await get('/api/me', member.token);
    expect(me.body.user.role).to.equal('member');
  });

  it('validation messages name the offending field', async () => {
    const { member } = await createTenant();
    const res = await patch('/api/me', { locale: 'de' }, member.token);
    expect(res.status).to.equal(400);
    expect(res.body.error.message).to.contain('locale');
  });
});

describe('GET/PATCH /api/me', () => {
  it('answers the user and the organisation; PATCH changes name and locale only', async () => {
    const { organisation, analyst } = await createTenant();
    const me = await get('/api/me', analyst.token);
    expect(me.status).to.equal(200);
    expect(me.body.user).to.include({ id: analyst.id, organisationId: organisation.id, role: 'analyst' });
    expect(me.body.organisation).to.include({ id: organisation.id, slug: organisation.slug, kind: 'regional', active: true });
    const changed = await patch('/api/me', { name: 'نور الهدى', locale: 'ar' }, analyst.token);
    expect(changed.status).to.equal(200);
    expect(changed.body.user).to.include({ name: 'نور الهدى', locale: 'ar' });
    expect((await get('/api/me', analyst.token)).body.user.locale).to.equal('ar');
    expect((await patch('/api/me', { name: 'x' })).status).to.equal(401);
  });
});

describe('GET /api/health (§10)', () => {
  it('answers 200 ok with the version, without authentication', async () => {
    const res = await get('/api/health');
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ status: 'ok', db: 'ok' });
    expect(res.body.version).to.be.a('string');
  });

  it('answers POST to an unknown route with 404 and login with GET is 404 too', async () => {
    expect((await post('/api/health', {})).status).to.equal(404);
    expect((await get('/api/auth/login')).status).to.equal(404);
  });
});
