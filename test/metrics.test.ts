import { expect } from 'chai';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../config/index.js';
import { testEnv } from './helpers/hub.js';
import { requestAt, signInAt } from './helpers/hubPair.js';
import { freePort, spawnHub, waitForHealth, type HubProcess } from './helpers/process.js';
import { closeSockets, connectSocket } from './helpers/sockets.js';

/** A TCP relay between the hub and the test run's database, which the test can cut and restore. */
interface Relay {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

function startRelay(target: { host: string; port: number }): Promise<Relay> {
  const open = new Set<Socket>();
  let up = true;
  const server: Server = createServer((client) => {
    if (!up) return client.destroy();
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        cut() {
          up = false;
          for (const socket of open) socket.destroy();
        },
        restore() {
          up = true;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    }),
  );
}

/** One sample of a Prometheus text exposition: its metric name, labels and value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the sample named `name` whose labels include `labels`; 0 when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found?.value ?? 0;
}

describe('Prometheus metrics on their own listener (issue 7)', function () {
  this.timeout(60_000);
  let relay: Relay;
  let hub: HubProcess;
  let metricsPort: number;
  let token: string;
  let organisationId: string;

  async function scrape(): Promise<{ status: number; type: string | null; text: string; samples: Sample[] }> {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), text, samples: parseExposition(text) };
  }

  before(async () => {
    const { PORT: _port, ...env } = testEnv({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn' });
    const database = new URL(env.MONGODB_URI!);
    relay = await startRelay({ host: database.hostname, port: Number(database.port) });
    database.host = `127.0.0.1:${relay.port}`;
    metricsPort = await freePort();
    hub = await spawnHub({ ...env, MONGODB_URI: database.toString(), METRICS_PORT: String(metricsPort) });
    const admin = await signInAt(hub);
    token = admin.accessToken;
    organisationId = admin.user.organisationId;
  });

  after(async () => {
    closeSockets();
    await hub?.stop();
    await relay?.close();
  });

  afterEach(() => closeSockets());

  it('is off unless METRICS_PORT is set, listens on 127.0.0.1 by default, never on the hub port', async () => {
    const defaults = loadConfig({ DATA_DIR: testEnv().DATA_DIR });
    expect(defaults.metricsPort).to.equal(undefined);
    expect(defaults.metricsHost).to.equal('127.0.0.1');
    expect(() => loadConfig({ DATA_DIR: testEnv().DATA_DIR, PORT: '9100', METRICS_PORT: '9100' })).to.throw(/METRICS_PORT/);

    const onHubPort = await fetch(`http://127.0.0.1:${hub.port}/metrics`);
    expect(await onHubPort.text()).to.not.include('hub_http_request_duration_seconds');
    const elsewhere = await fetch(`http://127.0.0.1:${metricsPort}/api/health`);
    expect(elsewhere.status).to.equal(404);

    const { status, type, samples } = await scrape();
    expect(status).to.equal(200);
    expect(type).to.match(/^text\/plain; version=0\.0\.4/);
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).to.be.above(0);
    expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).to.equal(true);
    expect(samples.some((s) => s.name === 'process_resident_memory_bytes')).to.equal(true);
  });

  it('times requests by method, route pattern and status class, never by raw URL', async () => {
    const route = '/api/organisations/:id/users';
    const series = { method: 'GET', route, status_class: '2xx' };
    const missing = { method: 'GET', route, status_class: '4xx' };
    const before = (await scrape()).samples;
    for (let i = 0; i < 2; i++) expect((await requestAt(hub, 'GET', `/api/organisations/${organisationId}/users`, undefined, token)).status).to.equal(200);
    // Express matches mount paths whatever their case: one series still.
    expect((await requestAt(hub, 'GET', `/API/Organisations/${organisationId}/users`, undefined, token)).status).to.equal(200);
    const unknownId = 'ffffffffffffffffffffffff';
    expect((await requestAt(hub, 'GET', `/api/organisations/${unknownId}/users`, undefined, token)).status).to.equal(404);
    expect((await requestAt(hub, 'GET', '/api/audit')).status).to.equal(401);

    const { text, samples } = await scrape();
    const count = 'hub_http_request_duration_seconds_count';
    expect(valueOf(samples, count, series) - valueOf(before, count, series)).to.equal(3);
    expect(valueOf(samples, count, missing) - valueOf(before, count, missing)).to.equal(1);
    // auth() refused it before any route was chosen: labelled by the router it reached.
    expect(valueOf(samples, count, { method: 'GET', route: '/api/audit/*', status_class: '4xx' })).to.be.at.least(1);
    expect(valueOf(samples, 'hub_http_request_duration_seconds_sum', series)).to.be.above(0);
    expect(valueOf(samples, 'hub_http_request_duration_seconds_bucket', { ...series, le: '+Inf' })).to.equal(valueOf(samples, count, series));
    expect(text).to.not.include(organisationId);
    expect(text).to.not.include('Organisations');
    expect(text).to.not.include(unknownId);
  });

  it('counts connected sockets and stored messages, and times their inserts', async () => {
    const room = await requestAt<{ id: string }>(hub, 'POST', '/api/rooms', { name: 'Metrics room', organisations: [organisationId] }, token);
    expect(room.status, JSON.stringify(room.body)).to.equal(201);
    const before = (await scrape()).samples;
    for (let i = 0; i < 3; i++) {
      const sent = await requestAt(hub, 'POST', `/api/rooms/${room.body.id}/messages`, { body: `message ${i}` }, token);
      expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    }
    const url = `http://127.0.0.1:${hub.port}`;
    await Promise.all([connectSocket(token, url), connectSocket(token, url)]);

    const after = (await scrape()).samples;
    expect(valueOf(after, 'hub_messages_stored_total') - valueOf(before, 'hub_messages_stored_total')).to.equal(3);
    // One after the other, so each message had an insert of its own, timed.
    expect(valueOf(after, 'hub_message_insert_seconds_count') - valueOf(before, 'hub_message_insert_seconds_count')).to.equal(3);
    expect(valueOf(after, 'hub_message_insert_seconds_sum')).to.be.above(valueOf(before, 'hub_message_insert_seconds_sum'));
    expect(valueOf(after, 'hub_sockets_connected')).to.equal(2);
    // Every command is counted by its collection's kind: a room's block collections fold into one series.
    const messageInserts = { command: 'insert', collection: 'roommessages_<id>_<n>' };
    expect(valueOf(after, 'hub_database_commands_total', messageInserts) - valueOf(before, 'hub_database_commands_total', messageInserts)).to.equal(3);
    expect(after.filter((s) => s.name === 'hub_database_commands_total').every((s) => !/[0-9a-f]{24}/.test(s.labels.collection ?? ''))).to.equal(true);

    closeSockets();
    const deadline = Date.now() + 5000;
    while (valueOf((await scrape()).samples, 'hub_sockets_connected') !== 0) {
      if (Date.now() > deadline) throw new Error('hub_sockets_connected did not fall back to 0');
      await sleep(50);
    }
  });

  it('counts database errors while the database is away, and the hub recovers', async () => {
    const kinds = (samples: Sample[]) => ({
      request: valueOf(samples, 'hub_database_errors_total', { kind: 'request' }),
      disconnected: valueOf(samples, 'hub_database_errors_total', { kind: 'disconnected' }),
    });
    const before = kinds((await scrape()).samples);
    relay.cut();
    let unavailable = 0;
    let now = before;
    const deadline = Date.now() + 20_000;
    while (unavailable === 0 || now.disconnected === before.disconnected) {
      if (Date.now() > deadline) throw new Error(`no database error counted: ${JSON.stringify({ before, now, unavailable })}`);
      const res = await requestAt(hub, 'GET', '/api/organisations', undefined, token);
      if (res.status === 503) unavailable++;
      else expect(res.status, `${JSON.stringify(res.body)}\n${hub.stderr()}`).to.equal(200);
      now = kinds((await scrape()).samples);
      await sleep(200);
    }
    expect(now.request - before.request).to.be.at.least(unavailable);
    relay.restore();
    await waitForHealth(hub.port, 200, 20_000, 200);
    expect((await requestAt(hub, 'GET', '/api/organisations', undefined, token)).status).to.equal(200);
  });
});
