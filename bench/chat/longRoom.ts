/**
 * Issue 5, item 1: a room of 100,000 messages on the embedded FerretDB, measured. Seeds the room the
 * way server/repositories/messages.ts stores it (blocks of 1,000 messages, one collection per
 * block, `_id` = seq) and, in the same database, the naive layout (all messages in one collection,
 * read with a `{roomId, seq}` filter, a sort and a limit). Then times history pages near the start,
 * the middle and the end: `GET /api/rooms/:id/messages?after=`, `?before=`, and `room:history` over
 * socket.io against a hub process; the store's own functions and the naive query from this process.
 * Writes its part of the "Chat (issue 5)" section of docs/benchmarks.md.
 *
 *   npx tsx bench/chat/longRoom.ts [--messages 100000] [--calls 20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { io } from 'socket.io-client';
import { disconnectDatabase } from '../../server/db/connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { RoomHead } from '../../server/models/room.js';
import { messagesAfter, messagesBefore, type StoredMessage } from '../../server/repositories/messages.js';
import { BLOCK_SIZE } from '../../server/store/blockLog.js';
import { PROCESS_ADMIN_EMAIL, PROCESS_ADMIN_PASSWORD, spawnHub, type HubProcess } from '../../test/helpers/process.js';
import { stats, table, type Stats } from '../assessments/report.js';
import { fmt, step, writeChatPart } from './report.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const MESSAGES = arg('messages', 100_000);
const CALLS = arg('calls', 20);
const PAGE = 50;
// A naive page scans and sorts the whole collection: it gets this long in all per position.
const NAIVE_BUDGET_MS = 20_000;
// Generous: on a busy machine one naive page has taken minutes.
const GIVE_UP_MS = 40 * 60_000;
const NAIVE_COLLECTION = 'naivemessages';
const log = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });

const BODIES = [
  'Field team reports new displacement towards the camps on the northern road; numbers not yet verified.',
  'Les observateurs signalent des messages incendiaires sur la radio communautaire ce matin.',
  'تشير التقارير إلى تجمعات مسلحة قرب السوق الرئيسي، ونعمل على التحقق منها.',
  'Can the regional office confirm whether the market reopened? We have conflicting accounts.',
  'Noted. Flagging for the morning briefing with the Special Adviser.',
];

/** Times `work` up to `n` times in a row within `budgetMs`, in ms. */
async function timed(n: number, work: () => Promise<unknown>, budgetMs = Infinity): Promise<number[]> {
  const out: number[] = [];
  const deadline = Date.now() + budgetMs;
  for (let i = 0; i < n && Date.now() < deadline; i++) {
    const start = performance.now();
    await work();
    out.push(performance.now() - start);
  }
  return out;
}

function message(roomId: string, seq: number, author: StoredMessage['author']): StoredMessage {
  return {
    _id: seq,
    seq,
    roomId,
    author,
    body: `${BODIES[seq % BODIES.length]} (#${seq})`,
    attachments: [],
    clientMsgId: `seed-${seq}`,
    claim: `${author.id}:seed-${seq}`,
    createdAt: new Date(Date.UTC(2026, 0, 1) + seq * 30_000),
    editedAt: null,
    deleted: false,
  };
}

/** Seeds the block layout the hub reads and the naive single collection; answers seconds for each. */
async function seed(roomId: string, author: StoredMessage['author']) {
  const db = mongoose.connection.db!;
  let started = performance.now();
  for (let block = 0; block * BLOCK_SIZE < MESSAGES; block++) {
    const rows = Array.from({ length: Math.min(BLOCK_SIZE, MESSAGES - block * BLOCK_SIZE) }, (_, i) => message(roomId, block * BLOCK_SIZE + i + 1, author));
    await db.collection<StoredMessage>(`roommessages_${roomId}_${block}`).insertMany(rows, { ordered: false });
    if (block % 20 === 19) step(`  blocks: ${(block + 1) * BLOCK_SIZE} messages`);
  }
  await RoomHead.updateOne({ _id: roomId }, { $set: { lastSeq: MESSAGES } }, { upsert: true });
  const blocksS = (performance.now() - started) / 1000;

  started = performance.now();
  const naive = db.collection(NAIVE_COLLECTION);
  await naive.createIndex({ roomId: 1, seq: 1 }, { unique: true });
  for (let from = 1; from <= MESSAGES; from += 1000) {
    const rows = Array.from({ length: Math.min(1000, MESSAGES - from + 1) }, (_, i) => {
      const { _id: _omit, ...rest } = message(roomId, from + i, author);
      return rest;
    });
    await naive.insertMany(rows, { ordered: false });
    if ((from - 1) % 20_000 === 19_000) step(`  naive: ${from + 999} messages`);
  }
  return { blocksS, naiveS: (performance.now() - started) / 1000 };
}

