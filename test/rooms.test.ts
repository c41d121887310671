import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { AckAnswer, RoomMessage } from '../shared/events.js';
import { get, patch, post } from './helpers/http.js';
import { asOfficeAdmin, createTenant, createUser, type TestUser } from './helpers/factories.js';
import { closeSockets, connectError, connectSocket, record, until, type ClientSocket } from './helpers/sockets.js';

type Tenant = Awaited<ReturnType<typeof createTenant>>;

/** Emits an acknowledged event and resolves with the acknowledgement. */
function ask<T extends object = object>(socket: ClientSocket, event: string, payload: unknown): Promise<AckAnswer<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no acknowledgement for ${event}`)), 5000);
    (socket.emit as unknown as (e: string, p: unknown, ack: (a: AckAnswer<T>) => void) => void)(event, payload, (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

async function createRoom(user: TestUser, organisations: string[], extra: Record<string, unknown> = {}) {
  const res = await post('/api/rooms', { name: `Situation ${randomUUID().slice(0, 6)}`, country: 'SDN', organisations, ...extra }, user.token);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as { id: string; organisations: string[]; lastSeq: number };
}

const send = (user: TestUser, roomId: string, body: string, extra: Record<string, unknown> = {}) =>
  post(`/api/rooms/${roomId}/messages`, { body, ...extra }, user.token);

describe('situation rooms (§8)', () => {
  let office: TestUser;
  let a: Tenant;
  let b: Tenant;
  let outsider: Tenant;

  before(async () => {
    const admin = await asOfficeAdmin();
    office = await createUser(admin.organisationId, 'analyst');
    [a, b, outsider] = await Promise.all([createTenant(), createTenant(), createTenant()]);
  });
  afterEach(closeSockets);

  describe('rooms', () => {
    it('admins and analysts create rooms (the creator organisation is always a member); members cannot', async () => {
      const room = await createRoom(office, [a.organisation.id]);
      expect(room.organisations).to.have.members([office.organisationId, a.organisation.id]);
      expect(room).to.include({ archived: false, lastSeq: 0, country: 'SDN' });
      expect((await post('/api/rooms', { name: 'x', organisations: [] }, a.member.token)).status).to.equal(403);
      for (const body of [
        { name: '', organisations: [] },
        { name: 'x', organisations: ['nope'] },
        { name: 'x', organisations: [], country: 'XYZ' },
        { name: 'x', organisations: ['0123456789abcdef01234567'] },
        { name: 'x', organisations: [], extra: 1 },
      ]) {
        expect((await post('/api/rooms', body, a.analyst.token)).status, JSON.stringify(body)).to.equal(400);
      }
    });

    it('members see the room; non-members get 404 everywhere', async () => {
      const room = await createRoom(office, [a.organisation.id]);
      expect((await get(`/api/rooms/${room.id}`, a.member.token)).status).to.equal(200);
      const listed = await get('/api/rooms?limit=100', a.member.token);
      expect(listed.body.items.map((r: { id: string }) => r.id)).to.include(room.id);
      for (const [method, path, body] of [
        ['GET', `/api/rooms/${room.id}`],
        ['GET', `/api/rooms/${room.id}/messages`],
        ['POST', `/api/rooms/${room.id}/messages`, { body: 'hi' }],
        ['POST', `/api/rooms/${room.id}/read`, { seq: 1 }],
        ['PATCH', `/api/rooms/${room.id}`, { name: 'x' }],
      ] as const) {
        const res =
          method === 'GET'
            ? await get(path, outsider.admin.token)
            : method === 'POST'
              ? await post(path, body, outsider.admin.token)
              : await patch(path, body, outsider.admin.token);
        expect(res.status, `${method} ${path}`).to.equal(404);
      }
      expect((await get('/api/rooms?limit=100', outsider.admin.token)).body.items.map((r: { id: string }) => r.id)).to.not.include(room.id);
      const socket = await connectSocket(outsider.member.token);
      const join = await ask(socket, 'room:join', room.id);
      expect(join).to.deep.include({ ok: false });
      expect((join as { error: { code: string } }).error.code).to.equal('not_found');
    });

    it('only admins/analysts of the creator organisation and the Office admin change a room', async () => {
      const room = await createRoom(a.analyst, [b.organisation.id]);
      expect((await patch(`/api/rooms/${room.id}`, { name: 'Renamed' }, b.admin.token)).status).to.equal(403);
      expect((await patch(`/api/rooms/${room.id}`, { name: 'Renamed' }, a.member.token)).status).to.equal(403);
      expect((await patch(`/api/rooms/${room.id}`, { name: 'Renamed' }, a.admin.token)).body.name).to.equal('Renamed');
      const officeAdmin = await asOfficeAdmin();
      expect((await patch(`/api/rooms/${room.id}`, { name: 'By the Office' }, officeAdmin.token)).status).to.equal(200);
    });
  });

  describe('messages', () => {
    it('REST send answers the stored message with seq 1, 2, 3…; history reads them back in order', async () => {
      const room = await createRoom(a.analyst, [b.organisation.id]);
      for (let i = 1; i <= 3; i++) {
        const res = await send(i % 2 ? a.member : b.member, room.id, `message ${i}`);
        expect(res.status).to.equal(201);
        expect(res.body).to.include({ roomId: room.id, seq: i, body: `message ${i}`, deleted: false, editedAt: null });
        expect(res.body.author.organisationId).to.equal(i % 2 ? a.organisation.id : b.organisation.id);
      }
      const all = await get(`/api/rooms/${room.id}/messages`, b.member.token);
      expect(all.body.items.map((m: RoomMessage) => m.seq)).to.deep.equal([1, 2, 3]);
      const after = await get(`/api/rooms/${room.id}/messages?after=1&limit=1`, b.member.token);
      expect(after.body.items.map((m: RoomMessage) => m.seq)).to.deep.equal([2]);
      const next = await get(`/api/rooms/${room.id}/messages?limit=1&cursor=${after.body.nextCursor}`, b.member.token);
      expect(next.body.items.map((m: RoomMessage) => m.seq)).to.deep.equal([3]);
      const before = await get(`/api/rooms/${room.id}/messages?before=3&limit=10`, b.member.token);
      expect(before.body.items.map((m: RoomMessage) => m.seq)).to.deep.equal([1, 2]);
      for (const body of [{ body: '' }, { body: 'x'.repeat(8001) }, { body: 'x', extra: 1 }, { body: { $gt: '' } }, { body: '   ' }]) {
        expect((await send(a.member, room.id, '', body)).status, JSON.stringify(body).slice(0, 40)).to.equal(400);
      }
      expect((await get(`/api/rooms/${room.id}`, a.member.token)).body.lastSeq).to.equal(3);
    });

    it('socket: join, send with acknowledgement after storage, fan-out to every member socket once', async () => {
      const room = await createRoom(office, [a.organisation.id, b.organisation.id]);
      const [s1, s2, s3] = await Promise.all([connectSocket(a.member.token), connectSocket(b.member.token), connectSocket(outsider.member.token)]);
      const [seen1, seen2, seen3] = [record(s1), record(s2), record(s3)];
      expect(await ask(s1, 'room:join', room.id)).to.deep.equal({ ok: true, lastSeq: 0 });
      expect(await ask(s2, 'room:join', room.id)).to.deep.include({ ok: true });
      const ack = await ask<{ message: RoomMessage }>(s1, 'message:send', { roomId: room.id, body: 'هل من جديد في الفاشر؟', clientMsgId: randomUUID() });
      expect(ack.ok).to.equal(true);
      const message = (ack as { message: RoomMessage }).message;
      expect(message).to.include({ seq: 1, body: 'هل من جديد في الفاشر؟' });
      const stored = await get(`/api/rooms/${room.id}/messages`, a.member.token);
      expect(stored.body.items).to.have.length(1);
      const isNew = (s: { name: string; payload: unknown }[]) => s.filter((e) => e.name === 'message:new');
      await until(seen2, (s) => isNew(s).length === 1);
      await until(seen1, (s) => isNew(s).length === 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(isNew(seen1)).to.have.length(1);
      expect(isNew(seen2)).to.have.length(1);
      expect(seen3).to.have.length(0);
      const bad = await ask(s1, 'message:send', { roomId: room.id, body: 'x', clientMsgId: 'ok', $where: 1 });
      expect((bad as { error: { code: string } }).error.code).to.equal('invalid_request');
    });

    it('a repeated clientMsgId returns the first message and stores nothing new', async () => {
      const room = await createRoom(a.analyst, []);
      const socket = await connectSocket(a.member.token);
      const clientMsgId = randomUUID();
      const [first, again] = await Promise.all([
        ask<{ message: RoomMessage }>(socket, 'message:send', { roomId: room.id, body: 'once', clientMsgId }),
        ask<{ message: RoomMessage }>(socket, 'message:send', { roomId: room.id, body: 'once', clientMsgId }),
      ]);
      const rest = await send(a.member, room.id, 'once', { clientMsgId });
      expect((first as { message: RoomMessage }).message.seq).to.equal(1);
      expect((again as { message: RoomMessage }).message.id).to.equal((first as { message: RoomMessage }).message.id);
      expect(rest.body.id).to.equal((first as { message: RoomMessage }).message.id);
      expect((await get(`/api/rooms/${room.id}/messages`, a.member.token)).body.items).to.have.length(1);
      // Another user may use the same clientMsgId.
      expect((await send(a.analyst, room.id, 'mine', { clientMsgId })).body.seq).to.equal(2);
    });

    it('concurrent senders get seq 1..N with no gap and no repeat', async () => {
      const room = await createRoom(office, [a.organisation.id, b.organisation.id]);
      const senders = [a.member, a.analyst, b.member, b.analyst, office];
      const sockets = await Promise.all(senders.map((u) => connectSocket(u.token)));
      const sends = senders.flatMap((user, i) =>
        Array.from({ length: 8 }, (_, k) =>
          k % 2
            ? send(user, room.id, `${i}-${k}`).then((r) => r.body.seq as number)
            : ask<{ message: RoomMessage }>(sockets[i]!, 'message:send', { roomId: room.id, body: `${i}-${k}`, clientMsgId: randomUUID() }).then(
                (r) => (r as { message: RoomMessage }).message.seq,
              ),
        ),
      );
      const seqs = await Promise.all(sends);
      expect([...seqs].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i + 1));
      const history = await get(`/api/rooms/${room.id}/messages?limit=200`, a.member.token);
      expect(history.body.items.map((m: RoomMessage) => m.seq)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    it('room:history catches up after a seq; unread counts follow read markers', async () => {
      const room = await createRoom(a.analyst, [b.organisation.id]);
      for (let i = 0; i < 5; i++) await send(a.analyst, room.id, `m${i}`);
      const socket = await connectSocket(b.member.token);
      const caught = await ask<{ messages: RoomMessage[] }>(socket, 'room:history', { roomId: room.id, afterSeq: 2, limit: 10 });
      expect((caught as { messages: RoomMessage[] }).messages.map((m) => m.seq)).to.deep.equal([3, 4, 5]);
      const unread = async () =>
        ((await get('/api/rooms?limit=100', b.member.token)).body.items.find((r: { id: string }) => r.id === room.id) as { unread: number }).unread;
      expect(await unread()).to.equal(5);
      expect((await post(`/api/rooms/${room.id}/read`, { seq: 3 }, b.member.token)).status).to.equal(204);
      expect(await unread()).to.equal(2);
      await post(`/api/rooms/${room.id}/read`, { seq: 1 }, b.member.token);
      expect(await unread()).to.equal(2);
      expect((await post(`/api/rooms/${room.id}/read`, { seq: -1 }, b.member.token)).status).to.equal(400);
    });

    it("edit by the author only; delete by the author or an admin of the author's organisation", async () => {
      const room = await createRoom(a.analyst, [b.organisation.id]);
      const m = (await send(a.member, room.id, 'original')).body as RoomMessage;
      const [author, other, admin, foreignAdmin] = await Promise.all([
        connectSocket(a.member.token),
        connectSocket(b.member.token),
        connectSocket(a.admin.token),
        connectSocket(b.admin.token),
      ]);
      await ask(other, 'room:join', room.id);
      const seen = record(other);
      expect(((await ask(other, 'message:edit', { messageId: m.id, body: 'hijack' })) as { error: { code: string } }).error.code).to.equal('forbidden');
      const edited = await ask<{ message: RoomMessage }>(author, 'message:edit', { messageId: m.id, body: 'corrected' });
      expect((edited as { message: RoomMessage }).message).to.include({ body: 'corrected' });
      expect((edited as { message: RoomMessage }).message.editedAt).to.be.a('string');
      await until(seen, (s) => s.some((e) => e.name === 'message:updated'));
      expect(((await ask(foreignAdmin, 'message:delete', { messageId: m.id })) as { error: { code: string } }).error.code).to.equal('forbidden');
      expect(await ask(admin, 'message:delete', { messageId: m.id })).to.deep.equal({ ok: true });
      await until(seen, (s) => s.some((e) => e.name === 'message:deleted'));
      const after = (await get(`/api/rooms/${room.id}/messages`, b.member.token)).body.items[0];
      expect(after).to.include({ seq: 1, deleted: true, body: '' });
      expect(((await ask(author, 'message:edit', { messageId: `${room.id}:99`, body: 'x' })) as { error: { code: string } }).error.code).to.equal('not_found');
    });

    it('archived rooms take no new messages (403), also on a socket that was sending just before', async () => {
      const room = await createRoom(a.analyst, []);
      const socket = await connectSocket(a.member.token);
      expect((await ask(socket, 'message:send', { roomId: room.id, body: 'before', clientMsgId: randomUUID() })).ok).to.equal(true);
      expect((await patch(`/api/rooms/${room.id}`, { archived: true }, a.analyst.token)).status).to.equal(200);
      const res = await send(a.member, room.id, 'too late');
      expect(res.status).to.equal(403);
      expect(
        ((await ask(socket, 'message:send', { roomId: room.id, body: 'x', clientMsgId: randomUUID() })) as { error: { code: string } }).error.code,
      ).to.equal('forbidden');
      expect((await get(`/api/rooms/${room.id}/messages`, a.member.token)).body.items.map((m: RoomMessage) => m.body)).to.deep.equal(['before']);
    });

    it("a role change counts at once on a connected socket (an admin demoted to member may no longer delete others' messages)", async () => {
      const room = await createRoom(a.analyst, []);
      const [first, second] = [(await send(a.member, room.id, 'one')).body as RoomMessage, (await send(a.member, room.id, 'two')).body as RoomMessage];
      const admin = await createUser(a.organisation.id, 'admin');
      const socket = await connectSocket(admin.token);
      expect(await ask(socket, 'message:delete', { messageId: first.id })).to.deep.equal({ ok: true });
      expect((await patch(`/api/users/${admin.id}`, { role: 'member' }, a.admin.token)).status).to.equal(200);
      expect(((await ask(socket, 'message:delete', { messageId: second.id })) as { error: { code: string } }).error.code).to.equal('forbidden');
    });

    it('a send whose insert failed although the database stored it is announced once when the room is read again; its retry stores nothing new', async () => {
      const room = await createRoom(a.analyst, []);
      const author = await createUser(a.organisation.id, 'member'); // fresh: the shared members have sent much already
      const [sender, reader] = await Promise.all([connectSocket(author.token), connectSocket(a.analyst.token)]);
      await ask(reader, 'room:join', room.id);
      expect((await ask(sender, 'message:send', { roomId: room.id, body: 'first', clientMsgId: randomUUID() })).ok).to.equal(true);
      const seen = record(reader);
      // The database stores the batch, then the connection fails before the answer arrives.
      const driver = mongoose.mongo.Collection.prototype as unknown as { insertMany: (...args: unknown[]) => Promise<unknown> };
      const insertMany = driver.insertMany;
      driver.insertMany = async function (this: unknown, ...args: unknown[]) {
        driver.insertMany = insertMany;
        await insertMany.apply(this, args);
        throw Object.assign(new Error('connection reset after the write'), { name: 'MongoNetworkError' });
      };
      const clientMsgId = randomUUID();
      try {
        const failed = await ask(sender, 'message:send', { roomId: room.id, body: 'stored, unanswered', clientMsgId });
        expect(failed.ok).to.equal(false);
      } finally {
        driver.insertMany = insertMany;
      }
      await until(seen, (s) => s.some((e) => e.name === 'message:new'), 10_000);
      const retry = await ask<{ message: RoomMessage }>(sender, 'message:send', { roomId: room.id, body: 'stored, unanswered', clientMsgId });
      if (!retry.ok) throw new Error(JSON.stringify(retry));
      expect(retry.message.seq).to.equal(2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen.filter((e) => e.name === 'message:new').map((e) => (e.payload as RoomMessage).seq)).to.deep.equal([2]);
      expect((await get(`/api/rooms/${room.id}/messages`, a.member.token)).body.items.map((m: RoomMessage) => m.body)).to.deep.equal([
        'first',
        'stored, unanswered',
      ]);
    });

    it('more than 20 messages in 10 seconds: rate_limited and nothing stored', async () => {
      const room = await createRoom(a.analyst, []);
      const user = await createUser(a.organisation.id, 'member');
      const socket = await connectSocket(user.token);
      const answers = [];
      for (let i = 0; i < 22; i++) answers.push(await ask(socket, 'message:send', { roomId: room.id, body: `m${i}`, clientMsgId: randomUUID() }));
      expect(answers.filter((x) => x.ok)).to.have.length(20);
      expect((answers[21] as { error: { code: string } }).error.code).to.equal('rate_limited');
      const rest = await send(user, room.id, 'rest too');
      expect(rest.status).to.equal(429);
      expect(Number(rest.headers.get('retry-after'))).to.be.within(1, 10);
      expect((await get(`/api/rooms/${room.id}`, user.token)).body.lastSeq).to.equal(20);
    });

    it('attachments must be documents every organisation of the room can see (403 otherwise)', async () => {
      const room = await createRoom(a.analyst, [b.organisation.id]);
      const res = await send(a.analyst, room.id, 'see attached', { attachments: ['0123456789abcdef01234567'] });
      expect(res.status).to.equal(403);
      expect((await get(`/api/rooms/${room.id}/messages`, a.member.token)).body.items).to.have.length(0);
    });
  });

  describe('access withdrawn at once', () => {
    it('an organisation taken out of the room: its sockets get room:removed and no further events', async () => {
      const room = await createRoom(a.analyst, [b.organisation.id]);
      const [sa, sb] = await Promise.all([connectSocket(a.member.token), connectSocket(b.member.token)]);
      await ask(sa, 'room:join', room.id);
      await ask(sb, 'room:join', room.id);
      const seenB = record(sb);
      const added = record(await connectSocket(outsider.member.token));
      const res = await patch(`/api/rooms/${room.id}`, { organisations: [outsider.organisation.id] }, a.analyst.token);
      expect(res.status).to.equal(200);
      await until(seenB, (s) => s.some((e) => e.name === 'room:removed' && (e.payload as { roomId: string }).roomId === room.id));
      await until(added, (s) => s.some((e) => e.name === 'notification' && (e.payload as { type: string }).type === 'room.added'));
      await send(a.analyst, room.id, 'after removal');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seenB.filter((e) => e.name === 'message:new')).to.have.length(0);
      expect((await send(b.member, room.id, 'let me in')).status).to.equal(404);
      expect(((await ask(sb, 'room:join', room.id)) as { error: { code: string } }).error.code).to.equal('not_found');
    });

    it('typing reaches the other joined sockets only, volatile', async () => {
      const room = await createRoom(a.analyst, [b.organisation.id]);
      const [sa, sb, notJoined] = await Promise.all([connectSocket(a.member.token), connectSocket(b.member.token), connectSocket(b.analyst.token)]);
      await ask(sa, 'room:join', room.id);
      await ask(sb, 'room:join', room.id);
      const [seenA, seenB, seenC] = [record(sa), record(sb), record(notJoined)];
      sa.emit('typing', { roomId: room.id });
      await until(seenB, (s) => s.some((e) => e.name === 'typing'));
      expect((seenB.find((e) => e.name === 'typing')!.payload as { user: { id: string } }).user.id).to.equal(a.member.id);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seenA.filter((e) => e.name === 'typing')).to.have.length(0);
      expect(seenC.filter((e) => e.name === 'typing')).to.have.length(0);
    });

    it('typing is relayed at most 5 times in 5 seconds per socket and room (the rest of a flood is dropped)', async () => {
      const room = await createRoom(a.analyst, [b.organisation.id]);
      const [sa, sb] = await Promise.all([connectSocket(a.member.token), connectSocket(b.member.token)]);
      await ask(sa, 'room:join', room.id);
      await ask(sb, 'room:join', room.id);
      const seenB = record(sb);
      // Paced, so that no relay is dropped for being volatile while the previous one is still being written.
      for (let i = 0; i < 12; i++) {
        sa.emit('typing', { roomId: room.id });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await until(seenB, (s) => s.some((e) => e.name === 'typing'));
      await ask(sa, 'room:join', room.id); // every typing emitted before it has been handled
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seenB.filter((e) => e.name === 'typing')).to.have.length(5);
    });
  });

  describe('limits on connections', () => {
    it('a socket making more than 300 calls in 10 seconds is answered rate_limited', async () => {
      const room = await createRoom(a.analyst, []);
      const socket = await connectSocket(a.member.token);
      const answers = await Promise.all(Array.from({ length: 305 }, () => ask(socket, 'room:leave', room.id)));
      expect(answers.filter((x) => x.ok)).to.have.length(300);
      expect(answers.filter((x) => !x.ok).map((x) => (x as { error: { code: string } }).error.code)).to.deep.equal(Array(5).fill('rate_limited'));
      // Another connection of the same user has its own allowance.
      expect(await ask(await connectSocket(a.member.token), 'room:leave', room.id)).to.deep.equal({ ok: true });
    });

    it('a user may hold 20 sockets on a process; the 21st is refused with rate_limited until one closes', async () => {
      const user = await createUser(a.organisation.id, 'member');
      const sockets = await Promise.all(Array.from({ length: 20 }, () => connectSocket(user.token)));
      const refused = await connectError({ token: user.token });
      expect(refused.message).to.equal('rate_limited');
      sockets[0]!.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const again = await connectSocket(user.token);
      expect(again.connected).to.equal(true);
      for (const socket of [again, ...sockets]) socket.disconnect();
    });
  });
});
