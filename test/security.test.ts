import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, loadConfig } from '../config/index.js';
import { clientDist } from '../server/app.js';
import { sourceOf } from '../server/http/rateLimits.js';
import { ensureBuilt } from './browser/browser.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, baseUrl, testEnv } from './helpers/hub.js';
import { assessmentBody } from './helpers/factories.js';
import { REDIS_URL, requireRedis } from './helpers/hubPair.js';
import { runHub, spawnHub, type HubProcess } from './helpers/process.js';

const WINDOW_SECONDS = 3;
const WRITES = 6;
const AUTH_FAILURES = 4;

interface Options {
  token?: string;
  ip?: string;
}

/** One JSON call to a spawned hub, optionally as if from `ip` (the hub trusts one proxy hop). */
async function at(hub: HubProcess, method: string, route: string, body?: unknown, options: Options = {}) {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.ip) headers['x-forwarded-for'] = options.ip;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`http://127.0.0.1:${hub.port}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as any };
}

let ipCounter = 0;
/** A documentation address (RFC 5737) not used before in this run. */
const freshIp = () => `192.0.2.${++ipCounter}`;

async function signIn(hub: HubProcess, email: string, password: string): Promise<string> {
  const res = await at(hub, 'POST', '/api/auth/login', { email, password }, { ip: freshIp() });
  if (res.status !== 200) throw new Error(`login of ${email} answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

/** `count` analysts of a new organisation, created by the Office admin of `hub` (1 + count of the admin's writes). */
async function analysts(hub: HubProcess, count: number) {
  const admin = await signIn(hub, ADMIN_EMAIL, ADMIN_PASSWORD);
  const org = await at(
    hub,
    'POST',
    '/api/organisations',
    { slug: `org-${randomBytes(4).toString('hex')}`, name: 'Rate-limited', kind: 'regional' },
    { token: admin },
  );
  expect(org.status).to.equal(201);
  const users = [];
  for (let i = 0; i < count; i++) {
    const email = `limited-${randomBytes(4).toString('hex')}@hub.test`;
    const password = `password-${randomBytes(4).toString('hex')}-long`;
    const made = await at(hub, 'POST', `/api/organisations/${org.body.id}/users`, { email, name: 'Analyst', role: 'analyst', password }, { token: admin });
    expect(made.status).to.equal(201);
    users.push({ email, password, token: await signIn(hub, email, password) });
  }
  return users;
}

function expectLimited(res: Awaited<ReturnType<typeof at>>): number {
  expect(res.status, JSON.stringify(res.body)).to.equal(429);
  expect(res.body.error.code).to.equal('rate_limited');
  expect(res.body.error.message).to.be.a('string').and.not.empty;
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).to.be.within(1, WINDOW_SECONDS);
  return retryAfter;
}

