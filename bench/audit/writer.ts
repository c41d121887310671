// One appending process of the audit benchmark: connects to AUDIT_BENCH_URI, says "ready", waits for
// "go" on stdin, appends AUDIT_BENCH_COUNT records from AUDIT_BENCH_CALLERS concurrent callers (each
// awaiting its own append before the next, as request handlers do), prints one JSON line of timings
// and exits. Run with `node --import tsx bench/audit/writer.ts`.
import { pino } from 'pino';
import { connectDatabase, disconnectDatabase } from '../../server/db/connection.js';
import { recordAudit } from '../../server/services/audit.js';

const uri = process.env.AUDIT_BENCH_URI;
const count = Number(process.env.AUDIT_BENCH_COUNT ?? '200');
const callers = Number(process.env.AUDIT_BENCH_CALLERS ?? '10');

/** The timings one writer reports: each append's latency (ms) and the wall time of all of them. */
export interface WriterReport {
  latencies: number[];
  wallMs: number;
  firstMs: number;
}

async function main(): Promise<void> {
  if (!uri) throw new Error('AUDIT_BENCH_URI is not set');
  await connectDatabase(uri, pino({ level: 'silent' }));
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  const caller = async () => {
    while (next < count) {
      const i = next++;
      const at = performance.now();
      await recordAudit({
        actor: { userId: '665f1c2e9b1e8a0012345678', organisationId: '665f1c2e9b1e8a0012345679' },
        action: 'assessment.read',
        target: { type: 'assessment', id: '665f1c2e9b1e8a001234567a', organisationId: '665f1c2e9b1e8a0012345679' },
        ip: '127.0.0.1',
        outcome: 'success',
        details: { i, pid: process.pid },
      });
      latencies.push(performance.now() - at);
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  const report: WriterReport = { latencies, wallMs: performance.now() - started, firstMs: latencies[0] ?? 0 };
  await disconnectDatabase();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

// Exits at once: stdin, once read, would keep the process alive.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`audit bench writer failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
