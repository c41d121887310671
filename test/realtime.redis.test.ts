import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createClient } from 'redis';
import { ADMIN_EMAIL, ADMIN_PASSWORD, testEnv } from './helpers/hub.js';
import { spawnHub, type HubProcess } from './helpers/process.js';
import { closeSockets, connectError, connectSocket, record, untilSeen } from './helpers/sockets.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const unique = () => randomBytes(4).toString('hex');
const urlOf = (hub: HubProcess) => `http://127.0.0.1:${hub.port}`;

/** Calls one hub process over HTTP with a JSON body; answers status and parsed body. */
async function requestAt<T = Record<string, unknown>>(hub: HubProcess, method: string, route: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(urlOf(hub) + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function requireRedis(): Promise<void> {
  const client = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false, connectTimeout: 2000 } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    await client.quit();
  } catch (error) {
    throw new Error(`these tests need Redis at ${REDIS_URL} (TEST_REDIS_URL): ${(error as Error).message}`);
  }
}

/** Signs in at one hub process; throws unless it answers 200. */
async function signIn(hub: HubProcess, email: string, password: string) {
  const res = await requestAt<{ accessToken: string; refreshToken: string; user: { id: string } }>(hub, 'POST', '/api/auth/login', { email, password });
  if (res.status !== 200) throw new Error(`login at ${urlOf(hub)} answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

describe('real time across hub processes (REDIS_URL, §8)', function () {
  this.timeout(120_000);
  let a: HubProcess | undefined;
  let b: HubProcess | undefined;
  const dirs: string[] = [];
  let adminToken = '';
  let organisationId = '';

  before(async () => {
    await requireRedis();
    // One hub: the same database and secrets, two processes with their own data directories and ports.
    // PORT is left out: spawnHub picks a free one for each.
    const { PORT: _port, ...envA } = testEnv({
      REDIS_URL,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      HUB_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    });
    const envB = { ...envA, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'hub-test-data-')) };
    dirs.push(envA.DATA_DIR!, envB.DATA_DIR);
    // One after the other: both would otherwise race to bootstrap the Office and its admin.
    a = await spawnHub(envA);
    b = await spawnHub(envB);
    adminToken = (await signIn(a, ADMIN_EMAIL, ADMIN_PASSWORD)).accessToken;
    const org = await requestAt<{ id: string }>(
      a,
      'POST',
      '/api/organisations',
      { slug: `org-${unique()}`, name: 'Redis fan-out', kind: 'regional' },
      adminToken,
    );
    expect(org.status, JSON.stringify(org.body)).to.equal(201);
    organisationId = org.body.id;
  });

  afterEach(() => closeSockets());

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Creates a user through `via` and answers their email, password and id. */
  async function newUser(via: HubProcess) {
    const email = `redis-${unique()}@hub.test`;
    const password = `password-${unique()}-long`;
    const res = await requestAt<{ id: string }>(
      via,
      'POST',
      `/api/organisations/${organisationId}/users`,
      { email, name: 'Redis user', role: 'member', password },
      adminToken,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return { id: res.body.id, email, password };
  }

  for (const [from, to] of [
    ['A', 'B'],
    ['B', 'A'],
  ] as const) {
    it(`deactivating a user through process ${from} cuts their socket on process ${to}: session:revoked, then disconnect`, async () => {
      const via = from === 'A' ? a! : b!;
      const other = from === 'A' ? b! : a!;
      const user = await newUser(via);
      const { accessToken } = await signIn(via, user.email, user.password);
      const socket = await connectSocket(accessToken, urlOf(other));
      const seen = record(socket);

      const res = await requestAt(via, 'PATCH', `/api/users/${user.id}`, { active: false }, adminToken);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);

      await untilSeen(seen, 'disconnect', 10_000);
      expect(seen.map((e) => e.name)).to.deep.equal(['session:revoked', 'disconnect']);
      expect(seen[1]!.payload).to.equal('io server disconnect');
      expect((await connectError({ token: accessToken }, urlOf(other))).message).to.equal('unauthenticated');
    });
  }

  it('a password change through one process cuts the other sessions on both, and keeps its own', async () => {
    const user = await newUser(a!);
    const current = await signIn(a!, user.email, user.password);
    const older = await signIn(b!, user.email, user.password);
    const [keptOnB, cutOnA, cutOnB] = await Promise.all([
      connectSocket(current.accessToken, urlOf(b!)),
      connectSocket(older.accessToken, urlOf(a!)),
      connectSocket(older.accessToken, urlOf(b!)),
    ]);
    const seen = { keptOnB: record(keptOnB), cutOnA: record(cutOnA), cutOnB: record(cutOnB) };

    const res = await requestAt(
      a!,
      'POST',
      '/api/me/password',
      { currentPassword: user.password, newPassword: `${user.password}-changed` },
      current.accessToken,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(204);

    await untilSeen(seen.cutOnA, 'disconnect', 10_000);
    await untilSeen(seen.cutOnB, 'disconnect', 10_000);
    expect(seen.cutOnA.map((e) => e.name)).to.deep.equal(['session:revoked', 'disconnect']);
    expect(seen.cutOnB.map((e) => e.name)).to.deep.equal(['session:revoked', 'disconnect']);
    // The revocation reached B (cutOnB above) in one broadcast that excluded the current session.
    expect(seen.keptOnB).to.deep.equal([]);
    expect(keptOnB.connected).to.equal(true);
  });
});
