import { AuditHead } from '../../models/auditHead.js';
import { auditCollections, auditRecordId, legacyAuditRecords } from '../../models/auditRecord.js';
import { GENESIS_HASH } from './hash.js';
import { readHead, type Tip } from './head.js';

// Records written before the chain was kept in blocks stay where they were, in the legacy collection,
// which nothing appends to any more: the chain goes on in the blocks from the legacy's last record.
// Where that is gets found once (a few full lookups of the legacy collection) and written down as
// the `legacy` document next to the head, so no writer ever looks at the legacy collection again.

const SEAL_ID = 'legacy';
let sealed: Promise<Tip> | null = null;

/** The last record of the legacy collection (seq 0 and the genesis hash when there is none). */
export function legacyEnd(): Promise<Tip> {
  sealed ??= readOrSeal().catch((error: unknown) => {
    sealed = null;
    throw error;
  });
  return sealed;
}

/** The `legacy` document as stored, or null (a database no hub has appended to since blocks). */
export async function readSeal(): Promise<Tip | null> {
  const seal = await AuditHead.findById(SEAL_ID).lean();
  return seal ? { seq: seal.seq, hash: seal.hash } : null;
}

async function readOrSeal(): Promise<Tip> {
  const known = await readSeal();
  if (known) return known;
  const end = (await auditCollections()).legacy ? await findLegacyEnd() : { seq: 0, hash: GENESIS_HASH };
  try {
    await AuditHead.create({ _id: SEAL_ID, seq: end.seq, hash: end.hash });
  } catch (error) {
    // Another process sealed first; the legacy is frozen, so it found the same end.
    if ((error as { code?: unknown }).code !== 11000) throw error;
    return (await readSeal()) ?? end;
  }
  return end;
}

/** The legacy chain's end, walked forward from the head by lookups at growing steps, then halving. */
async function findLegacyEnd(): Promise<Tip> {
  let end = await readHead();
  let absent = 0;
  for (let step = 1; !absent; step *= 2) {
    const found = await legacyAt(end.seq + step);
    if (found) end = found;
    else absent = end.seq + step;
  }
  while (absent - end.seq > 1) {
    const middle = Math.floor((end.seq + absent) / 2);
    const found = await legacyAt(middle);
    if (found) end = found;
    else absent = middle;
  }
  return end;
}

async function legacyAt(seq: number): Promise<Tip | null> {
  const record = await legacyAuditRecords().findOne({ _id: auditRecordId(seq) }, { projection: { seq: 1, hash: 1 } });
  return record ? { seq: record.seq, hash: record.hash } : null;
}
