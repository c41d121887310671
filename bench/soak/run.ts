/**
 * Issue 7, item 7 (`npx tsx bench/soak/run.ts`): the soak test.
 *
 * Two hub processes on one embedded FerretDB and the machine's Redis; 500 socket.io clients (split
 * across the two processes) of 100 users of the Office and four partners, each joined to two of 20
 * situation rooms (every room has members of three to five organisations); a steady 30 messages/s over
 * the rooms and a steady API load alongside (health, assessment lists and reads, room history, document
 * lists, new drafts) for 5 minutes. Records errors (HTTP non-2xx, refused or unanswered sends,
 * disconnects), whether every stored message reached every member socket exactly once and in seq order,
 * latency per minute, and the memory of both hub processes and FerretDB every 10 s. Writes the
 * "Soak (issue 7)" part of docs/benchmarks.md. Everything is on 127.0.0.1 and stops by itself.
 *
 * Environment: SOAK_SECONDS (300), SOAK_RATE (30 messages/s over all rooms), SOAK_CLIENTS (500),
 * SOAK_USERS (100), SOAK_ROOMS (20), SOAK_ROOMS_PER_CLIENT (2), SOAK_API_RATE (2 requests/s per API target),
 * SOAK_WRITE (1: write docs/benchmarks.md), SOAK_DOCS (the benchmarks file to write; docs/benchmarks.md), SOAK_COMMIT
 * (the commit measured, when run from an export of the repository without .git), REDIS_URL (redis://127.0.0.1:6379).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { ACCESS_TOKEN_TTL_SECONDS } from '../../shared/limits.js';
import { MESSAGE_RATE_LIMIT, MESSAGE_RATE_WINDOW_MS } from '../../shared/schemas/rooms.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { freePort, spawnHub, type HubProcess } from '../../test/helpers/process.js';
import { cpuDuring } from '../chat/cpu.js';
import { BENCHMARKS_FILE } from '../chat/report.js';
import { apiTargets, startApiLoad } from './api.js';
import { MemoryLog, procMemory, scrapeSeries } from './memory.js';
import { soakSection, writeSoakPart } from './section.js';
import { call } from '../chat/setup.js';
import { createWorld, type World } from './setup.js';
import { SoakSockets, type Seat } from './sockets.js';
import { storageCost } from './storageCost.js';

const env = (name: string, fallback: number) => Number(process.env[name] || fallback);
const SECONDS = env('SOAK_SECONDS', 300);
const RATE = env('SOAK_RATE', 30);
const CLIENTS = env('SOAK_CLIENTS', 500);
const USERS = env('SOAK_USERS', 100);
const ROOMS = env('SOAK_ROOMS', 20);
const ROOMS_PER_CLIENT = env('SOAK_ROOMS_PER_CLIENT', 2);
const API_RATE = env('SOAK_API_RATE', 2);
const WRITE = process.env.SOAK_WRITE !== '0';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const SAMPLE_EVERY_S = 10;
// After the load, deliveries are awaited until none arrived for DRAIN_QUIET_MS (at most DRAIN_MAX_MS).
const DRAIN_QUIET_MS = 30_000;
const DRAIN_MAX_MS = 180_000;
const step = (message: string) => process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/**
 * Seats: client i is user i mod users (a user with the hub open on several devices), on process A or B
 * so that each user's clients alternate; each joins the `perClient` rooms of its organisation that have
 * the fewest clients so far, so the rooms fill evenly.
 */
function seats(world: World, urls: string[]): Seat[] {
  const load = new Map(world.rooms.map((r) => [r.id, 0]));
  return Array.from({ length: CLIENTS }, (_, i) => {
    const user = i % world.members.length;
    const member = world.members[user]!;
    const rooms = world.rooms
      .filter((r) => r.organisations.includes(member.organisationId))
      .map((r) => r.id)
      .sort((a, b) => load.get(a)! - load.get(b)!)
      .slice(0, ROOMS_PER_CLIENT);
    for (const id of rooms) load.set(id, load.get(id)! + 1);
    return { url: urls[(i + Math.floor(i / world.members.length)) % urls.length]!, user, token: member.token, rooms };
  });
}

