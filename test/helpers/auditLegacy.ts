// A hub-like process for the audit tests on a database of its own (AUDIT_LEGACY_URI): writes a chain
// of LEGACY records the way hubs did before blocks (one `auditrecords` collection, the head lagging
// two records behind, as after a crash), then appends through recordAudit, verifies, lists every page
// and tampers with a legacy record; prints what it found as one JSON line. Run with
// `node --import tsx test/helpers/auditLegacy.ts`.
import { pino } from 'pino';
import { connectDatabase, disconnectDatabase } from '../../server/db/connection.js';
import { AuditHead } from '../../server/models/auditHead.js';
import { auditLog, auditRecordId, legacyAuditRecords, type AuditRecordDoc } from '../../server/repositories/audit.js';
import { findAuditRecords, GENESIS_HASH, hashAuditRecord, recordAudit, verifyAuditTrail } from '../../server/services/audit.js';

const uri = process.env.AUDIT_LEGACY_URI;
const LEGACY = 25;
const APPENDED = 30;

/** The legacy chain 1..LEGACY, as the single-collection hub stored it. */
function legacyChain(): AuditRecordDoc[] {
  const out: AuditRecordDoc[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= LEGACY; seq++) {
    const content = {
      seq,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
      actor: { userId: null, organisationId: 'org-legacy' },
      action: 'test.legacy',
      target: { type: 'test', id: null, organisationId: null },
      ip: null,
      outcome: 'success',
      details: { seq },
      prevHash,
    };
    const hash = hashAuditRecord(content);
    out.push({ _id: auditRecordId(seq), ...content, organisationIds: ['org-legacy'], hash });
    prevHash = hash;
  }
  return out;
}

async function main(): Promise<void> {
  if (!uri) throw new Error('AUDIT_LEGACY_URI is not set');
  await connectDatabase(uri, pino({ level: 'silent' }));
  const chain = legacyChain();
  await legacyAuditRecords().insertMany(chain);
  const lagging = chain[LEGACY - 3]!;
  await AuditHead.create({ _id: 'audit', seq: lagging.seq, hash: lagging.hash });

  let next = 0;
  const caller = async () => {
    while (next < APPENDED) {
      const i = next++;
      await recordAudit({
        actor: { userId: null, organisationId: null },
        action: 'test.after',
        target: { type: 'test', id: null, organisationId: null },
        ip: null,
        outcome: 'success',
        details: { i },
      });
    }
  };
  await Promise.all(Array.from({ length: 5 }, caller));
  const verified = await verifyAuditTrail();
  const firstInBlock = await auditLog.block(0).findOne({ seq: LEGACY + 1 });
  const inBlocks = await auditLog.block(0).countDocuments();
  const seal = await AuditHead.findById('legacy').lean();

  const listed: number[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const page = await findAuditRecords({}, { limit: 10, ...(cursor ? { cursor } : {}) });
    listed.push(...page.slice(0, 10).map((r) => r.seq));
    if (page.length <= 10) break;
    cursor = Buffer.from(JSON.stringify([page[9]!.seq])).toString('base64url');
  }
  const byOrganisation = (await findAuditRecords({ organisationIds: 'org-legacy' }, { limit: 100 })).length;

  const original = chain[9]!;
  await legacyAuditRecords().updateOne({ _id: original._id }, { $set: { outcome: 'failure' } });
  const tampered = await verifyAuditTrail();
  await legacyAuditRecords().replaceOne({ _id: original._id }, original);

  await disconnectDatabase();
  process.stdout.write(
    `${JSON.stringify({
      verified,
      tampered,
      seal: seal && { seq: seal.seq, hash: seal.hash },
      legacyHash: chain[LEGACY - 1]!.hash,
      firstInBlock: firstInBlock && { seq: firstInBlock.seq, prevHash: firstInBlock.prevHash },
      inBlocks,
      listed,
      byOrganisation,
    })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`audit legacy helper failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
