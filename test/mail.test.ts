import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import type { Notification, NotificationType, SubjectKind } from '../shared/schemas/notifications.js';
import { createRepositories } from '../server/repositories/index.js';
import { loadConfig } from '../config/index.js';
import { createDomain } from '../server/domain.js';
import { createMailer, startMailer, type Mailer } from '../server/services/mail/index.js';
import { smtpTransport } from '../server/services/mail/transport.js';
import { testEnv } from './helpers/hub.js';
import { asOfficeAdmin, createAssessment, createOrganisation, createUser, type Org, type TestUser } from './helpers/factories.js';
import { get, patch, post } from './helpers/http.js';
import { startMailpit, type Mailpit } from './helpers/mailpit.js';

const PUBLIC_URL = 'https://hub.example.org';
const SECRET = 'Mass graves near El Geneina';

/** The stored notifications as the notif-core repository will answer: every one unread until the test reads it. */
class FakeNotifications {
  private readonly byUser = new Map<string, Notification[]>();
  readonly read = new Set<string>();

  add(userId: string, notification: Notification): Notification {
    this.byUser.set(userId, [...(this.byUser.get(userId) ?? []), notification]);
    return notification;
  }

  /** Subjects the reader no longer sees (the hub's reader policies decide this; here the test does). */
  readonly hidden = new Set<string>();
  current = async (_user: unknown, _organisation: unknown, n: Notification) => (this.hidden.has(n.subject.id) ? null : n);
  isUnread = async (userId: string, id: string) => (this.byUser.get(userId) ?? []).some((n) => n.id === id && !this.read.has(id));
  unreadSince = async (userId: string, since: Date) => (this.byUser.get(userId) ?? []).filter((n) => !this.read.has(n.id) && new Date(n.createdAt) > since);
}

function notification(
  type: NotificationType,
  kind: SubjectKind,
  classification: 'unclassified' | 'confidential',
  actor: TestUser,
  createdAt: Date,
  title: string | null = SECRET,
): Notification {
  return {
    id: randomBytes(12).toString('hex'),
    type,
    createdAt: createdAt.toISOString(),
    readAt: null,
    actor: { id: actor.id, name: 'Actor', organisationId: actor.organisationId },
    // A title on a confidential subject should never reach the mailer; it is given here to prove the mail leaves it out anyway.
    subject: { kind, id: randomBytes(12).toString('hex'), country: 'SDN', title, classification },
  };
}

async function setLocale(user: TestUser, locale: string) {
  expect((await patch('/api/me', { locale }, user.token)).status).to.equal(200);
}