describe('rate limits (issue 7 §6): a hub with tiny budgets', function () {
  this.timeout(60_000);
  let hub: HubProcess;
  let env: Record<string, string>;
  // Made once (5 of the Office admin's 6 writes): two colleagues, a lockout victim and a stolen session's owner.
  let users: Awaited<ReturnType<typeof analysts>>;

  before(async () => {
    const { PORT: _port, ...rest } = testEnv({
      HUB_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      HUB_RATE_WRITES: String(WRITES),
      HUB_RATE_AUTH_FAILURES: String(AUTH_FAILURES),
      TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
    });
    env = rest;
    hub = await spawnHub(env);
    users = await analysts(hub, 4);
  });
  after(async () => {
    await hub?.stop();
    if (env) rmSync(env.DATA_DIR!, { recursive: true, force: true });
  });

  it('refuses a user past the write budget with 429 and Retry-After, stores nothing, spares another user, and recovers', async () => {
    const [first, second] = users;
    for (let i = 0; i < WRITES; i++) {
      expect((await at(hub, 'POST', '/api/assessments', assessmentBody({ title: `Allowed ${i}` }), { token: first!.token })).status).to.equal(201);
    }
    const refused = await at(hub, 'POST', '/api/assessments', assessmentBody({ title: 'One too many' }), { token: first!.token });
    const retryAfter = expectLimited(refused);
    // Reads are not limited, and show that the refused write stored nothing.
    const list = await at(hub, 'GET', '/api/assessments?limit=100', undefined, { token: first!.token });
    expect(list.status).to.equal(200);
    expect(list.body.items.map((a: { title: string }) => a.title)).to.have.members(Array.from({ length: WRITES }, (_, i) => `Allowed ${i}`));
    // The budget is the user's, not the address's: a colleague on the same connection still writes.
    expect((await at(hub, 'POST', '/api/assessments', assessmentBody({ title: 'Colleague' }), { token: second!.token })).status).to.equal(201);
    await sleep(retryAfter * 1000 + 100);
    expect((await at(hub, 'POST', '/api/assessments', assessmentBody({ title: 'After the window' }), { token: first!.token })).status).to.equal(201);
  });

  it('limits writes without a valid token per IP address', async () => {
    const ip = freshIp();
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    for (let i = 0; i < WRITES; i++) expect((await at(hub, 'POST', '/api/assessments', {}, { ip, token: forged })).status).to.equal(401);
    expectLimited(await at(hub, 'POST', '/api/assessments', {}, { ip }));
    expect((await at(hub, 'POST', '/api/assessments', {}, { ip: freshIp() })).status).to.equal(401);
  });

  it('refuses sign-in from an address past its failure budget, even with the right password; other addresses sign in', async () => {
    const ip = freshIp();
    for (let i = 0; i < AUTH_FAILURES; i++) {
      // A new unknown email each time, so the per-account lockout plays no part.
      const wrong = await at(
        hub,
        'POST',
        '/api/auth/login',
        { email: `nobody-${i}-${randomBytes(3).toString('hex')}@hub.test`, password: 'not the password' },
        { ip },
      );
      expect(wrong.status).to.equal(401);
    }
    expectLimited(await at(hub, 'POST', '/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, { ip }));
    expectLimited(await at(hub, 'POST', '/api/auth/refresh', { refreshToken: 'x'.repeat(43) }, { ip }));
    expect((await at(hub, 'POST', '/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, { ip: freshIp() })).status).to.equal(200);
  });

  it('does not count successful sign-ins against the address', async () => {
    const ip = freshIp();
    for (let i = 0; i < AUTH_FAILURES + 1; i++) {
      expect((await at(hub, 'POST', '/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, { ip })).status).to.equal(200);
    }
  });

  it('answers the account lockout with Retry-After: the rest of its 15 minutes', async () => {
    const victim = users[2];
    for (let i = 0; i < 5; i++) {
      expect((await at(hub, 'POST', '/api/auth/login', { email: victim!.email, password: `guess-number-${i}-long` }, { ip: freshIp() })).status).to.equal(401);
    }
    const locked = await at(hub, 'POST', '/api/auth/login', { email: victim!.email, password: victim!.password }, { ip: freshIp() });
    expect(locked.status).to.equal(429);
    expect(locked.body.error.code).to.equal('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).to.be.within(15 * 60 - 30, 15 * 60);
  });

  it('stops guessing of the current password on a stolen session after 5 failures, from any address', async () => {
    const victim = users[3];
    for (let i = 0; i < 5; i++) {
      const wrong = await at(
        hub,
        'POST',
        '/api/me/password',
        { currentPassword: `guess-number-${i}-long`, newPassword: 'a new long passphrase' },
        { token: victim!.token, ip: freshIp() },
      );
      expect(wrong.status).to.equal(400);
    }
    const right = await at(
      hub,
      'POST',
      '/api/me/password',
      { currentPassword: victim!.password, newPassword: 'a new long passphrase' },
      { token: victim!.token, ip: freshIp() },
    );
    expect(right.status).to.equal(429);
    expect(right.body.error.code).to.equal('rate_limited');
    expect(Number(right.headers.get('retry-after'))).to.be.above(WINDOW_SECONDS);
    // Nothing changed: the old password still signs in.
    await signIn(hub, victim!.email, victim!.password);
  });
});

describe('rate limits across hub processes (REDIS_URL)', function () {
  this.timeout(60_000);
  const hubs: HubProcess[] = [];
  const dirs: string[] = [];

  before(async () => {
    await requireRedis();
    const shared = { JWT_SECRET: randomBytes(48).toString('base64url'), HUB_MASTER_KEY: randomBytes(32).toString('base64') };
    const { PORT: _port, ...first } = testEnv({ ...shared, REDIS_URL, HUB_RATE_WINDOW_SECONDS: '30', HUB_RATE_WRITES: String(WRITES), LOG_LEVEL: 'warn' });
    // One database and one Redis, each process with its own data directory; started one after the other.
    const second = { ...first, DATA_DIR: testEnv().DATA_DIR! };
    dirs.push(first.DATA_DIR!, second.DATA_DIR);
    hubs.push(await spawnHub(first));
    hubs.push(await spawnHub(second));
  });
  after(async () => {
    await Promise.all(hubs.map((hub) => hub.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("shares one user's budget between the processes", async () => {
    const [a, b] = hubs as [HubProcess, HubProcess];
    const token = await signIn(a, ADMIN_EMAIL, ADMIN_PASSWORD);
    const statuses = [];
    for (let i = 0; i < WRITES + 2; i++) {
      const hub = i % 2 === 0 ? a : b;
      statuses.push(
        (await at(hub, 'POST', '/api/organisations', { slug: `org-${randomBytes(4).toString('hex')}`, name: 'Shared budget', kind: 'regional' }, { token }))
          .status,
      );
    }
    expect(statuses).to.deep.equal([...Array<number>(WRITES).fill(201), 429, 429]);
  });
});

describe('rate limits when Redis is down at start', function () {
  this.timeout(60_000);

  it('do not hold the start: the hub reaches the Redis check and stops with one line naming REDIS_URL', async () => {
    const { PORT: _port, ...env } = testEnv({ REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'warn' });
    try {
      const { code, stderr } = await runHub(env, 40_000);
      expect(code).to.equal(1);
      expect(stderr).to.match(/^Partner Hub cannot start: REDIS_URL: /m);
    } finally {
      rmSync(env.DATA_DIR!, { recursive: true, force: true });
    }
  });
});

describe('rate-limit sources', () => {
  it('keeps IPv4 addresses and groups IPv6 addresses by /64', () => {
    expect(sourceOf('203.0.113.9')).to.equal('203.0.113.9');
    expect(sourceOf('::ffff:203.0.113.9')).to.equal('203.0.113.9');
    expect(sourceOf('2001:db8:0:1:aaaa::1')).to.equal(sourceOf('2001:0db8:0000:0001:ffff:ffff:ffff:ffff'));
    expect(sourceOf('2001:db8:0:1::1')).to.equal('2001:db8:0:1::/64');
    expect(sourceOf('2001:db8:0:2::1')).to.not.equal(sourceOf('2001:db8:0:1::1'));
    expect(sourceOf('::1')).to.equal('0:0:0:0::/64');
  });
});

describe('rate-limit configuration', () => {
  const env = (extra: Record<string, string>) => ({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'hub-test-config-')), ...extra });

  it('defaults to budgets a busy analyst and a test suite stay under, and reads the variables', () => {
    expect(loadConfig(env({})).rateLimits).to.deep.equal({ windowMs: 60_000, writes: 1200, authFailures: 300 });
    expect(loadConfig(env({ HUB_RATE_WINDOW_SECONDS: '5', HUB_RATE_WRITES: '7', HUB_RATE_AUTH_FAILURES: '' })).rateLimits).to.deep.equal({
      windowMs: 5000,
      writes: 7,
      authFailures: 300,
    });
  });

  it('names the variable of a bad budget', () => {
    for (const [name, value] of [
      ['HUB_RATE_WRITES', '0'],
      ['HUB_RATE_AUTH_FAILURES', 'many'],
      ['HUB_RATE_WINDOW_SECONDS', '-1'],
    ] as const) {
      expect(() => loadConfig(env({ [name]: value })))
        .to.throw(ConfigError)
        .with.property('variable', name);
    }
  });
});

describe('Content-Security-Policy (issue 7 §6)', () => {
  /** The policy's directives, by name. */
  const directives = (header: string | null) =>
    new Map(
      (header ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name!, values]),
    );

  it('is strict on the app, its assets and the API: no inline or eval script, no plugins, no framing, no foreign base or form target', async () => {
    ensureBuilt();
    const index = readFileSync(path.join(clientDist(), 'index.html'), 'utf8');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1];
    expect(asset, 'the built index.html loads its script from a file').to.be.a('string');
    for (const route of ['/', '/assessments', asset!, '/api/health', '/api/me', '/api/nowhere']) {
      const res = await fetch(baseUrl() + route);
      const policy = directives(res.headers.get('content-security-policy'));
      expect(res.headers.get('content-security-policy'), route).to.not.match(/unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
      expect(policy.get('script-src'), route).to.deep.equal(["'self'"]);
      expect(policy.get('style-src'), route).to.deep.equal(["'self'"]);
      expect(policy.get('default-src'), route).to.deep.equal(["'self'"]);
      expect(policy.get('object-src'), route).to.deep.equal(["'none'"]);
      expect(policy.get('base-uri'), route).to.deep.equal(["'self'"]);
      expect(policy.get('frame-ancestors'), route).to.deep.equal(["'none'"]);
      expect(policy.get('form-action'), route).to.deep.equal(["'self'"]);
      expect(res.headers.get('x-content-type-options'), route).to.equal('nosniff');
      expect(res.headers.get('x-powered-by'), route).to.equal(null);
      await res.arrayBuffer();
    }
  });

  it('is met by the built page: every script and style is a same-origin file, nothing inline', () => {
    ensureBuilt();
    const index = readFileSync(path.join(clientDist(), 'index.html'), 'utf8');
    const scripts = [...index.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts).to.not.be.empty;
    for (const [, attributes, body] of scripts) {
      expect(attributes).to.match(/\bsrc="\/assets\//);
      expect(body!.trim()).to.equal('');
    }
    expect(index).to.not.match(/<style\b|\sstyle=|\son[a-z]+=|javascript:/i);
  });
});
