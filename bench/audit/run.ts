/**
 * The audit trail's append path against the length of the chain (`npx tsx bench/audit/run.ts`).
 *
 * On one embedded FerretDB 1.24/SQLite in a temporary directory, the chain is grown (through
 * recordAudit itself, so the benchmark measures whatever layout the service stores) to each length
 * of AUDIT_BENCH_LENGTHS (1000,10000,100000); at each, fresh writer processes (bench/audit/writer.ts)
 * append: one process with one caller (the latency of a lone append), one process with 10 callers,
 * and two processes with 10 callers each at the same time (their appends collide on the next seq).
 * Prints a markdown table of append latency and records/s, and the time of one full verification.
 * Environment: AUDIT_BENCH_LENGTHS, AUDIT_BENCH_COUNT (appends per writer with 10 callers; 150).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { connectDatabase, disconnectDatabase } from '../../server/db/connection.js';
import { startEmbeddedDatabase } from '../../server/db/embedded.js';
import { recordAudit, verifyAuditTrail } from '../../server/services/audit.js';
import { ms, stats, table } from '../assessments/report.js';
import type { WriterReport } from './writer.js';

const LENGTHS = (process.env.AUDIT_BENCH_LENGTHS ?? '1000,10000,100000').split(',').map(Number);
const COUNT = Number(process.env.AUDIT_BENCH_COUNT ?? '150');
const WRITER = fileURLToPath(new URL('./writer.ts', import.meta.url));
const step = (message: string) => process.stdout.write(`[audit ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

interface Scenario {
  name: string;
  writers: number;
  callers: number;
  count: number;
}
const SCENARIOS: Scenario[] = [
  { name: '1 process, 1 caller', writers: 1, callers: 1, count: 30 },
  { name: '1 process, 10 callers', writers: 1, callers: 10, count: 2 * COUNT },
  { name: '2 processes, 10 callers each', writers: 2, callers: 10, count: COUNT },
];

/** Starts one writer process; resolves once it is connected, with a way to start it and its report. */
async function startWriter(uri: string, callers: number, count: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER], {
    env: { ...process.env, AUDIT_BENCH_URI: uri, AUDIT_BENCH_CALLERS: String(callers), AUDIT_BENCH_COUNT: String(count) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n')) resolve();
    });
    void exited.then((code) => reject(new Error(`writer exited (${code}) before it was ready: ${err}`)));
  });
  return {
    go: () => child.stdin.write('go\n'),
    report: exited.then((code): WriterReport => {
      if (code !== 0) throw new Error(`writer exited ${code}: ${err}`);
      return JSON.parse(out.trim().split('\n').pop()!) as WriterReport;
    }),
  };
}

/** Runs one scenario on fresh processes: every append's latency and the records/s over all writers. */
async function measure(uri: string, scenario: Scenario) {
  const writers = await Promise.all(Array.from({ length: scenario.writers }, () => startWriter(uri, scenario.callers, scenario.count)));
  const started = performance.now();
  for (const writer of writers) writer.go();
  const reports = await Promise.all(writers.map((w) => w.report));
  const wallMs = performance.now() - started;
  const latencies = reports.flatMap((r) => r.latencies);
  return { latency: stats(latencies), first: Math.max(...reports.map((r) => r.firstMs)), perSecond: latencies.length / (wallMs / 1000) };
}

/** Grows the chain to `length` records through recordAudit, a few thousand queued at a time. */
async function grow(from: number, length: number): Promise<void> {
  for (let n = from; n < length;) {
    const chunk = Math.min(2000, length - n);
    await Promise.all(
      Array.from({ length: chunk }, (_, i) =>
        recordAudit({
          actor: { userId: null, organisationId: null },
          action: 'bench.seed',
          target: { type: 'bench', id: null, organisationId: null },
          ip: null,
          outcome: 'success',
          details: { n: n + i },
        }),
      ),
    );
    n += chunk;
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-audit-bench-'));
  const database = await startEmbeddedDatabase({ dataDir: dir, log: pino({ level: 'warn' }) });
  const rows: (string | number)[][] = [];
  try {
    await connectDatabase(database.uri, pino({ level: 'silent' }));
    let length = 0;
    for (const target of LENGTHS) {
      const seeding = performance.now();
      await grow(length, target);
      length = target;
      step(`chain at ${target} records (grown in ${((performance.now() - seeding) / 1000).toFixed(0)} s)`);
      for (const scenario of SCENARIOS) {
        const result = await measure(database.uri, scenario);
        length += scenario.writers * scenario.count;
        step(`${target}: ${scenario.name}: p50 ${ms(result.latency.p50)} ms, p99 ${ms(result.latency.p99)} ms, ${result.perSecond.toFixed(0)} records/s`);
        rows.push([
          target.toLocaleString('en'),
          scenario.name,
          ms(result.first),
          ms(result.latency.p50),
          ms(result.latency.p99),
          ms(result.latency.mean),
          result.perSecond.toFixed(0),
        ]);
      }
    }
    const verifying = performance.now();
    const verified = await verifyAuditTrail();
    const verifySeconds = (performance.now() - verifying) / 1000;
    step(`verify: ${JSON.stringify(verified)} in ${verifySeconds.toFixed(1)} s`);
    process.stdout.write(
      `\n${table(['chain length', 'writers', 'first append ms', 'append p50 ms', 'p99 ms', 'mean ms', 'records/s'], rows)}\n\n` +
        `Verification of the whole chain (${verified.checked.toLocaleString('en')} records, ok: ${verified.ok}): ${verifySeconds.toFixed(1)} s.\n`,
    );
  } finally {
    await disconnectDatabase().catch(() => undefined);
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`audit benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
