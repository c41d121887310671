import type { Logger } from 'pino';
import type { Notification } from '../../../shared/schemas/notifications.js';
import { domainEvents } from '../../events.js';
import { parseNotificationId, presentNotification } from '../../presenters/notification.js';
import type { Repositories } from '../../repositories/index.js';
import type { Job, NotificationRequest } from '../../repositories/notificationJobs.js';
import { audienceHolds, organisationsSeeing } from './subjects.js';

/** Called after a notification is stored for a user (the mail outbox registers one). */
export type StoredListener = (userId: string, notification: Notification) => void | Promise<void>;

/**
 * Called once a job's notifications are stored, with the organisations whose users got one (webhooks, §14).
 * It is awaited before the job is finished, so a job run again after a crash calls it again: it must be idempotent.
 */
export type FannedOutListener = (event: Pick<Notification, 'id' | 'type' | 'createdAt' | 'subject'>, organisationIds: string[]) => Promise<void>;

/** How long a claimed job is its claimer's before another process may run it again. */
const TURN_MS = 30_000;
/** How often every process looks for jobs nobody runs (a crashed claimer's, another process's). */
const POLL_MS = 1_000;
/** Recipients written at once (each is one insert into that user's own log). */
const PARALLEL = 32;

/**
 * Stored notifications (§11). An action stores one job (`request`) and answers; a worker in every
 * process claims each job's turn by insert, computes the recipients against the current audience,
 * appends one notification to each recipient's log (never the actor; at most one per job and user, so
 * a job run again after a crash writes only what is missing), then emits it to the user's sockets and
 * calls the `onStored` listeners.
 */
export class NotificationService {
  private readonly listeners: StoredListener[] = [];
  private readonly fannedOut: FannedOutListener[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private log: Logger | undefined;
  private preparing: Promise<void> | undefined;

  constructor(private readonly repos: Repositories) {}

  /** Registers a listener called after each stored notification; returns the function that removes it. */
  onStored(listener: StoredListener): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  /** Registers a listener called once per job after its fan-out; returns the function that removes it. */
  onFannedOut(listener: FannedOutListener): () => void {
    this.fannedOut.push(listener);
    return () => {
      const at = this.fannedOut.indexOf(listener);
      if (at >= 0) this.fannedOut.splice(at, 1);
    };
  }

  /** Stores the job of a notification (one insert) and wakes this process's worker; answers when stored. */
  async request(request: NotificationRequest): Promise<void> {
    const recipients = (request.organisationIds?.length ?? 0) + (request.userIds?.length ?? 0);
    if (recipients === 0) return;
    await this.repos.notificationJobs.add(request);
    this.wake();
  }

  /** Whether a user's notification (by its id) is stored and still unread. */
  async isUnread(userId: string, notificationId: string): Promise<boolean> {
    const ref = parseNotificationId(notificationId);
    if (!ref) return false;
    const [stored, watermark] = await Promise.all([this.repos.notifications.at(userId, ref.seq), this.repos.notifications.watermark(userId)]);
    return !!stored && stored.key === ref.key && presentNotification(stored, watermark).readAt === null;
  }

  /** A user's notifications created at or after `since` and still unread, oldest first (the daily digest). */
  async unreadSince(userId: string, since: Date): Promise<Notification[]> {
    const [rows, watermark] = await Promise.all([this.repos.notifications.since(userId, since), this.repos.notifications.watermark(userId)]);
    return rows.map((row) => presentNotification(row, watermark)).filter((n) => n.readAt === null);
  }

  /** Starts this process's worker (hub.ts). */
  start(log: Logger): void {
    this.log = log;
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
    this.preparing = this.repos.users
      .activeIds()
      .then((ids) => this.repos.notifications.prepare(ids))
      .then((created) => {
        if (created > 0) log.info({ created }, 'notification logs prepared for users who had none');
      })
      .catch((error: unknown) => log.warn({ err: error }, 'preparing notification logs failed; first notifications create them'));
  }

  /** Prepares a new user's notification log (its first notification is then an insert like any other). */
  async prepareUser(userId: string): Promise<void> {
    await this.repos.notifications.prepare([userId]).catch((error: unknown) => this.log?.warn({ err: error, userId }, 'preparing a notification log failed'));
  }

  /** Stops the worker after the job in hand. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.preparing;
  }

  /** Runs the waiting jobs now (again after the current pass if one is running). */
  wake(): void {
    if (!this.log) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.log?.error({ err: error }, 'notification fan-out failed; retried on the next pass'))
      .finally(() => {
        this.running = undefined;
        if (this.again && this.timer) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    for (const job of await this.repos.notificationJobs.pending()) {
      const turn = Math.max(0, Math.floor((Date.now() - new Date(job.createdAt).getTime()) / TURN_MS));
      if (!(await this.repos.notificationJobs.claimTurn(job._id, turn))) continue;
      const organisationIds = await this.fanOut(job, turn > 0);
      const event = { id: job._id, type: job.type, createdAt: new Date(job.createdAt).toISOString(), subject: job.subject };
      for (const listener of this.fannedOut) {
        await listener(event, organisationIds).catch((error: unknown) => this.log?.error({ err: error, job: job._id }, 'a fan-out listener failed'));
      }
      await this.repos.notificationJobs.finish(job._id);
    }
  }

  /** Writes a job's notification for each recipient who sees its subject now; `resumed`: skip those who have it. */
  private async fanOut(job: Job, resumed: boolean): Promise<string[]> {
    const sees = await organisationsSeeing(this.repos, job.subject);
    const within = job.audience ? audienceHolds(job.audience) : () => true;
    const users = await this.repos.users.activeAmong(job.organisationIds, job.userIds);
    const recipients = users.filter((u) => u.id !== job.actor?.id && sees(u.organisationId) && within(u.organisationId));
    const write = async (userId: string) => {
      if (resumed && (await this.repos.notifications.hasKey(userId, job._id))) return;
      const stored = await this.repos.notifications.append(userId, {
        key: job._id,
        type: job.type,
        createdAt: new Date(job.createdAt),
        actor: job.actor,
        subject: job.subject,
        ...(job.roomId ? { roomId: job.roomId } : {}),
        ...(job.messageSeq ? { messageSeq: job.messageSeq } : {}),
      });
      // Just written: unread (its seq is above any watermark the user could have set).
      const notification = presentNotification(stored, { seq: 0, at: null });
      domainEvents.publish('notification', { userId, notification });
      for (const listener of this.listeners) {
        Promise.resolve()
          .then(() => listener(userId, notification))
          .catch((error: unknown) => this.log?.error({ err: error, userId }, 'a notification listener failed'));
      }
    };
    for (let i = 0; i < recipients.length; i += PARALLEL) {
      await Promise.all(recipients.slice(i, i + PARALLEL).map((u) => write(u.id)));
    }
    return [...new Set(recipients.map((u) => u.organisationId))];
  }
}
