import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../config/index.js';
import { startHub, type Hub } from '../../server/hub.js';

export const ADMIN_EMAIL = 'office-admin@hub.test';
export const ADMIN_PASSWORD = 'office-admin-password-1';

let hub: Hub | undefined;
let hubConfig: Config | undefined;

/** The MongoDB URI of a fresh database on the test run's FerretDB. */
export function freshDatabaseUri(prefix = 'hubtest'): string {
  const base = process.env.TEST_MONGODB_URI;
  if (!base) throw new Error('TEST_MONGODB_URI is not set; the global fixture starts the database');
  const url = new URL(base);
  url.pathname = `/${prefix}_${randomBytes(4).toString('hex')}`;
  return url.toString();
}

/** Environment for a hub process of the tests: its own data directory and database. */
export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'hub-test-data-')),
    MONGODB_URI: freshDatabaseUri(),
    HUB_ADMIN_EMAIL: ADMIN_EMAIL,
    HUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Webhook tests post to a receiver on loopback (§14), and see a retry within a second.
    HUB_WEBHOOK_ALLOW_PRIVATE: '1',
    HUB_WEBHOOK_FIRST_RETRY_SECONDS: '0.5',
    ...extra,
  };
}

/** Starts the in-process hub the API tests talk to over HTTP. */
export async function startTestHub(): Promise<Hub> {
  hubConfig = loadConfig(testEnv());
  hub = await startHub(hubConfig, pino({ level: hubConfig.logLevel }));
  return hub;
}

/** Stops it. */
export async function stopTestHub(): Promise<void> {
  await hub?.close();
  hub = undefined;
}

/** Base URL of the running test hub, e.g. http://127.0.0.1:41234. */
export function baseUrl(): string {
  if (!hub) throw new Error('the test hub is not running');
  return `http://127.0.0.1:${hub.port}`;
}

/** The running test hub's socket.io server (the hub runs in this process). */
export function testIo(): Hub['io'] {
  if (!hub) throw new Error('the test hub is not running');
  return hub.io;
}

/** The running test hub's domain: its repositories and its principal cache. */
export function testDomain(): Hub['domain'] {
  if (!hub) throw new Error('the test hub is not running');
  return hub.domain;
}

/** The running test hub's configuration (secrets included, for tests that forge tokens). */
export function testConfig(): Config {
  if (!hubConfig) throw new Error('the test hub is not running');
  return hubConfig;
}
