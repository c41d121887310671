import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { RoomMessage } from '../shared/events.js';
import { appendMessage } from '../server/repositories/messages.js';
import { postingsOf, prepareSearch } from '../server/repositories/messageSearch.js';
import { ask, errorCode } from './helpers/ask.js';
import { documentFields, uploadDocument } from './helpers/documents.js';
import { asOfficeAdmin, createTenant, createUser, type TestUser } from './helpers/factories.js';
import { call, get, post } from './helpers/http.js';
import { closeSockets, connectSocket, record, until } from './helpers/sockets.js';

/** Waits until `check` answers true, failing after 10 s. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('waited 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Tenant = Awaited<ReturnType<typeof createTenant>>;

async function createRoom(user: TestUser, organisations: string[]) {
  const res = await post('/api/rooms', { name: `Situation ${randomUUID().slice(0, 6)}`, country: 'SDN', organisations }, user.token);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as { id: string };
}

async function send(user: TestUser, roomId: string, body: string, extra: Record<string, unknown> = {}): Promise<RoomMessage> {
  const res = await post(`/api/rooms/${roomId}/messages`, { body, ...extra }, user.token);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as RoomMessage;
}

const search = (user: TestUser, path: string) => get<{ items: { message: RoomMessage; roomId: string }[]; nextCursor: string | null }>(path, user.token);

describe('situation rooms people can work in (§8 v2)', () => {
  let a: Tenant;
  let b: Tenant;
  let outsider: Tenant;

  before(async () => {
    [a, b, outsider] = await Promise.all([createTenant(), createTenant(), createTenant()]);
  });
  afterEach(closeSockets);

  it('replies name a seq of the room and mentions name members; anything else refuses the whole message', async () => {
    const room = await createRoom(a.analyst, [b.organisation.id]);
    const first = await send(a.analyst, room.id, 'Convoy leaves at dawn');
    expect(first).to.deep.include({ replyTo: null, mentions: [], reactions: [] });
    const reply = await send(b.member, room.id, 'Which road?', { replyTo: first.seq, mentions: [a.analyst.id] });
    expect(reply).to.deep.include({ replyTo: 1, mentions: [a.analyst.id] });
    for (const extra of [
      { replyTo: 99 },
      { replyTo: 0 },
      { mentions: [outsider.member.id] },
      { mentions: ['0123456789abcdef01234567'] },
      { mentions: ['x'] },
    ]) {
      const res = await post(`/api/rooms/${room.id}/messages`, { body: 'refused', ...extra }, a.member.token);
      expect(res.status, JSON.stringify(extra)).to.equal(400);
    }
    const socket = await connectSocket(a.member.token);
    const refused = await ask(socket, 'message:send', { roomId: room.id, body: 'x', clientMsgId: randomUUID(), mentions: [outsider.admin.id] });
    expect(errorCode(refused)).to.equal('invalid_request');
    const history = await get(`/api/rooms/${room.id}/messages`, a.member.token);
    expect(history.body.items.map((m: RoomMessage) => m.seq)).to.deep.equal([1, 2]);
  });

  it('a mention is a stored room.mention notification, and the rooms list says mentioned until the room is read', async () => {
    const room = await createRoom(a.analyst, [b.organisation.id]);
    const message = await send(b.member, room.id, `@${a.member.email} please confirm`, { mentions: [a.member.id] });
    await eventually(async () => {
      const res = await get('/api/notifications?limit=10', a.member.token);
      return res.body.items.some((n: { type: string; roomId?: string }) => n.type === 'room.mention' && n.roomId === room.id);
    });
    const listed = (await get('/api/rooms?limit=100', a.member.token)).body.items.find((r: { id: string }) => r.id === room.id);
    expect(listed).to.include({ mentioned: true, unread: 1, lastMessageAt: message.createdAt });
    const other = (await get('/api/rooms?limit=100', a.analyst.token)).body.items.find((r: { id: string }) => r.id === room.id);
    expect(other.mentioned).to.equal(false);
    expect((await post(`/api/rooms/${room.id}/read`, { seq: message.seq }, a.member.token)).status).to.equal(204);
    const after = (await get('/api/rooms?limit=100', a.member.token)).body.items.find((r: { id: string }) => r.id === room.id);
    expect(after).to.include({ mentioned: false, unread: 0 });
  });

  it('reactions toggle per user, reach the room as message:updated, and only take the five emoji', async () => {
    const room = await createRoom(a.analyst, [b.organisation.id]);
    const message = await send(a.analyst, room.id, 'Road is open');
    const [sa, sb] = await Promise.all([connectSocket(a.analyst.token), connectSocket(b.member.token)]);
    await ask(sa, 'room:join', room.id);
    const seen = record(sa);
    const liked = await ask<{ message: RoomMessage }>(sb, 'message:react', { messageId: message.id, emoji: '👍' });
    expect(liked.ok && liked.message.reactions).to.deep.equal([{ emoji: '👍', userIds: [b.member.id] }]);
    await ask(sa, 'message:react', { messageId: message.id, emoji: '👍' });
    const undone = await ask<{ message: RoomMessage }>(sb, 'message:react', { messageId: message.id, emoji: '👍' });
    expect(undone.ok && undone.message.reactions).to.deep.equal([{ emoji: '👍', userIds: [a.analyst.id] }]);
    await until(seen, (events) => events.filter((e) => e.name === 'message:updated').length === 3);
    expect(errorCode(await ask(sb, 'message:react', { messageId: message.id, emoji: '🔥' }))).to.equal('invalid_request');
    const so = await connectSocket(outsider.admin.token);
    expect(errorCode(await ask(so, 'message:react', { messageId: message.id, emoji: '👍' }))).to.equal('not_found');
  });

  it('search finds words as assessments do, newest first, paged, and never another room’s messages', async () => {
    const room = await createRoom(a.analyst, [b.organisation.id]);
    const elsewhere = await createRoom(outsider.analyst, []);
    await send(a.analyst, room.id, 'Évacuation du camp nord');
    await send(b.member, room.id, 'evacuation route blocked');
    await send(b.member, room.id, 'nothing to see');
    const deleted = await send(b.member, room.id, 'evacuation cancelled');
    await send(outsider.analyst, elsewhere.id, 'evacuation secret');
    const sb = await connectSocket(b.member.token);
    expect((await ask(sb, 'message:delete', { messageId: deleted.id })).ok).to.equal(true);
    const first = await search(a.member, `/api/rooms/${room.id}/messages?q=EVAC&limit=1`);
    expect(first.status).to.equal(200);
    expect(first.body.items.map((m) => m.message.body)).to.deep.equal(['evacuation route blocked']);
    const next = await search(a.member, `/api/rooms/${room.id}/messages?q=EVAC&limit=1&cursor=${first.body.nextCursor}`);
    expect(next.body.items.map((m) => m.message.body)).to.deep.equal(['Évacuation du camp nord']);
    expect(next.body.nextCursor).to.equal(null);
    expect((await search(a.member, `/api/rooms/${room.id}/messages?q=route+evac`)).body.items).to.have.length(1);
    const mine = await search(a.member, '/api/messages/search?q=evacuation');
    expect(mine.body.items.map((m) => m.roomId)).to.deep.equal([room.id, room.id]);
    expect((await search(outsider.analyst, '/api/messages/search?q=evacuation')).body.items.map((m) => m.message.body)).to.deep.equal(['evacuation secret']);
    expect((await search(outsider.analyst, `/api/rooms/${room.id}/messages?q=evacuation`)).status).to.equal(404);
    for (const path of [
      `/api/rooms/${room.id}/messages?q=`,
      `/api/rooms/${room.id}/messages?q=%20!!`,
      '/api/messages/search',
      '/api/messages/search?q=a&cursor=zz',
    ]) {
      expect((await get(path, a.member.token)).status, path).to.equal(400);
    }
    expect((await get('/api/messages/search?q=x')).status).to.equal(401);
  });

  it('search reads the word index of full blocks, and what was edited or deleted since, as it is now', async () => {
    const room = await createRoom(a.analyst, [b.organisation.id]);
    // Its 66 index collections can be created ahead, once (the writer does it at seq 900; each creation holds up FerretDB's writers).
    const indexCollections = async () =>
      (await mongoose.connection.db!.listCollections({}, { nameOnly: true }).toArray()).filter((c) => c.name.startsWith(`roomsearch_${room.id}_`)).length;
    await prepareSearch(room.id);
    await prepareSearch(room.id);
    expect(await indexCollections()).to.equal(66);
    const author = { id: a.analyst.id, name: 'Analyst', organisationId: a.organisation.id };
    const body = (seq: number) => ([5, 7, 999, 1005].includes(seq) && seq !== 7 ? `cholera case ${seq}` : `routine report ${seq}`);
    await Promise.all(
      Array.from({ length: 1010 }, (_, i) =>
        appendMessage({
          roomId: room.id,
          author,
          body: body(i + 1),
          attachments: [],
          clientMsgId: null,
          createdAt: new Date(),
          editedAt: null,
          deleted: false,
        }),
      ),
    );
    // The first search reads the full block as messages and has its index built.
    expect((await search(a.member, `/api/rooms/${room.id}/messages?q=chol`)).body.items.map((m) => m.message.seq)).to.deep.equal([1005, 999, 5]);
    await eventually(async () => (await postingsOf(room.id, 'chol')).size === 2);
    const socket = await connectSocket(a.analyst.token);
    expect((await ask(socket, 'message:edit', { messageId: `${room.id}:5`, body: 'resolved' })).ok).to.equal(true);
    expect((await ask(socket, 'message:edit', { messageId: `${room.id}:7`, body: 'Choléra suspected' })).ok).to.equal(true);
    const found = await search(a.member, `/api/rooms/${room.id}/messages?q=chol`);
    expect(found.body.items.map((m) => m.message.seq)).to.deep.equal([1005, 999, 7]);
  });

  it('/reads gives, per organisation of the room, the furthest any of its users read', async () => {
    const room = await createRoom(a.analyst, [b.organisation.id]);
    await send(a.analyst, room.id, 'one');
    await send(a.analyst, room.id, 'two');
    await post(`/api/rooms/${room.id}/read`, { seq: 1 }, b.member.token);
    await post(`/api/rooms/${room.id}/read`, { seq: 9 }, b.admin.token);
    const reads = await get(`/api/rooms/${room.id}/reads`, a.member.token);
    expect(reads.status).to.equal(200);
    expect(reads.body.items).to.have.deep.members([
      { organisationId: a.organisation.id, readSeq: 2 },
      { organisationId: b.organisation.id, readSeq: 2 },
    ]);
    expect((await get(`/api/rooms/${room.id}/reads`, outsider.admin.token)).status).to.equal(404);
  });

  it('export: JSON lines with edit history for admins of the room’s organisations and the Office admin, recorded', async () => {
    const room = await createRoom(a.analyst, [b.organisation.id]);
    const message = await send(a.analyst, room.id, 'first draft');
    await send(b.member, room.id, 'gone soon');
    const [sa, sb] = await Promise.all([connectSocket(a.analyst.token), connectSocket(b.member.token)]);
    await ask(sa, 'message:edit', { messageId: message.id, body: 'second draft' });
    await ask(sa, 'message:edit', { messageId: message.id, body: 'final' });
    await ask(sb, 'message:delete', { messageId: `${room.id}:2` });
    const res = await call('GET', `/api/rooms/${room.id}/export`, undefined, { token: b.admin.token });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/x-ndjson/);
    const lines = (res.body as string)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; body: string; edits: { body: string; at: string }[]; deleted: boolean; author: { id: string } });
    expect(lines.map((l) => l.seq)).to.deep.equal([1, 2]);
    expect(lines[0]).to.deep.include({ body: 'final', deleted: false });
    expect(lines[0]!.author.id).to.equal(a.analyst.id);
    expect(lines[0]!.edits.map((e) => e.body)).to.deep.equal(['first draft', 'second draft']);
    expect(lines[1]).to.deep.include({ body: '', deleted: true, edits: [] });
    const office = await asOfficeAdmin();
    expect((await call('GET', `/api/rooms/${room.id}/export`, undefined, { token: office.token })).status).to.equal(200);
    expect((await get(`/api/rooms/${room.id}/export`, a.analyst.token)).status).to.equal(403);
    expect((await get(`/api/rooms/${room.id}/export`, b.member.token)).status).to.equal(403);
    expect((await get(`/api/rooms/${room.id}/export`, outsider.admin.token)).status).to.equal(404);
    const audit = await get(`/api/audit?action=room.export&target=${room.id}`, office.token);
    expect(audit.body.items.length).to.be.at.least(2);
  });

  it('attachments not seen by every organisation are refused, naming the organisation that cannot see it', async () => {
    const room = await createRoom(a.analyst, [b.organisation.id]);
    const upload = await uploadDocument(
      a.analyst.token,
      { name: 'note.txt', bytes: Buffer.from('field note') },
      documentFields({ classification: 'unclassified' }),
    );
    expect(upload.status, JSON.stringify(upload.body)).to.equal(201);
    const res = await post(`/api/rooms/${room.id}/messages`, { body: 'see attached', attachments: [upload.body.id] }, a.analyst.token);
    expect(res.status).to.equal(403);
    expect(res.body.error.message).to.include(b.organisation.name);
    expect(res.body.error.message).not.to.include(a.organisation.name);
    // b cannot see the document: b learns nothing of who else sees it.
    const blind = await post(`/api/rooms/${room.id}/messages`, { body: 'x', attachments: [upload.body.id] }, b.member.token);
    expect(blind.status).to.equal(403);
    expect(blind.body.error.message).not.to.include(a.organisation.name);
  });

  it('members of the room are listed for mentions; non-members get 404', async () => {
    const room = await createRoom(a.analyst, [b.organisation.id]);
    const extra = await createUser(b.organisation.id, 'member');
    const res = await get(`/api/rooms/${room.id}/members`, a.member.token);
    expect(res.status).to.equal(200);
    const ids = res.body.items.map((u: { id: string }) => u.id);
    expect(ids).to.include.members([a.member.id, b.admin.id, extra.id]);
    expect(ids).not.to.include(outsider.member.id);
    expect((await get(`/api/rooms/${room.id}/members`, outsider.member.token)).status).to.equal(404);
  });
});
