import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';
import { domainEvents } from '../server/events.js';
import { Organisation } from '../server/models/organisation.js';
import { Session } from '../server/models/session.js';
import { User } from '../server/models/user.js';
import { sweepSessions } from '../server/realtime/sessionSweep.js';
import { asOfficeAdmin, createOrganisation, createTenant, createUser, login, type TestUser } from './helpers/factories.js';
import { baseUrl, testConfig, testDomain, testIo } from './helpers/hub.js';
import { patch, post } from './helpers/http.js';
import { closeSockets, connectError, connectSocket, record, untilSeen, type SeenEvent } from './helpers/sockets.js';

/** A token with the claims of `real` (a genuine access token), re-signed as `sign` says. */
function resign(real: string, payload: jwt.JwtPayload = {}, secret = testConfig().jwtSecret): string {
  const { iat: _iat, exp: _exp, ...claims } = jwt.decode(real) as jwt.JwtPayload;
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign({ ...claims, iat: now, exp: now + 600, ...payload }, secret, { algorithm: 'HS256' });
}

/** The same claims with `alg: none` and no signature. */
function unsigned(real: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(jwt.decode(real) as object)}.`;
}

const names = (seen: SeenEvent[]) => seen.map((e) => e.name);

/** A stored notification as the worker hands it to the sockets (§11), told apart by its id. */
const stored = (id: string) => ({
  id,
  type: 'room.added' as const,
  createdAt: '2026-01-01T00:00:00.000Z',
  readAt: null,
  actor: null,
  subject: { kind: 'room' as const, id: 'r1', country: null, title: 'Room', classification: null },
});

/** One signed-in member of a new organisation. */
const oneUser = async () => createUser((await createOrganisation()).id, 'member');

describe('real time: socket.io base (§8)', () => {
  afterEach(() => closeSockets());

  describe('handshake', () => {
    it('connects with a valid access token', async () => {
      const member = await oneUser();
      const socket = await connectSocket(member.token);
      expect(socket.connected).to.equal(true);
    });

    it('connects over HTTP long-polling too (what a browser tries first), with the same check', async () => {
      const member = await oneUser();
      const socket = io(baseUrl(), { auth: { token: member.token }, transports: ['polling'], reconnection: false, forceNew: true });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        expect(socket.io.engine.transport.name).to.equal('polling');
      } finally {
        socket.close();
      }
    });

    it('sends no CORS headers to another origin (same origin only)', async () => {
      const res = await fetch(`${baseUrl()}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'https://elsewhere.example' } });
      expect(res.headers.get('access-control-allow-origin')).to.equal(null);
      expect(res.headers.get('access-control-allow-credentials')).to.equal(null);
    });

    it('does not serve the client bundle', async () => {
      const res = await fetch(`${baseUrl()}/socket.io/socket.io.js`);
      expect(res.status).to.not.equal(200);
    });

    const refusals: [string, (token: string) => Record<string, unknown>][] = [
      ['no auth at all', () => ({})],
      ['an empty token', () => ({ token: '' })],
      ['a token that is not a string', () => ({ token: 42 })],
      ['garbage', () => ({ token: 'not-a-jwt' })],
      ['a token signed with another secret', (t) => ({ token: resign(t, {}, 'another-secret-another-secret-another-secret') })],
      ['a token with alg none', (t) => ({ token: unsigned(t) })],
      ['an expired token', (t) => ({ token: resign(t, { iat: Math.floor(Date.now() / 1000) - 1200, exp: Math.floor(Date.now() / 1000) - 60 }) })],
      ['a token older than 15 minutes', (t) => ({ token: resign(t, { iat: Math.floor(Date.now() / 1000) - 16 * 60 }) })],
      ['a token of another type', (t) => ({ token: resign(t, { typ: 'refresh' }) })],
      ['a token for another audience', (t) => ({ token: resign(t, { aud: 'someone-else' }) })],
      ['a token for an unknown session', (t) => ({ token: resign(t, { sid: '0123456789abcdef01234567' }) })],
    ];
    describe('refusals', () => {
      // The refusals only read one signed-in user, so they share it.
      let user: TestUser;
      before(async () => {
        user = await oneUser();
      });

      it('accepts its token re-signed with the hub secret (the control for the refusals)', async () => {
        await connectSocket(resign(user.token));
      });

      for (const [what, auth] of refusals) {
        it(`refuses ${what} with connect_error "unauthenticated"`, async () => {
          const error = await connectError(auth(user.token));
          expect(error.message).to.equal('unauthenticated');
          expect(error.data).to.deep.include({ code: 'unauthenticated' });
        });
      }

      it('refuses a refresh token presented as the access token', async () => {
        expect((await connectError({ token: user.refreshToken })).message).to.equal('unauthenticated');
      });
    });
  });

  describe('notifications', () => {
    it("reach the named user's sockets and nobody else's", async () => {
      const a = await createTenant();
      const b = await createTenant();
      const [aMember, aAdmin, bMember] = await Promise.all([connectSocket(a.member.token), connectSocket(a.admin.token), connectSocket(b.member.token)]);
      const seen = { aMember: record(aMember), aAdmin: record(aAdmin), bMember: record(bMember) };

      domainEvents.publish('notification', { userId: a.member.id, notification: stored('x1') });
      // Emissions are written in publication order, so B seeing the marker first proves it never got A's.
      domainEvents.publish('notification', { userId: b.member.id, notification: stored('marker') });
      domainEvents.publish('notification', { userId: a.admin.id, notification: stored('x2') });

      await untilSeen(seen.aMember, 'notification');
      await untilSeen(seen.aAdmin, 'notification');
      await untilSeen(seen.bMember, 'notification');
      expect(seen.aMember).to.deep.equal([{ name: 'notification', payload: stored('x1') }]);
      expect(seen.aAdmin).to.deep.equal([{ name: 'notification', payload: stored('x2') }]);
      expect(seen.bMember).to.deep.equal([{ name: 'notification', payload: stored('marker') }]);
    });
  });

  describe('ended sessions', () => {
    it('a deactivated user gets session:revoked, then is disconnected, and cannot connect again', async () => {
      const organisation = await createOrganisation();
      const user = await createUser(organisation.id, 'member');
      const colleague = await createUser(organisation.id, 'member');
      const [socket, other] = await Promise.all([connectSocket(user.token), connectSocket(colleague.token)]);
      const seen = record(socket);
      const seenByOther = record(other);

      const admin = await asOfficeAdmin();
      expect((await patch(`/api/users/${user.id}`, { active: false }, admin.token)).status).to.equal(200);

      await untilSeen(seen, 'disconnect');
      expect(names(seen)).to.deep.equal(['session:revoked', 'disconnect']);
      expect(seen[0]!.payload).to.have.property('reason').that.is.a('string');
      expect(seen[1]!.payload).to.equal('io server disconnect'); // a server-side cut: the client does not reconnect by itself
      expect(socket.connected).to.equal(false);
      expect((await connectError({ token: user.token })).message).to.equal('unauthenticated');
      expect(other.connected).to.equal(true);
      expect(seenByOther).to.deep.equal([]);
    });

    it('a session, user or organisation ended without a notice reaching this process (Redis away) is cut by the next sweep; live ones stay, renewed', async () => {
      const [organisation, closing] = await Promise.all([createOrganisation(), createOrganisation()]);
      const [user, colleague, leaving, closed] = await Promise.all([
        createUser(organisation.id, 'member'),
        createUser(organisation.id, 'member'),
        createUser(organisation.id, 'member'),
        createUser(closing.id, 'member'),
      ]);
      const sockets = await Promise.all([user, colleague, leaving, closed].map((u) => connectSocket(u.token)));
      const seen = sockets.map(record);
      // Straight into the database: no domain event, as when the process that ended it could not tell this one.
      const sessionOf = (u: TestUser) => (jwt.decode(u.token) as { sid: string }).sid;
      await Session.updateOne({ _id: sessionOf(user) }, { $set: { revokedAt: new Date(), revokedReason: 'test' } });
      await User.updateOne({ _id: leaving.id }, { $set: { active: false } });
      await Organisation.updateOne({ _id: closed.organisationId }, { $set: { active: false } });
      await User.updateOne({ _id: colleague.id }, { $set: { role: 'analyst' } });
      expect(sockets.every((s) => s.connected)).to.equal(true);
      expect(await sweepSessions(testIo(), testDomain().principals)).to.equal(3);
      for (const i of [0, 2, 3]) {
        await untilSeen(seen[i]!, 'disconnect');
        expect(names(seen[i]!)).to.deep.equal(['session:revoked', 'disconnect']);
      }
      expect(sockets[1]!.connected).to.equal(true);
      // The colleague's socket works with the principal the sweep read: the new role, without a read of its own.
      const kept = await testDomain().principals.cached({ sub: colleague.id, sid: sessionOf(colleague) }, 45_000);
      expect(kept?.user.role).to.equal('analyst');
    });

    it('a password change cuts the sockets of the other sessions and keeps the one that changed it', async () => {
      const organisation = await createOrganisation();
      const user = await createUser(organisation.id, 'analyst');
      const sessionA = await login(user.email, user.password);
      const sessionB = await login(user.email, user.password);
      const [socketA, socketB, socketOld] = await Promise.all([
        connectSocket(sessionA.accessToken),
        connectSocket(sessionB.accessToken),
        connectSocket(user.token),
      ]);
      const seen = { a: record(socketA), b: record(socketB), old: record(socketOld) };

      const res = await post('/api/me/password', { currentPassword: user.password, newPassword: `${user.password}-changed` }, sessionA.accessToken);
      expect(res.status).to.equal(204);

      await untilSeen(seen.b, 'disconnect');
      await untilSeen(seen.old, 'disconnect');
      expect(names(seen.b)).to.deep.equal(['session:revoked', 'disconnect']);
      expect(names(seen.old)).to.deep.equal(['session:revoked', 'disconnect']);
      // Session A is still connected and still addressed.
      domainEvents.publish('notification', { userId: user.id, notification: stored('after') });
      await untilSeen(seen.a, 'notification');
      expect(names(seen.a)).to.deep.equal(['notification']);
      expect(socketA.connected).to.equal(true);
      expect((await connectError({ token: sessionB.accessToken })).message).to.equal('unauthenticated');
      await connectSocket(sessionA.accessToken);
    });

    it('a logout cuts the sockets of that session only', async () => {
      const organisation = await createOrganisation();
      const user = await createUser(organisation.id, 'member');
      const other = await login(user.email, user.password);
      const [mine, theirs] = await Promise.all([connectSocket(user.token), connectSocket(other.accessToken)]);
      const seen = { mine: record(mine), theirs: record(theirs) };

      expect((await post('/api/auth/logout', { refreshToken: other.refreshToken })).status).to.equal(204);

      await untilSeen(seen.theirs, 'disconnect');
      expect(names(seen.theirs)).to.deep.equal(['session:revoked', 'disconnect']);
      domainEvents.publish('notification', { userId: user.id, notification: stored('after') });
      await untilSeen(seen.mine, 'notification');
      expect(names(seen.mine)).to.deep.equal(['notification']);
    });
  });
});
