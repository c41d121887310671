import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RoomMessage } from '../shared/events.js';
import { ask } from './helpers/ask.js';
import { eventually, Loop, startFaultyFerretdb, startFaultyRedis, timedRequest, type FaultyService, type Outcome } from './helpers/faults.js';
import { assessmentBody } from './helpers/factories.js';
import { createOrganisationAt, createUserAt, signInAt, startHubPair, urlOf, type HubPair } from './helpers/hubPair.js';
import { alive, checkHealth, PROCESS_ADMIN_EMAIL, PROCESS_ADMIN_PASSWORD, spawnHub, type HubProcess } from './helpers/process.js';
import { closeSockets, connectSocket, record, until, type ClientSocket, type SeenEvent } from './helpers/sockets.js';

const OUTAGE_MS = 30_000;
// How long the database stays frozen (open connections, no answers) before it is killed outright.
const FROZEN_MS = 10_000;
// What "answers quickly" means once the hub has noticed the outage, on a loaded two-core machine.
const QUICK_MS = 2_000;
// A socket call has no HTTP gate in front of it: it reaches the driver, which gives up on a server after 1.5 s.
const QUICK_SOCKET_MS = 3_000;
// Longer than the socket layer remembers a room or a principal (5 s).
const SOCKET_CACHE_MS = 5_500;

const dirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Every message of a room, read through the REST API in seq order. */
async function allMessages(hub: HubProcess, roomId: string, token: string): Promise<RoomMessage[]> {
  const out: RoomMessage[] = [];
  for (;;) {
    const after = out.at(-1)?.seq ?? 0;
    const page = await timedRequest<{ items: RoomMessage[] }>(urlOf(hub), 'GET', `/api/rooms/${roomId}/messages?after=${after}&limit=200`, { token });
    expect(page.status, JSON.stringify(page.body)).to.equal(200);
    if (page.body.items.length === 0) return out;
    out.push(...page.body.items);
  }
}

/** Every assessment id the user's list shows. */
async function listedAssessments(hub: HubProcess, token: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await timedRequest<{ items: Array<{ id: string }>; nextCursor: string | null }>(urlOf(hub), 'GET', `/api/assessments?limit=100${query}`, {
      token,
    });
    expect(page.status, JSON.stringify(page.body)).to.equal(200);
    for (const item of page.body.items) ids.add(item.id);
    cursor = page.body.nextCursor;
  } while (cursor);
  return ids;
}

