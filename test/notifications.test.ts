import { expect } from 'chai';
import { call, get, patch, post } from './helpers/http.js';
import { createAssessment, createTenant } from './helpers/factories.js';
import { ask } from './helpers/ask.js';
import { closeSockets, connectSocket, record, until, type SeenEvent } from './helpers/sockets.js';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
interface Item {
  id: string;
  type: string;
  readAt: string | null;
  actor: { id: string } | null;
  subject: { kind: string; id: string; title: string | null };
}

const put = (path: string, body: unknown, token: string) => call('PUT', path, body, { token });
const list = async (token: string, query = '') => (await get<{ items: Item[] }>(`/api/notifications${query}`, token)).body.items;
const about = (items: Item[], type: string, id: string) => items.filter((n) => n.type === type && n.subject.id === id);

/** Polls until `check` holds (the fan-out runs after the action answered), up to 10 s. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const changed = (name: string, id: string) => (seen: SeenEvent[]) => seen.some((e) => e.name === name && (e.payload as { id: string }).id === id);

describe('stored notifications (§11)', () => {
  let owner: Tenant;
  let partner: Tenant;
  let stranger: Tenant;

  before(async () => {
    [owner, partner, stranger] = await Promise.all([createTenant(), createTenant(), createTenant()]);
  });
  afterEach(() => closeSockets());

  it('an away user finds a share on return; never the actor; organisation-only stays home; a taken subject disappears', async () => {
    const socket = await connectSocket(partner.analyst.token);
    const seen = record(socket);
    const home = await createAssessment(owner.analyst, { classification: 'unclassified', sharing: { scope: 'organisation', organisations: [] } }, true);
    const shared = await createAssessment(
      owner.analyst,
      { classification: 'unclassified', sharing: { scope: 'selected', organisations: [partner.organisation.id] } },
      true,
    );
    const everyone = await createAssessment(owner.analyst, { sharing: { scope: 'all', organisations: [] } }, true);

    // The partner's member was not connected: it is stored for them all the same.
    const mine = await eventually(
      () => list(partner.member.token),
      (items) => about(items, 'assessment.shared', everyone.id).length === 1,
    );
    expect(about(mine, 'assessment.shared', shared.id)).to.have.length(1);
    expect(about(mine, 'assessment.shared', home.id)).to.have.length(0);
    const [first] = about(mine, 'assessment.shared', shared.id);
    expect(first).to.include({ readAt: null });
    expect(first!.actor).to.include({ id: owner.analyst.id });
    expect(first!.subject).to.include({ kind: 'assessment', title: 'Quarterly assessment' });
    expect(about(mine, 'assessment.shared', everyone.id)[0]!.subject.title, 'no title unless unclassified').to.equal(null);
    expect(mine.map((n) => n.subject.id).slice(0, 2), 'newest first').to.deep.equal([everyone.id, shared.id]);

    // The stranger only hears of what was shared with everyone; the actor and their colleagues (the owner) of nothing.
    const theirs = await eventually(
      () => list(stranger.member.token),
      (items) => items.length > 0,
    );
    expect(theirs.map((n) => n.subject.id)).to.deep.equal([everyone.id]);
    expect(await list(owner.analyst.token)).to.deep.equal([]);
    expect(await list(owner.member.token)).to.deep.equal([]);

    // The socket got exactly the stored notification.
    await until(seen, (s) => s.filter((e) => e.name === 'notification').length >= 2);
    const stored = await list(partner.analyst.token);
    const live = seen.filter((e) => e.name === 'notification').map((e) => e.payload);
    expect(live).to.deep.equal([...stored].reverse());

    const summary = await get('/api/notifications/summary', partner.member.token);
    expect(summary.status).to.equal(200);
    expect(summary.body.unread).to.equal(2);

    // Another user's ids change nothing (and say nothing); the user's own do.
    const ids = mine.map((n) => n.id);
    expect((await post('/api/notifications/read', { ids }, stranger.member.token)).status).to.equal(204);
    expect((await get('/api/notifications/summary', partner.member.token)).body.unread).to.equal(2);
    expect((await get('/api/notifications/summary', stranger.member.token)).body.unread).to.equal(1);
    expect((await post('/api/notifications/read', { ids: [first!.id] }, partner.member.token)).status).to.equal(204);
    const unread = await list(partner.member.token, '?unread=true');
    expect(unread.map((n) => n.subject.id)).to.deep.equal([everyone.id]);
    expect((await post('/api/notifications/read', { all: true }, stranger.member.token)).status).to.equal(204);
    expect((await get('/api/notifications/summary', stranger.member.token)).body.unread).to.equal(0);
    expect((await list(stranger.member.token))[0]!.readAt).to.be.a('string');

    // Narrowed to the owner: gone from the partner's list and counts.
    await patch(`/api/assessments/${shared.id}`, { version: shared.version, sharing: { scope: 'organisation', organisations: [] } }, owner.analyst.token);
    expect((await post(`/api/assessments/${shared.id}/publish`, {}, owner.analyst.token)).status).to.equal(200);
    expect(about(await list(partner.member.token), 'assessment.shared', shared.id)).to.have.length(0);
    expect((await get('/api/notifications/summary', partner.member.token)).body.unread).to.equal(1);
  });

  it('pages newest first with a cursor; refuses bad queries and bodies with 400, strangers with 401', async () => {
    const a = await createAssessment(owner.analyst, { sharing: { scope: 'selected', organisations: [partner.organisation.id] } }, true);
    const b = await createAssessment(owner.analyst, { sharing: { scope: 'selected', organisations: [partner.organisation.id] } }, true);
    await eventually(
      () => list(partner.admin.token),
      (items) => items.some((n) => n.subject.id === b.id),
    );
    const page1 = await get('/api/notifications?limit=1', partner.admin.token);
    expect(page1.body.items.map((n: Item) => n.subject.id)).to.deep.equal([b.id]);
    const page2 = await get(`/api/notifications?limit=1&cursor=${page1.body.nextCursor}`, partner.admin.token);
    expect(page2.body.items.map((n: Item) => n.subject.id)).to.deep.equal([a.id]);
    for (const query of ['?limit=0', '?limit=101', '?unread=yes', '?cursor=garbage', '?other=1']) {
      expect((await get(`/api/notifications${query}`, partner.admin.token)).status, query).to.equal(400);
    }
    for (const body of [{}, { ids: [] }, { all: false }, { ids: 'x' }, { ids: ['x'], all: true }, { ids: [{ $gt: '' }] }]) {
      expect((await post('/api/notifications/read', body, partner.admin.token)).status, JSON.stringify(body)).to.equal(400);
    }
    expect((await post('/api/notifications/read', { ids: ['nonsense', '1.000000000000000000000000'] }, partner.admin.token)).status).to.equal(204);
    for (const body of [{ countries: ['XXX'] }, { countries: ['sdn'] }, { countries: 'SDN' }, { countries: Array(51).fill('SDN') }, {}]) {
      expect((await put('/api/me/watch', body, partner.admin.token)).status, JSON.stringify(body)).to.equal(400);
    }
    expect((await get('/api/notifications')).status).to.equal(401);
    expect((await get('/api/notifications/summary')).status).to.equal(401);
    expect((await get('/api/me/watch')).status).to.equal(401);
  });

  it('live lists: *.changed reaches members of the audience, not outsiders', async () => {
    const [partnerSocket, strangerSocket, ownerSocket] = await Promise.all([
      connectSocket(partner.member.token),
      connectSocket(stranger.member.token),
      connectSocket(owner.member.token),
    ]);
    const [partnerSeen, strangerSeen, ownerSeen] = [record(partnerSocket), record(strangerSocket), record(ownerSocket)];
    const draft = await createAssessment(owner.analyst, { sharing: { scope: 'selected', organisations: [partner.organisation.id] } });
    await until(ownerSeen, changed('assessment.changed', draft.id));
    const published = await post(`/api/assessments/${draft.id}/publish`, {}, owner.analyst.token);
    await until(partnerSeen, changed('assessment.changed', draft.id));
    // A draft revision changes nothing the partner reads: only the owner's lists hear of it.
    const count = (seen: SeenEvent[]) => seen.filter((e) => e.name === 'assessment.changed' && (e.payload as { id: string }).id === draft.id).length;
    const [heardBefore, ownerBefore] = [count(partnerSeen), count(ownerSeen)];
    expect((await patch(`/api/assessments/${draft.id}`, { version: published.body.version, title: 'Drafting again' }, owner.analyst.token)).status).to.equal(
      200,
    );
    await until(ownerSeen, (seen) => count(seen) > ownerBefore);
    // A room with the stranger's organisation: its marker comes after, in order, so the assessment never reached it.
    const room = await post('/api/rooms', { name: 'Marker', organisations: [stranger.organisation.id] }, owner.analyst.token);
    await until(strangerSeen, changed('room.changed', room.body.id));
    expect(strangerSeen.some((e) => e.name === 'assessment.changed')).to.equal(false);
    expect(count(partnerSeen), 'the partner heard of the draft revision').to.equal(heardBefore);
    expect(partnerSeen.some((e) => e.name === 'room.changed')).to.equal(false);
    const added = await eventually(
      () => list(stranger.member.token),
      (items) => about(items, 'room.added', room.body.id).length === 1,
    );
    expect(about(added, 'room.added', room.body.id)[0]).to.have.property('roomId', room.body.id);
  });

  it('room:activity: members away from the room hear a burst once or twice, with its last seq; the room itself and outsiders do not', async () => {
    const room = await post('/api/rooms', { name: 'Activity', organisations: [partner.organisation.id] }, owner.analyst.token);
    const roomId = room.body.id as string;
    const [partnerSocket, strangerSocket, inRoomSocket] = await Promise.all([
      connectSocket(partner.member.token),
      connectSocket(stranger.member.token),
      connectSocket(owner.member.token),
    ]);
    expect(await ask(inRoomSocket, 'room:join', roomId)).to.have.property('ok', true);
    const [partnerSeen, strangerSeen, inRoomSeen] = [record(partnerSocket), record(strangerSocket), record(inRoomSocket)];
    for (let i = 1; i <= 5; i++) expect((await post(`/api/rooms/${roomId}/messages`, { body: `update ${i}` }, owner.analyst.token)).status).to.equal(201);
    const activity = (seen: SeenEvent[]) => seen.filter((e) => e.name === 'room:activity').map((e) => e.payload as { roomId: string; lastSeq: number });
    await until(partnerSeen, (seen) => activity(seen).some((a) => a.roomId === roomId && a.lastSeq === 5));
    await until(inRoomSeen, (seen) => seen.filter((e) => e.name === 'message:new').length === 5);
    expect(activity(partnerSeen).length, 'one at once, one at the end of the window').to.be.at.most(2);
    expect(activity(strangerSeen)).to.deep.equal([]);
    expect(activity(inRoomSeen), 'a socket in the room gets the messages themselves').to.deep.equal([]);
    const summary = await get<{ rooms: { roomId: string; unread: number; lastSeq?: number }[] }>('/api/notifications/summary', partner.member.token);
    expect(summary.body.rooms.find((r) => r.roomId === roomId)).to.deep.include({ unread: 5, lastSeq: 5 });
  });

  it('risk.escalation reaches watchers (not the actor) above the previous reading, and at 4', async () => {
    const watcher = partner.analyst;
    expect((await put('/api/me/watch', { countries: ['SDN', 'TCD', 'SDN'] }, watcher.token)).body).to.deep.equal({ countries: ['SDN', 'TCD'] });
    expect((await get('/api/me/watch', watcher.token)).body).to.deep.equal({ countries: ['SDN', 'TCD'] });
    expect((await put('/api/me/watch', { countries: ['SDN'] }, owner.analyst.token)).status).to.equal(200);
    const publish = (overallRisk: number) =>
      createAssessment(owner.analyst, { country: 'SDN', overallRisk, sharing: { scope: 'all', organisations: [] } }, true);
    const low = await publish(2);
    const higher = await publish(3);
    const same = await publish(3);
    const top = await publish(4);
    const topAgain = await publish(4);
    const escalations = (items: Item[]) => items.filter((n) => n.type === 'risk.escalation').map((n) => n.subject.id);
    const got = await eventually(
      () => list(watcher.token),
      (items) => escalations(items).includes(topAgain.id),
    );
    expect(escalations(got)).to.deep.equal([topAgain.id, top.id, higher.id]);
    expect([low.id, same.id].some((id) => escalations(got).includes(id))).to.equal(false);
    expect(escalations(await list(owner.analyst.token)), 'never the actor').to.deep.equal([]);
    expect(escalations(await list(partner.member.token)), 'only watchers').to.deep.equal([]);
  });
});
