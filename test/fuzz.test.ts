import { expect } from 'chai';
import fc from 'fast-check';
import { connect } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { ERROR_STATUS } from '../shared/errors.js';
import { ask } from './helpers/ask.js';
import { asOfficeAdmin, assessmentBody, createAssessment, createTenant, createUser, type TestUser } from './helpers/factories.js';
import { documentFields, uploadDocument } from './helpers/documents.js';
import { baseUrl } from './helpers/hub.js';
import { call, get, post, type Answer } from './helpers/http.js';
import { closeSockets, connectError, connectSocket, type ClientSocket } from './helpers/sockets.js';
import { allPages, HTTP_ROWS } from './permissions/table.js';

// Property-based fuzzing (issue 7): every route with a body, a query or an id, and every client event
// with a payload, fed input that is wrong by construction. Whatever comes in: never a 5xx, always the
// contract's error shape, an answer within REQUEST_TIMEOUT_MS, nothing stored, and no prototype
// polluted (the hub runs in this process, so its Object.prototype is ours). Seeds are fixed (FUZZ_SEED
// overrides); fast-check prints the seed and path of any counterexample.

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const REQUEST_TIMEOUT_MS = 10_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Body = Record<string, Json>;

/** One generated request body: bytes and the content type they are sent as. */
interface Attack {
  what: string;
  raw: Buffer;
  contentType: string;
}

const text = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const attack = (what: string, raw: Buffer | string, contentType = 'application/json'): Attack => ({ what, raw: Buffer.from(raw), contentType });
const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Keys that must never reach a query or a prototype, and plain unknown ones. */
const nastyKey = fc.oneof(
  fc.constantFrom('$where', '$gt', '$ne', '$set', 'a.b', 'sharing.scope', '__proto__', 'constructor', 'prototype', 'role', 'organisationId', '_id', ''),
  fc.string({ minLength: 1, maxLength: 12 }).map((s) => `x${s}`),
);
const operator = fc.constantFrom<Json>({ $gt: '' }, { $ne: null }, { $regex: '.*' }, { $where: 'sleep(1000)' }, [{ $gt: '' }], { $in: [] }, { $exists: true });
/** A value that is not `like`'s JSON type (and not null, which some fields take). */
const wrongTypeFor = (like: Json) =>
  fc
    .oneof(
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.string({ maxLength: 20 }),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(
        fc.string({ minLength: 1, maxLength: 4 }).map((k) => `k${k}`),
        fc.integer(),
        { maxKeys: 2 },
      ),
    )
    .filter((v) => jsonType(v) !== jsonType(like));
const nest = (depth: number, array: boolean) => (array ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
/** `base` as JSON text with `raw` spliced in as the value of `field` (or as an extra member). */
const splice = (base: Body, field: string, raw: string) => {
  const rest = JSON.stringify(Object.fromEntries(Object.entries(base).filter(([k]) => k !== field)));
  return `{${JSON.stringify(field)}:${raw}${rest === '{}' ? '}' : `,${rest.slice(1)}`}`;
};
const ODD_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/xml',
  'application/octet-stream',
  'image/png',
  'application/merge-patch+json',
  'text/html',
];

/** Bad bodies made from a valid one: each is wrong in at least one way, so none may be stored. */
function bodyAttacks(base: Body): fc.Arbitrary<Attack> {
  const fields = Object.keys(base);
  const field = fields.length > 0 ? fc.constantFrom(...fields) : fc.constant('extra');
  const valueOf = (f: string): Json => base[f] ?? 'x';
  const kinds: fc.Arbitrary<Attack>[] = [
    field.chain((f) => wrongTypeFor(valueOf(f)).map((v) => attack(`${f}: wrong type`, text({ ...base, [f]: v })))),
    fc.tuple(nastyKey, fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => attack(`unknown key ${JSON.stringify(k)}`, text({ ...base, [k]: v as Json }))),
    fc.tuple(field, operator).map(([f, op]) => attack(`${f}: operator`, text({ ...base, [f]: op }))),
    fc
      .tuple(
        field,
        nastyKey.filter((k) => k.startsWith('$') || k.includes('.')),
      )
      .map(([f, k]) => attack(`${f}: nested ${k}`, text({ ...base, [f]: { [k]: 1 } }))),
    fc.tuple(field, fc.integer({ min: 20_001, max: 300_000 })).map(([f, n]) => attack(`${f}: ${n} characters`, text({ ...base, [f]: 'x'.repeat(n) }))),
    fc.constant(attack('over 1 MiB', text({ ...base, padding: 'x'.repeat(1_100_000) }))),
    fc.tuple(field, fc.integer({ min: 33, max: 3000 }), fc.boolean()).map(([f, d, arr]) => attack(`${f}: nested ${d} deep`, splice(base, f, nest(d, arr)))),
    fc
      .constantFrom('__proto__', 'constructor')
      .map((key) =>
        attack(`${key} at the top`, splice(base, key, key === '__proto__' ? '{"polluted":"yes","role":"admin"}' : '{"prototype":{"polluted":"yes"}}')),
      ),
    fc
      .tuple(
        field,
        fc.constantFrom('{"__proto__":{"polluted":"yes"}}', '{"constructor":{"prototype":{"polluted":"yes"}}}', '[{"__proto__":{"polluted":"yes"}}]'),
      )
      .map(([f, raw]) => attack(`${f}: prototype keys inside`, splice(base, f, raw))),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => attack('invalid UTF-8 bytes', Buffer.concat([Buffer.from([0xff, 0xfe]), bytes]))),
    fc
      .tuple(field, fc.constantFrom([0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80]))
      .map(([f, bytes]) => badUtf8In(base, f, bytes)),
    fc.nat().map((n) => {
      const full = JSON.stringify(base);
      return attack('truncated JSON', full.slice(0, 1 + (n % (full.length - 1))));
    }),
    fc
      .constantFrom('[]', '[1,2]', '"text"', '42', 'null', 'true', '{"a":1}{"b":2}', "{'single':1}", '{"a":1,}', 'NaN')
      .map((raw) => attack(`not an object: ${raw}`, raw)),
    fc.constantFrom(...ODD_TYPES).map((type) => attack(`as ${type}`, text(base), type)),
  ];
  return fc.oneof(...kinds);
}

