/**
 * Issue 13, item 8 (`npx tsx bench/notifications/run.ts`): stored notifications on a hub of many users.
 * One hub process on the embedded FerretDB; BENCH_USERS (2,000) members of BENCH_ORGS (20) partner
 * organisations, BENCH_SOCKETS (200) of them connected by socket.io. An analyst publishes BENCH_PUBLISHES
 * (20) assessments shared with `all`, one after the other: the publish request's time, the time until
 * every connected socket got its `notification`, and until every user's `/summary` counts it. Then as
 * many published to one organisation (its request time beside). Then BENCH_LOG (10,000) notifications
 * stored for each of 5 users: `GET /api/notifications` (and `?unread=true`, `/summary`) p50/p99 and the
 * hub's CPU. Writes its section of docs/benchmarks.md (BENCH_WRITE=0: not). Everything is on 127.0.0.1
 * and stops by itself (at most BENCH_RUN_S, 900 s).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { io, type Socket } from 'socket.io-client';
import { startEmbeddedDatabase } from '../../server/db/embedded.js';
import { assessmentBody } from '../../test/helpers/factories.js';
import { spawnHub } from '../../test/helpers/process.js';
import { ms, stats, table, writeSection, type Stats } from '../assessments/report.js';
import { cpuDuring } from '../chat/cpu.js';
import { call } from '../chat/setup.js';
import { fillLog, seedPeople, type Seat } from './seed.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const USERS = env('BENCH_USERS', 2000);
const ORGS = env('BENCH_ORGS', 20);
const SOCKETS = env('BENCH_SOCKETS', 200);
const PUBLISHES = env('BENCH_PUBLISHES', 20);
const LOG = env('BENCH_LOG', 10_000);
const READS = env('BENCH_READS', 200);
// How many of the publishes to all are followed by a sweep of every user's /summary (a sweep is one request per user).
const SWEEPS = env('BENCH_SWEEPS', PUBLISHES);
const RUN_S = env('BENCH_RUN_S', 900);
// How long a publish's notification may take to reach everyone before the run fails (the first creates every user's log).
const WITHIN_MS = env('BENCH_WITHIN_S', 120) * 1000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });
const step = (message: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** Runs `work` over `items`, `concurrency` at a time. */
async function pooled<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** Polls the fan-out jobs until none is left (every recipient's notification stored); answers the ms from `since`. */
async function fanOutDone(since: number): Promise<number> {
  const jobs = mongoose.connection.db!.collection('notificationjobs');
  const deadline = Date.now() + WITHIN_MS;
  while ((await jobs.countDocuments()) > 0) {
    if (Date.now() > deadline) throw new Error(`the fan-out did not finish within ${WITHIN_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - since;
}

/** Polls every user's `/summary` until it counts `unread`; answers the ms from `since` until the last did. */
async function everyoneCounts(port: number, users: Seat[], unread: number, since: number): Promise<number> {
  let waiting = users;
  const deadline = Date.now() + WITHIN_MS;
  while (waiting.length > 0 && Date.now() < deadline) {
    const still: Seat[] = [];
    await pooled(waiting, 16, async (u) => {
      const summary = await call<{ unread: number }>(port, 'GET', '/api/notifications/summary', undefined, u.token);
      if (summary.unread < unread) still.push(u);
    });
    waiting = still;
  }
  if (waiting.length > 0) throw new Error(`${waiting.length} users did not count notification ${unread} within ${WITHIN_MS} ms`);
  return performance.now() - since;
}

/** Creates an assessment as `analyst` and times the request that publishes it. */
async function publish(port: number, analyst: Seat, sharing: object): Promise<{ id: string; ms: number; answeredAt: number }> {
  const created = await call<{ id: string }>(port, 'POST', '/api/assessments', assessmentBody({ country: 'SDN', sharing }), analyst.token);
  const start = performance.now();
  await call(port, 'POST', `/api/assessments/${created.id}/publish`, {}, analyst.token);
  const answeredAt = performance.now();
  return { id: created.id, ms: answeredAt - start, answeredAt };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-notifications-'));
  const db = await startEmbeddedDatabase({ dataDir: path.join(dir, 'db'), log });
  await mongoose.connect(db.uri);
  const secret = randomBytes(48).toString('base64url');
  const hub = await spawnHub({ MONGODB_URI: db.uri, DATA_DIR: path.join(dir, 'hub'), JWT_SECRET: secret, HUB_RATE_WRITES: '1000000' });
  const sockets: Socket[] = [];
  try {
    const run = randomBytes(3).toString('hex');
    step(`seeding ${USERS} users in ${ORGS} organisations`);
    const people = await seedPeople(secret, ORGS, USERS, run);
    const arrived = new Map<string, number[]>();
    step(`connecting ${SOCKETS} sockets`);
    for (const seat of people.members.filter((_, i) => i % Math.max(1, Math.floor(USERS / SOCKETS)) === 0).slice(0, SOCKETS)) {
      const socket = io(`http://127.0.0.1:${hub.port}`, { auth: { token: seat.token }, transports: ['websocket'], reconnection: false });
      socket.on('notification', (n: { subject: { id: string } }) => arrived.set(n.subject.id, [...(arrived.get(n.subject.id) ?? []), performance.now()]));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      sockets.push(socket);
    }

    const toAll: number[] = [];
    const socketsMs: number[] = [];
    const summaryMs: number[] = [];
    const storedMs: number[] = [];
    for (let k = 1; k <= PUBLISHES; k++) {
      const done = await publish(hub.port, people.analyst, { scope: 'all', organisations: [] });
      toAll.push(done.ms);
      const stored = fanOutDone(done.answeredAt);
      // The sockets first (a sweep of /summary would slow what it waits for), then every user's count.
      const deadline = Date.now() + WITHIN_MS;
      while ((arrived.get(done.id)?.length ?? 0) < sockets.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const times = arrived.get(done.id) ?? [];
      if (times.length < sockets.length) throw new Error(`only ${times.length} of ${sockets.length} sockets got notification ${k}`);
      socketsMs.push(Math.max(...times) - done.answeredAt);
      storedMs.push(await stored);
      if (k <= SWEEPS) summaryMs.push(await everyoneCounts(hub.port, people.members, k, done.answeredAt));
      step(
        `publish ${k} to all: ${ms(done.ms)} ms; sockets ${ms(socketsMs.at(-1)!)} ms; stored for all ${ms(storedMs.at(-1)!)} ms` +
          (k <= SWEEPS ? `; every /summary ${ms(summaryMs.at(-1)!)} ms` : ''),
      );
    }
    const toOne: number[] = [];
    for (let k = 1; k <= PUBLISHES; k++) {
      toOne.push((await publish(hub.port, people.analyst, { scope: 'selected', organisations: [people.organisationIds[k % ORGS]] })).ms);
    }
    step(`publish to one organisation: p50 ${ms(stats(toOne).p50)} ms`);

    step(`storing ${LOG} notifications for each of 5 users`);
    const readers = (await seedPeople(secret, 1, 5, `${run}r`)).members;
    // Their logs are filled about an assessment they will see once it is published (the worker then appends after them).
    const visible = await call<{ id: string }>(
      hub.port,
      'POST',
      '/api/assessments',
      assessmentBody({ country: 'SDN', sharing: { scope: 'all', organisations: [] } }),
      people.analyst.token,
    );
    for (const reader of readers) await fillLog(reader.id, LOG, visible.id);
    await call(hub.port, 'POST', `/api/assessments/${visible.id}/publish`, {}, people.analyst.token);
    const reads: Record<string, { stats: Stats; cpu: number }> = {};
    for (const [name, route, rounds] of [
      ['GET /api/notifications?limit=50', '/api/notifications?limit=50', READS],
      ['GET /api/notifications?unread=true&limit=50', '/api/notifications?unread=true&limit=50', READS],
      ['GET /api/notifications/summary', '/api/notifications/summary', Math.max(5, READS / 10)],
    ] as const) {
      const times: number[] = [];
      const { cpu } = await cpuDuring({ hub: hub.pid }, async () => {
        for (let i = 0; i < rounds; i++) {
          const start = performance.now();
          await call(hub.port, 'GET', route, undefined, readers[i % readers.length]!.token);
          times.push(performance.now() - start);
        }
      });
      reads[name] = { stats: stats(times), cpu: cpu.hub! };
      step(`${name}: p50 ${ms(reads[name].stats.p50)} ms, p99 ${ms(reads[name].stats.p99)} ms, hub CPU ${cpu.hub!.toFixed(0)} %`);
    }
    if (process.env.BENCH_WRITE !== '0')
      writeSection(path.join(root, 'docs', 'benchmarks.md'), 'Notifications (issue 13)', report({ toAll, toOne, socketsMs, storedMs, summaryMs, reads }));
  } finally {
    sockets.forEach((s) => s.close());
    await hub.stop();
    await mongoose.disconnect();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(r: {
  toAll: number[];
  toOne: number[];
  socketsMs: number[];
  storedMs: number[];
  summaryMs: number[];
  reads: Record<string, { stats: Stats; cpu: number }>;
}): string {
  const row = (name: string, s: Stats) => [name, s.n, ms(s.p50), ms(s.p99)];
  return `## Notifications (issue 13)

\`npx tsx bench/notifications/run.ts\` (BENCH_USERS=${USERS}, BENCH_ORGS=${ORGS}, BENCH_SOCKETS=${SOCKETS}, BENCH_PUBLISHES=${PUBLISHES},
BENCH_LOG=${LOG}): one hub process on the embedded FerretDB 1.24; users and sessions written straight to the
database; an analyst publishes assessments one after the other. A publish stores one fan-out job and answers;
the worker writes one notification into each recipient's own log (\`notifications_<user>_<block>\`) and emits it.
"every /summary" is measured from the publish's answer (after the sockets were waited for) until a sweep of every user's \`GET /api/notifications/summary\`
(16 at a time) has seen it counted: an upper bound that includes the sweep itself (${USERS} requests).

${table(['publish request', 'n', 'p50 ms', 'p99 ms'], [row('shared with all', stats(r.toAll)), row('shared with one organisation', stats(r.toOne))])}

${table(
  ['after a publish to all', 'n', 'p50 ms', 'p99 ms'],
  [
    row(`every connected socket (${SOCKETS}) got \`notification\``, stats(r.socketsMs)),
    row(`every user's notification stored (${USERS}: the fan-out job finished)`, stats(r.storedMs)),
    row(`every user's /summary counts it (${USERS}; after ${r.summaryMs.length} of the publishes)`, stats(r.summaryMs)),
  ],
)}

${table(
  [`with ${LOG} notifications stored per user`, 'n', 'p50 ms', 'p99 ms', 'hub CPU %'],
  Object.entries(r.reads).map(([name, x]) => [...row(name, x.stats), x.cpu.toFixed(0)]),
)}
`;
}

const giveUp = setTimeout(() => {
  process.stderr.write(`the benchmark did not finish within ${RUN_S} s\n`);
  process.exit(1);
}, RUN_S * 1000);
giveUp.unref();
main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
