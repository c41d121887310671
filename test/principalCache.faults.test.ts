import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { ask, errorCode } from './helpers/ask.js';
import { startFaultyRedis, type FaultyService } from './helpers/faults.js';
import { createOrganisationAt, requestAt, signInAt, startHubPair, urlOf, type HubPair } from './helpers/hubPair.js';
import { closeSockets, connectSocket } from './helpers/sockets.js';

// Sockets keep their principal up to 30 s because every change drops it at once through Redis. When Redis
// freezes (connections open, nothing delivered), that notice never arrives: each process must notice it
// hears nothing (its own heartbeat stops coming back) and read the principal from the database again.
describe('principal cache while Redis is frozen (REDIS_URL)', function () {
  this.timeout(120_000);
  let redis: FaultyService | undefined;
  let pair: HubPair | undefined;

  before(async () => {
    redis = await startFaultyRedis();
    pair = await startHubPair(redis.url);
  });
  after(async () => {
    closeSockets();
    redis?.thaw();
    await pair?.stop();
    await redis?.stop();
  });

  it('a session ended through A while Redis is frozen: B refuses its socket within seconds, not 30 s', async () => {
    const { a, b } = pair!;
    const admin = (await signInAt(a)).accessToken;
    const organisationId = await createOrganisationAt(a, admin);
    const email = `frozen-${randomBytes(4).toString('hex')}@hub.test`;
    const password = `password-${randomBytes(4).toString('hex')}-long`;
    expect(
      (await requestAt(a, 'POST', `/api/organisations/${organisationId}/users`, { email, name: 'Frozen', role: 'member', password }, admin)).status,
    ).to.equal(201);
    const session = await requestAt<{ accessToken: string; refreshToken: string }>(a, 'POST', '/api/auth/login', { email, password });
    expect(session.status).to.equal(200);

    const onB = await connectSocket(session.body.accessToken, urlOf(b));
    const probe = () => ask(onB, 'room:join', randomBytes(12).toString('hex'), 15_000);
    // B now keeps the principal (a room it cannot see: 404, not 401).
    expect(errorCode(await probe())).to.equal('not_found');

    redis!.freeze();
    const logout = await requestAt(a, 'POST', '/api/auth/logout', { refreshToken: session.body.refreshToken });
    expect(logout.status).to.equal(204);
    // Neither the notice nor the socket's disconnect reaches B; B stops trusting its copy after 3 s of silence.
    await sleep(4_000);
    // Refused: an `unauthenticated` answer, or the socket cut (the server disconnects an ended session's socket).
    const cut = new Promise<'cut'>((resolve) => {
      if (!onB.connected) resolve('cut');
      onB.once('disconnect', () => resolve('cut'));
    });
    const answer = await Promise.race([probe().then((a) => errorCode(a) ?? 'ok'), cut]);
    expect(answer).to.be.oneOf(['unauthenticated', 'cut']);
  });
});
