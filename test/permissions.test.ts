import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { type ErrorCode } from '../shared/errors.js';
import { ask } from './helpers/ask.js';
import { createUser } from './helpers/factories.js';
import { closeSockets, connectError, connectSocket, record, type ClientSocket, type SeenEvent } from './helpers/sockets.js';
import { declaredClientEvents, mountedApiRoutes } from './permissions/mounted.js';
import type { Verdict } from './permissions/model.js';
import { snapshot } from './permissions/snapshot.js';
import { HTTP_ROWS, SOCKET_ROWS, type Cell, type HttpRow, type Lookup, type SocketRow } from './permissions/table.js';
import { ACTORS, buildWorld, SIGNED_IN, type Actor, type ActorKey, type Built, type RoomSpec, type World } from './permissions/world.js';

// The permission matrix (issue 7): every route and client event × every caller × every relation to
// the subject, from one table (test/permissions/table.ts) whose expectations come from the contract's
// rules (test/permissions/model.ts). Cells of a row run in parallel; rows one after another.

const PARALLEL = 16;
const STATUS_OF: Record<Verdict, number> = { ok: 0, forbidden: 403, hidden: 404 };
const CODE_OF: Record<number, ErrorCode> = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' };
const newTag = () => `t${randomBytes(6).toString('hex')}`;

/** Runs `work` over `items`, `limit` at a time. */
async function inBatches<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

interface Planned<S> {
  actor: Actor;
  subject: Built<S>;
  name: string;
  /** The contract's answer for a signed-in caller; null for callers whose token must not count. */
  verdict: Verdict | null;
}

function plan<S>(
  world: World,
  subjects: { all: (w: World) => Built<S>[]; relation: (a: Actor, s: S) => string },
  verdict: (a: Actor, s: S) => Verdict,
  what: string,
): Planned<S>[] {
  return ACTORS.flatMap((key) =>
    subjects.all(world).map((subject) => {
      const actor = world.actors[key];
      const signedIn = actor.org !== null;
      const about =
        subject.spec === null ? '' : ` on ${subject.name.replace(/^Matrix \S+ /, '')}${signedIn ? ` (${subjects.relation(actor, subject.spec)})` : ''}`;
      return { actor, subject, name: `${what} as ${key}${about}`, verdict: signedIn ? verdict(actor, subject.spec) : null };
    }),
  );
}

const describeAnswer = (status: number, body: unknown) => `${status} ${JSON.stringify(body).slice(0, 160)}`;

