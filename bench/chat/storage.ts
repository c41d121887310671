import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import { asAccessClaims } from '../../server/auth/tokens.js';
import { loadPrincipal } from '../../server/auth/principalLoader.js';
import { appendMessage, BLOCK_SIZE, type MessageDraft, type StoredMessage } from '../../server/services/rooms/messageStore.js';
import { sendMessage } from '../../server/services/rooms/messages.js';
import { findRoom } from '../../server/services/rooms/rooms.js';
import { stats, type Stats } from '../assessments/report.js';

/** What storing one message costs the database, measured from this process one message at a time. */
export interface StorageCost {
  /** A `message:send` as the hub's socket handler runs it: principal, room, then sendMessage. */
  send: Stats;
  /** Database commands per message of that path, by `command collection-kind`. */
  commands: [string, number][];
  commandsPerMessage: number;
  /** storeMessage alone (no principal, room or clientMsgId claim), 30 in a row, ms each. */
  storeOne: Stats;
  /** The same 10 messages as one insertMany into their block: what batching the writes could save. */
  storeBatchOf10: Stats;
  /** CONCURRENT storeMessage calls at once into a fresh room: inserts tried (each racer tries the next seq) and the time until all are stored. */
  concurrent: { messages: number; insertAttempts: number; ms: number };
}

const CONCURRENT = 20;

const kindOf = (collection: string) => collection.replace(/_[0-9a-f]{24}_\d+$/, '_<room>_<block>');

/**
 * Times the hub's send path in this process (connected with `monitorCommands`) and counts its
 * commands; then one-by-one versus batched inserts into a scratch room's block.
 */
export async function measureStorage(token: string, roomId: string, rounds = 10): Promise<StorageCost> {
  const client = mongoose.connection.getClient();
  const counted = new Map<string, number>();
  let counting = false;
  const onCommand = (event: { commandName: string; command: Record<string, unknown> }) => {
    if (!counting) return;
    const collection = typeof event.command[event.commandName] === 'string' ? kindOf(event.command[event.commandName] as string) : '';
    const key = `${event.commandName} ${collection}`.trim();
    counted.set(key, (counted.get(key) ?? 0) + 1);
  };
  client.on('commandStarted', onCommand);
  try {
    const claims = asAccessClaims(jwt.decode(token))!;
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      counting = true;
      const start = performance.now();
      const principal = await loadPrincipal(claims);
      const room = await findRoom(roomId);
      await sendMessage(principal!, room, { body: `storage probe ${i}`, clientMsgId: `storage-${Date.now()}-${i}` });
      times.push(performance.now() - start);
      counting = false;
    }
    const commands = [...counted.entries()].map(([k, n]) => [k, n / rounds] as [string, number]).sort((a, b) => b[1] - a[1]);

    const scratch = new mongoose.Types.ObjectId().toString();
    const draft = (i: number): MessageDraft => ({
      roomId: scratch, author: { id: 'bench', name: 'Bench', organisationId: 'bench' }, body: `batch probe ${i}`,
      attachments: [], clientMsgId: null, createdAt: new Date(), editedAt: null, deleted: false,
    });
    const one: number[] = [];
    const batch: number[] = [];
    const block = mongoose.connection.db!.collection<StoredMessage>(`roommessages_${scratch}_0`);
    for (let i = 0; i < 30; i++) {
      const start = performance.now();
      await appendMessage(draft(i));
      one.push(performance.now() - start);
    }
    // Then batches of 10 right after them (seq 31…80), as a per-room write queue could store them.
    for (let first = 31; first + 9 <= Math.min(80, BLOCK_SIZE); first += 10) {
      const start = performance.now();
      await block.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: first + i, seq: first + i, ...draft(i), claim: `~batch-${first + i}` })));
      batch.push(performance.now() - start);
    }
    // Concurrent senders of one room each try the next free seq; all but one lose and try the one after.
    const racing = new mongoose.Types.ObjectId().toString();
    counted.clear();
    counting = true;
    const raceStart = performance.now();
    await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => appendMessage({ ...draft(i), roomId: racing })));
    const raceMs = performance.now() - raceStart;
    counting = false;
    const insertAttempts = counted.get('insert roommessages_<room>_<block>') ?? 0;
    return {
      concurrent: { messages: CONCURRENT, insertAttempts, ms: raceMs },
      send: stats(times), commands, commandsPerMessage: commands.reduce((sum, [, n]) => sum + n, 0),
      storeOne: stats(one), storeBatchOf10: stats(batch),
    };
  } finally {
    client.off('commandStarted', onCommand);
  }
}