describe('faults: the database stops for 30 s under traffic (issue 7)', function () {
  this.timeout(150_000);
  let db: FaultyService | undefined;
  let hub: HubProcess | undefined;

  after(async () => {
    closeSockets();
    await hub?.stop();
    await db?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 quickly, keeps its process and sockets, recovers by itself and loses no acknowledged write', async () => {
    db = await startFaultyFerretdb(tempDir('hub-faults-db-'));
    hub = await spawnHub({ MONGODB_URI: `${db.url}/partnerhub`, DATA_DIR: tempDir('hub-faults-data-') });
    const base = urlOf(hub);
    const admin = (await signInAt(hub, PROCESS_ADMIN_EMAIL, PROCESS_ADMIN_PASSWORD)).accessToken;
    const org = await createOrganisationAt(hub, admin);
    const [writer, talker, chatter] = await Promise.all([
      createUserAt(hub, admin, org, 'analyst'),
      createUserAt(hub, admin, org, 'member'),
      createUserAt(hub, admin, org, 'member'),
    ]);
    const room = await timedRequest<{ id: string }>(base, 'POST', '/api/rooms', { body: { name: 'Outage watch', organisations: [] }, token: writer.token });
    expect(room.status, JSON.stringify(room.body)).to.equal(201);
    const roomId = room.body.id;
    const first = await timedRequest<{ id: string }>(base, 'POST', '/api/assessments', {
      body: assessmentBody({ title: 'Before the outage' }),
      token: writer.token,
    });
    expect(first.status).to.equal(201);

    // A quiet room and a socket that only acts on it: what the socket layer remembers of both (the room, the
    // principal: a few seconds, server/services/rooms/roomCache.ts and server/realtime/principals.ts) is
    // then known to be stale or fresh when the database stops (see below).
    const quietRoom = await timedRequest<{ id: string }>(base, 'POST', '/api/rooms', { body: { name: 'Quiet room', organisations: [] }, token: writer.token });
    expect(quietRoom.status).to.equal(201);
    const quiet = await connectSocket(talker.token, base);
    expect(await ask(quiet, 'room:join', quietRoom.body.id)).to.deep.include({ ok: true });
    const quietMessage = await ask<{ message: RoomMessage }>(quiet, 'message:send', { roomId: quietRoom.body.id, body: 'quiet', clientMsgId: randomUUID() });
    if (!quietMessage.ok) throw new Error(JSON.stringify(quietMessage));
    const quietSince = Date.now();

    const socket: ClientSocket = await connectSocket(chatter.token, base);
    const seen = record(socket);
    expect(await ask(socket, 'room:join', roomId)).to.deep.include({ ok: true });

    const outcomes: Outcome[] = [];
    const acked = { assessments: new Map<string, string>(), messages: new Map<string, RoomMessage>() };
    const unacked = { rest: new Map<string, string>(), socket: new Map<string, string>() };
    let n = 0;
    const note = (kind: string, at: number, answer: { status: number; ms: number; code?: string }) => {
      outcomes.push({ kind, at, ms: answer.ms, status: answer.status, ...(answer.code ? { code: answer.code } : {}) });
    };

    const loops = [
      new Loop(async () => {
        const title = `Outage draft ${++n}`;
        const at = Date.now();
        const res = await timedRequest<{ id: string }>(base, 'POST', '/api/assessments', { body: assessmentBody({ title }), token: writer.token });
        note('assessment:create', at, res);
        if (res.status === 201) acked.assessments.set(res.body.id, title);
      }, 300),
      new Loop(async () => {
        const at = Date.now();
        const res = await timedRequest(base, 'GET', `/api/assessments/${first.body.id}`, { token: writer.token });
        note('assessment:read', at, res);
        const listAt = Date.now();
        const list = await timedRequest(base, 'GET', `/api/rooms/${roomId}/messages?after=0&limit=5`, { token: talker.token });
        note('messages:read', listAt, list);
      }, 300),
      // Below 20 messages in 10 s each, so the rate limit never answers instead of the database.
      new Loop(async () => {
        const clientMsgId = randomUUID();
        const body = `rest ${clientMsgId}`;
        const at = Date.now();
        const res = await timedRequest<RoomMessage>(base, 'POST', `/api/rooms/${roomId}/messages`, { body: { body, clientMsgId }, token: talker.token });
        note('message:rest', at, res);
        if (res.status === 201) acked.messages.set(clientMsgId, res.body);
        else unacked.rest.set(clientMsgId, body);
      }, 1500),
      new Loop(async () => {
        const clientMsgId = randomUUID();
        const body = `socket ${clientMsgId}`;
        const at = Date.now();
        const answer = await ask<{ message: RoomMessage }>(socket, 'message:send', { roomId, body, clientMsgId }, 12_000).catch(() => undefined);
        const code = !answer ? 'timeout' : answer.ok ? undefined : answer.error.code;
        note('message:socket', at, {
          status: answer?.ok ? 200 : code === 'unavailable' ? 503 : code === 'timeout' ? 0 : 500,
          ms: Date.now() - at,
          ...(code ? { code } : {}),
        });
        if (answer?.ok) acked.messages.set(clientMsgId, answer.message);
        else unacked.socket.set(clientMsgId, body);
      }, 1500),
    ];

    try {
      await sleep(Math.max(3000, quietSince + SOCKET_CACHE_MS - Date.now()));
      const healthyBefore = outcomes.filter((o) => o.status >= 400);
      expect(healthyBefore, 'no failure before the outage').to.deep.equal([]);

      // The database freezes: its connections stay open and nothing answers (the hardest case to notice).
      // The quiet socket's principal is read afresh (room:leave reads no room), its room is not: so its
      // next calls reach the database for the room while the principal is still remembered.
      expect(await ask(quiet, 'room:leave', quietRoom.body.id)).to.deep.equal({ ok: true });
      const frozenAt = Date.now();
      db.freeze();
      const quietAnswers = Promise.all([
        ask(quiet, 'message:send', { roomId: quietRoom.body.id, body: 'into the outage', clientMsgId: randomUUID() }, 12_000),
        ask(quiet, 'message:edit', { messageId: quietMessage.message.id, body: 'edited in the outage' }, 12_000),
      ]);
      const noticedMs = await eventually('/api/health answering 503', async () => (await checkHealth(hub!.port, 12_000)).status === 503, 15_000, 200);
      const noticedAt = Date.now();
      await sleep(Math.max(0, frozenAt + FROZEN_MS - Date.now()));
      // Then it dies: connections are refused until it is started again on the same port and files.
      await db.kill();
      const down = await checkHealth(hub.port);
      expect(down.status).to.equal(503);
      expect(down.body).to.deep.include({ status: 'degraded', db: 'down' });
      expect(down.ms, 'health while down').to.be.below(QUICK_MS + 1000);
      await sleep(Math.max(0, frozenAt + OUTAGE_MS - Date.now()));
      expect(alive(hub.pid), 'the hub process is still running').to.equal(true);

      const restartedAt = Date.now();
      await db.restart();
      const healthyMs = await eventually('/api/health answering 200', async () => (await checkHealth(hub!.port, 5000)).status === 200, 30_000, 200);
      const writableMs = await eventually(
        'a write succeeding',
        async () => {
          const res = await timedRequest(base, 'POST', '/api/assessments', { body: assessmentBody({ title: 'After the outage' }), token: writer.token });
          if (res.status === 201) acked.assessments.set((res.body as { id: string }).id, 'After the outage');
          return res.status === 201;
        },
        30_000,
        200,
      );
      const recoveredAt = Date.now();
      await sleep(3000);
      await Promise.all(loops.map((loop) => loop.stop()));

      const during = outcomes.filter((o) => o.at >= noticedAt + 500 && o.at + o.ms <= restartedAt);
      const slowest = (kind: string) => Math.max(0, ...during.filter((o) => o.kind === kind).map((o) => o.ms));
      console.log(`      database frozen → health 503 in ${noticedMs} ms; restarted → health 200 in ${healthyMs} ms, first write in ${writableMs} ms`);
      console.log(
        `      slowest answer while down (ms): ${['assessment:create', 'assessment:read', 'messages:read', 'message:rest', 'message:socket'].map((k) => `${k} ${slowest(k)}`).join(', ')}`,
      );
      const unnoticed = outcomes.filter((o) => o.at >= frozenAt && o.at < noticedAt);
      console.log(`      slowest answer while the frozen database was not yet noticed: ${Math.max(0, ...unnoticed.map((o) => o.ms))} ms`);
      console.log(`      answers: ${outcomes.length}, acknowledged writes: ${acked.assessments.size} assessments, ${acked.messages.size} messages`);

      expect(
        outcomes.filter((o) => o.code === 'timeout'),
        'no request or socket call hung until the client gave up',
      ).to.deep.equal([]);
      expect(
        outcomes.filter((o) => o.ms >= 10_000),
        'every answer within 10 s, even while the outage is not yet noticed (§2)',
      ).to.deep.equal([]);
      const refused = outcomes.filter((o) => o.status >= 400);
      expect(
        refused.filter((o) => o.code !== 'unavailable' || o.status !== 503),
        'every refusal is 503 unavailable',
      ).to.deep.equal([]);
      expect(during.length, 'traffic ran while the database was down').to.be.above(20);
      expect(
        during.filter((o) => o.status < 400),
        'nothing succeeds while the database is down',
      ).to.deep.equal([]);
      expect(
        during.filter((o) => o.ms >= (o.kind === 'message:socket' ? QUICK_SOCKET_MS : QUICK_MS)),
        'every answer while down is quick',
      ).to.deep.equal([]);
      const after = outcomes.filter((o) => o.at >= recoveredAt + 1000);
      expect(after.length).to.be.above(5);
      expect(
        after.filter((o) => o.status >= 400),
        'everything succeeds again after recovery',
      ).to.deep.equal([]);
      expect(
        seen.filter((e) => e.name === 'disconnect'),
        'the socket stayed connected',
      ).to.deep.equal([]);
      expect(socket.connected).to.equal(true);

      // A client resends what was not acknowledged, with the same clientMsgId: each lands exactly once.
      // Both senders at once, each under the rate limit of 20 messages in 10 s.
      await Promise.all([
        (async () => {
          for (const [clientMsgId, body] of unacked.rest) {
            const res = await timedRequest<RoomMessage>(base, 'POST', `/api/rooms/${roomId}/messages`, { body: { body, clientMsgId }, token: talker.token });
            expect(res.status, `resending ${body}: ${JSON.stringify(res.body)}`).to.equal(201);
            acked.messages.set(clientMsgId, res.body);
            await sleep(520);
          }
        })(),
        (async () => {
          for (const [clientMsgId, body] of unacked.socket) {
            const answer = await ask<{ message: RoomMessage }>(socket, 'message:send', { roomId, body, clientMsgId }, 12_000);
            expect(answer.ok, `resending ${body}: ${JSON.stringify(answer)}`).to.equal(true);
            if (answer.ok) acked.messages.set(clientMsgId, answer.message);
            await sleep(520);
          }
        })(),
      ]);

      for (const [id, title] of acked.assessments) {
        const res = await timedRequest<{ title: string }>(base, 'GET', `/api/assessments/${id}`, { token: writer.token });
        expect(res.status, `acknowledged assessment ${title}`).to.equal(200);
        expect(res.body.title).to.equal(title);
      }
      const listed = await listedAssessments(hub, writer.token);
      expect(
        [...acked.assessments.keys()].filter((id) => !listed.has(id)),
        'every acknowledged assessment is listed',
      ).to.deep.equal([]);

      const stored = await allMessages(hub, roomId, talker.token);
      expect(
        stored.map((m) => m.seq),
        'seq 1, 2, 3… without gaps or repeats',
      ).to.deep.equal(stored.map((_m, i) => i + 1));
      const byClientMsgId = new Map<string, RoomMessage[]>();
      for (const message of stored) byClientMsgId.set(message.clientMsgId ?? '', [...(byClientMsgId.get(message.clientMsgId ?? '') ?? []), message]);
      expect(
        [...byClientMsgId].filter(([, list]) => list.length > 1).map(([id]) => id),
        'no clientMsgId stored twice',
      ).to.deep.equal([]);
      for (const [clientMsgId, message] of acked.messages) {
        const found = byClientMsgId.get(clientMsgId)?.[0];
        expect(found, `acknowledged message ${message.body}`).to.not.equal(undefined);
        expect([found!.seq, found!.body]).to.deep.equal([message.seq, message.body]);
      }
      expect(
        (await quietAnswers).map((answer) => (answer.ok ? 'ok' : answer.error.code)),
        'a room that cannot be read is unavailable, not not_found',
      ).to.deep.equal(['unavailable', 'unavailable']);
    } finally {
      await Promise.all(loops.map((loop) => loop.stop()));
    }
  });
});

