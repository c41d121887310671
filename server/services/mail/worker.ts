import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { LOCALES, type Locale } from '../../../shared/limits.js';
import { emailGroupOf, type Notification } from '../../../shared/schemas/notifications.js';
import type { UserDoc } from '../../models/user.js';
import type { QueuedMail } from '../../repositories/mail.js';
import { emailPreferencesOf } from '../users/preferences.js';
import type { MailCounters, MailDeps, MailSettings, MailTimings } from './deps.js';
import { renderDigest, renderInstant, type MailItem, type RenderedMail } from './templates.js';
import type { MailTransport } from './transport.js';

const BATCH = 50;
const CONCURRENCY = 4;
const DAY_MS = 24 * 60 * 60_000;
// Well inside the lease (timings.leaseMs), after which another process would take the mail as lost.
const REMOVE_PATIENCE_MS = 60_000;

/** Why a due mail is not sent: it is dropped, not retried. */
type Verdict = { send: RenderedMail; to: string } | { drop: string };

/**
 * Sends what the outbox holds, in every process: each attempt is claimed by insert (`<mail>#<n>`)
 * before the mail server is spoken to, so two processes never send one mail; a failure is retried
 * with growing backoff until `giveUpMs` after it was queued. Never on a request's path.
 */
export class MailWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly deps: MailDeps,
    private readonly transport: MailTransport,
    private readonly settings: MailSettings,
    private readonly counters: MailCounters,
    private readonly timings: MailTimings,
    private readonly log: Logger,
  ) {}

  /** Looks for due mails now and every `pollMs`. */
  start(): void {
    this.timer = setInterval(() => this.kick(), this.timings.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Stops polling and waits for the attempts in flight (bounded by the transport's timeouts). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    this.transport.close();
  }

  /** Asks for a pass over the outbox soon (after a mail was queued, say); never throws. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** One pass to the end of what is due, for tests that shift the clock. */
  async settle(): Promise<void> {
    while (this.running) await this.running;
    this.kick();
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const due = await this.deps.outbox.due(this.timings.now(), BATCH);
        const queue = [...due];
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            for (let mail = queue.shift(); mail && !this.stopped; mail = queue.shift()) await this.attempt(mail);
          }),
        );
        if (due.length < BATCH || this.stopped) return;
      }
    } catch (error) {
      // The database is away: the next poll tries again.
      this.log.warn({ err: (error as Error).message }, 'mail outbox could not be read');
    }
  }

  private async attempt(mail: QueuedMail): Promise<void> {
    const { outbox } = this.deps;
    const now = this.timings.now();
    if (!(await outbox.claimAttempt(mail._id, mail.attempts, now))) {
      // Another process holds this attempt; if it took it a lease ago and never finished, it died.
      const at = await outbox.claimedAt(mail._id, mail.attempts);
      if (at && now.getTime() - at.getTime() > this.timings.leaseMs) await outbox.retry(mail._id, mail.attempts + 1, now, 'attempt lost');
      return;
    }
    // Read again: the outbox page may predate another process finishing this mail.
    const current = await outbox.find(mail._id);
    if (!current || current.attempts !== mail.attempts) return;
    let verdict: Verdict;
    try {
      verdict = await this.prepare(current);
    } catch (error) {
      return this.failed(current, error);
    }
    if ('drop' in verdict) {
      await outbox.remove(current._id);
      return;
    }
    try {
      await this.transport.send({ ...verdict.send, from: this.settings.from, to: verdict.to });
    } catch (error) {
      return this.failed(current, error);
    }
    this.counters.sent();
    await this.forget(current._id);
  }

  // Sent: it must leave the outbox, or another process would send it again once the lease ends.
  private async forget(id: string): Promise<void> {
    for (let wait = 500; ; wait *= 2) {
      try {
        return await this.deps.outbox.remove(id);
      } catch (error) {
        if (wait > REMOVE_PATIENCE_MS) throw error;
        await sleep(wait);
      }
    }
  }

  private async failed(mail: QueuedMail, error: unknown): Promise<void> {
    const message = (error as Error).message ?? String(error);
    const now = this.timings.now();
    this.counters.failed();
    if (now.getTime() - new Date(mail.queuedAt).getTime() >= this.timings.giveUpMs) {
      this.counters.givenUp();
      this.log.error({ mail: mail._id, attempts: mail.attempts + 1, err: message }, 'mail given up after retrying');
      await this.deps.outbox.remove(mail._id);
      return;
    }
    const delay = Math.min(this.timings.retryBaseMs * 2 ** mail.attempts, this.timings.retryMaxMs);
    this.log.warn({ mail: mail._id, attempts: mail.attempts + 1, retryInMs: delay, err: message }, 'mail not sent; will retry');
    await this.deps.outbox.retry(mail._id, mail.attempts + 1, new Date(now.getTime() + delay), message.slice(0, 500));
  }

  /** What to send and to whom, decided just before sending: nothing for a deactivated user, `off`, or what was read. */
  private async prepare(mail: QueuedMail): Promise<Verdict> {
    const user = await this.deps.users.find(mail.userId);
    if (!user?.active) return { drop: 'user gone or deactivated' };
    const organisation = await this.deps.organisations.find(user.organisationId);
    if (!organisation?.active) return { drop: 'organisation deactivated' };
    const preferences = emailPreferencesOf(user);
    const locale = localeOf(user);
    const names = new Map<string, string | null>();
    if (mail.kind === 'instant') {
      const notification = mail.notification!;
      if (preferences[emailGroupOf(notification.type)] === 'off') return { drop: 'group turned off' };
      if (!(await this.deps.isUnread(mail.userId, notification.id))) return { drop: 'read before it left' };
      const current = await this.deps.current(user, organisation, notification);
      if (!current) return { drop: 'subject no longer visible' };
      return { send: renderInstant(await this.itemOf(current, names), locale, this.settings.publicUrl), to: user.email };
    }
    const until = new Date(mail.dueAt).getTime();
    const due = (await this.deps.unreadSince(mail.userId, new Date(mail.since ?? until - DAY_MS))).filter(
      (n) => new Date(n.createdAt).getTime() < until && preferences[emailGroupOf(n.type)] === 'daily',
    );
    const unread = (await Promise.all(due.map((n) => this.deps.current(user, organisation, n))))
      .filter((n): n is Notification => n !== null)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    if (unread.length === 0) return { drop: 'nothing unread' };
    const items = [];
    for (const n of unread) items.push(await this.itemOf(n, names));
    return { send: renderDigest(items, locale, this.settings.publicUrl), to: user.email };
  }

  // The acting organisation's name: an organisation's name is not classified; the subject's title is
  // taken from the notification only (null unless unclassified), never looked up.
  private async itemOf(notification: Notification, names: Map<string, string | null>): Promise<MailItem> {
    const orgId = notification.actor?.organisationId;
    if (orgId && !names.has(orgId)) names.set(orgId, (await this.deps.organisations.find(orgId))?.name ?? null);
    return { notification, organisationName: orgId ? (names.get(orgId) ?? null) : null };
  }
}

function localeOf(user: UserDoc): Locale {
  return (LOCALES as readonly string[]).includes(user.locale) ? (user.locale as Locale) : 'en';
}
