import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { ADMIN_EMAIL, ADMIN_PASSWORD, testEnv } from './hub.js';
import { freePort, spawnHub, type HubProcess } from './process.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The base URL of one hub process. */
export const urlOf = (hub: HubProcess) => `http://127.0.0.1:${hub.port}`;

/** Two processes of one hub: one database, the same secrets and Redis, their own data directories and ports. */
export interface HubPair {
  a: HubProcess;
  b: HubProcess;
  /** Each process's metrics port, when started with `{metrics: true}`. */
  metricsPorts?: { a: number; b: number };
  stop(): Promise<void>;
}

/** Fails with one clear line unless Redis answers at `url` (REDIS_URL by default). */
export async function requireRedis(url = REDIS_URL): Promise<void> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 2000 } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    await client.quit();
  } catch (error) {
    throw new Error(`these tests need Redis at ${url} (TEST_REDIS_URL): ${(error as Error).message}`);
  }
}

/** Starts two hub processes on a fresh database of the test run's FerretDB, sharing the Redis at `redisUrl`. */
export async function startHubPair(redisUrl = REDIS_URL, options: { metrics?: boolean } = {}): Promise<HubPair> {
  await requireRedis(redisUrl);
  // PORT is left out: spawnHub picks a free one for each.
  const { PORT: _port, ...envA } = testEnv({
    REDIS_URL: redisUrl,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    HUB_MASTER_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
  });
  const envB: Record<string, string> = { ...envA, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'hub-test-data-')) };
  const metricsPorts = options.metrics ? { a: await freePort(), b: await freePort() } : undefined;
  if (metricsPorts) {
    envA.METRICS_PORT = String(metricsPorts.a);
    envB.METRICS_PORT = String(metricsPorts.b);
  }
  // One after the other: both would otherwise race to bootstrap the Office and its admin.
  const a = await spawnHub(envA);
  const b = await spawnHub(envB).catch(async (error: unknown) => {
    await a.stop();
    throw error;
  });
  return {
    a,
    b,
    metricsPorts,
    async stop() {
      await Promise.all([a.stop(), b.stop()]);
      for (const dir of [envA.DATA_DIR!, envB.DATA_DIR!]) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Calls one hub process over HTTP with a JSON body; answers status and parsed body. */
export async function requestAt<T = Record<string, unknown>>(hub: HubProcess, method: string, route: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(urlOf(hub) + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Signs in at one hub process; throws unless it answers 200. */
export async function signInAt(hub: HubProcess, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  const res = await requestAt<{ accessToken: string; user: { id: string; organisationId: string } }>(hub, 'POST', '/api/auth/login', { email, password });
  if (res.status !== 200) throw new Error(`login at ${urlOf(hub)} answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A user created through `hub` by the Office admin and signed in there; the token works on every process. */
export async function createUserAt(hub: HubProcess, adminToken: string, organisationId: string, role = 'member') {
  const unique = randomBytes(4).toString('hex');
  const email = `pair-${unique}@hub.test`;
  const password = `password-${unique}-long`;
  const res = await requestAt<{ id: string }>(
    hub,
    'POST',
    `/api/organisations/${organisationId}/users`,
    { email, name: `Pair ${role} ${unique}`, role, password },
    adminToken,
  );
  if (res.status !== 201) throw new Error(`creating a user answered ${res.status} ${JSON.stringify(res.body)}`);
  const { accessToken } = await signInAt(hub, email, password);
  return { id: res.body.id, organisationId, token: accessToken };
}

/** Creates a partner organisation through `hub` as the Office admin; answers its id. */
export async function createOrganisationAt(hub: HubProcess, adminToken: string): Promise<string> {
  const slug = `org-${randomBytes(4).toString('hex')}`;
  const res = await requestAt<{ id: string }>(hub, 'POST', '/api/organisations', { slug, name: `Pair ${slug}`, kind: 'regional' }, adminToken);
  if (res.status !== 201) throw new Error(`creating an organisation answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}
