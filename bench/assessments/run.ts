/**
 * Benchmark of issue 4 (`npx tsx bench/assessments/run.ts`): a hub process on the embedded database
 * (FerretDB 1.24 on SQLite in a temporary directory), 10,000 assessments of 12 organisations, and
 * autocannon against the assessment list and the country overview beside `GET /api/health` as the
 * baseline; then the same list read straight from the database ("before"), and where a request's time
 * goes. Writes its section of docs/benchmarks.md. Everything is on 127.0.0.1 and stops by itself.
 *
 * BENCH_DURATION_S (15) sets the seconds per target; BENCH_CPU_PROFILE=0 runs the hub without --cpu-prof.
 */
import autocannon from 'autocannon';
import jwt from 'jsonwebtoken';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import { pino } from 'pino';
import type { Principal } from '../../server/auth/principal.js';
import { PrincipalCache } from '../../server/auth/principalCache.js';
import { readPrincipal } from '../../server/auth/principalLoader.js';
import { asAccessClaims } from '../../server/auth/tokens.js';
import { disconnectDatabase } from '../../server/db/connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { Assessment } from '../../server/models/assessment.js';
import { AssessmentVersion, versionKey } from '../../server/models/assessmentVersion.js';
import { visibleAssessmentFilter } from '../../server/policies/assessment.js';
import { presentCurrent } from '../../server/presenters/assessment.js';
import { ASSESSMENT_FEED } from '../../server/repositories/assessments.js';
import { OrganisationRepository } from '../../server/repositories/organisations.js';
import { SessionRepository } from '../../server/repositories/sessions.js';
import { UserRepository } from '../../server/repositories/users.js';
import { feedHead, hasEntry } from '../../server/store/changeFeed.js';
import { analyseProfile, type Window } from './cpuProfile.js';
import { startHub, type BenchHub } from './hub.js';
import { stats, writeSection, type Stats } from './report.js';
import { section, type Load, type Measured, type Target } from './section.js';
import { BENCH_ANALYST, BENCH_PASSWORD, seed, type Seeded } from './seed.js';

// The principal reads the hub's requests make, measured outside it (server/domain.ts builds the same).
const principalRepos = { users: new UserRepository(), sessions: new SessionRepository(), organisations: new OrganisationRepository() };
const principals = new PrincipalCache((claims) => readPrincipal(principalRepos, claims));

const ASSESSMENTS = 10_000;
const CONNECTIONS = 10;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE !== '0';
const NAIVE_CALLS = 20;
// One naive list is a full scan of FerretDB: it gets this long in all, however few calls fit.
const NAIVE_BUDGET_MS = 25_000;
const GIVE_UP_MS = 8 * 60_000;
const QUERY = 'elect';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });

const TARGETS: Target[] = [
  { name: 'GET /api/health (baseline)', path: '/api/health', auth: false },
  { name: 'GET /api/assessments?limit=50', path: '/api/assessments?limit=50', auth: true },
  { name: `GET /api/assessments?limit=50&country=KEN&q=${QUERY}`, path: `/api/assessments?limit=50&country=KEN&q=${QUERY}`, auth: true },
  { name: 'GET /api/countries/KEN/overview', path: '/api/countries/KEN/overview', auth: true },
];

