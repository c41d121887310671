/**
 * Issue 5, item 7 (`npx tsx bench/chat/run.ts`): real-time delivery in one situation room.
 *
 * 1. One hub process on the embedded FerretDB; 200 socket.io clients (200 users of five
 *    organisations, created through the API as the Office admin) joined to one room; 50 messages/s
 *    for 30 s from a pool of senders (10,000 deliveries/s). Latency from `emit` to every receiver,
 *    deliveries/s, and whether every client got every stored message exactly once and in seq order.
 *    Then the rate goes up by half each step until p99 passes 250 ms or a message is lost.
 * 2. The same against a bare socket.io broadcast server (bareServer.ts): the ceiling.
 * 3. The same against two hub processes with Redis, the clients split across them.
 * Plus what one message costs the database (storage.ts). Writes its part of the "Chat (issue 5)"
 * section of docs/benchmarks.md. Everything is on 127.0.0.1 and stops by itself (about 6 minutes).
 *
 * Environment: BENCH_USERS (400), BENCH_SPREAD (1), BENCH_CLIENTS (200), BENCH_STEADY_S (30), BENCH_REDIS_STEADY_S (15), BENCH_STEP_S (6), BENCH_RATE (50), BENCH_RUN_S (360),
 * BENCH_PHASES (hub,bare,redis), BENCH_POSTGRESQL_URL (FerretDB on PostgreSQL), BENCH_DEBUG (print the slowest delivery of each half second), BENCH_PROFILE (a directory for the hub's CPU profile), BENCH_WRITE (1: write docs/benchmarks.md), REDIS_URL (redis://127.0.0.1:6379).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { disconnectDatabase } from '../../server/db/connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { freePort, spawnHub, type HubProcess } from '../../test/helpers/process.js';
import { ChatClients, type Seat } from './clients.js';
import { waitIdle } from './cpu.js';
import { climb, type Ladder, type Target } from './ladder.js';
import { step, writeChatPart } from './report.js';
import { chatSection } from './section.js';
import { createAudience } from './setup.js';
import { measureStorage, type StorageCost } from './storage.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
// Distinct users bound the senders (each stays under the per-user limit); clients beyond them are
// further sockets of the same users, as a user with the hub open on two devices has.
const USERS = env('BENCH_USERS', 400);
const CLIENTS = env('BENCH_CLIENTS', 200);
// A crowd (the default): every step spreads its sends over all USERS members — the CLIENTS who have
// the room open and the rest, who send without it open — each sending now and then, so whatever a send
// costs per sender is paid as a real room pays it. BENCH_SPREAD=0: the fewest senders the per-user limit allows.
const SPREAD = process.env.BENCH_SPREAD !== '0';
const STEADY_S = env('BENCH_STEADY_S', 30);
const STEP_S = env('BENCH_STEP_S', 6);
const RATE = env('BENCH_RATE', 50);
const PHASES = (process.env.BENCH_PHASES ?? 'hub,bare,redis').split(',');
const WRITE = process.env.BENCH_WRITE !== '0';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
// BENCH_PROFILE=<dir>: the single hub writes a CPU profile there (node --cpu-prof) when it stops after its ladder.
const PROFILE_DIR = process.env.BENCH_PROFILE;
// BENCH_POSTGRESQL_URL=postgres://…/<empty database>: FerretDB stores in PostgreSQL instead of SQLite.
const POSTGRESQL_URL = process.env.BENCH_POSTGRESQL_URL || undefined;
const P99_LIMIT_MS = 250;
// §8 allows 20 messages per user in any 10 s; senders keep to 15 so timer jitter never trips it.
const PER_SENDER_RATE = 1.5;
const MIN_SENDERS = SPREAD ? USERS : 20;
// Time each server's ramp may take after its steady phase, in seconds, and how long the whole run may
// take: a ladder also stops early enough to leave the later ones this many seconds (RESERVE_S).
const RAMP_BUDGET_S = { hub: 80, bare: 45, redis: 85 };
const RUN_S = env('BENCH_RUN_S', 360);
const RESERVE_S = { hub: 170, bare: 80, redis: 0 };
// The two-process run is shorter: it repeats the measurement across Redis rather than re-deriving it.
const REDIS_STEADY_S = env('BENCH_REDIS_STEADY_S', Math.min(15, STEADY_S));
const GIVE_UP_MS = 9 * 60_000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });

/** Starts the bare broadcast server and resolves with its port once it listens. */
function startBare(): Promise<{ port: number; pid: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/chat/bareServer.ts', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(force);
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the bare server did not start within 30 s')), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /ready (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ port: Number(match[1]), pid: child.pid ?? 0, stop });
      }
    });
    child.once('exit', (code) => reject(new Error(`the bare server exited with ${code}`)));
  });
}

