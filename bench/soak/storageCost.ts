import mongoose from 'mongoose';

// Either layout of the audit chain: one `auditrecords` collection (before blocks), or its blocks.
const AUDIT_COLLECTION = /^auditrecords(_\d+)?$/;
const auditId = (seq: number) => `a${String(seq).padStart(12, '0')}`;

/** What the database's recurring reads cost at the end of the soak, to tell where FerretDB's time went. */
export interface StorageCost {
  busiestRoom: { messages: number; catchUpMs: number; probeMs: number; pageMs: number };
  audit: { records: number; blocks: number; probeMs: number };
}

async function median(run: () => Promise<unknown>, times = 5): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const at = performance.now();
    await run();
    ms.push(performance.now() - at);
  }
  return ms.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

/**
 * Times on the soak's database: a room's read past a known head (`_id > head`, which FerretDB answers
 * by decoding the block), its `_id` probe, a history page, and the audit chain's tip probe (in the
 * collection that holds the last record, whichever layout the hub stored).
 */
export async function storageCost(uri: string, lastSeqs: Map<string, number>): Promise<StorageCost> {
  const conn = await mongoose.createConnection(uri).asPromise();
  try {
    const db = conn.db!;
    const [roomId, messages] = [...lastSeqs.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const block = db.collection(`roommessages_${roomId}_0`);
    const catchUpMs = await median(() => block.find({ _id: { $gt: Math.max(0, messages - 2) } as never }).toArray());
    const probeMs = await median(() => block.findOne({ _id: messages as never }));
    const pageMs = await median(() =>
      block
        .find({ seq: { $gt: 100, $lte: messages } })
        .sort({ seq: 1 })
        .limit(50)
        .toArray(),
    );
    const names = (await db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((name) => AUDIT_COLLECTION.test(name))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    let records = 0;
    for (const name of names) records += await db.collection(name).countDocuments();
    const last = names.length ? db.collection(names[names.length - 1]!) : null;
    const auditProbeMs = last ? await median(() => last.findOne({ _id: auditId(records) as never })) : NaN;
    return { busiestRoom: { messages, catchUpMs, probeMs, pageMs }, audit: { records, blocks: names.length, probeMs: auditProbeMs } };
  } finally {
    await conn.close();
  }
}
