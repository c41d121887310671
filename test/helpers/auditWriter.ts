// A second hub-like process for the audit tests: connects to AUDIT_WRITER_URI, says "ready", appends
// AUDIT_WRITER_COUNT records (action AUDIT_WRITER_ACTION) from 10 concurrent callers, prints
// "done <count>" and exits. Run with `node --import tsx test/helpers/auditWriter.ts`.
import { pino } from 'pino';
import { connectDatabase, disconnectDatabase } from '../../server/db/connection.js';
import { recordAudit } from '../../server/services/audit.js';

const uri = process.env.AUDIT_WRITER_URI;
const count = Number(process.env.AUDIT_WRITER_COUNT ?? '100');
const action = process.env.AUDIT_WRITER_ACTION ?? 'test.writer';
const CALLERS = 10;

async function main(): Promise<void> {
  if (!uri) throw new Error('AUDIT_WRITER_URI is not set');
  await connectDatabase(uri, pino({ level: 'silent' }));
  process.stdout.write('ready\n');
  let next = 0;
  // Several callers awaiting one after another keep appends trickling in, so the two processes'
  // batches interleave instead of each writing one block.
  const caller = async () => {
    while (next < count) {
      const i = next++;
      await recordAudit({
        actor: { userId: null, organisationId: null },
        action,
        target: { type: 'test', id: null, organisationId: null },
        ip: null,
        outcome: 'success',
        details: { i, pid: process.pid },
      });
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
  await disconnectDatabase();
  process.stdout.write(`done ${count}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`audit writer failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