/** `base` with `field` set to the string "Ok" followed by invalid UTF-8 `bytes`, raw. */
function badUtf8In(base: Body, field: string, bytes: readonly number[]): Attack {
  const marker = 'FUZZMARKER';
  const template = splice(base, field, JSON.stringify(marker));
  const [head, tail] = template.split(marker) as [string, string];
  return attack(`${field}: invalid UTF-8 in a string`, Buffer.concat([Buffer.from(head), Buffer.from('Ok'), Buffer.from(bytes), Buffer.from(tail)]));
}

/** Bad socket payloads made from a valid one (socket.io carries JSON values, not bytes). */
function valueAttacks(base: Json): fc.Arbitrary<unknown> {
  const object = base !== null && typeof base === 'object' && !Array.isArray(base) ? base : null;
  const whole = fc.oneof(
    wrongTypeFor(base),
    operator,
    fc.constantFrom<unknown>(null, undefined, [], [base], ''),
    fc.integer({ min: 100_000, max: 900_000 }).map((n) => 'x'.repeat(n)),
    fc.tuple(fc.integer({ min: 33, max: 2000 }), fc.boolean()).map(([d, arr]) => JSON.parse(nest(d, arr)) as unknown),
    fc.constantFrom('{"__proto__":{"polluted":"yes"}}', '{"constructor":{"prototype":{"polluted":"yes"}}}').map((raw) => JSON.parse(raw) as unknown),
    typeof base === 'string' ? badId.map(safeDecode) : fc.constant(null),
  );
  if (!object) return whole;
  const fields = Object.keys(object);
  const field = fc.constantFrom(...fields);
  const ids = fields.filter((f) => f === 'roomId' || f === 'messageId');
  return fc.oneof(
    whole,
    field.chain((f) => wrongTypeFor(object[f]!).map((v) => ({ ...object, [f]: v }))),
    fc.tuple(nastyKey, fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => ({ ...object, [k]: v })),
    fc.tuple(field, operator).map(([f, op]) => ({ ...object, [f]: op })),
    fc.tuple(field, fc.integer({ min: 20_001, max: 500_000 })).map(([f, n]) => ({ ...object, [f]: 'x'.repeat(n) })),
    fc.tuple(field, fc.integer({ min: 33, max: 2000 })).map(([f, d]) => ({ ...object, [f]: JSON.parse(nest(d, true)) as Json })),
    fc
      .constantFrom('__proto__', 'constructor')
      .map((key) => ({ ...object, ...(JSON.parse(`{"${key}":{"polluted":"yes","prototype":{"polluted":"yes"}}}`) as Body) })),
    ...(ids.length > 0 ? [fc.tuple(fc.constantFrom(...ids), badId).map(([f, id]) => ({ ...object, [f]: safeDecode(id) }))] : []),
  );
}

const safeDecode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** Garbage for an `:id` in a path. */
const badId = fc.oneof(
  fc.constantFrom(
    'x',
    '0',
    '$gt',
    '%24gt',
    '..%2F..%2Fetc',
    '%00',
    '%ff',
    '%E0%A4%A',
    'ffffffffffffffffffffffff0',
    'FFFFFFFFFFFFFFFFFFFFFFFF',
    '000000000000000000000000',
    'null',
    'undefined',
    '[object Object]',
    '%7B%22%24gt%22%3A%22%22%7D',
    'a'.repeat(5000),
    '__proto__',
    'constructor',
  ),
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.stringMatching(/^[0-9a-f]{24}$/),
);
/** Garbage query strings: unknown, operator and prototype keys, repeats, and bad values of the known ones. */
function queryAttacks(known: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const names = Object.keys(known);
  const value = fc.oneof(
    fc.constantFrom('', '-1', '0', '101', '1e9', '1.5', 'NaN', 'abc', '%00', '%ff', 'a'.repeat(5000), '%24gt', '[object Object]'),
    fc.string({ maxLength: 30 }).map(encodeURIComponent),
    fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
  );
  const kinds: fc.Arbitrary<string>[] = [
    fc.tuple(nastyKey, value).map(([k, v]) => `${encodeURIComponent(k)}=${v}`),
    fc.constantFrom('__proto__[polluted]=yes', 'constructor[prototype][polluted]=yes', 'a[$gt]=', 'limit[$gt]=0', 'cursor[]=x', 'limit=1&limit=2'),
  ];
  if (names.length > 0) {
    kinds.push(fc.tuple(fc.constantFrom(...names), value).map(([k, v]) => `${k}=${v}`));
    kinds.push(fc.constantFrom(...names).chain((k) => known[k]!.map((good) => `${k}=${encodeURIComponent(good)}&${k}=${encodeURIComponent(good)}`)));
  }
  return fc.oneof(...kinds);
}

