import type { Notification } from '../../../shared/schemas/notifications.js';
import type { MailRepository } from '../../repositories/mail.js';
import type { OrganisationRepository } from '../../repositories/organisations.js';
import type { UserRepository } from '../../repositories/users.js';
import type { OrganisationDoc } from '../../models/organisation.js';
import type { UserDoc } from '../../models/user.js';

/** What the mailer asks of the stored notifications (their repository offers these, §11). */
export interface NotificationReads {
  /** Whether the user has not read this notification (false once read, or when it is gone). */
  isUnread(userId: string, notificationId: string): Promise<boolean>;
  /** The user's unread notifications created after `since`, oldest first or any order. */
  unreadSince(userId: string, since: Date): Promise<Notification[]>;
}

/**
 * The notification as this user may be shown it now — its subject's current title and classification —
 * or null when they no longer see the subject: checked just before a mail leaves, as reads check it.
 */
export type CurrentView = (user: UserDoc, organisation: OrganisationDoc, notification: Notification) => Promise<Notification | null>;

/** Everything the mailer reads and writes: the notifications, users and organisations, its outbox. */
export interface MailDeps extends NotificationReads {
  current: CurrentView;
  users: Pick<UserRepository, 'find' | 'findMany'>;
  organisations: Pick<OrganisationRepository, 'find'>;
  outbox: MailRepository;
}

/** The mail counters of the metrics (server/metrics.ts); all no-ops when metrics are off. */
export interface MailCounters {
  sent(): void;
  failed(): void;
  givenUp(): void;
}

/** What the mailer was configured with (config/). */
export interface MailSettings {
  from: string;
  publicUrl: string;
  digestHour: number;
}

/** Timings, injectable so tests shift the clock and shorten backoff instead of waiting. */
export interface MailTimings {
  now: () => Date;
  /** How often each process looks for due mails. */
  pollMs: number;
  /** The first retry comes this long after a failure; each next one twice as long, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A mail still failing this long after it was queued is given up. */
  giveUpMs: number;
  /** An attempt claimed this long ago and not finished is taken as lost (its process died). */
  leaseMs: number;
}

/** Production timings: the first retry within a minute, retries for 24 hours. */
export const DEFAULT_MAIL_TIMINGS: MailTimings = {
  now: () => new Date(),
  pollMs: 5_000,
  retryBaseMs: 30_000,
  retryMaxMs: 60 * 60_000,
  giveUpMs: 24 * 60 * 60_000,
  leaseMs: 5 * 60_000,
};