const urlOf = (port: number) => `http://127.0.0.1:${port}`;
// The single hub of the run, whose last words a failed run prints.
let singleHub: HubProcess | undefined;

/** Ends a hub process at once: its queue of timed-out sends is what we want to drop. */
async function kill(hub: HubProcess): Promise<void> {
  try {
    process.kill(hub.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await hub.stop();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-chat-bench-'));
  const runEnd = performance.now() + RUN_S * 1000;
  const loadBefore = os.loadavg()[0]!;
  let database: EmbeddedDatabase | undefined;
  const stops: (() => Promise<unknown>)[] = [];
  let current: Target | undefined;
  const cleanUp = async () => {
    current?.clients.close();
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
    await disconnectDatabase().catch(() => undefined);
    await database?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  const giveUp = setTimeout(() => {
    process.stderr.write(`the benchmark did not finish within ${GIVE_UP_MS / 1000} s; stopping\n`);
    void cleanUp().finally(() => process.exit(1));
  }, GIVE_UP_MS);
  const climbOn = async (server: keyof typeof RAMP_BUDGET_S, target: Target, perSenderRate: number, steadySeconds: number, hint?: number) => {
    current = target;
    const ladder = await climb({
      server,
      target,
      steadyRate: RATE,
      steadySeconds,
      stepSeconds: STEP_S,
      p99LimitMs: P99_LIMIT_MS,
      perSenderRate,
      minSenders: MIN_SENDERS,
      maxSenders: USERS,
      hint,
      deadline: Math.min(performance.now() + (steadySeconds + 25 + RAMP_BUDGET_S[server]) * 1000, runEnd - RESERVE_S[server] * 1000),
    });
    target.clients.close();
    current = undefined;
    return ladder;
  };
  try {
    step("starting FerretDB (the hub's embedded database code) and a hub process");
    database = await startEmbeddedDatabase({ dataDir: path.join(dir, 'db'), log, postgresqlUrl: POSTGRESQL_URL });
    const ferretdb = () => database?.pid ?? 0;
    await mongoose.connect(database.uri, { monitorCommands: true, socketTimeoutMS: 60_000, serverSelectionTimeoutMS: 10_000, maxPoolSize: 10 });
    const secrets = {
      MONGODB_URI: database.uri,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      HUB_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
    };
    // The single hub serves its metrics, so each step can say what the hub itself saw (hubInside.ts).
    const metricsPort = await freePort();
    const hubEnv = { ...secrets, DATA_DIR: path.join(dir, 'hub'), METRICS_PORT: String(metricsPort) };
    const hubArgs = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE_DIR)}`] : [];
    let hub = await spawnHub(hubEnv, undefined, hubArgs);
    singleHub = hub;
    const hubPort = hub.port;
    stops.push(() => hub.stop());
    step(`creating ${USERS} users through the API`);
    const audience = await createAudience(hub.port, USERS);
    step(`${USERS} users in ${audience.seconds.toFixed(0)} s`);
    const tokens = Array.from({ length: CLIENTS }, (_, i) => audience.tokens[i % USERS]!);
    // Members beyond the clients send without the room open; on two processes they alternate as the clients do.
    const connect = (seats: Seat[]) => {
      const urlOf = (i: number) => seats[i % seats.length]!.url;
      const sendOnly = audience.tokens.slice(CLIENTS).map((token, j) => ({ url: urlOf(CLIENTS + j), token }));
      return ChatClients.connect(seats, audience.roomId, { distinct: Math.min(CLIENTS, USERS), sendOnly });
    };
    const ladders: Ladder[] = [];

    if (PHASES.includes('hub')) {
      const seats = tokens.map((token) => ({ url: urlOf(hubPort), token }));
      const target: Target = {
        clients: await connect(seats),
        pids: { hub: hub.pid, ferretdb: ferretdb(), bench: process.pid },
        metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
        async reset() {
          target.clients.close();
          await kill(hub);
          await waitIdle(ferretdb());
          hub = await spawnHub({ ...hubEnv, PORT: String(hubPort) }, undefined, hubArgs);
          singleHub = hub;
          target.clients = await connect(seats);
          target.pids = { hub: hub.pid, ferretdb: ferretdb(), bench: process.pid };
        },
      };
      step(`${target.clients.size} clients joined; one hub process`);
      ladders.push(await climbOn('hub', target, PER_SENDER_RATE, STEADY_S));
    }
    // A profiled hub stops gracefully, so that it writes its profile.
    await (PROFILE_DIR ? hub.stop() : kill(hub));
    stops.pop();
    await waitIdle(ferretdb());

    step('what one message costs the database (from this process, one at a time)');
    const storage: StorageCost = await measureStorage(audience.tokens[USERS - 1]!, audience.roomId);

    if (PHASES.includes('bare')) {
      const bare = await startBare();
      stops.push(bare.stop);
      const target: Target = {
        clients: await connect(tokens.map((token) => ({ url: urlOf(bare.port), token }))),
        pids: { server: bare.pid, bench: process.pid },
      };
      step(`${target.clients.size} clients joined; bare socket.io server`);
      ladders.push(await climbOn('bare', target, Infinity, STEADY_S));
      await bare.stop();
      stops.pop();
    }

    if (PHASES.includes('redis')) {
      step(`two hub processes with REDIS_URL=${REDIS_URL}`);
      const envOf = (name: string) => ({ ...secrets, REDIS_URL, DATA_DIR: path.join(dir, name) });
      let a: HubProcess = await spawnHub(envOf('hub-a'));
      stops.push(() => a.stop());
      let b: HubProcess = await spawnHub(envOf('hub-b'));
      stops.push(() => b.stop());
      const ports = [a.port, b.port];
      // Alternating, so clients, senders and receivers are split evenly across the two processes.
      const seats: Seat[] = tokens.map((token, i) => ({ url: urlOf(ports[i % 2]!), token }));
      const target: Target = {
        clients: await connect(seats),
        pids: { hubA: a.pid, hubB: b.pid, ferretdb: ferretdb(), bench: process.pid },
        async reset() {
          target.clients.close();
          await Promise.all([kill(a), kill(b)]);
          await waitIdle(ferretdb());
          // Side by side this time: the Office and its admin exist, so there is no bootstrap to race.
          [a, b] = await Promise.all([spawnHub({ ...envOf('hub-a'), PORT: String(ports[0]) }), spawnHub({ ...envOf('hub-b'), PORT: String(ports[1]) })]);
          target.clients = await connect(seats);
          target.pids = { hubA: a.pid, hubB: b.pid, ferretdb: ferretdb(), bench: process.pid };
        },
      };
      step(`${target.clients.size} clients joined; two hub processes`);
      const single = ladders.find((l) => l.server === 'hub')?.sustainable;
      ladders.push(await climbOn('redis', target, PER_SENDER_RATE, REDIS_STEADY_S, single || undefined));
    }

    const markdown = chatSection({
      users: USERS,
      clients: CLIENTS,
      ladders,
      storage,
      p99LimitMs: P99_LIMIT_MS,
      perSenderRate: PER_SENDER_RATE,
      setupSeconds: audience.seconds,
      loadBefore,
      spread: SPREAD,
      backend: POSTGRESQL_URL ? 'PostgreSQL 15 (BENCH_POSTGRESQL_URL)' : 'SQLite (the embedded default)',
    });
    if (WRITE) {
      writeChatPart('Real-time delivery (issue 5, item 7)', markdown);
      step('wrote docs/benchmarks.md (Chat, real-time delivery)');
    } else {
      process.stdout.write(`${markdown}\n`);
    }
  } finally {
    clearTimeout(giveUp);
    await cleanUp();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    if (singleHub) writeFileSync(path.join(os.tmpdir(), 'chat-bench-hub.log'), `${singleHub.stdout()}\n${singleHub.stderr()}`);
    process.exit(1);
  },
);