/** A read after the load, asked again for up to a minute while the hub answers 503 or nothing. */
async function settled<T>(port: number, route: string, token: string): Promise<T> {
  const until = performance.now() + 60_000;
  for (;;) {
    try {
      return await call<T>(port, 'GET', route, undefined, token);
    } catch (error) {
      if (performance.now() > until || !/answered 503|fetch failed/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** Every room's stored messages, seq → clientMsgId, read back page by page through the API. */
async function readStored(port: number, world: World, token: string): Promise<Map<string, Map<number, string | null>>> {
  const stored = new Map<string, Map<number, string | null>>();
  for (const room of world.rooms) {
    const seqs = new Map<number, string | null>();
    for (let after = 0; ;) {
      const page = await settled<{ items: { seq: number; clientMsgId: string | null }[] }>(
        port,
        `/api/rooms/${room.id}/messages?after=${after}&limit=200`,
        token,
      );
      for (const m of page.items) seqs.set(m.seq, m.clientMsgId);
      if (page.items.length === 0) break;
      after = page.items[page.items.length - 1]!.seq;
    }
    stored.set(room.id, seqs);
  }
  return stored;
}

/** The hubs' log lines at level error or above, counted by message (and error), and the first few in full. */
function hubLog(hubs: HubProcess[]): { counts: Record<string, number>; first: string[] } {
  const counts: Record<string, number> = {};
  const first: string[] = [];
  for (const hub of hubs) {
    for (const line of hub.stdout().split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; event?: string; err?: { type?: string; message?: string } };
        if ((entry.level ?? 0) < 50) continue;
        const key = `${entry.msg ?? '?'}${entry.event ? ` (${entry.event})` : ''}${entry.err ? `: ${entry.err.type ?? ''} ${(entry.err.message ?? '').slice(0, 80)}` : ''}`;
        counts[key] = (counts[key] ?? 0) + 1;
        if (first.length < 5) first.push(line.slice(0, 600));
      } catch {
        // not a log line
      }
    }
  }
  return { counts, first };
}

/** Which code was measured: SOAK_COMMIT, or HEAD and whether server code had uncommitted changes. */
function measuredCode(): string {
  if (process.env.SOAK_COMMIT) return `commit ${process.env.SOAK_COMMIT.slice(0, 7)} (a clean export of it)`;
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'shared', 'config'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean).length;
    return dirty ? `the working tree at ${head} with ${dirty} uncommitted server/shared/config files` : `commit ${head}`;
  } catch {
    return 'an unknown commit';
  }
}