describe('faults: Redis stops under two hub processes (issue 7)', function () {
  this.timeout(120_000);
  let redis: FaultyService | undefined;
  let pair: HubPair | undefined;

  after(async () => {
    closeSockets();
    await pair?.stop();
    await redis?.stop();
  });

  it('each process keeps serving its own sockets, limits still hold, and fan-out and catch-up work once Redis is back', async () => {
    redis = await startFaultyRedis();
    pair = await startHubPair(redis.url);
    const { a, b } = pair;
    const admin = (await signInAt(a)).accessToken;
    const org = await createOrganisationAt(a, admin);
    const [sender, readerOnA, readerOnB, talkerOnB, burster] = await Promise.all([
      createUserAt(a, admin, org),
      createUserAt(a, admin, org),
      createUserAt(b, admin, org),
      createUserAt(b, admin, org),
      createUserAt(a, admin, org),
    ]);
    const room = await timedRequest<{ id: string }>(urlOf(a), 'POST', '/api/rooms', { body: { name: 'Fan-out watch', organisations: [org] }, token: admin });
    expect(room.status, JSON.stringify(room.body)).to.equal(201);
    const roomId = room.body.id;

    const senderSocket = await connectSocket(sender.token, urlOf(a));
    const joined = async (token: string, hub: HubProcess) => {
      const socket = await connectSocket(token, urlOf(hub));
      const seen = record(socket);
      expect(await ask(socket, 'room:join', roomId)).to.deep.include({ ok: true });
      return { socket, seen };
    };
    const onA = await joined(readerOnA.token, a);
    const onB = await joined(readerOnB.token, b);
    const seqsSeen = (seen: SeenEvent[]) => seen.filter((e) => e.name === 'message:new').map((e) => (e.payload as RoomMessage).seq);
    const sees = (seen: SeenEvent[], seq: number, ms = 10_000) => until(seen, (s) => seqsSeen(s).includes(seq), ms);

    /** A message sent on A by socket, acknowledged quickly (the rate limiter must not wait for a dead Redis). */
    const sendOnA = async (body: string) => {
      const started = Date.now();
      const answer = await ask<{ message: RoomMessage }>(senderSocket, 'message:send', { roomId, body, clientMsgId: randomUUID() }, 12_000);
      if (!answer.ok) throw new Error(`sending on A: ${JSON.stringify(answer)}`);
      return { seq: answer.message.seq, ms: Date.now() - started };
    };
    /** A message sent on B by REST. */
    const sendOnB = async (body: string) => {
      const res = await timedRequest<RoomMessage>(urlOf(b), 'POST', `/api/rooms/${roomId}/messages`, { body: { body }, token: talkerOnB.token });
      expect(res.status, `sending on B: ${JSON.stringify(res.body)}`).to.equal(201);
      return { seq: res.body.seq, ms: res.ms };
    };
    const healthy = async () => {
      for (const hub of [a, b]) {
        const health = await checkHealth(hub.port, 12_000);
        expect(health.status, `health of ${urlOf(hub)} while Redis is down`).to.equal(200);
        expect(health.ms).to.be.below(QUICK_MS);
      }
    };

    const before = await sendOnA('before the outage');
    await Promise.all([sees(onA.seen, before.seq), sees(onB.seen, before.seq)]);

    // Frozen (connections open, nothing answers), then killed (connections refused).
    const slowest: number[] = [];
    for (const phase of ['frozen', 'killed'] as const) {
      if (phase === 'frozen') redis.freeze();
      else await redis.kill();
      await sleep(500);
      await healthy();
      const fromA = await sendOnA(`on A while Redis is ${phase}`);
      const fromB = await sendOnB(`on B while Redis is ${phase}`);
      slowest.push(fromA.ms, fromB.ms);
      expect(fromA.ms, `a send on A while Redis is ${phase}`).to.be.below(QUICK_MS);
      expect(fromB.ms, `a send on B while Redis is ${phase}`).to.be.below(QUICK_MS);
      await Promise.all([sees(onA.seen, fromA.seq, 5000), sees(onB.seen, fromB.seq, 5000)]);
    }

    // The message limit falls back to each process's own count: still 20 in 10 s for a user on one process.
    // All at once, so that they fall in one window however slow the machine is.
    const burst = await Promise.all(
      Array.from({ length: 21 }, (_v, i) =>
        timedRequest(urlOf(a), 'POST', `/api/rooms/${roomId}/messages`, { body: { body: `burst ${i}` }, token: burster.token }),
      ),
    );
    expect(burst.map((res) => res.status).sort(), 'one message of 21 within 10 s is refused').to.deep.equal([...Array(20).fill(201), 429]);
    expect(alive(a.pid) && alive(b.pid), 'both processes still run').to.equal(true);

    const restartedAt = Date.now();
    await redis.restart();
    // Fan-out resumes by itself: a message sent on A reaches B again (poll with fresh messages).
    let crossed = 0;
    await eventually(
      'a message on A reaching B',
      async () => {
        const probe = await sendOnA('probe after the outage');
        try {
          await sees(onB.seen, probe.seq, 1000);
          crossed = probe.seq;
          return true;
        } catch {
          return false;
        }
      },
      30_000,
      0,
    );
    const fanoutMs = Date.now() - restartedAt;
    const back = await sendOnB('on B after the outage');
    await sees(onA.seen, back.seq);
    console.log(`      sends while Redis was down answered in at most ${Math.max(...slowest)} ms; fan-out back ${fanoutMs} ms after Redis restarted`);

    // B's reader missed A's messages during the outage; it catches up by seq from the last one it saw before.
    const lastBefore = before.seq;
    const caughtUp = await ask<{ messages: RoomMessage[] }>(onB.socket, 'room:history', { roomId, afterSeq: lastBefore, limit: 200 });
    if (!caughtUp.ok) throw new Error(JSON.stringify(caughtUp));
    const stored = (await allMessages(b, roomId, readerOnB.token)).map((m) => m.seq);
    expect(stored, 'seq 1, 2, 3… without gaps or repeats').to.deep.equal(stored.map((_s, i) => i + 1));
    expect(
      caughtUp.messages.map((m) => m.seq),
      'room:history after the last seq seen gives every later message',
    ).to.deep.equal(stored.filter((seq) => seq > lastBefore));
    const rest = await timedRequest<{ items: RoomMessage[] }>(urlOf(b), 'GET', `/api/rooms/${roomId}/messages?after=${lastBefore}&limit=200`, {
      token: readerOnB.token,
    });
    expect(rest.body.items.map((m) => m.seq)).to.deep.equal(stored.filter((seq) => seq > lastBefore));
    const missed = stored.filter((seq) => seq > lastBefore && seq < crossed && !seqsSeen(onB.seen).includes(seq));
    expect(missed.length, 'B really missed messages while Redis was down').to.be.above(0);
  });
});
