import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { AttemptClaimModel, DeliveryModel } from '../server/models/webhook.js';
import { isPrivateAddress, refuseUrl, resolveTarget } from '../server/services/webhooks/target.js';
import { post as postHook } from '../server/services/webhooks/sender.js';
import { createAssessment, createTenant } from './helpers/factories.js';
import { del, get, post } from './helpers/http.js';

// §14: signed webhooks, posted to a real receiver on loopback (the test hub runs with HUB_WEBHOOK_ALLOW_PRIVATE=1).

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on loopback that answers `statuses` in turn (then 200) and keeps what it got. */
async function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const verify = (secret: string, r: Received) => {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`);
  const given = Buffer.from(String(r.headers['x-hub-signature-256']));
  return expected.length === given.length && timingSafeEqual(expected, given);
};

async function until<T>(probe: () => T | Promise<T>, ms = 8000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('webhooks (§14)', function () {
  this.timeout(30_000);
  const secret = 'a-webhook-secret-0123456789';

  it('posts each listed notification for the organisation once, signed, content-free, retried after a failure', async () => {
    const hook = await receiver([500]);
    try {
      const author = await createTenant();
      const partner = await createTenant();
      const made = await post(
        `/api/organisations/${partner.organisation.id}/webhooks`,
        { url: hook.url, events: ['assessment.shared'], secret },
        partner.admin.token,
      );
      expect(made.status).to.equal(201);
      expect(JSON.stringify(made.body)).to.not.include(secret);
      const title = 'Confidential title never posted';
      await createAssessment(author.analyst, { title, sharing: { scope: 'selected', organisations: [partner.organisation.id] } }, true);

      await until(() => hook.received.length >= 2);
      const [first, second] = hook.received as [Received, Received];
      expect(first.headers['x-hub-delivery']).to.be.a('string').and.equal(second.headers['x-hub-delivery']);
      expect(verify(secret, first) && verify(secret, second)).to.equal(true);
      expect(first.body).to.equal(second.body);
      const event = JSON.parse(first.body) as Record<string, unknown>;
      expect(Object.keys(event).sort()).to.deep.equal(['createdAt', 'id', 'subject', 'type']);
      expect(event.type).to.equal('assessment.shared');
      expect(event.subject).to.include({ kind: 'assessment', title: null });
      expect(first.body).to.not.include(title);

      const log = await until(async () => {
        const answer = await get(`/api/webhooks/${made.body.id}/deliveries`, partner.admin.token);
        return answer.body.items[0]?.status === 'delivered' ? answer : null;
      });
      expect(log.body.items).to.have.length(1);
      expect(log.body.items[0].attempts.map((a: { status: number }) => a.status)).to.deep.equal([500, 200]);
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(hook.received, 'one delivery per event and webhook').to.have.length(2);
      expect((await get(`/api/webhooks/${made.body.id}/deliveries`, author.admin.token)).status).to.equal(404);
      expect((await get(`/api/webhooks/${made.body.id}/deliveries`, partner.member.token)).status).to.equal(403);

      const test = await post(`/api/webhooks/${made.body.id}/test`, undefined, partner.admin.token);
      expect(test.status).to.equal(202);
      await until(() => hook.received.length >= 3);
      expect(JSON.parse(hook.received[2]!.body).type).to.equal('webhook.test');
      expect(verify(secret, hook.received[2]!)).to.equal(true);

      expect((await del(`/api/webhooks/${made.body.id}`, partner.admin.token)).status).to.equal(204);
      expect((await get(`/api/organisations/${partner.organisation.id}/webhooks`, partner.admin.token)).body.items).to.deep.equal([]);
    } finally {
      await hook.close();
    }
  });

  it('retries a delivery whose attempt was claimed by a process that stopped before recording it', async () => {
    const hook = await receiver();
    try {
      const { organisation, admin } = await createTenant();
      const made = await post(`/api/organisations/${organisation.id}/webhooks`, { url: hook.url, events: ['action.due'], secret }, admin.token);
      expect(made.status).to.equal(201);
      // A delivery whose first attempt a crashed process claimed two minutes ago and never recorded.
      const id = `${made.body.id}:lost-event`;
      const body = JSON.stringify({ id: 'lost-event', type: 'action.due', createdAt: new Date().toISOString(), subject: null });
      await AttemptClaimModel.create({ _id: `${id}#1`, at: new Date(Date.now() - 120_000) });
      await DeliveryModel.create({
        _id: id,
        webhookId: made.body.id,
        eventId: 'lost-event',
        type: 'action.due',
        body,
        status: 'pending',
        nextAttemptAt: new Date(),
        giveUpAt: new Date(Date.now() + 3600_000),
      });
      await until(() => hook.received.length >= 1);
      expect(hook.received[0]!.body).to.equal(body);
      expect(verify(secret, hook.received[0]!)).to.equal(true);
      const log = await until(async () => {
        const answer = await get(`/api/webhooks/${made.body.id}/deliveries`, admin.token);
        return answer.body.items[0]?.status === 'delivered' ? answer : null;
      });
      expect(log.body.items[0].attempts.map((a: { status: number | null }) => a.status)).to.deep.equal([null, 200]);
    } finally {
      await hook.close();
    }
  });

  it('refuses bad input (400), other organisations (404) and non-admins (403)', async () => {
    const { organisation, admin, analyst } = await createTenant();
    const other = await createTenant();
    const path = `/api/organisations/${organisation.id}/webhooks`;
    const good = { url: 'https://partner.example.org/hook', events: ['action.due'], secret };
    expect((await post(path, { ...good, url: 'ftp://x.example.org/' }, admin.token)).status).to.equal(400);
    expect((await post(path, { ...good, events: ['no.such'] }, admin.token)).status).to.equal(400);
    expect((await post(path, { ...good, events: [] }, admin.token)).status).to.equal(400);
    expect((await post(path, { ...good, secret: 'short' }, admin.token)).status).to.equal(400);
    expect((await post(path, { ...good, extra: 1 }, admin.token)).status).to.equal(400);
    expect((await post(path, good, analyst.token)).status).to.equal(403);
    expect((await post(path, good, other.admin.token)).status).to.equal(404);
    expect((await post(path, good, admin.token)).status).to.equal(201);
  });

  it('never reaches private, loopback or link-local addresses unless allowed, checked after DNS resolution', async () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:a9fe:a9fe',
      '64:ff9b::a9fe:a9fe',
    ]) {
      expect(isPrivateAddress(address), address).to.equal(true);
    }
    for (const address of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34'])
      expect(isPrivateAddress(address), address).to.equal(false);
    expect(refuseUrl(new URL('http://partner.example.org/'), false)).to.match(/https/);
    expect(refuseUrl(new URL('https://[::ffff:127.0.0.1]/'), false)).to.match(/private/);
    expect(refuseUrl(new URL('https://localhost/'), false)).to.match(/private/);
    expect(refuseUrl(new URL('http://127.0.0.1:9/'), true)).to.equal(null);
    let refused = false;
    await resolveTarget('localhost', false).catch(() => (refused = true));
    expect(refused, 'a name resolving to loopback').to.equal(true);
    const attempt = await postHook('https://127.0.0.1:9/hook', '{}', { secret, deliveryId: 'd', event: 'e' }, false);
    expect(attempt.status).to.equal(null);
    expect(attempt.error).to.match(/private/);
  });
});
