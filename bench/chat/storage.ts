import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import { asAccessClaims } from '../../server/auth/tokens.js';
import { PrincipalCache } from '../../server/auth/principalCache.js';
import { readPrincipal } from '../../server/auth/principalLoader.js';
import { createRepositories } from '../../server/repositories/index.js';
import { OrganisationRepository } from '../../server/repositories/organisations.js';
import { SessionRepository } from '../../server/repositories/sessions.js';
import { UserRepository } from '../../server/repositories/users.js';
import { appendMessage, type MessageDraft, type StoredMessage } from '../../server/repositories/messages.js';
import { sendMessage } from '../../server/services/rooms/commands.js';
import { localMessageLimiter } from '../../server/services/rooms/limits.js';
import { findRoom } from '../../server/services/rooms/queries.js';
import { NotificationService } from '../../server/services/notifications/service.js';
import { createRoomRuntime } from '../../server/services/rooms/runtime.js';
import { BLOCK_SIZE } from '../../server/store/blockLog.js';
import { stats, type Stats } from '../assessments/report.js';

// The principal read each socket event makes (server/domain.ts builds the same).
const principalRepos = { users: new UserRepository(), sessions: new SessionRepository(), organisations: new OrganisationRepository() };
const principals = new PrincipalCache((claims) => readPrincipal(principalRepos, claims));

/** What storing one message costs the database, measured from this process. */
export interface StorageCost {
  /** `sendMessage` with a `clientMsgId`, one at a time, in a room whose log this process already knows. */
  send: Stats;
  /** Database commands per message of that path, by `command collection-kind`. */
  commands: [string, number][];
  commandsPerMessage: number;
  /** What a socket handler reads when its copies are older than 5 s: the principal and the room. */
  refresh: { stats: Stats; commands: number };
  /** The first send into a room this process has not written to yet (it learns the room's head and claims). */
  firstSend: { ms: number; commands: number };
  /** `appendMessage` alone, one at a time (the caller waits for each), ms each. */
  storeOne: Stats;
  /** The same 10 messages as one raw insertMany into their block, for comparison. */
  storeBatchOf10: Stats;
  /** CONCURRENT appendMessage calls at once into a fresh room: inserts issued and the time until all are stored. */
  concurrent: { messages: number; inserts: number; ms: number };
}

const CONCURRENT = 20;

const kindOf = (collection: string) => collection.replace(/_[0-9a-f]{24}_\d+$/, '_<room>_<block>');

/** Counts the database commands this process sends while `counting` is on. */
function commandCounter() {
  const client = mongoose.connection.getClient();
  const counted = new Map<string, number>();
  let on = false;
  const listener = (event: { commandName: string; command: Record<string, unknown> }) => {
    if (!on) return;
    const collection = typeof event.command[event.commandName] === 'string' ? kindOf(event.command[event.commandName] as string) : '';
    const key = `${event.commandName} ${collection}`.trim();
    counted.set(key, (counted.get(key) ?? 0) + 1);
  };
  client.on('commandStarted', listener);
  return {
    counted,
    start() {
      counted.clear();
      on = true;
    },
    stop() {
      on = false;
      return [...counted.values()].reduce((a, b) => a + b, 0);
    },
    close() {
      client.off('commandStarted', listener);
    },
  };
}

/**
 * Times the hub's send path in this process (connected with `monitorCommands`) and counts its
 * commands: the reads a socket handler refreshes every few seconds, the first send into a room,
 * steady sends, then appends one at a time, concurrent, and a raw batch for comparison.
 */
export async function measureStorage(token: string, roomId: string, rounds = 12): Promise<StorageCost> {
  const counter = commandCounter();
  try {
    const claims = asAccessClaims(jwt.decode(token))!;
    const refreshTimes: number[] = [];
    let refreshCommands = 0;
    for (let i = 0; i < 5; i++) {
      counter.start();
      const start = performance.now();
      await principals.fresh(claims);
      await findRoom(roomId);
      refreshTimes.push(performance.now() - start);
      refreshCommands = counter.stop();
    }
    const principal = (await principals.fresh(claims))!;
    const room = await findRoom(roomId);
    const repos = createRepositories();
    const rooms = createRoomRuntime(localMessageLimiter(), repos, new NotificationService(repos));
    const send = (i: number) => sendMessage(rooms, principal, room, { body: `storage probe ${i}`, clientMsgId: `storage-${Date.now()}-${i}` });

    counter.start();
    const firstStart = performance.now();
    await send(0);
    const firstSend = { ms: performance.now() - firstStart, commands: counter.stop() };

    const times: number[] = [];
    counter.start();
    for (let i = 1; i <= rounds; i++) {
      const start = performance.now();
      await send(i);
      times.push(performance.now() - start);
    }
    counter.stop();
    const commands = [...counter.counted.entries()].map(([k, n]) => [k, n / rounds] as [string, number]).sort((a, b) => b[1] - a[1]);

    const scratch = new mongoose.Types.ObjectId().toString();
    const draft = (i: number, inRoom = scratch): MessageDraft => ({
      roomId: inRoom,
      author: { id: 'bench', name: 'Bench', organisationId: 'bench' },
      body: `batch probe ${i}`,
      attachments: [],
      clientMsgId: null,
      createdAt: new Date(),
      editedAt: null,
      deleted: false,
    });
    const one: number[] = [];
    for (let i = 0; i < 30; i++) {
      const start = performance.now();
      await appendMessage(draft(i));
      one.push(performance.now() - start);
    }
    // Raw batches of 10 right after them (seq 31…80), for comparison with the log's own batching.
    const block = mongoose.connection.db!.collection<StoredMessage>(`roommessages_${scratch}_0`);
    const batch: number[] = [];
    for (let first = 31; first + 9 <= Math.min(80, BLOCK_SIZE); first += 10) {
      const start = performance.now();
      await block.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: first + i, seq: first + i, ...draft(i), claim: `~raw-${first + i}` })));
      batch.push(performance.now() - start);
    }
    // Concurrent senders of one room: their messages wait for the insert in flight and go in together.
    const racing = new mongoose.Types.ObjectId().toString();
    await appendMessage(draft(0, racing)); // the log learns the room first, as in a busy room
    counter.start();
    const raceStart = performance.now();
    await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => appendMessage(draft(i, racing))));
    const raceMs = performance.now() - raceStart;
    counter.stop();
    const inserts = counter.counted.get('insert roommessages_<room>_<block>') ?? 0;
    return {
      send: stats(times),
      commands,
      commandsPerMessage: commands.reduce((sum, [, n]) => sum + n, 0),
      refresh: { stats: stats(refreshTimes), commands: refreshCommands },
      firstSend,
      storeOne: stats(one),
      storeBatchOf10: stats(batch),
      concurrent: { messages: CONCURRENT, inserts, ms: raceMs },
    };
  } finally {
    counter.close();
  }
}