async function http<T>(hub: HubProcess, route: string, token: string, method = 'GET', body?: unknown): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${hub.port}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${route} answered ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/** Checks that a page holds exactly seq first..first+PAGE-1. */
function expectPage(seqs: number[], first: number, what: string): void {
  const ok = seqs.length === PAGE && seqs.every((s, i) => s === first + i);
  if (!ok) throw new Error(`${what}: expected seq ${first}..${first + PAGE - 1}, got ${seqs.slice(0, 3).join(',')}… (${seqs.length})`);
}

interface Row {
  name: string;
  positions: (Stats | null)[];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-chat-long-'));
  let database: EmbeddedDatabase | undefined;
  let hub: HubProcess | undefined;
  const cleanUp = async () => {
    await hub?.stop().catch(() => undefined);
    await disconnectDatabase().catch(() => undefined);
    await database?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  const giveUp = setTimeout(() => {
    process.stderr.write(`the benchmark did not finish within ${GIVE_UP_MS / 1000} s; stopping\n`);
    void cleanUp().finally(() => process.exit(1));
  }, GIVE_UP_MS);
  try {
    step("starting FerretDB (the hub's embedded database code) and a hub process");
    database = await startEmbeddedDatabase({ dataDir: path.join(dir, 'db'), log });
    // A long socket timeout: a naive page is one silent full scan.
    await mongoose.connect(database.uri, { socketTimeoutMS: 300_000, serverSelectionTimeoutMS: 10_000, maxPoolSize: 10 });
    hub = await spawnHub({ MONGODB_URI: database.uri, DATA_DIR: path.join(dir, 'hub') });
    const login = await fetch(`http://127.0.0.1:${hub.port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: PROCESS_ADMIN_EMAIL, password: PROCESS_ADMIN_PASSWORD }),
    });
    const session = (await login.json()) as { accessToken: string; user: { id: string; name: string; organisationId: string } };
    const token = session.accessToken;
    const room = await http<{ id: string }>(hub, '/api/rooms', token, 'POST', { name: 'A long room', country: 'SDN', organisations: [] });
    const author = { id: session.user.id, name: session.user.name ?? 'Bench', organisationId: session.user.organisationId };

    step(`seeding ${MESSAGES.toLocaleString('en')} messages in blocks of ${BLOCK_SIZE}, then the same in one collection`);
    const seeded = await seed(room.id, author);
    step(`seeded: blocks ${seeded.blocksS.toFixed(0)} s, naive ${seeded.naiveS.toFixed(0)} s`);

    const last = MESSAGES;
    const afters = [0, Math.floor(last / 2), last - PAGE];
    const befores = [PAGE + 1, Math.floor(last / 2) + PAGE + 1, last + 1];
    const label = ['start', 'middle', 'end'];

    const socket = io(`http://127.0.0.1:${hub.port}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const history = (afterSeq: number) =>
      new Promise<number[]>((resolve, reject) => {
        socket.emit('room:history', { roomId: room.id, afterSeq, limit: PAGE }, (answer: { ok: boolean; messages?: { seq: number }[] }) => {
          if (answer.ok && answer.messages) resolve(answer.messages.map((m) => m.seq));
          else reject(new Error(JSON.stringify(answer)));
        });
      });

    const rows: Row[] = [];
    const measure = async (name: string, positions: number[], call: (n: number) => Promise<number[]>, first: (n: number) => number, budgetMs?: number) => {
      const out: (Stats | null)[] = [];
      for (const n of positions) {
        const check = async () => expectPage(await call(n), first(n), `${name} at ${n}`);
        // One untimed warm-up where a call is cheap; a naive call is timed from the first (it is a full scan every time).
        if (budgetMs === undefined) await check();
        const times = await timed(CALLS, check, budgetMs);
        out.push(times.length ? stats(times) : null);
      }
      rows.push({ name, positions: out });
      step(`${name}: ${out.map((s, i) => `${label[i]} ${s ? fmt(s.mean) : '—'} ms`).join(', ')}`);
    };
    const pageOf = (r: { items: { seq: number }[] }) => r.items.map((m) => m.seq);

    step(`timing pages of ${PAGE} (${CALLS} calls per position)`);
    await measure(
      'HTTP `GET /api/rooms/:id/messages?after=n&limit=50`',
      afters,
      async (n) => pageOf(await http(hub!, `/api/rooms/${room.id}/messages?after=${n}&limit=${PAGE}`, token)),
      (n) => n + 1,
    );
    await measure(
      'HTTP `GET /api/rooms/:id/messages?before=n&limit=50`',
      befores,
      async (n) => pageOf(await http(hub!, `/api/rooms/${room.id}/messages?before=${n}&limit=${PAGE}`, token)),
      (n) => n - PAGE,
    );
    await measure('socket.io `room:history {afterSeq: n, limit: 50}`', afters, history, (n) => n + 1);
    await measure(
      'store: `messagesAfter(room, n, 50)` (blocks; no HTTP, no auth)',
      afters,
      async (n) => (await messagesAfter(room.id, n, PAGE)).map((m) => m.seq),
      (n) => n + 1,
    );
    await measure(
      'store: `messagesBefore(room, n, 50)` (blocks; no HTTP, no auth)',
      befores,
      async (n) => (await messagesBefore(room.id, n, PAGE)).map((m) => m.seq),
      (n) => n - PAGE,
    );

    const naive = mongoose.connection.db!.collection(NAIVE_COLLECTION);
    step(`naive pages: up to ${CALLS} calls or ${NAIVE_BUDGET_MS / 1000} s per position`);
    await measure(
      'naive: `find({roomId, seq: {$gt: n}}).sort({seq: 1}).limit(50)`',
      afters,
      async (n) =>
        (
          await naive
            .find({ roomId: room.id, seq: { $gt: n } })
            .sort({ seq: 1 })
            .limit(PAGE)
            .toArray()
        ).map((m) => m.seq as number),
      (n) => n + 1,
      NAIVE_BUDGET_MS,
    );
    await measure(
      'naive: `find({roomId, seq: {$lt: n}}).sort({seq: -1}).limit(50)`',
      befores,
      async (n) =>
        (
          await naive
            .find({ roomId: room.id, seq: { $lt: n } })
            .sort({ seq: -1 })
            .limit(PAGE)
            .toArray()
        )
          .map((m) => m.seq as number)
          .reverse(),
      (n) => n - PAGE,
      NAIVE_BUDGET_MS,
    );

    // Storing into a long room costs what it costs in a new one: the current block only.
    const sendTimes = await timed(10, () => http(hub!, `/api/rooms/${room.id}/messages`, token, 'POST', { body: 'one more' }));
    const send = stats(sendTimes);
    step(`sending into the long room: ${fmt(send.mean)} ms`);
    socket.close();

    const blocks = rows.filter((r) => !r.name.startsWith('naive'));
    const naiveRows = rows.filter((r) => r.name.startsWith('naive'));
    const ratio = (i: number) => {
      const fast = rows.find((r) => r.name.startsWith('store: `messagesAfter'))!.positions[i]!.mean;
      const slow = naiveRows[0]!.positions[i]?.mean;
      return slow ? `${(slow / fast).toFixed(0)}×` : '—';
    };
    const cells = (r: Row) => r.positions.map((s) => (s ? `${fmt(s.mean)} / ${fmt(s.p99)}${s.n < CALLS ? ` (${s.n} calls)` : ''}` : '—'));
    writeChatPart(
      'A room of 100,000 messages (issue 5, item 1)',
      `### A room of 100,000 messages (issue 5, item 1)

\`npx tsx bench/chat/longRoom.ts\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores (load average ${os.loadavg()[0]!.toFixed(1)} at the end).
${MESSAGES.toLocaleString('en')} messages in one room, inserted in bulk as \`repositories/messages.ts\` stores them (blocks of ${BLOCK_SIZE}, one collection per block,
\`_id\` = seq; ${seeded.blocksS.toFixed(0)} s) and, in the same FerretDB, in one \`${NAIVE_COLLECTION}\` collection with a unique index on \`{roomId, seq}\`
(${seeded.naiveS.toFixed(0)} s). Pages of ${PAGE}, each checked to hold exactly the expected seqs, ${CALLS} calls in a row per position
(the naive ones within ${NAIVE_BUDGET_MS / 1000} s per position); HTTP and socket.io through a hub process, the store and the naive query from the
benchmark process. ms per page, mean / p99:

${table(
  ['page of 50', ...label.map((l, i) => `${l} (n = ${afters[i]!.toLocaleString('en')} / before ${befores[i]!.toLocaleString('en')})`)],
  [
    ...blocks.map((r) => [r.name, ...cells(r)]),
    ...naiveRows.map((r) => [r.name, ...cells(r)]),
    ['naive ÷ blocks (`after`, store level)', ...label.map((_, i) => ratio(i))],
  ],
)}

A page costs the same at the start, the middle and the end of the room: it reads one block of ${BLOCK_SIZE} (two when it straddles
a boundary), found by arithmetic on the seq, plus the room's head. The naive layout asks FerretDB for a range and a sort it
does not push down, so every page decodes all ${MESSAGES.toLocaleString('en')} messages and sorts them in memory. Sending into the
long room (\`POST /api/rooms/:id/messages\`, ${send.n} in a row) took ${fmt(send.mean)} ms (p99 ${fmt(send.p99)}): the current block only.
`,
    );
    step('wrote docs/benchmarks.md (Chat, long room)');
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
