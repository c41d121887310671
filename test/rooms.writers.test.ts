import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { RoomMessage } from '../shared/events.js';
import { ask } from './helpers/ask.js';
import { createOrganisationAt, createUserAt, requestAt, signInAt, startHubPair, urlOf, type HubPair } from './helpers/hubPair.js';
import type { HubProcess } from './helpers/process.js';
import { closeSockets, connectSocket, record, until, type SeenEvent } from './helpers/sockets.js';

type User = Awaited<ReturnType<typeof createUserAt>>;

const newSeqs = (seen: SeenEvent[]) => seen.filter((e) => e.name === 'message:new').map((e) => (e.payload as RoomMessage).seq);
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** How many room messages a process has stored and announced (its `hub_messages_stored_total`). */
async function storedBy(metricsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('hub_messages_stored_total '));
  return Number(line?.split(' ')[1] ?? 0);
}

// One process stores each room's messages (server/realtime/roomWriters.ts); the others hand it theirs.
describe('one writer per room across hub processes (REDIS_URL, §8)', function () {
  this.timeout(120_000);
  let pair: HubPair | undefined;
  let a: HubProcess;
  let b: HubProcess;
  let admin = '';
  let org = '';

  before(async () => {
    pair = await startHubPair(undefined, { metrics: true });
    ({ a, b } = pair);
    admin = (await signInAt(a)).accessToken;
    org = await createOrganisationAt(a, admin);
  });
  afterEach(() => closeSockets());
  after(async () => {
    await pair?.stop();
  });

  async function createRoom(): Promise<string> {
    const res = await requestAt<{ id: string }>(
      a,
      'POST',
      '/api/rooms',
      { name: `Writers ${randomUUID().slice(0, 6)}`, country: 'MLI', organisations: [org] },
      admin,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id;
  }

  async function listener(user: User, hub: HubProcess, roomId: string): Promise<SeenEvent[]> {
    const socket = await connectSocket(user.token, urlOf(hub));
    const seen = record(socket);
    expect(await ask(socket, 'room:join', roomId)).to.deep.include({ ok: true });
    return seen;
  }

  async function send(user: User, hub: HubProcess, roomId: string, body: string): Promise<number> {
    const socket = await connectSocket(user.token, urlOf(hub));
    const answer = await ask<{ message: RoomMessage }>(socket, 'message:send', { roomId, body, clientMsgId: randomUUID() });
    socket.disconnect();
    if (!answer.ok) throw new Error(`send through ${hub.port}: ${JSON.stringify(answer)}`);
    return answer.message.seq;
  }

  it('messages sent through both processes at once reach the sockets of both in seq order, each once', async () => {
    const roomId = await createRoom();
    const [watcherA, watcherB, ...senders] = await Promise.all(Array.from({ length: 8 }, (_, i) => createUserAt(i % 2 ? b : a, admin, org)));
    const [seenOnA, seenOnB] = await Promise.all([listener(watcherA!, a, roomId), listener(watcherB!, b, roomId)]);
    const sockets = await Promise.all(senders.map((user, i) => connectSocket(user.token, urlOf(i % 2 ? b : a))));
    const PER_SENDER = 10;
    const before = await Promise.all([storedBy(pair!.metricsPorts!.a), storedBy(pair!.metricsPorts!.b)]);
    const answers = await Promise.all(
      sockets.flatMap((socket, i) =>
        Array.from({ length: PER_SENDER }, (_, k) =>
          ask<{ message: RoomMessage }>(socket, 'message:send', { roomId, body: `${i}-${k}`, clientMsgId: randomUUID() }),
        ),
      ),
    );
    expect(answers.filter((answer) => !answer.ok)).to.deep.equal([]);
    const total = senders.length * PER_SENDER;
    for (const seen of [seenOnA, seenOnB]) {
      await until(seen, (s) => newSeqs(s).length >= total);
      // Not just every seq: in order, since one process announces them all as it stores them.
      expect(newSeqs(seen)).to.deep.equal(upTo(total));
    }
    // Half the senders are on each process, yet one of them stored every message.
    const after = await Promise.all([storedBy(pair!.metricsPorts!.a), storedBy(pair!.metricsPorts!.b)]);
    expect([after[0] - before[0], after[1] - before[1]].sort((x, y) => x - y)).to.deep.equal([0, total]);
  });

  it('a writer that dies without letting go of its rooms is replaced at once by the process that sends next', async () => {
    const roomId = await createRoom();
    const [onA, onB] = await Promise.all([createUserAt(a, admin, org), createUserAt(b, admin, org)]);
    const seenOnB = await listener(onB, b, roomId);
    // A sends first, so A holds the room's lease; B's message is handed to A.
    const storedByB = await storedBy(pair!.metricsPorts!.b);
    expect(await send(onA, a, roomId, 'from A')).to.equal(1);
    expect(await send(onB, b, roomId, 'from B, stored by A')).to.equal(2);
    expect(await storedBy(pair!.metricsPorts!.b)).to.equal(storedByB);
    process.kill(a.pid, 'SIGKILL');
    await a.stop();
    const started = Date.now();
    expect(await send(onB, b, roomId, 'after A died')).to.equal(3);
    // Well inside the lease's 5 s: B sees nobody answers for A and takes the room.
    expect(Date.now() - started).to.be.lessThan(3000);
    expect(await send(onB, b, roomId, 'and again')).to.equal(4);
    expect(await storedBy(pair!.metricsPorts!.b)).to.equal(storedByB + 2);
    await until(seenOnB, (s) => newSeqs(s).length >= 4);
    expect(newSeqs(seenOnB)).to.deep.equal(upTo(4));
    const history = await requestAt<{ items: RoomMessage[] }>(b, 'GET', `/api/rooms/${roomId}/messages?limit=50`, undefined, onB.token);
    expect(history.body.items.map((m) => m.body)).to.deep.equal(['from A', 'from B, stored by A', 'after A died', 'and again']);
  });
});
