import type { Logger } from 'pino';
import type { Config } from '../../../config/index.js';
import type { Notification } from '../../../shared/schemas/notifications.js';
import type { Domain } from '../../domain.js';
import { queueMails, type Delivery } from './commands.js';
import {
  DEFAULT_MAIL_TIMINGS,
  type CurrentView,
  type MailCounters,
  type MailDeps,
  type MailSettings,
  type MailTimings,
  type NotificationReads,
} from './deps.js';
import { subjectReader } from '../notifications/subjects.js';
import { smtpTransport, type MailTransport } from './transport.js';
import { MailWorker } from './worker.js';

/** The mail side of notifications in one process: queues what is stored, sends what is due. */
export interface Mailer {
  /** Queues the mails of one stored notification soon (batched); returns at once and never throws. */
  notify(userId: string, notification: Notification): void;
  /** Resolves once what `notify` was given is in the outbox. */
  flush(): Promise<void>;
  /** The sender (tests call `settle()` on it after shifting the clock). */
  worker: MailWorker;
  /** Stops queueing and sending (what is queued stays in the outbox for the next start). */
  stop(): Promise<void>;
}

/** What the fan-out of stored notifications offers the mailer (its repository, §11). */
export interface NotificationSource extends NotificationReads {
  onStored(listener: (userId: string, notification: Notification) => void): unknown;
}

const NO_COUNTERS: MailCounters = { sent: () => undefined, failed: () => undefined, givenUp: () => undefined };
// Notifications handed over within this window are queued together (one read of their users).
const BATCH_WINDOW_MS = 20;
const REQUEUE_AFTER_MS = 5_000;
const CLAIM_SWEEP_MS = 60 * 60_000;
const CLAIM_KEEP_MS = 2 * 24 * 60 * 60_000;

/** Builds a mailer over its dependencies; `start()`s nothing until `worker.start()`. */
export function createMailer(options: {
  deps: MailDeps;
  transport: MailTransport;
  settings: MailSettings;
  log: Logger;
  counters?: MailCounters;
  timings?: Partial<MailTimings>;
}): Mailer {
  const { deps, settings, log } = options;
  const timings = { ...DEFAULT_MAIL_TIMINGS, ...options.timings };
  const worker = new MailWorker(deps, options.transport, settings, options.counters ?? NO_COUNTERS, timings, log);
  let pending: Delivery[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  let stopped = false;

  const flushNow = async (): Promise<void> => {
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      await queueMails(deps, settings, batch, timings.now());
      worker.kick();
    } catch (error) {
      // The database is away: keep the batch and try again (the notifications themselves are stored).
      log.warn({ err: (error as Error).message, mails: batch.length }, 'mails could not be queued; retrying');
      pending = batch.concat(pending);
      if (!stopped) timer ??= setTimeout(() => void (flushing = flushing.then(flushNow)), REQUEUE_AFTER_MS);
    }
  };
  const sweep = setInterval(() => {
    deps.outbox.sweepClaims(new Date(timings.now().getTime() - CLAIM_KEEP_MS)).catch(() => undefined);
  }, CLAIM_SWEEP_MS);
  sweep.unref();

  return {
    notify(userId, notification) {
      if (stopped) return;
      pending.push({ userId, notification });
      timer ??= setTimeout(() => void (flushing = flushing.then(flushNow)), BATCH_WINDOW_MS);
    },
    async flush() {
      clearTimeout(timer);
      flushing = flushing.then(flushNow);
      await flushing;
    },
    worker,
    async stop() {
      stopped = true;
      clearInterval(sweep);
      clearTimeout(timer);
      await flushing;
      await worker.stop();
    },
  };
}

/**
 * The hub's mailer (SMTP_URL set) over the domain's repositories and the stored notifications, listening
 * to their fan-out and sending from this process; undefined, said once in the log, without SMTP_URL.
 */
export function startMailer(
  config: Config,
  domain: Domain,
  notifications: NotificationSource | undefined,
  log: Logger,
  counters?: MailCounters,
): Mailer | undefined {
  if (!config.smtpUrl) {
    log.info('SMTP_URL is not set: notifications are not mailed');
    return undefined;
  }
  if (!notifications) {
    log.warn('SMTP_URL is set but this build stores no notifications to mail: nothing is mailed');
    return undefined;
  }
  const { users, organisations, mail } = domain.repos;
  const mailer = createMailer({
    deps: {
      users,
      organisations,
      outbox: mail,
      isUnread: (u, n) => notifications.isUnread(u, n),
      unreadSince: (u, s) => notifications.unreadSince(u, s),
      current: currentView(domain.repos),
    },
    transport: smtpTransport(config.smtpUrl),
    settings: { from: config.mailFrom, publicUrl: config.publicUrl, digestHour: config.digestHour },
    log: log.child({ component: 'mail' }),
    counters,
  });
  notifications.onStored((userId, notification) => mailer.notify(userId, notification));
  mailer.worker.start();
  log.info({ from: config.mailFrom, publicUrl: config.publicUrl, digestHour: config.digestHour }, 'notifications are mailed through SMTP_URL');
  return mailer;
}

/** What a mail may say of a notification now: the reader policies' view of its subject, as `GET /api/notifications` shows it. */
function currentView(repos: Domain['repos']): CurrentView {
  return async (user, organisation, notification) => {
    const subject = await subjectReader(repos, { user, organisation, sessionId: '' })(notification.subject);
    return subject ? { ...notification, subject } : null;
  };
}