const step = (message: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** Times `work` up to `n` times in a row within `budgetMs`, in ms. */
async function timed(n: number, work: () => Promise<unknown> | unknown, budgetMs = Infinity): Promise<number[]> {
  const out: number[] = [];
  const deadline = Date.now() + budgetMs;
  for (let i = 0; i < n && Date.now() < deadline; i++) {
    const start = performance.now();
    await work();
    out.push(performance.now() - start);
  }
  return out;
}

async function login(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: BENCH_ANALYST, password: BENCH_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`the analyst's login answered ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** One request over HTTP: body and time; anything but 200 throws unless `tolerant`. */
async function once(port: number, target: Target, token: string, tolerant = false) {
  const start = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}${target.path}`, { headers: target.auth ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  if (res.status !== 200 && !tolerant) throw new Error(`${target.path} answered ${res.status}: ${text.slice(0, 200)}`);
  return { status: res.status, bytes: Buffer.byteLength(text), ms: performance.now() - start, body: text };
}

async function load(port: number, target: Target, token: string): Promise<Load> {
  const { bytes } = await once(port, target, token);
  const from = Date.now();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${target.path}`,
    connections: CONNECTIONS,
    duration: DURATION_S,
    timeout: 10,
    headers: target.auth ? { authorization: `Bearer ${token}` } : {},
  });
  return {
    target,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    bytes,
    from,
    to: Date.now(),
  };
}

/** "Before": the page as a naive implementation reads it — filtered, sorted and limited by the database. */
async function naiveList(p: Principal) {
  let ids: string[] = [];
  const times = await timed(
    NAIVE_CALLS,
    async () => {
      const rows = await Assessment.find(visibleAssessmentFilter(p)).sort({ updatedAt: -1 }).limit(51).lean();
      ids = rows
        .slice(0, 50)
        .map(presentCurrent)
        .map((a) => a.id);
    },
    NAIVE_BUDGET_MS,
  );
  return { times, ids };
}

/** The pieces of a request, each timed on its own with one caller. */
async function pieces(port: number, token: string, seeded: Seeded, readId: string) {
  const sample = seeded.sample;
  const claims = asAccessClaims(jwt.decode(token))!;
  const page = { items: sample.map(presentCurrent), nextCursor: 'x' };
  const head = await feedHead(ASSESSMENT_FEED);
  await once(port, TARGETS[1]!, token); // warm
  const http: Record<string, Stats> = {};
  for (const target of TARGETS) http[target.path] = stats(await timed(25, () => once(port, target, token)));
  // Tolerant: a read slower than the hub's 9 s socket timeout answers 503, which is a finding, not a failure.
  let readFailures = 0;
  const read = stats(
    await timed(5, async () => {
      const { status } = await once(port, { name: 'read', path: `/api/assessments/${readId}`, auth: true }, token, true);
      if (status !== 200) readFailures++;
    }),
  );
  return {
    http,
    read,
    readFailures,
    idFirst: stats(await timed(3, () => Assessment.findById(seeded.firstId).lean())),
    idLast: stats(await timed(3, () => Assessment.findById(sample[0]!._id).lean())),
    idMiss: stats(await timed(3, () => AssessmentVersion.findById(versionKey(readId, 2)).lean())),
    auth: stats(await timed(50, () => principals.fresh(claims))),
    authCached: stats(await timed(50, () => principals.cached(claims))),
    feedCheck: stats(await timed(50, () => feedHead(ASSESSMENT_FEED))),
    nextEntryCheck: stats(await timed(50, () => hasEntry(ASSESSMENT_FEED, head + 1))),
    present: stats(await timed(200, () => sample.map(presentCurrent))),
    json: stats(await timed(200, () => JSON.stringify(page))),
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-bench-'));
  const profileDir = CPU_PROFILE ? path.join(dir, 'profile') : undefined;
  if (profileDir) mkdirSync(profileDir);
  let database: EmbeddedDatabase | undefined;
  let hub: BenchHub | undefined;
  const cleanUp = async () => {
    await hub?.stop().catch(() => undefined);
    hub = undefined;
    await disconnectDatabase().catch(() => undefined);
    await database?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  const giveUp = setTimeout(() => {
    process.stderr.write(`the benchmark did not finish within ${GIVE_UP_MS / 1000} s; stopping\n`);
    void cleanUp().finally(() => process.exit(1));
  }, GIVE_UP_MS);
  try {
    step("starting FerretDB (the hub's embedded database code) and the hub");
    database = await startEmbeddedDatabase({ dataDir: path.join(dir, 'db'), log });
    // A long socket timeout: the naive list is one silent full scan that outlasts the hub's 9 s.
    await mongoose.connect(database.uri, { socketTimeoutMS: 180_000, serverSelectionTimeoutMS: 10_000, maxPoolSize: 20 });
    // The first hub only creates the Office and the admin the seed builds on.
    hub = await startHub({ dataDir: path.join(dir, 'hub'), mongodbUri: database.uri });
    step(`seeding ${ASSESSMENTS} assessments`);
    const seeded = await seed(ASSESSMENTS);
    step(`seeded in ${seeded.seconds.toFixed(1)} s; ${seeded.visibleToAnalyst} visible to the analyst`);
    // The seed bypasses the change feed, so the measured hub starts on the seeded database: its
    // catalog's full load (started by the warm-up at start) is then the first list's wait.
    await hub.stop();
    const restart = performance.now();
    hub = await startHub({ dataDir: path.join(dir, 'hub'), mongodbUri: database.uri, profileDir });
    const token = await login(hub.port);
    const cold = await once(hub.port, TARGETS[1]!, token);
    const coldMs = performance.now() - restart;
    step(`hub restarted on the seeded database; its first list answered ${(coldMs / 1000).toFixed(1)} s after the restart`);
    const pageIds = (JSON.parse(cold.body) as { items: { id: string }[] }).items.map((a) => a.id);
    if (pageIds.length !== 50) throw new Error(`the analyst's first page holds ${pageIds.length} assessments, not 50`);
    const principal = (await principals.fresh(asAccessClaims(jwt.decode(token))!))!;

    step(`before: the naive database list, up to ${NAIVE_CALLS} calls or ${NAIVE_BUDGET_MS / 1000} s`);
    const before = await naiveList(principal);
    step(`before: mean ${(stats(before.times).mean / 1000).toFixed(1)} s over ${before.times.length} call(s)`);
    step('timing the pieces of a request');
    const measured: Measured = { ...(await pieces(hub.port, token, seeded, pageIds[0]!)), coldMs, samePage: before.ids.join() === pageIds.join() };
    if (!measured.samePage) throw new Error("the catalog's first page is not the page the database sorts first");

    const loads: Load[] = [];
    for (const target of TARGETS) {
      step(`autocannon ${CONNECTIONS} × ${DURATION_S} s: ${target.name}`);
      const l = await load(hub.port, target, token);
      loads.push(l);
      step(`  ${l.rps.toFixed(0)} req/s, p50 ${l.p50} ms, p99 ${l.p99} ms, errors ${l.errors}, non-2xx ${l.non2xx}`);
    }
    const exitedAt = await hub.stop();
    hub = undefined;
    // Trimmed so autocannon's ramp-up and wind-down stay out of each window.
    const windows: Window[] = loads.map((l) => ({ name: l.target.path, from: l.from + 1000, to: l.to - 500 }));
    const cpu = profileDir ? analyseProfile(profileDir, exitedAt, windows) : [];
    const file = path.join(root, 'docs', 'benchmarks.md');
    writeSection(
      file,
      'Assessments (issue 4)',
      section({
        seeded,
        loads,
        before: stats(before.times),
        measured,
        cpu,
        connections: CONNECTIONS,
        durationS: DURATION_S,
        query: QUERY,
        targets: TARGETS,
        naiveBudgetS: NAIVE_BUDGET_MS / 1000,
      }),
    );
    step(`wrote ${path.relative(root, file)}`);
  } finally {
    clearTimeout(giveUp);
    await cleanUp();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