describe('notification mails (§11 e-mail)', function () {
  this.timeout(60_000);
  let mailpit: Mailpit;
  let actorOrg: Org;
  let actor: TestUser;
  let readerOrg: Org;
  const store = new FakeNotifications();
  const counts = { sent: 0, failed: 0, givenUp: 0 };
  // Real time unless a test shifts it.
  let clock: Date | undefined;
  const mailers: Mailer[] = [];
  const repos = createRepositories();

  function mailer(smtpUrl: string, transportTimeouts?: { connectMs: number; socketMs: number }): Mailer {
    const m = createMailer({
      deps: {
        users: repos.users,
        organisations: repos.organisations,
        outbox: repos.mail,
        isUnread: store.isUnread,
        unreadSince: store.unreadSince,
        current: store.current,
      },
      transport: smtpTransport(smtpUrl, transportTimeouts),
      settings: { from: 'Partner Hub <no-reply@hub.example.org>', publicUrl: PUBLIC_URL, digestHour: 6 },
      log: pino({ level: 'silent' }),
      counters: { sent: () => counts.sent++, failed: () => counts.failed++, givenUp: () => counts.givenUp++ },
      timings: { now: () => clock ?? new Date(), pollMs: 200, retryBaseMs: 300, retryMaxMs: 1000 },
    });
    mailers.push(m);
    return m;
  }

  /** Hands a notification over as the fan-out does once it is stored. */
  function deliver(m: Mailer, user: TestUser, n: Notification) {
    m.notify(user.id, store.add(user.id, n));
  }

  before(async () => {
    mailpit = await startMailpit();
    actorOrg = await createOrganisation({ name: 'Sahel <Watch> & Co' });
    actor = await createUser(actorOrg.id);
    readerOrg = await createOrganisation();
  });

  after(async () => {
    await Promise.all(mailers.map((m) => m.stop()));
    await mailpit?.stop();
  });

  it('mails each user in their language, escaped, with no classified title; nothing for off, deactivated or already read', async () => {
    const [en, fr, ar, off, gone, reader] = await Promise.all(Array.from({ length: 6 }, () => createUser(readerOrg.id, 'member')));
    await Promise.all([setLocale(fr!, 'fr'), setLocale(ar!, 'ar')]);
    // Preferences: defaults, a change answered whole, bad input refused with nothing stored.
    expect((await get('/api/me/preferences', off!.token)).body).to.deep.equal({
      email: { assessments: 'daily', documents: 'daily', rooms: 'instant', escalations: 'instant', actions: 'instant', access: 'instant' },
    });
    const changed = await patch('/api/me/preferences', { email: { rooms: 'off', documents: 'instant' } }, off!.token);
    expect(changed.status).to.equal(200);
    expect(changed.body.email).to.include({ rooms: 'off', documents: 'instant', assessments: 'daily', access: 'instant' });
    for (const bad of [{ email: { rooms: 'weekly' } }, { email: { pets: 'off' } }, { email: { rooms: 'off' }, extra: 1 }, { email: { $set: 'off' } }]) {
      expect((await patch('/api/me/preferences', bad, off!.token)).status, JSON.stringify(bad)).to.equal(400);
    }
    expect((await get('/api/me/preferences', off!.token)).body.email).to.include({ rooms: 'off', documents: 'instant' });
    expect((await get('/api/me/preferences')).status).to.equal(401);
    const admin = await asOfficeAdmin();
    expect((await patch(`/api/users/${gone!.id}`, { active: false }, admin.token)).status).to.equal(200);

    const m = mailer(mailpit.smtpUrl);
    const confidential = () => notification('room.mention', 'room', 'confidential', actor, new Date());
    for (const u of [en!, fr!, ar!]) deliver(m, u, confidential());
    deliver(m, off!, confidential());
    deliver(m, gone!, confidential());
    const readFirst = notification('access.decided', 'access-request', 'unclassified', actor, new Date(), 'Read already');
    deliver(m, reader!, readFirst);
    store.read.add(readFirst.id);
    const open = notification('access.requested', 'access-request', 'unclassified', actor, new Date(), 'Report <script>alert(1)</script> & annex');
    deliver(m, reader!, open);
    const lost = notification('access.decided', 'access-request', 'unclassified', actor, new Date(), 'Taken away');
    store.hidden.add(lost.subject.id);
    deliver(m, reader!, lost);
    await m.flush();
    m.worker.start();

    const [english] = await mailpit.waitFor(en!.email);
    const [french] = await mailpit.waitFor(fr!.email);
    const [arabic] = await mailpit.waitFor(ar!.email);
    const [unclassified, ...more] = await mailpit.waitFor(reader!.email);
    for (const mail of [english!, french!, arabic!]) {
      for (const part of [mail.Subject, mail.Text, mail.HTML]) expect(part).to.not.include(SECRET).and.not.include('Geneina');
      expect(mail.HTML).to.include(`href="${PUBLIC_URL}/rooms/`);
      expect(mail.HTML).to.include('Sahel &lt;Watch&gt; &amp; Co');
      expect(mail.Text).to.include('Sahel <Watch> & Co');
    }
    expect(english!.Subject).to.include('You were mentioned').and.include('Sudan');
    expect(french!.Subject).to.include('Vous avez été mentionné').and.include('Soudan');
    expect(french!.HTML).to.include('<html lang="fr" dir="ltr">').and.include('Ouvrir dans Partner Hub');
    expect(arabic!.HTML).to.include('<html lang="ar" dir="rtl">').and.include('السودان');
    expect(arabic!.Text).to.include('تمت الإشارة إليك');
    // The one unclassified title shows, escaped; the read one never left.
    expect(more).to.have.length(0);
    expect(unclassified!.Text).to.include('Report <script>alert(1)</script> & annex');
    expect(unclassified!.HTML).to.include('Report &lt;script&gt;alert(1)&lt;/script&gt; &amp; annex').and.not.include('<script>');
    await m.worker.settle();
    expect(await mailpit.to(off!.email)).to.have.length(0);
    expect(await mailpit.to(gone!.email)).to.have.length(0);
    expect(await repos.mail.find(`n:${readFirst.id}:${reader!.id}`)).to.equal(null);
    expect(await mailpit.to(reader!.email), 'the one read before it left, and the one whose subject was taken away, never arrive').to.have.length(1);
  });

  it('sends one digest per user per day at the digest hour, of what is still unread', async () => {
    const [user, other] = await Promise.all([createUser(readerOrg.id, 'member'), createUser(readerOrg.id, 'member')]);
    await setLocale(user, 'fr');
    // Two processes over one outbox: each digest still leaves once.
    const [a, b] = [mailer(mailpit.smtpUrl), mailer(mailpit.smtpUrl)];
    const at = (iso: string) => new Date(iso);
    clock = at('2031-03-10T04:50:00Z');
    const first = notification('assessment.shared', 'assessment', 'unclassified', actor, at('2031-03-10T04:49:00Z'), 'Weekly overview');
    const second = notification('document.shared', 'document', 'confidential', actor, at('2031-03-10T05:10:00Z'));
    const readSoon = notification('assessment.updated', 'assessment', 'unclassified', actor, at('2031-03-10T05:20:00Z'), 'Read before six');
    deliver(a, user, first);
    deliver(b, user, second);
    deliver(a, user, readSoon);
    deliver(b, other, notification('assessment.shared', 'assessment', 'unclassified', actor, at('2031-03-10T05:30:00Z'), 'For the other'));
    await Promise.all([a.flush(), b.flush()]);
    await Promise.all([a.worker.settle(), b.worker.settle()]);
    expect(await mailpit.to(user.email), 'nothing before the hour').to.have.length(0);
    store.read.add(readSoon.id);

    clock = at('2031-03-10T06:00:30Z');
    await Promise.all([a.worker.settle(), b.worker.settle()]);
    const [digest, ...extra] = await mailpit.waitFor(user.email);
    expect(extra).to.have.length(0);
    expect(digest!.Subject).to.include('2 notifications non lues');
    expect(digest!.Text).to.include('Weekly overview').and.not.include('Read before six').and.not.include(SECRET);
    expect(digest!.HTML).to.include(`${PUBLIC_URL}/assessments/${first.subject.id}`).and.include(`${PUBLIC_URL}/documents/${second.subject.id}`);
    expect(await mailpit.waitFor(other.email)).to.have.length(1);

    // Later the same day: tomorrow's digest, which lists only what came since.
    const later = notification('assessment.comment', 'assessment', 'unclassified', actor, at('2031-03-10T07:00:00Z'), 'Evening comment');
    clock = at('2031-03-10T07:00:01Z');
    deliver(a, user, later);
    deliver(b, user, notification('document.version', 'document', 'unclassified', actor, at('2031-03-10T07:05:00Z'), 'New version'));
    await Promise.all([a.flush(), b.flush()]);
    await Promise.all([a.worker.settle(), b.worker.settle()]);
    expect(await mailpit.to(user.email)).to.have.length(1);
    clock = at('2031-03-11T06:00:05Z');
    await Promise.all([a.worker.settle(), b.worker.settle()]);
    const digests = await mailpit.waitFor(user.email, 2);
    await sleep(300);
    expect(await mailpit.to(user.email)).to.have.length(2);
    const next = digests.find((d) => d.ID !== digest!.ID)!;
    expect(next.Text).to.include('Evening comment').and.include('New version').and.not.include('Weekly overview');
    clock = undefined;
  });

  it('the hub mails what the fan-out stores when SMTP_URL is set, and says once that it does not when unset', async () => {
    // The earlier tests' mailers share this outbox and judge subjects with the test's fake view: stop them,
    // so that only the hub's mailer (the reader policies) sends what this test queues.
    await Promise.all(mailers.splice(0).map((m) => m.stop()));
    const lines: Array<{ level: number; msg: string }> = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    const listeners: Array<(userId: string, n: Notification) => void> = [];
    const source = { onStored: (l: (userId: string, n: Notification) => void) => listeners.push(l), isUnread: store.isUnread, unreadSince: store.unreadSince };
    const unset = loadConfig(testEnv());
    expect(startMailer(unset, createDomain(unset), source, log)).to.equal(undefined);
    expect(lines.filter((l) => /SMTP_URL is not set/.test(l.msg))).to.have.length(1);
    expect(listeners).to.have.length(0);

    const config = loadConfig(testEnv({ SMTP_URL: mailpit.smtpUrl, HUB_PUBLIC_URL: 'https://partners.example.org/' }));
    const hubMailer = startMailer(config, createDomain(config), source, log)!;
    mailers.push(hubMailer);
    const user = await createUser(readerOrg.id, 'member');
    // The hub's own reader policies decide what is mailed: a real assessment the user sees, reclassified
    // after the notification was stored (its title must not travel), and one of an organisation-only scope.
    const seen = await createAssessment(actor, { classification: 'unclassified', sharing: { scope: 'all', organisations: [] } }, true);
    const hidden = await createAssessment(actor, { classification: 'unclassified', sharing: { scope: 'organisation', organisations: [] } }, true);
    const stored = store.add(user.id, {
      ...notification('risk.escalation', 'assessment', 'unclassified', actor, new Date(), 'Titleofseen'),
      subject: { kind: 'assessment', id: seen.id, country: seen.country, title: 'Titleofseen', classification: 'unclassified' },
    });
    const unseen = store.add(user.id, {
      ...notification('risk.escalation', 'assessment', 'unclassified', actor, new Date(), 'Titleofhidden'),
      subject: { kind: 'assessment', id: hidden.id, country: hidden.country, title: 'Titleofhidden', classification: 'unclassified' },
    });
    const reclassified = await patch(`/api/assessments/${seen.id}`, { version: seen.version, classification: 'confidential' }, actor.token);
    expect(reclassified.status).to.equal(200);
    expect((await post(`/api/assessments/${seen.id}/publish`, {}, actor.token)).status).to.equal(200);
    for (const listener of listeners) {
      listener(user.id, unseen);
      listener(user.id, stored);
    }
    const [mail] = await mailpit.waitFor(user.email);
    for (const part of [mail!.Subject, mail!.Text, mail!.HTML]) expect(part).to.not.include('Titleofseen').and.not.include('Titleofhidden');
    expect(mail!.HTML).to.include(`href="https://partners.example.org/assessments/${stored.subject.id}"`);
    expect((await mailpit.message(mail!.ID)).Subject).to.include('Risk escalation');
    await hubMailer.worker.settle();
    expect(await mailpit.to(user.email), 'nothing of the assessment the user does not see').to.have.length(1);
  });

  it('keeps mails while the mail server is down and delivers each once when it is back; the hand-over never waits for it', async () => {
    const users = await Promise.all(Array.from({ length: 3 }, () => createUser(readerOrg.id, 'member')));
    const [a, b] = [mailer(mailpit.smtpUrl), mailer(mailpit.smtpUrl)];
    a.worker.start();
    b.worker.start();
    await mailpit.stop();
    const failedBefore = counts.failed;
    const sentBefore = counts.sent;
    const started = performance.now();
    for (const u of users) for (const m of [a, b]) deliver(m, u, notification('room.added', 'room', 'unclassified', actor, new Date(), `Room for ${u.email}`));
    const handOver = performance.now() - started;
    expect(handOver, 'notify returns at once').to.be.below(100);
    await Promise.all([a.flush(), b.flush()]);
    // Refused at least once each, and still queued.
    const deadline = Date.now() + 10_000;
    while (counts.failed - failedBefore < 6 && Date.now() < deadline) await sleep(100);
    expect(counts.failed - failedBefore).to.be.at.least(6);
    expect(await repos.mail.count()).to.be.at.least(6);

    await mailpit.start();
    for (const u of users) expect(await mailpit.waitFor(u.email, 2)).to.have.length(2);
    await sleep(1500); // a retry or a second process sending again would show by now
    for (const u of users) expect(await mailpit.to(u.email)).to.have.length(2);
    expect(counts.sent - sentBefore).to.equal(6);
  });

  it('a mail server that accepts and never answers does not hold the hand-over', async () => {
    const open = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      open.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      // Only this mailer may see the mail (the others would deliver it through Mailpit).
      await Promise.all(mailers.map((other) => other.stop()));
      const user = await createUser(readerOrg.id, 'member');
      const m = mailer(`smtp://127.0.0.1:${port}`, { connectMs: 1500, socketMs: 1500 });
      m.worker.start();
      const failedBefore = counts.failed;
      const started = performance.now();
      deliver(m, user, notification('room.mention', 'room', 'unclassified', actor, new Date(), 'Hello'));
      await m.flush();
      expect(performance.now() - started, 'queued without waiting for the server').to.be.below(1000);
      const deadline = Date.now() + 10_000;
      while (counts.failed === failedBefore && Date.now() < deadline) await sleep(100);
      expect(counts.failed).to.be.above(failedBefore);
      expect(open.size).to.be.at.least(1);
      await m.stop();
      expect(
        (await repos.mail.due(new Date(Date.now() + 3_600_000), 1000)).some((mail) => mail.userId === user.id),
        'still queued for a retry',
      ).to.equal(true);
    } finally {
      for (const s of open) s.destroy();
      silent.close();
    }
  });
});
