/**
 * Issue 14, item 1: message search in a room of 100,000 messages on the embedded FerretDB. Seeds the
 * room as the hub stores it (blocks of 1,000), times `GET /api/rooms/:id/messages?q=` on a hub process
 * first with no word index (every block read), then after the index of the full blocks is built
 * (server/repositories/messageSearch.ts), for a rare word, a frequent one, two words and an Arabic one.
 * Prints a table for docs/benchmarks.md.
 *
 *   npx tsx bench/chat/search.ts [--messages 100500] [--calls 20] [--unindexed 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { disconnectDatabase } from '../../server/db/connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded.js';
import { RoomHead } from '../../server/models/room.js';
import type { StoredMessage } from '../../server/repositories/messages.js';
import { indexBlock } from '../../server/repositories/messageSearch.js';
import { BLOCK_SIZE } from '../../server/store/blockLog.js';
import { PROCESS_ADMIN_EMAIL, PROCESS_ADMIN_PASSWORD, spawnHub, type HubProcess } from '../../test/helpers/process.js';
import { ms, stats } from '../assessments/report.js';
import { step } from './report.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const MESSAGES = arg('messages', 100_500);
const CALLS = arg('calls', 20);
const log = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });

const BODIES = [
  'Field team reports new displacement towards the camps on the northern road; numbers not yet verified.',
  'Les observateurs signalent des messages incendiaires sur la radio communautaire ce matin.',
  'تشير التقارير إلى تجمعات مسلحة قرب السوق الرئيسي، ونعمل على التحقق منها.',
  'Can the regional office confirm whether the market reopened? We have conflicting accounts.',
  'Noted. Flagging for the morning briefing with the Special Adviser.',
];

function body(seq: number): string {
  if (seq % 3_333 === 0) return `Cholera cases confirmed in the southern camp (#${seq})`;
  if (seq % 97 === 0) return `Convoy delayed at the checkpoint, escort requested (#${seq})`;
  return `${BODIES[seq % BODIES.length]} (#${seq})`;
}

async function seed(roomId: string, author: StoredMessage['author']): Promise<void> {
  const db = mongoose.connection.db!;
  for (let block = 0; block * BLOCK_SIZE < MESSAGES; block++) {
    const rows: StoredMessage[] = Array.from({ length: Math.min(BLOCK_SIZE, MESSAGES - block * BLOCK_SIZE) }, (_, i) => {
      const seq = block * BLOCK_SIZE + i + 1;
      return {
        _id: seq,
        seq,
        roomId,
        author,
        body: body(seq),
        attachments: [],
        clientMsgId: null,
        claim: `~seed-${seq}`,
        createdAt: new Date(Date.UTC(2026, 0, 1) + seq * 30_000),
        editedAt: null,
        deleted: false,
      };
    });
    await db.collection<StoredMessage>(`roommessages_${roomId}_${block}`).insertMany(rows, { ordered: false });
    if (block % 20 === 19) step(`  ${(block + 1) * BLOCK_SIZE} messages`);
  }
  await RoomHead.updateOne({ _id: roomId }, { $set: { lastSeq: MESSAGES } }, { upsert: true });
}

async function http<T>(hub: HubProcess, route: string, token: string, method = 'GET', payload?: unknown): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${hub.port}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
    body: payload ? JSON.stringify(payload) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${route} answered ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

const QUERIES: [label: string, q: string][] = [
  ['rare word (30 matches)', 'cholera'],
  ['frequent prefix (1 %)', 'convoy'],
  ['two words', 'escort checkpoint'],
  ['Arabic word (20 %)', 'السوق'],
  ['no match', 'earthquake'],
];

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-chat-search-'));
  let database: EmbeddedDatabase | undefined;
  let hub: HubProcess | undefined;
  try {
    step('starting FerretDB and a hub process');
    database = await startEmbeddedDatabase({ dataDir: path.join(dir, 'db'), log });
    await mongoose.connect(database.uri, { socketTimeoutMS: 300_000, serverSelectionTimeoutMS: 10_000, maxPoolSize: 10 });
    hub = await spawnHub({ MONGODB_URI: database.uri, DATA_DIR: path.join(dir, 'hub') });
    // Signed in again before each phase: a slow phase on a loaded machine outlasts an access token.
    const signIn = () =>
      http<{ accessToken: string; user: { id: string; name: string; organisationId: string } }>(hub!, '/api/auth/login', '', 'POST', {
        email: PROCESS_ADMIN_EMAIL,
        password: PROCESS_ADMIN_PASSWORD,
      });
    const login = await signIn();
    let token = login.accessToken;
    const room = await http<{ id: string }>(hub, '/api/rooms', token, 'POST', { name: 'A long room', country: 'SDN', organisations: [] });
    step(`seeding ${MESSAGES.toLocaleString('en')} messages`);
    await seed(room.id, { id: login.user.id, name: login.user.name, organisationId: login.user.organisationId });

    const time = async (q: string, calls: number) => {
      const out: number[] = [];
      for (let i = 0; i < calls; i++) {
        const started = performance.now();
        await http(hub!, `/api/rooms/${room.id}/messages?q=${encodeURIComponent(q)}&limit=20`, token);
        out.push(performance.now() - started);
      }
      return stats(out);
    };
    // Without the index every block is read (minutes for 100 blocks on a loaded 2-core machine, past the
    // hub's database time limits): `--unindexed 1` times one such search first.
    const unindexed = arg('unindexed', 0) > 0 ? await time('earthquake', 1) : null;
    step('building the word index of the full blocks');
    const started = performance.now();
    for (let block = 0; (block + 1) * BLOCK_SIZE <= MESSAGES; block++) await indexBlock(room.id, block);
    const indexS = (performance.now() - started) / 1000;
    token = (await signIn()).accessToken;
    const lines = [
      unindexed ? `With no index, a search that matches nothing read all ${Math.ceil(MESSAGES / BLOCK_SIZE)} blocks in ${ms(unindexed.mean)} ms.` : '',
      `Index built in ${indexS.toFixed(1)} s for ${Math.floor(MESSAGES / BLOCK_SIZE)} blocks (${((indexS * 1000) / Math.floor(MESSAGES / BLOCK_SIZE)).toFixed(0)} ms a block, once, when a block fills).`,
      '',
      `| query (\`limit=20\`, ${CALLS} calls) | p50 ms | p99 ms |`,
      '| --- | ---: | ---: |',
    ];
    for (const [label, q] of QUERIES) {
      const after = await time(q, CALLS);
      lines.push(`| ${label} \`${q}\` | ${ms(after.p50)} | ${ms(after.p99)} |`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await hub?.stop().catch(() => undefined);
    await disconnectDatabase().catch(() => undefined);
    await database?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