/** Sends raw bytes, failing on no answer within REQUEST_TIMEOUT_MS. */
async function send(method: string, path: string, token: string | undefined, body?: Attack, extra: Record<string, string> = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...extra };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body) headers['content-type'] = body.contentType;
  let res: Response;
  try {
    res = await fetch(baseUrl() + path, { method, headers, body: body?.raw, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new Error(`${method} ${path.slice(0, 120)}${body ? ` (${body.what})` : ''}: no answer (${(error as Error).message})`);
  }
  const raw = await res.text();
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // left as text: the shape check below says what is wrong with it
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** The contract's answer to bad input: a 4xx (or a 2xx where `mayPass`) with `{error: {code, message}}` matching the status. */
function expectRefusal(res: Answer, context: string, mayPass = false): void {
  expect(res.status, `${context}: ${JSON.stringify(res.body).slice(0, 200)}`).to.be.below(500);
  expectSecured(res.headers, context);
  if (mayPass && res.status < 300) return;
  expect(res.status, `${context}: accepted bad input`).to.be.within(400, 499);
  const error = (res.body as { error?: { code?: string; message?: unknown } }).error;
  expect(error, `${context}: error shape`).to.be.an('object');
  expect(ERROR_STATUS[error!.code as keyof typeof ERROR_STATUS], `${context}: code ${error!.code} for ${res.status}`).to.equal(res.status);
  expect(error!.message, context)
    .to.be.a('string')
    .and.not.match(/\bat .*\.(ts|js):\d|Mongo|Cast to|E11000/);
  expect(res.headers.get('content-type') ?? '', context).to.contain('application/json');
}

/** §2: every answer carries nosniff and a Content-Security-Policy, and no X-Powered-By. */
function expectSecured(headers: Headers, context: string): void {
  expect(
    [headers.get('x-content-type-options'), headers.has('content-security-policy'), headers.get('x-powered-by')],
    `${context}: security headers`,
  ).to.deep.equal(['nosniff', true, null]);
}

const prototypeNames = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',');
const PROTOTYPE = prototypeNames();
function expectNoPollution(context: string): void {
  const probe = {} as Record<string, unknown>;
  expect([probe.polluted, probe.role, probe.admin], `${context}: Object.prototype polluted`).to.deep.equal([undefined, undefined, undefined]);
  expect(prototypeNames(), `${context}: Object.prototype gained properties`).to.equal(PROTOTYPE);
}

describe('fuzzing with bad input (issue 7)', function () {
  this.timeout(120_000);
  let owner: TestUser;
  let tenantAdmin: TestUser;
  let office: TestUser;
  let credentials: TestUser;
  let orgId: string;
  let memberId: string;
  let draftId: string;
  let publishedId: string;
  let publishedVersion: number;
  let documentId: string;
  let roomId: string;
  let messageId: string;
  let socket: ClientSocket;
  let organisationsBefore: number;
  let ownerName: string;

  before(async () => {
    const admin = await asOfficeAdmin();
    const tenant = await createTenant();
    orgId = tenant.organisation.id;
    owner = tenant.analyst;
    tenantAdmin = tenant.admin;
    memberId = tenant.member.id;
    [office, credentials] = await Promise.all([createUser(admin.organisationId, 'admin'), createUser(orgId, 'member')]);
    const [draft, published, document, room] = await Promise.all([
      createAssessment(owner, { title: 'Fuzz draft' }),
      createAssessment(owner, { title: 'Fuzz published' }, true),
      uploadDocument(owner.token, { name: 'fuzz.txt', bytes: Buffer.from('fuzz\n') }, documentFields({ title: 'Fuzz document' })),
      post('/api/rooms', { name: 'Fuzz room', organisations: [] }, owner.token),
    ]);
    [draftId, publishedId, publishedVersion, documentId, roomId] = [draft.id, published.id, published.version, document.body.id, room.body.id];
    messageId = (await post(`/api/rooms/${roomId}/messages`, { body: 'Fuzz message' }, owner.token)).body.id;
    socket = await connectSocket(owner.token);
    ownerName = (await get('/api/me', owner.token)).body.user.name;
    organisationsBefore = (await allPages('/api/organisations?includeInactive=1', office.token)).length;
  });
  after(closeSockets);

  /** What any of the fuzzed calls could store, as the owner and the Office admin see it. */
  async function state(): Promise<unknown> {
    const read = async (path: string, token: string) => {
      const res = await get(path, token);
      return [res.status, res.body];
    };
    return Promise.all([
      read('/api/me', owner.token),
      read('/api/me', office.token),
      read('/api/me', credentials.token),
      read(`/api/assessments/${draftId}`, owner.token),
      read(`/api/assessments/${publishedId}/versions`, owner.token),
      read(`/api/assessments/${publishedId}/comments`, owner.token),
      read(`/api/documents/${documentId}`, owner.token),
      read(`/api/rooms/${roomId}`, owner.token),
      read(`/api/rooms/${roomId}/messages`, owner.token),
      read(`/api/organisations/${orgId}/users?limit=100`, office.token),
      read(`/api/assessments?organisation=${orgId}&limit=100`, owner.token),
      read(`/api/documents?organisation=${orgId}&limit=100`, owner.token),
      read('/api/rooms?limit=100', owner.token),
    ]);
  }

  /** Runs `property` over `arbitrary` and checks that nothing was stored and nothing polluted, and that the hub still answers. */
  async function fuzz<T>(name: string, arbitrary: fc.Arbitrary<T>, property: (value: T) => Promise<void>, runs = RUNS): Promise<void> {
    const before = await state();
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        await property(value);
        expectNoPollution(name);
      }),
      { seed: SEED, numRuns: runs, endOnFailure: true },
    );
    expect(await state(), `${name}: something was stored`).to.deep.equal(before);
    const canary = await get('/api/me', owner.token);
    expect([canary.status, canary.body.user?.id], `${name}: the hub's canary`).to.deep.equal([200, owner.id]);
  }

  interface BodyRoute {
    route: string;
    path: () => string;
    base: () => Body;
    as: () => TestUser;
    runs?: number;
  }
  // Every route with a JSON body, with a valid body the attacks start from (valid: it would be stored).
  const BODY_ROUTES: BodyRoute[] = [
    {
      route: 'POST /api/auth/login',
      path: () => '/api/auth/login',
      base: () => ({ email: credentials.email, password: credentials.password }),
      as: () => credentials,
    },
    { route: 'POST /api/auth/refresh', path: () => '/api/auth/refresh', base: () => ({ refreshToken: credentials.refreshToken }), as: () => credentials },
    { route: 'POST /api/auth/logout', path: () => '/api/auth/logout', base: () => ({ refreshToken: credentials.refreshToken }), as: () => credentials },
    { route: 'PATCH /api/me', path: () => '/api/me', base: () => ({ name: 'Fuzzed name', locale: 'fr' }), as: () => owner },
    // Credential checks share the source's sign-in failure budget with the whole test run: few runs.
    {
      route: 'POST /api/me/password',
      path: () => '/api/me/password',
      base: () => ({ currentPassword: credentials.password, newPassword: 'a-fuzzed-password-1' }),
      as: () => credentials,
      runs: 5,
    },
    {
      route: 'POST /api/me/mfa/setup',
      path: () => '/api/me/mfa/setup',
      base: () => ({ currentPassword: credentials.password }),
      as: () => credentials,
      runs: 5,
    },
    {
      route: 'POST /api/me/mfa/enable',
      path: () => '/api/me/mfa/enable',
      base: () => ({ otp: '123456', currentPassword: credentials.password }),
      as: () => credentials,
      runs: 5,
    },
    {
      route: 'POST /api/me/mfa/disable',
      path: () => '/api/me/mfa/disable',
      base: () => ({ otp: '123456', currentPassword: credentials.password }),
      as: () => credentials,
      runs: 5,
    },
    { route: 'PUT /api/me/watch', path: () => '/api/me/watch', base: () => ({ countries: ['SDN', 'TCD'] }), as: () => owner },
    { route: 'POST /api/notifications/read', path: () => '/api/notifications/read', base: () => ({ ids: ['1.0123456789abcdef01234567'] }), as: () => owner },
    {
      route: 'POST /api/organisations',
      path: () => '/api/organisations',
      base: () => ({ slug: 'fuzzed-org', name: 'Fuzzed', kind: 'regional' }),
      as: () => office,
    },
    { route: 'PATCH /api/organisations/:id', path: () => `/api/organisations/${orgId}`, base: () => ({ name: 'Fuzzed', active: true }), as: () => office },
    {
      route: 'POST /api/organisations/:id/users',
      path: () => `/api/organisations/${orgId}/users`,
      as: () => office,
      base: () => ({ email: 'fuzzed@hub.test', name: 'Fuzzed', role: 'member', password: 'a-fuzzed-password-1' }),
    },
    { route: 'PATCH /api/users/:id', path: () => `/api/users/${memberId}`, base: () => ({ name: 'Fuzzed', role: 'analyst', active: true }), as: () => office },
    { route: 'POST /api/assessments', path: () => '/api/assessments', base: () => assessmentBody({ title: 'Fuzzed' }) as Body, as: () => owner },
    {
      route: 'PATCH /api/assessments/:id',
      path: () => `/api/assessments/${publishedId}`,
      base: () => ({ version: publishedVersion, title: 'Fuzzed', overallRisk: 4 }),
      as: () => owner,
    },
    { route: 'POST /api/assessments/:id/publish', path: () => `/api/assessments/${draftId}/publish`, base: () => ({}), as: () => owner },
    { route: 'POST /api/assessments/:id/comments', path: () => `/api/assessments/${publishedId}/comments`, base: () => ({ body: 'Fuzzed' }), as: () => owner },
    {
      route: 'PATCH /api/documents/:id',
      path: () => `/api/documents/${documentId}`,
      as: () => owner,
      base: () => ({ title: 'Fuzzed', classification: 'unclassified', sharing: { scope: 'all', organisations: [] }, country: 'KEN' }),
    },
    { route: 'POST /api/rooms', path: () => '/api/rooms', base: () => ({ name: 'Fuzzed', country: 'KEN', organisations: [] }), as: () => owner },
    { route: 'PATCH /api/rooms/:id', path: () => `/api/rooms/${roomId}`, base: () => ({ name: 'Fuzzed', organisations: [], archived: true }), as: () => owner },
    {
      route: 'POST /api/rooms/:id/messages',
      path: () => `/api/rooms/${roomId}/messages`,
      base: () => ({ body: 'Fuzzed', clientMsgId: 'fuzz-1', attachments: [] }),
      as: () => owner,
    },
    { route: 'POST /api/rooms/:id/read', path: () => `/api/rooms/${roomId}/read`, base: () => ({ seq: 1 }), as: () => owner },
  ];

  it('a JSON body with invalid UTF-8 inside a string is 400 and stores nothing (was read with U+FFFD and stored)', async () => {
    const before = await state();
    const raw = Buffer.concat([Buffer.from('{"name":"Ok'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const res = await send('PATCH', '/api/me', owner.token, attack('invalid UTF-8', raw));
    expect(res.status).to.equal(400);
    expect(res.body).to.deep.equal({ error: { code: 'invalid_request', message: 'The request body is not valid UTF-8.' } });
    expect(await state()).to.deep.equal(before);
    const fine = await send('PATCH', '/api/me', owner.token, attack('valid UTF-8', '{"locale":"ar","name":"نور Élodie"}'));
    expect([fine.status, fine.body.user?.name]).to.deep.equal([200, 'نور Élodie']);
    await send('PATCH', '/api/me', owner.token, attack('restore', text({ name: ownerName, locale: 'en' })));
  });

  describe('JSON bodies', () => {
    for (const route of BODY_ROUTES) {
      it(route.route, async () => {
        const method = route.route.split(' ')[0]!;
        await fuzz(
          route.route,
          fc.constant(null).chain(() => bodyAttacks(route.base())),
          async (a) => {
            const res = await send(method, route.path(), route.as().token, a);
            expectRefusal(res, `${route.route} with ${a.what}`);
          },
          route.runs,
        );
      });
    }
  });
  /** The routes of the permission table with path parameters, each parameter replaced by garbage. */
  describe('garbage in path parameters', () => {
    for (const route of HTTP_ROWS.map((r) => r.route).filter((r) => r.includes(':'))) {
      it(route, async () => {
        const [method, template] = route.split(' ') as [string, string];
        const params = template.match(/:\w+/g)!;
        await fuzz(
          route,
          fc.tuple(...params.map(() => badId)),
          async (ids) => {
            const path = params.reduce((p, param, i) => p.replace(param, ids[i]!), template);
            const res = await send(method, path, owner.token, method === 'GET' || method === 'DELETE' ? undefined : attack('{}', '{}'));
            expectRefusal(res, `${method} ${path.slice(0, 100)}`);
          },
          5,
        );
      });
    }
  });

  interface QueryRoute {
    route: string;
    path: () => string;
    known: () => Record<string, fc.Arbitrary<string>>;
    as: () => TestUser;
  }
  const page = { limit: fc.constant('5'), cursor: fc.constant('WyJ4Il0') };
  // Every GET route that reads a query string; reads may answer 200 (an unknown id filters nothing), never 5xx.
  const QUERY_ROUTES: QueryRoute[] = [
    { route: 'GET /api/organisations', path: () => '/api/organisations', known: () => ({ ...page, includeInactive: fc.constant('1') }), as: () => office },
    { route: 'GET /api/organisations/:id/users', path: () => `/api/organisations/${orgId}/users`, known: () => page, as: () => office },
    {
      route: 'GET /api/audit',
      path: () => '/api/audit',
      as: () => office,
      known: () => ({
        ...page,
        action: fc.constant('auth.login'),
        actor: fc.constant(memberId),
        target: fc.constant(memberId),
        after: fc.constant('2026-01-01'),
        before: fc.constant('2026-01-02'),
      }),
    },
    { route: 'GET /api/audit/verify', path: () => '/api/audit/verify', known: () => ({}), as: () => office },
    { route: 'GET /api/framework', path: () => '/api/framework', known: () => ({ lang: fc.constant('fr') }), as: () => owner },
    { route: 'GET /api/countries', path: () => '/api/countries', known: () => ({ lang: fc.constant('ar') }), as: () => owner },
    { route: 'GET /api/countries/risk-map', path: () => '/api/countries/risk-map', known: () => ({}), as: () => owner },
    { route: 'GET /api/me', path: () => '/api/me', known: () => ({}), as: () => owner },
    {
      route: 'GET /api/assessments',
      path: () => '/api/assessments',
      as: () => owner,
      known: () => ({
        ...page,
        country: fc.constant('KEN'),
        organisation: fc.constant(orgId),
        status: fc.constant('draft'),
        minRisk: fc.constant('2'),
        q: fc.constant('fuzz'),
      }),
    },
    { route: 'GET /api/assessments/:id/comments', path: () => `/api/assessments/${publishedId}/comments`, known: () => page, as: () => owner },
    {
      route: 'GET /api/documents',
      path: () => '/api/documents',
      as: () => owner,
      known: () => ({ ...page, country: fc.constant('KEN'), organisation: fc.constant(orgId), type: fc.constant('pdf'), q: fc.constant('fuzz') }),
    },
    { route: 'GET /api/rooms', path: () => '/api/rooms', known: () => page, as: () => owner },
    {
      route: 'GET /api/rooms/:id/messages',
      path: () => `/api/rooms/${roomId}/messages`,
      known: () => ({ after: fc.constant('1'), before: fc.constant('5'), limit: fc.constant('5'), cursor: fc.constant('WyJ4Il0') }),
      as: () => owner,
    },
  ];

  describe('query strings', () => {
    for (const route of QUERY_ROUTES) {
      it(route.route, async () => {
        await fuzz(
          route.route,
          fc.constant(null).chain(() => queryAttacks(route.known())),
          async (query) => {
            const res = await send('GET', `${route.path()}?${query}`, route.as().token);
            expectRefusal(res, `${route.route}?${query.slice(0, 100)}`, true);
          },
        );
      });
    }
  });

  /** A multipart body from `parts` (fields, then files), with `boundary`. */
  function multipart(parts: { name: string; value: Buffer | string; filename?: string }[], boundary = 'fuzzboundary'): Buffer {
    return Buffer.concat([
      ...parts.flatMap((p) => [
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}\r\n` +
            `${p.filename === undefined ? '' : 'Content-Type: text/plain\r\n'}\r\n`,
        ),
        Buffer.from(p.value),
        Buffer.from('\r\n'),
      ]),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
  }
  const MULTIPART = 'multipart/form-data; boundary=fuzzboundary';
  const goodFields = () => [
    { name: 'title', value: 'Fuzzed upload' },
    { name: 'classification', value: 'confidential' },
    { name: 'sharing', value: '{"scope":"organisation","organisations":[]}' },
    { name: 'country', value: 'KEN' },
  ];
  const file = (value: Buffer | string = 'fuzzed file\n') => ({ name: 'file', value, filename: 'fuzz.txt' });
  const uploadAttacks = (fields: () => { name: string; value: Buffer | string }[]) =>
    fc.oneof(
      fc
        .tuple(nastyKey, fc.string({ maxLength: 10 }))
        .map(([k, v]) => attack(`unknown field ${k}`, multipart([...fields(), { name: k || 'x', value: v }, file()]), MULTIPART)),
      fc
        .constantFrom('secret', '', '{"$gt":""}')
        .map((v) =>
          attack(
            `classification ${v}`,
            multipart([...fields().filter((f) => f.name !== 'classification'), { name: 'classification', value: v }, file()]),
            MULTIPART,
          ),
        ),
      fc
        .constantFrom(
          'not json',
          '{"scope":{"$ne":null}}',
          '{"__proto__":{"polluted":"yes"},"scope":"all"}',
          '{"constructor":{"prototype":{"polluted":"yes"}}}',
          nest(3000, true),
          '{"scope":"all","organisations":[],"a.b":1}',
        )
        .map((v) =>
          attack(`sharing ${v.slice(0, 30)}`, multipart([...fields().filter((f) => f.name !== 'sharing'), { name: 'sharing', value: v }, file()]), MULTIPART),
        ),
      fc
        .integer({ min: 17_000, max: 200_000 })
        .map((n) =>
          attack(`a ${n}-byte field`, multipart([...fields().filter((f) => f.name !== 'title'), { name: 'title', value: 'x'.repeat(n) }, file()]), MULTIPART),
        ),
      fc.constant(attack('a field after the file', multipart([...fields(), file(), { name: 'note', value: 'late' }]), MULTIPART)),
      fc.constant(attack('two files', multipart([...fields(), file(), file()]), MULTIPART)),
      fc.constant(attack('no file', multipart(fields()), MULTIPART)),
      fc.constant(attack('an empty file', multipart([...fields(), file('')]), MULTIPART)),
      fc.constant(attack('an HTML file', multipart([...fields(), file('<html><script>alert(1)</script></html>')]), MULTIPART)),
      fc
        .constantFrom([0xc3, 0x28], [0xff, 0xfe])
        .map((bytes) =>
          attack(
            'a title with invalid UTF-8',
            multipart([
              ...fields().filter((f) => f.name !== 'title'),
              { name: 'title', value: Buffer.concat([Buffer.from('Ok'), Buffer.from(bytes)]) },
              file(),
            ]),
            MULTIPART,
          ),
        ),
      fc
        .constantFrom('multipart/form-data', 'multipart/form-data; boundary=other', 'application/json', 'text/plain', 'multipart/mixed; boundary=fuzzboundary')
        .map((type) => attack(`as ${type}`, multipart([...fields(), file()]), type)),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => attack('random bytes', Buffer.from(bytes), MULTIPART)),
      fc.nat().map((n) => {
        const whole = multipart([...fields(), file('a file cut short\n'.repeat(40))]);
        return attack('a body that breaks off', whole.subarray(0, Math.max(1, whole.length - 1 - (n % 700))), MULTIPART);
      }),
    );

  it('a multipart field with invalid UTF-8 is 400 and stores nothing (was stored with U+FFFD); UTF-8 titles still work', async () => {
    const before = await state();
    const withTitle = (title: Buffer) => multipart([...goodFields().filter((f) => f.name !== 'title'), { name: 'title', value: title }, file()]);
    const refused = await send('POST', '/api/documents', owner.token, attack('bad title', withTitle(Buffer.from([0x4f, 0x6b, 0xc3, 0x28])), MULTIPART));
    expect([refused.status, refused.body.error?.message]).to.deep.equal([400, 'title: is not valid UTF-8 text.']);
    expect(await state()).to.deep.equal(before);
    const stored = await send('POST', '/api/documents', owner.token, attack('Arabic title', withTitle(Buffer.from('تقرير Élodie')), MULTIPART));
    expect([stored.status, stored.body.title]).to.deep.equal([201, 'تقرير Élodie']);
    expect((await call('DELETE', `/api/documents/${stored.body.id}`, undefined, { token: tenantAdmin.token })).status).to.equal(204);
  });

  describe('multipart uploads', () => {
    it('POST /api/documents', async () => {
      await fuzz('POST /api/documents', uploadAttacks(goodFields), async (a) => {
        expectRefusal(await send('POST', '/api/documents', owner.token, a), `POST /api/documents with ${a.what}`);
      });
    });
    it('POST /api/documents/:id/versions', async () => {
      await fuzz(
        'POST /api/documents/:id/versions',
        uploadAttacks(() => []),
        async (a) => {
          const res = await send('POST', `/api/documents/${documentId}/versions`, owner.token, a);
          // Without fields, "no file" is the only well-formed body missing something; the rest are refused as above.
          expectRefusal(res, `POST /api/documents/:id/versions with ${a.what}`);
        },
      );
    });
  });

  interface EventRoute {
    event: string;
    base: () => Json;
    acknowledged: boolean;
  }
  const EVENTS: EventRoute[] = [
    { event: 'room:join', base: () => roomId, acknowledged: true },
    { event: 'room:leave', base: () => roomId, acknowledged: true },
    { event: 'message:send', base: () => ({ roomId, body: 'Fuzzed', clientMsgId: 'fuzz-2' }), acknowledged: true },
    { event: 'message:edit', base: () => ({ messageId, body: 'Fuzzed' }), acknowledged: true },
    { event: 'message:delete', base: () => ({ messageId }), acknowledged: true },
    { event: 'room:history', base: () => ({ roomId, afterSeq: 0, limit: 10 }), acknowledged: true },
    { event: 'typing', base: () => ({ roomId }), acknowledged: false },
  ];

  describe('socket events', () => {
    for (const route of EVENTS) {
      it(route.event, async () => {
        await fuzz(
          route.event,
          fc.constant(null).chain(() => valueAttacks(route.base())),
          async (payload) => {
            const context = `${route.event} with ${JSON.stringify(payload)?.slice(0, 100)}`;
            (socket.emit as unknown as (e: string, p: unknown) => void)(route.event, payload); // and without an acknowledgement
            const answer = await ask(
              socket,
              route.acknowledged ? route.event : 'room:history',
              route.acknowledged ? payload : { roomId, afterSeq: 0, limit: 1 },
            );
            if (!route.acknowledged) return void expect(answer.ok, `${context}: the socket still answers`).to.equal(true);
            // A well-formed id of no room is the one thing room:leave accepts (there is nothing to leave).
            if (answer.ok && route.event === 'room:leave' && typeof payload === 'string' && /^[0-9a-f]{24}$/.test(payload)) return;
            expect(answer.ok, `${context}: accepted`).to.equal(false);
            const error = (answer as { error: { code: string; message: string } }).error;
            expect(ERROR_STATUS[error.code as keyof typeof ERROR_STATUS], `${context}: ${error.code}`).to.be.within(400, 499);
            expect(error.message, context).to.be.a('string');
          },
        );
      });
    }
  });

  describe('credentials', () => {
    const garbageToken = fc.oneof(
      fc.string({ maxLength: 60, unit: 'binary-ascii' }).filter((t) => /^[\x20-\x7e]*$/.test(t)),
      fc.constantFrom('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'a.b.c', '...', 'x'.repeat(8000), '{"$gt":""}'),
      fc
        .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }))
        .map(([h, p]) => `${Buffer.from(JSON.stringify(h)).toString('base64url')}.${Buffer.from(JSON.stringify(p)).toString('base64url')}.sig`),
    );
    it('a garbage bearer token is 401 on HTTP', async () => {
      await fuzz('bearer tokens', garbageToken, async (token) => {
        const res = await fetch(`${baseUrl()}/api/me`, {
          headers: { authorization: `Bearer ${token.trim()}` },
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const body = (await res.json()) as { error?: { code?: string } };
        expect([res.status, body.error?.code], `token ${JSON.stringify(token).slice(0, 80)}`).to.deep.equal([401, 'unauthenticated']);
      });
    });
    it('a garbage handshake is refused as unauthenticated on socket.io', async () => {
      const auth = fc.oneof(
        garbageToken.map((token) => ({ token })),
        fc.jsonValue({ maxDepth: 2 }).map((token) => ({ token })),
        fc.constant({}),
      );
      await fuzz('handshakes', auth, async (value) => {
        const refused = await connectError(value as Record<string, unknown>);
        expect(refused.message, JSON.stringify(value).slice(0, 80)).to.equal('unauthenticated');
      });
    });
  });

  // Malformed input is 400 (§2 v2): percent-encoding that does not decode, on every route pattern and
  // outside /api, and bodies in an encoding the hub does not accept or cannot decode.
  describe('malformed percent-encoding', () => {
    const MALFORMED = ['%', '%E0%A4%A', '%zz', '%ff', 'a%2'];
    it('every route pattern of the table, and paths outside /api, answer 400 invalid_request', async () => {
      const before = await state();
      const paths = HTTP_ROWS.flatMap((row) => {
        const [method, template] = row.route.split(' ') as [string, string];
        const params = template.match(/:\w+/g) ?? [];
        return MALFORMED.map((bad, i) => [method, params.length > 0 ? template.replace(params[i % params.length]!, bad) : `${template}${bad}`] as const);
      });
      paths.push(...['/%', '/documents/%E0%A4%A', '/assets/%zz.js', '/socket.io%'].map((p) => ['GET', p] as const));
      for (const [method, path] of paths) {
        const res = await send(method, path, owner.token, method === 'GET' || method === 'DELETE' ? undefined : attack('{}', '{}'));
        expectRefusal(res, `${method} ${path}`);
        expect([res.status, res.body.error.code], `${method} ${path}`).to.deep.equal([400, 'invalid_request']);
      }
      expect(await state()).to.deep.equal(before);
    });
  });

  it('an over-long or invalid header is 400 invalid_request with the security headers, never a bare status line', async () => {
    const long = await send('GET', '/api/me', owner.token, undefined, { 'x-long': 'a'.repeat(20_000) });
    expectRefusal(long, 'a 20 kB header');
    expect([long.status, long.body.error.code]).to.deep.equal([400, 'invalid_request']);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(baseUrl()).port), '127.0.0.1', () => socket.end('GET /api/me HTTP/1.1\r\nHost: hub\r\nX-Bad: a\u0001b\r\n\r\n'));
      let answer = '';
      socket.on('data', (bytes) => void (answer += bytes.toString('latin1')));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
    expect(raw).to.match(/^HTTP\/1\.1 400 /);
    expect(raw)
      .to.match(/\r\nX-Content-Type-Options: nosniff\r\n/i)
      .and.match(/\r\nContent-Security-Policy: /i)
      .and.not.match(/X-Powered-By/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).error.code).to.equal('invalid_request');
  });

  describe('content encodings', () => {
    const garbage = Buffer.from('definitely not compressed {"name":"x"}');
    const ENCODINGS: [string, Buffer][] = [
      ['gzip', garbage],
      ['gzip', gzipSync(Buffer.from('{"name":')).subarray(0, 12)],
      ['deflate', garbage],
      ['br', garbage],
      ['x-unknown', Buffer.from('{"name":"x"}')],
      ['compress', Buffer.from('{"name":"x"}')],
      ['gzip, br', gzipSync('{"name":"x"}')],
      ['zstd', garbage],
    ];
    it('a body in an encoding the hub does not accept or cannot decode is 400 on every JSON route and upload; a good gzip body still works', async () => {
      // Sign-in routes share the source's failure budget (429 before the body is read): the other routes.
      const routes = BODY_ROUTES.filter((r) => r.runs === undefined && !r.route.includes('/auth/'));
      await fuzz(
        'content encodings',
        fc.tuple(fc.constantFrom(...routes), fc.constantFrom(...ENCODINGS)),
        async ([route, [encoding, raw]]) => {
          const res = await send(route.route.split(' ')[0]!, route.path(), route.as().token, attack(encoding, raw), { 'content-encoding': encoding });
          expectRefusal(res, `${route.route} with Content-Encoding ${encoding}`);
          expect([res.status, res.body.error.code], `${route.route} with Content-Encoding ${encoding}`).to.deep.equal([400, 'invalid_request']);
        },
        16,
      );
      for (const encoding of ['gzip', 'br', 'x-unknown']) {
        const upload = await send('POST', '/api/documents', owner.token, attack('upload', multipart([...goodFields(), file()]), MULTIPART), {
          'content-encoding': encoding,
        });
        expectRefusal(upload, `an upload with Content-Encoding ${encoding}`);
        expect(upload.status).to.equal(400);
      }
      for (const [encoding, compress] of [
        ['gzip', gzipSync],
        ['br', brotliCompressSync],
      ] as const) {
        const fine = await send('PATCH', '/api/me', owner.token, attack('compressed', compress(Buffer.from(text({ name: ownerName })))), {
          'content-encoding': encoding,
        });
        expect([fine.status, fine.body.user?.name], encoding).to.deep.equal([200, ownerName]);
      }
    });
  });

  describe('socket.io HTTP transport', () => {
    it('polling answers, well-formed or not, carry the security headers and are never 5xx', async () => {
      const requests: [string, string, Attack?, Record<string, string>?][] = [
        ['GET', '/socket.io/?EIO=4&transport=polling'],
        ['GET', '/socket.io/?EIO=4&transport=polling&sid=%zz'],
        ['GET', '/socket.io/?EIO=%&transport=polling'],
        ['GET', '/socket.io/?EIO=4&transport=polling&t=%E0%A4%A'],
        ['GET', '/socket.io/?EIO=3&transport=polling'],
        ['GET', '/socket.io/?EIO=4&transport=websocket'],
        ['GET', '/socket.io/%'],
        ['GET', '/socket.io/'],
        ['OPTIONS', '/socket.io/?EIO=4&transport=polling'],
        ['PUT', '/socket.io/?EIO=4&transport=polling'],
        ['POST', '/socket.io/?EIO=4&transport=polling&sid=unknown', attack('garbage', '40garbage', 'text/plain')],
        [
          'POST',
          '/socket.io/?EIO=4&transport=polling',
          attack('garbage', Buffer.from([0xff, 0x00, 0xfe]), 'application/octet-stream'),
          { 'content-encoding': 'gzip' },
        ],
      ];
      for (const [method, path, body, headers] of requests) {
        const res = await send(method, path, undefined, body, headers);
        expect(res.status, `${method} ${path}`).to.be.below(500);
        expectSecured(res.headers, `${method} ${path}`);
      }
      // A session the handshake opened: its follow-up polls are secured too, and garbage posted to it is no 5xx.
      const open = await send('GET', '/socket.io/?EIO=4&transport=polling', undefined);
      const sid = (JSON.parse(String(open.body).slice(1)) as { sid: string }).sid;
      for (const [method, body] of [
        ['POST', attack('garbage', '4\u001e\u0000\uffff', 'text/plain;charset=UTF-8')],
        ['GET', undefined],
      ] as const) {
        const res = await send(method, `/socket.io/?EIO=4&transport=polling&sid=${sid}`, undefined, body);
        expect(res.status, `${method} with the session`).to.be.below(500);
        expectSecured(res.headers, `${method} with the session`);
      }
    });
  });

  describe('afterwards', () => {
    it('no organisation was created by any of it, and the hub still answers', async () => {
      expect((await allPages('/api/organisations?includeInactive=1', office.token)).length).to.equal(organisationsBefore);
      expectNoPollution('afterwards');
      expect((await get('/api/health')).status).to.equal(200);
    });
  });
});