describe('permission matrix (issues 7, 12)', function () {
  this.timeout(120_000);
  let world: World;
  let untouched: Record<string, unknown>;
  const sockets = new Map<ActorKey, ClientSocket>();
  const landings: { name: string; expected: boolean; probe: (lookup: Lookup) => Promise<boolean> }[] = [];

  before(async () => {
    world = await buildWorld();
    for (const key of SIGNED_IN) sockets.set(key, await connectSocket(world.actors[key].token!));
    untouched = await snapshot(world);
  });
  after(closeSockets);

  it('has a row for every route the app mounts and every event shared/events.ts declares, and none for anything else', async () => {
    // A row may name the body field it is about after the route: `PATCH /api/organisations/:id {requireMfa}`.
    const rows = HTTP_ROWS.map((r) => r.route.replace(/ \{\w+\}$/, '')).sort();
    const mounted = await mountedApiRoutes();
    expect(
      mounted.filter((r) => !rows.includes(r)),
      'mounted routes without a row in test/permissions/table.ts',
    ).to.deep.equal([]);
    expect(
      rows.filter((r) => !mounted.includes(r)),
      'rows for routes the app does not mount',
    ).to.deep.equal([]);
    const events = SOCKET_ROWS.map((r) => r.event).sort();
    const declared = declaredClientEvents();
    expect(
      declared.filter((e) => !events.includes(e)),
      'client events without a row',
    ).to.deep.equal([]);
    expect(
      events.filter((e) => !declared.includes(e)),
      'rows for events shared/events.ts does not declare',
    ).to.deep.equal([]);
  });

  describe('HTTP', () => {
    for (const row of HTTP_ROWS) {
      const title = row.variant ? `${row.route} (${row.variant})` : row.route;
      it(title, async () => {
        const failures: string[] = [];
        await inBatches(plan(world, row.subjects, row.verdict, title), PARALLEL, async (p) => {
          const failure = await runHttpCell(row, p);
          if (failure) failures.push(failure);
        });
        expect(failures, `${failures.length} cells answered otherwise than the contract`).to.deep.equal([]);
      });
    }
  });

  async function runHttpCell(row: HttpRow, p: Planned<unknown>): Promise<string | null> {
    const expectOk = row.open === true || p.verdict === 'ok';
    const expected = expectOk ? row.ok : p.verdict === null ? 401 : STATUS_OF[p.verdict];
    const subject = expectOk && row.writes && row.subjects.copy ? await row.subjects.copy(world, p.subject) : p.subject;
    const cell: Cell<unknown> = { world, actor: p.actor, subject, tag: newTag(), expectOk };
    const res = await row.send(cell);
    if (row.landed) landings.push({ name: p.name, expected: expectOk, probe: (lookup) => row.landed!(cell, lookup) });
    if (res.status !== expected) return `${p.name}: expected ${expected}, got ${describeAnswer(res.status, res.body)}`;
    if (!expectOk) {
      const code = CODE_OF[expected]!;
      const error = (res.body as { error?: { code?: string; message?: unknown } }).error;
      if (error?.code !== code || typeof error.message !== 'string')
        return `${p.name}: expected {error: {code: ${code}, message}}, got ${describeAnswer(res.status, res.body)}`;
    }
    const shown = expectOk && p.actor.org !== null ? row.inspect?.(cell, res.body) : null;
    if (shown) return `${p.name}: ${shown}`;
    if (expectOk && row.lists && p.actor.org !== null) {
      const listed = row.lists.ids(res.body).includes(subject.id);
      const visible = row.lists.visible(p.actor, subject.spec);
      if (listed !== visible) return `${p.name}: the list ${listed ? 'shows' : 'lacks'} it, but it is ${visible ? '' : 'not '}visible to the caller`;
    }
    return null;
  }

  describe('socket.io', () => {
    for (const row of SOCKET_ROWS) {
      it(row.event, async () => {
        const failures: string[] = [];
        await inBatches(plan(world, row.subjects, row.verdict, row.event), PARALLEL, async (p) => {
          const failure = await runSocketCell(row, p);
          if (failure) failures.push(failure);
        });
        expect(failures, `${failures.length} cells answered otherwise than the contract`).to.deep.equal([]);
      });
    }
  });

  async function runSocketCell(row: SocketRow, p: Planned<unknown>): Promise<string | null> {
    if (p.verdict === null) {
      const auth = p.actor.token === undefined ? {} : { token: p.actor.token };
      const refused = await connectError(auth).catch((error: Error) => error);
      return refused.message === 'unauthenticated' ? null : `${p.name}: the connection was not refused as unauthenticated (${refused.message})`;
    }
    const socket = sockets.get(p.actor.key)!;
    const expectOk = p.verdict === 'ok';
    const subject = expectOk && row.writes && row.subjects.copy ? await row.subjects.copy(world, p.subject) : p.subject;
    const cell: Cell<unknown> = { world, actor: p.actor, subject, tag: newTag(), expectOk };
    if (!row.acknowledged) return typingCell(socket, cell as Cell<RoomSpec>, row.payload(cell), p);
    const answer = await ask(socket, row.event, row.payload(cell));
    if (expectOk) return answer.ok ? null : `${p.name}: expected {ok: true}, got ${JSON.stringify(answer)}`;
    const code = p.verdict === 'forbidden' ? 'forbidden' : 'not_found';
    return !answer.ok && answer.error.code === code ? null : `${p.name}: expected ${code}, got ${JSON.stringify(answer)}`;
  }

  /**
   * `typing` has no acknowledgement: the caller joins (when it may), says it is typing, then a round
   * trip on its socket and one on an observer's prove the hub handled it and delivered what it would.
   */
  async function typingCell(socket: ClientSocket, cell: Cell<RoomSpec>, payload: unknown, p: Planned<unknown>): Promise<string | null> {
    const room = cell.subject;
    const observerKey = `${room.spec.creator}.${room.spec.creator === 'O' || room.spec.creator === 'A' ? 'observer' : 'admin'}`;
    const observer = observers.get(room.id)!;
    await ask(socket, 'room:join', room.id);
    (socket.emit as unknown as (e: string, p: unknown) => void)('typing', payload);
    await ask(socket, 'room:history', { roomId: room.id, afterSeq: 0, limit: 1 });
    await ask(observer.socket, 'room:history', { roomId: room.id, afterSeq: 0, limit: 1 });
    const relayed = observer.seen.some((e) => e.name === 'typing' && (e.payload as { user?: { id?: string } }).user?.id === p.actor.user!.id);
    const expected = p.verdict === 'ok';
    return relayed === expected ? null : `${p.name}: typing was ${relayed ? '' : 'not '}relayed to ${observerKey}`;
  }

  const observers = new Map<string, { socket: ClientSocket; seen: SeenEvent[] }>();
  before(async () => {
    // One observer per room: a member who is not a caller of the matrix (A's and the Office's are fresh users).
    for (const room of world.rooms) {
      const org = room.spec.creator;
      const user = org === 'O' || org === 'A' ? await createUser(world.orgIds[org], 'member') : world.users[`${org}.admin`]!;
      const socket = await connectSocket(user.token);
      const seen = record(socket);
      const joined = await ask(socket, 'room:join', room.id);
      expect(joined.ok, `observer joins ${room.spec.key}`).to.equal(true);
      observers.set(room.id, { socket, seen });
    }
  });

  describe('afterwards', () => {
    it('refused writes changed nothing, and every write landed exactly when it was allowed', async () => {
      const now = await snapshot(world);
      const changed = Object.keys(untouched)
        .filter((key) => JSON.stringify(now[key]) !== JSON.stringify(untouched[key]))
        .map((key) => `${key}: was ${JSON.stringify(untouched[key])}, now ${JSON.stringify(now[key])}`);
      expect(changed, 'fixtures changed by refused writes').to.deep.equal([]);
      const cache = new Map<string, Promise<unknown[]>>();
      const lookup: Lookup = (key, read) => {
        if (!cache.has(key)) cache.set(key, read());
        return cache.get(key)!;
      };
      const wrong: string[] = [];
      await inBatches(landings, PARALLEL, async (l) => {
        if ((await l.probe(lookup)) !== l.expected) wrong.push(`${l.name}: ${l.expected ? 'did not store' : 'stored'} its write`);
      });
      expect(wrong).to.deep.equal([]);
    });
  });
});
