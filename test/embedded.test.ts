import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../server/db/embedded.js';
import {
  alive,
  checkHealth,
  childPids,
  freePort,
  PROCESS_ADMIN_EMAIL,
  PROCESS_ADMIN_PASSWORD,
  processesMentioning,
  runHub,
  spawnHub,
  waitForHealth,
  type Health,
  type HubProcess,
} from './helpers/process.js';

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const dirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Runs `work` until it succeeds or `timeoutMs` passes (the driver needs a moment to see a restarted server). */
async function eventually<T>(work: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('embedded database (§1)', function () {
  this.timeout(60_000);
  let database: EmbeddedDatabase | undefined;

  afterEach(async () => {
    await database?.stop();
    database = undefined;
  });

  it('starts FerretDB on a data directory and answers ping', async () => {
    const dir = tempDir('hub-embedded-');
    database = await startEmbeddedDatabase({ dataDir: dir, log });
    expect(database.kind).to.equal('ferretdb');
    expect(database.uri).to.match(/^mongodb:\/\/127\.0\.0\.1:\d+\/partnerhub$/);
    const client = await new mongoose.mongo.MongoClient(database.uri).connect();
    try {
      expect(await client.db().command({ ping: 1 })).to.deep.include({ ok: 1 });
      await client.db().collection('things').insertOne({ name: 'stored' });
    } finally {
      await client.close();
    }
    expect(readdirSync(path.join(dir, 'db')), 'SQLite files under DATA_DIR/db').to.not.be.empty;
    expect(existsSync(path.join(dir, 'ferretdb.log'))).to.equal(true);
  });

  it('keeps the data across stop and start on the same directory', async () => {
    const dir = tempDir('hub-embedded-');
    database = await startEmbeddedDatabase({ dataDir: dir, log });
    let client = await new mongoose.mongo.MongoClient(database.uri).connect();
    await client.db().collection('things').insertOne({ name: 'kept' });
    await client.close();
    await database.stop();

    database = await startEmbeddedDatabase({ dataDir: dir, log });
    client = await new mongoose.mongo.MongoClient(database.uri).connect();
    try {
      expect(await client.db().collection('things').findOne({ name: 'kept' })).to.include({ name: 'kept' });
    } finally {
      await client.close();
    }
  });

  it('restarts a killed FerretDB on the same port, and a client connected before works again', async () => {
    database = await startEmbeddedDatabase({ dataDir: tempDir('hub-embedded-'), log });
    const client = await new mongoose.mongo.MongoClient(database.uri, { serverSelectionTimeoutMS: 3000 }).connect();
    try {
      await client.db().collection('things').insertOne({ name: 'before' });
      const first = database.pid;
      expect(first).to.be.a('number');
      process.kill(first!, 'SIGKILL');

      const found = await eventually(() => client.db().collection('things').findOne({ name: 'before' }));
      expect(found).to.include({ name: 'before' });
      expect(database.pid).to.be.a('number').and.not.equal(first);
      await eventually(() => client.db().collection('things').insertOne({ name: 'after' }));
    } finally {
      await client.close();
    }
  });

  it('leaves no process behind after stop()', async () => {
    const dir = tempDir('hub-embedded-');
    database = await startEmbeddedDatabase({ dataDir: dir, log });
    const pid = database.pid!;
    expect(alive(pid)).to.equal(true);
    await database.stop();
    database = undefined;
    expect(alive(pid)).to.equal(false);
    expect(processesMentioning(dir)).to.deep.equal([]);
  });
});

describe('the hub process with its embedded database (§1, §10)', function () {
  this.timeout(90_000);
  let hub: HubProcess | undefined;

  afterEach(async () => {
    await hub?.stop();
    hub = undefined;
  });

  /** The fields of API answers these tests read. */
  interface Answer {
    status: number;
    body: { accessToken?: string; items?: Array<{ slug: string }> } | undefined;
  }

  async function api(port: number, method: string, route: string, body?: unknown, token?: string): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`http://127.0.0.1:${port}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Answer['body'] };
  }

  async function login(port: number): Promise<string> {
    const res = await api(port, 'POST', '/api/auth/login', { email: PROCESS_ADMIN_EMAIL, password: PROCESS_ADMIN_PASSWORD });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body?.accessToken ?? '';
  }

  it('is healthy on the embedded database and keeps its data across a restart', async () => {
    const dataDir = tempDir('hub-process-');
    hub = await spawnHub({ DATA_DIR: dataDir });
    const health = await checkHealth(hub.port);
    expect(health.status).to.equal(200);
    expect(health.body).to.deep.include({ status: 'ok', db: 'ok' });
    expect(existsSync(path.join(dataDir, 'ferretdb.log')), 'the embedded FerretDB was used').to.equal(true);

    const created = await api(hub.port, 'POST', '/api/organisations', { slug: 'kept-org', name: 'Kept', kind: 'national' }, await login(hub.port));
    expect(created.status, JSON.stringify(created.body)).to.equal(201);

    expect(await hub.stop()).to.equal(0);
    hub = undefined;
    expect(processesMentioning(dataDir), 'no FerretDB left after the hub stopped').to.deep.equal([]);

    hub = await spawnHub({ DATA_DIR: dataDir });
    expect((await checkHealth(hub.port)).body).to.deep.include({ status: 'ok', db: 'ok' });
    const list = await api(hub.port, 'GET', '/api/organisations?limit=100', undefined, await login(hub.port));
    expect(list.status).to.equal(200);
    expect((list.body?.items ?? []).map((o) => o.slug)).to.include('kept-org');
  });

  describe('bad configuration: exit code 1 and one line naming the variable', () => {
    async function expectRefusal(env: Record<string, string>, variable: string): Promise<void> {
      const { code, stderr } = await runHub({ DATA_DIR: tempDir('hub-config-'), PORT: String(await freePort()), ...env });
      expect(code, stderr).to.equal(1);
      const lines = stderr.trim().split('\n');
      expect(lines, stderr).to.have.length(1);
      expect(lines[0]).to.include(variable);
    }

    it('HUB_MASTER_KEY that is not 32 bytes', () => expectRefusal({ HUB_MASTER_KEY: 'abc' }, 'HUB_MASTER_KEY'));

    it('MONGODB_URI that does not parse', () => expectRefusal({ MONGODB_URI: 'notaurl' }, 'MONGODB_URI'));

    it('a PORT already in use, leaving no FerretDB behind', async () => {
      const blocker: Server = createServer();
      const port = await new Promise<number>((resolve) =>
        blocker.listen(0, '127.0.0.1', () => {
          const address = blocker.address();
          resolve(typeof address === 'object' && address ? address.port : 0);
        }),
      );
      const dataDir = tempDir('hub-port-');
      try {
        await expectRefusal({ DATA_DIR: dataDir, PORT: String(port) }, 'PORT');
      } finally {
        blocker.close();
      }
      expect(processesMentioning(dataDir)).to.deep.equal([]);
    });
  });

  it('answers 503 while its FerretDB is down and 200 again once it is back by itself', async () => {
    hub = await spawnHub({ DATA_DIR: tempDir('hub-process-') });
    expect(childPids(hub.pid, 'ferretdb')).to.have.length(1);

    // The supervisor restarts FerretDB within half a second, possibly before a health request falls
    // in the gap; killing each restart lengthens its backoff until the hub has to notice.
    let degraded: Health | undefined;
    const deadline = Date.now() + 10_000;
    while (!degraded && Date.now() < deadline) {
      for (const pid of childPids(hub.pid, 'ferretdb')) process.kill(pid, 'SIGKILL');
      const health = await checkHealth(hub.port);
      expect(health.ms, 'a health answer never takes 10 s').to.be.below(10_000);
      if (health.status === 503) degraded = health;
      else await sleep(100);
    }
    expect(degraded, 'no 503 within 10 s of killing FerretDB').to.not.equal(undefined);
    expect(degraded?.body).to.deep.include({ status: 'degraded', db: 'down' });

    const healthy = await waitForHealth(hub.port, 200, 30_000, 250);
    expect(healthy.body).to.deep.include({ status: 'ok', db: 'ok' });
    expect(childPids(hub.pid, 'ferretdb')).to.have.length(1);
  });
});