async function main(): Promise<void> {
  if (SECONDS + 180 > ACCESS_TOKEN_TTL_SECONDS)
    throw new Error(`SOAK_SECONDS=${SECONDS}: the users' access tokens (${ACCESS_TOKEN_TTL_SECONDS} s) would expire during the soak`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-soak-'));
  const log = pino({ level: 'warn' });
  const loadBefore = os.loadavg()[0]!;
  let database: EmbeddedDatabase | undefined;
  const hubs: HubProcess[] = [];
  let sockets: SoakSockets | undefined;
  const cleanUp = async () => {
    sockets?.close();
    for (const hub of hubs.splice(0).reverse()) await hub.stop().catch(() => undefined);
    await database?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  const giveUp = setTimeout(
    () => {
      process.stderr.write('the soak did not finish in time; stopping\n');
      void cleanUp().finally(() => process.exit(1));
    },
    (SECONDS + 600) * 1000,
  );
  try {
    step("starting FerretDB (the hub's embedded database code) and two hub processes with Redis");
    database = await startEmbeddedDatabase({ dataDir: path.join(dir, 'db'), log });
    const secrets = {
      MONGODB_URI: database.uri,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      HUB_MASTER_KEY: randomBytes(32).toString('base64'),
      REDIS_URL,
      LOG_LEVEL: 'warn',
    };
    const metricsPorts = [await freePort(), await freePort()];
    // One after the other: the first creates the Office and its admin.
    for (const [i, name] of ['hub-a', 'hub-b'].entries())
      hubs.push(await spawnHub({ ...secrets, DATA_DIR: path.join(dir, name), METRICS_PORT: String(metricsPorts[i]) }));
    const [a, b] = hubs as [HubProcess, HubProcess];
    const ferretdb = database.pid ?? 0;

    step(`creating ${USERS} users, ${ROOMS} rooms, assessments and documents through the API`);
    const world = await createWorld(a.port, { users: USERS, rooms: ROOMS, perAnalyst: 10, documents: 10 });
    step(`world ready in ${world.seconds.toFixed(0)} s; connecting ${CLIENTS} clients`);
    const urls = [a.port, b.port].map((port) => `http://127.0.0.1:${port}`);
    const connectStarted = performance.now();
    const seated = seats(world, urls);
    const clientsPerRoom = world.rooms.map((r) => seated.filter((seat) => seat.rooms.includes(r.id)).length);
    sockets = await SoakSockets.connect(seated);
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    const perRoomRate = RATE / world.rooms.length;
    const { byRoom, busiestUserRate } = sockets.senders(perRoomRate);
    const limit = MESSAGE_RATE_LIMIT / (MESSAGE_RATE_WINDOW_MS / 1000);
    if (busiestUserRate > 0.75 * limit) throw new Error(`a user would send ${busiestUserRate.toFixed(2)} messages/s, too close to the limit of ${limit}`);
    step(`${sockets.size} clients joined in ${connectSeconds.toFixed(0)} s; soak of ${SECONDS} s at ${RATE} messages/s and the API load`);

    const watched = [
      { name: 'hub A', pid: a.pid, metricsPort: metricsPorts[0] },
      { name: 'hub B', pid: b.pid, metricsPort: metricsPorts[1] },
      { name: 'FerretDB', pid: ferretdb },
      { name: 'benchmark', pid: process.pid },
    ];
    const before = Object.fromEntries(watched.map((w) => [w.name, procMemory(w.pid).rss]));
    const memory = new MemoryLog(watched);
    await memory.sample();
    const api = startApiLoad([a.port, b.port], apiTargets(world, API_RATE));
    const { cpu, waiting } = await cpuDuring({ 'hub A': a.pid, 'hub B': b.pid, FerretDB: ferretdb, benchmark: process.pid }, async () => {
      await sockets!.run(perRoomRate, SECONDS, (elapsed) => {
        if (elapsed % SAMPLE_EVERY_S === 0) void memory.sample();
        if (elapsed % 60 === 0) step(`${elapsed} s: ${sockets!.connected}/${sockets!.size} clients connected, ${sockets!.acked.size} messages acknowledged`);
      });
      api.stop();
      await api.done();
    });
    step('load stopped; waiting for the last deliveries and reading every room back');
    // Read as an Office member (the Office is in every room).
    const reader = world.members.find((m) => world.rooms.every((r) => r.organisations.includes(m.organisationId)))!.token;
    const lastSeqs = new Map<string, number>();
    const readLastSeqs = async () => {
      for (const room of world.rooms) lastSeqs.set(room.id, (await settled<{ lastSeq: number }>(a.port, `/api/rooms/${room.id}`, reader)).lastSeq);
      return lastSeqs;
    };
    const drainSeconds = await sockets.drain(readLastSeqs, DRAIN_QUIET_MS, DRAIN_MAX_MS);
    await memory.sample();
    await readLastSeqs();
    const stored = await readStored(b.port, world, reader);
    const delivery = sockets.verify(stored);
    // Of the messages some member never got: how many were acknowledged to their sender.
    let lostButAcked = 0;
    for (const loss of delivery.lossesByRoom) {
      for (const seq of loss.seqs) {
        const id = stored.get(loss.roomId)?.get(seq);
        if (id && sockets.acked.has(id)) lostButAcked++;
      }
    }
    for (const loss of delivery.lossesByRoom)
      step(`room ${loss.roomId}: ${loss.streams}/${loss.of} streams missed seqs ${loss.seqs.slice(0, 20).join(', ')}${loss.seqs.length > 20 ? ', …' : ''}`);
    const storage = await storageCost(database.uri, lastSeqs);
    const hubErrors = hubLog(hubs);
    for (const line of hubErrors.first) step(`hub log: ${line}`);
    const dbErrors = Object.fromEntries(
      await Promise.all(
        watched.filter((w) => w.metricsPort).map(async (w) => [w.name, await scrapeSeries(w.metricsPort!, 'hub_database_errors_total')] as const),
      ),
    );
    const markdown = soakSection({
      seconds: SECONDS,
      rate: RATE,
      clients: sockets.size,
      users: world.members.length,
      rooms: world.rooms.length,
      roomsPerClient: ROOMS_PER_CLIENT,
      sendersPerRoom: [...byRoom.values()].map((s) => s.length),
      clientsPerRoom,
      busiestUserRate,
      setupSeconds: world.seconds,
      connectSeconds,
      world: { assessments: world.assessments.length, documents: world.documents.length },
      minutes: sockets.minutes,
      refusedCodes: sockets.refusedCodes,
      acked: sockets.acked.size,
      ackedButNotStored: sockets.ackedButNotStored(stored),
      stored,
      lastSeqs,
      delivery,
      api: api.tallies,
      memory: memory.samples,
      memoryBefore: before,
      sampleEvery: SAMPLE_EVERY_S,
      cpu,
      waiting,
      loadBefore,
      drainSeconds,
      dbErrors,
      storage,
      code: measuredCode(),
      lostButAcked,
      hubErrors: hubErrors.counts,
    });
    if (WRITE) {
      const file = process.env.SOAK_DOCS || BENCHMARKS_FILE;
      writeSoakPart(file, markdown);
      step(`wrote ${file} (Soak, issue 7)`);
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
    process.stderr.write(`soak failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
