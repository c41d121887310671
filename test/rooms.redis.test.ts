import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RoomMessage } from '../shared/events.js';
import { ask, errorCode } from './helpers/ask.js';
import { createOrganisationAt, createUserAt, requestAt, signInAt, startHubPair, urlOf, type HubPair } from './helpers/hubPair.js';
import type { HubProcess } from './helpers/process.js';
import { closeSockets, connectSocket, record, until, type SeenEvent } from './helpers/sockets.js';

type User = Awaited<ReturnType<typeof createUserAt>>;

const news = (seen: SeenEvent[]) => seen.filter((e) => e.name === 'message:new').map((e) => e.payload as RoomMessage);

describe('situation rooms across hub processes (REDIS_URL, §8)', function () {
  this.timeout(120_000);
  let pair: HubPair | undefined;
  let a: HubProcess;
  let b: HubProcess;
  let admin = '';
  let orgX = '';
  let orgY = '';

  before(async () => {
    pair = await startHubPair();
    ({ a, b } = pair);
    admin = (await signInAt(a)).accessToken;
    [orgX, orgY] = await Promise.all([createOrganisationAt(a, admin), createOrganisationAt(a, admin)]);
  });
  afterEach(() => closeSockets());
  after(async () => {
    await pair?.stop();
  });

  /** A room of the Office (its creator, through `via`) and `organisations`. */
  async function createRoom(via: HubProcess, organisations: string[]): Promise<string> {
    const res = await requestAt<{ id: string }>(
      via,
      'POST',
      '/api/rooms',
      { name: `Across ${randomUUID().slice(0, 6)}`, country: 'SDN', organisations },
      admin,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id;
  }

  /** A socket of `user` on `hub`, joined to `roomId`, recording what it sees. */
  async function joined(user: User, hub: HubProcess, roomId: string) {
    const socket = await connectSocket(user.token, urlOf(hub));
    const seen = record(socket);
    expect(await ask(socket, 'room:join', roomId)).to.deep.include({ ok: true });
    return { socket, seen };
  }

  it('a socket on B receives message:new for messages sent through A, by REST and by socket', async () => {
    const roomId = await createRoom(a, [orgX]);
    const [sender, reader] = await Promise.all([createUserAt(a, admin, orgX), createUserAt(b, admin, orgX)]);
    const onB = await joined(reader, b, roomId);
    const rest = await requestAt<RoomMessage>(a, 'POST', `/api/rooms/${roomId}/messages`, { body: 'by REST on A' }, sender.token);
    expect(rest.status).to.equal(201);
    const onA = await connectSocket(sender.token, urlOf(a));
    const ack = await ask<{ message: RoomMessage }>(onA, 'message:send', { roomId, body: 'by socket on A', clientMsgId: randomUUID() });
    expect(ack.ok, JSON.stringify(ack)).to.equal(true);

    await until(onB.seen, (s) => news(s).length === 2, 10_000);
    expect(news(onB.seen).map((m) => [m.seq, m.body])).to.deep.equal([
      [1, 'by REST on A'],
      [2, 'by socket on A'],
    ]);
    await sleep(200);
    expect(news(onB.seen), 'each message once').to.have.length(2);
  });

  it('message:updated and message:deleted cross from A to B', async () => {
    const roomId = await createRoom(a, [orgX]);
    const [author, reader] = await Promise.all([createUserAt(a, admin, orgX), createUserAt(b, admin, orgX)]);
    const onB = await joined(reader, b, roomId);
    const onA = await connectSocket(author.token, urlOf(a));
    const sent = await ask<{ message: RoomMessage }>(onA, 'message:send', { roomId, body: 'first draft', clientMsgId: randomUUID() });
    if (!sent.ok) throw new Error(JSON.stringify(sent));
    const messageId = sent.message.id;

    expect(await ask(onA, 'message:edit', { messageId, body: 'corrected' })).to.deep.include({ ok: true });
    await until(onB.seen, (s) => s.some((e) => e.name === 'message:updated'), 10_000);
    expect(onB.seen.find((e) => e.name === 'message:updated')!.payload).to.deep.include({ id: messageId, body: 'corrected' });

    expect(await ask(onA, 'message:delete', { messageId })).to.deep.equal({ ok: true });
    await until(onB.seen, (s) => s.some((e) => e.name === 'message:deleted'), 10_000);
    expect(onB.seen.find((e) => e.name === 'message:deleted')!.payload).to.deep.equal({ roomId, messageId });
  });

  it('an organisation taken out through A: its socket on B gets room:removed and no further events', async () => {
    const roomId = await createRoom(a, [orgX, orgY]);
    const [staying, leaving, sender] = await Promise.all([createUserAt(b, admin, orgX), createUserAt(b, admin, orgY), createUserAt(a, admin, orgX)]);
    const stays = await joined(staying, b, roomId);
    const leaves = await joined(leaving, b, roomId);

    const res = await requestAt(a, 'PATCH', `/api/rooms/${roomId}`, { organisations: [orgX] }, admin);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    await until(leaves.seen, (s) => s.some((e) => e.name === 'room:removed'), 10_000);
    expect(leaves.seen.find((e) => e.name === 'room:removed')!.payload).to.deep.equal({ roomId });
    expect(stays.seen.filter((e) => e.name === 'room:removed')).to.have.length(0);

    await requestAt(a, 'POST', `/api/rooms/${roomId}/messages`, { body: 'after the removal' }, sender.token);
    // The member that stayed on B gets it, so the event did cross; the one removed does not.
    await until(stays.seen, (s) => news(s).length === 1, 10_000);
    await sleep(300);
    expect(news(leaves.seen)).to.have.length(0);
    expect(errorCode(await ask(leaves.socket, 'room:join', roomId))).to.equal('not_found');
  });

  it('concurrent senders split across A and B get seq 1..N with no gap and no repeat', async () => {
    const roomId = await createRoom(a, [orgX, orgY]);
    const senders = await Promise.all(Array.from({ length: 6 }, (_, i) => createUserAt(i % 2 ? b : a, admin, i % 3 ? orgX : orgY)));
    const sockets = await Promise.all(senders.map((user, i) => connectSocket(user.token, urlOf(i % 2 ? b : a))));
    const PER_SENDER = 8;
    const sends = senders.flatMap((user, i) =>
      Array.from({ length: PER_SENDER }, async (_, k) => {
        // Socket sends go through the sender's own process; REST sends through the other one.
        if (k % 2 === 0) {
          const answer = await ask<{ message: RoomMessage }>(sockets[i]!, 'message:send', { roomId, body: `${i}-${k}`, clientMsgId: randomUUID() });
          if (!answer.ok) throw new Error(JSON.stringify(answer));
          return answer.message.seq;
        }
        const res = await requestAt<RoomMessage>(i % 2 ? a : b, 'POST', `/api/rooms/${roomId}/messages`, { body: `${i}-${k}` }, user.token);
        expect(res.status, JSON.stringify(res.body)).to.equal(201);
        return res.body.seq;
      }),
    );
    const seqs = await Promise.all(sends);
    const expected = Array.from({ length: senders.length * PER_SENDER }, (_, i) => i + 1);
    expect([...seqs].sort((x, y) => x - y)).to.deep.equal(expected);
    for (const hub of [a, b]) {
      const history = await requestAt<{ items: RoomMessage[] }>(hub, 'GET', `/api/rooms/${roomId}/messages?limit=200`, undefined, senders[0]!.token);
      expect(history.body.items.map((m) => m.seq)).to.deep.equal(expected);
    }
  });

  it('a clientMsgId sent through A and repeated through B (a retry after a reconnect elsewhere) is stored once', async () => {
    const roomId = await createRoom(a, [orgX]);
    const user = await createUserAt(a, admin, orgX);
    const [onA, onB] = await Promise.all([connectSocket(user.token, urlOf(a)), connectSocket(user.token, urlOf(b))]);
    // B learns the room first, so what A stores next is news to B's log.
    const warm = await ask<{ message: RoomMessage }>(onB, 'message:send', { roomId, body: 'warm-up', clientMsgId: randomUUID() });
    expect(warm.ok).to.equal(true);
    const clientMsgId = randomUUID();
    const first = await ask<{ message: RoomMessage }>(onA, 'message:send', { roomId, body: 'once', clientMsgId });
    const again = await ask<{ message: RoomMessage }>(onB, 'message:send', { roomId, body: 'once', clientMsgId });
    const rest = await requestAt<RoomMessage>(b, 'POST', `/api/rooms/${roomId}/messages`, { body: 'once', clientMsgId }, user.token);
    if (!first.ok || !again.ok) throw new Error(JSON.stringify({ first, again }));
    expect(again.message.id).to.equal(first.message.id);
    expect(rest.body.id).to.equal(first.message.id);
    const history = await requestAt<{ items: RoomMessage[] }>(b, 'GET', `/api/rooms/${roomId}/messages?limit=50`, undefined, user.token);
    expect(history.body.items.map((m) => m.body)).to.deep.equal(['warm-up', 'once']);
    onA.disconnect();
    onB.disconnect();
  });

  it('the per-user limit holds across processes: 12 sends through A and 12 through B store exactly 20', async () => {
    const roomId = await createRoom(a, [orgX]);
    const user = await createUserAt(a, admin, orgX);
    const [onA, onB] = await Promise.all([connectSocket(user.token, urlOf(a)), connectSocket(user.token, urlOf(b))]);
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => ask(i % 2 ? onB : onA, 'message:send', { roomId, body: `burst ${i}`, clientMsgId: randomUUID() })),
    );
    expect(Date.now() - started, 'all within the 10 s window').to.be.lessThan(10_000);
    expect(answers.filter((x) => x.ok)).to.have.length(20);
    expect(answers.filter((x) => !x.ok).map(errorCode)).to.deep.equal(['rate_limited', 'rate_limited', 'rate_limited', 'rate_limited']);
    const room = await requestAt<{ lastSeq: number }>(b, 'GET', `/api/rooms/${roomId}`, undefined, user.token);
    expect(room.body.lastSeq).to.equal(20);
    const history = await requestAt<{ items: RoomMessage[] }>(a, 'GET', `/api/rooms/${roomId}/messages?limit=200`, undefined, user.token);
    expect(history.body.items).to.have.length(20);
  });
});
