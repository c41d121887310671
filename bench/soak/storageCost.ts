import mongoose from 'mongoose';
import { AUDIT_BLOCK, auditRecordId } from '../../server/models/auditRecord.js';
import type { Seat } from './sockets.js';

/** What the database's recurring reads cost at the end of the soak, to tell where FerretDB's time went. */
export interface StorageCost {
  /** Sends whose process differs from the room's previous send: each leaves that process's head stale. */
  switches: number;
  sends: number;
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
 * Counts process switches between consecutive sends of each room (senders in turn, as sockets.ts
 * sends), then times on the soak's database: a room's catch-up read after a collision (`_id > head`,
 * which FerretDB answers by decoding the block), its `_id` probe, a history page, and the audit chain's
 * tip probe.
 */
export async function storageCost(uri: string, byRoom: Map<string, Seat[]>, sendsPerRoom: number, lastSeqs: Map<string, number>): Promise<StorageCost> {
  let switches = 0;
  for (const senders of byRoom.values()) {
    for (let n = 1; n < sendsPerRoom; n++) if (senders[n % senders.length]!.url !== senders[(n - 1) % senders.length]!.url) switches++;
  }
  const conn = await mongoose.createConnection(uri).asPromise();
  try {
    const db = conn.db!;
    const [roomId, messages] = [...lastSeqs.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const block = db.collection(`roommessages_${roomId}_0`);
    const catchUpMs = await median(() => block.find({ _id: { $gt: Math.max(0, messages - 2) } as never }).toArray());
    const probeMs = await median(() => block.findOne({ _id: messages as never }));
    const pageMs = await median(() => block.find({ seq: { $gt: 100, $lte: messages } }).sort({ seq: 1 }).limit(50).toArray());
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((name) => AUDIT_BLOCK.test(name)).sort();
    let records = 0;
    for (const name of names) records += await db.collection(name).countDocuments();
    const last = names.length ? db.collection(names[names.length - 1]!) : null;
    const auditProbeMs = last ? await median(() => last.findOne({ _id: auditRecordId(records) as never })) : NaN;
    return { switches, sends: byRoom.size * sendsPerRoom, busiestRoom: { messages, catchUpMs, probeMs, pageMs }, audit: { records, blocks: names.length, probeMs: auditProbeMs } };
  } finally {
    await conn.close();
  }
}
