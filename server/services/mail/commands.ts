import { emailGroupOf, type Notification } from '../../../shared/schemas/notifications.js';
import type { MailDeps, MailSettings } from './deps.js';
import { emailPreferencesOf } from '../users/preferences.js';

const DAY_MS = 24 * 60 * 60_000;

/** The next digest after `now`: at `hour` UTC today if still ahead, else tomorrow. */
export function nextDigestAt(now: Date, hour: number): Date {
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour));
  return at.getTime() > now.getTime() ? at : new Date(at.getTime() + DAY_MS);
}

/** One stored notification for one user, as the fan-out hands it over. */
export interface Delivery {
  userId: string;
  notification: Notification;
}

/**
 * Queues the mails of a batch of stored notifications: an instant mail per notification and user, or
 * the user's digest of the day (claimed by inserting `d:<user>:<yyyy-mm-dd>`, so one per day), or
 * nothing (`off`, a deactivated user). One query reads the batch's users; nothing is sent here.
 */
export async function queueMails(deps: MailDeps, settings: MailSettings, batch: Delivery[], now: Date): Promise<number> {
  const users = new Map((await deps.users.findMany([...new Set(batch.map((d) => d.userId))])).map((u) => [u._id.toString(), u]));
  let queued = 0;
  for (const { userId, notification } of batch) {
    const user = users.get(userId);
    if (!user?.active) continue;
    const cadence = emailPreferencesOf(user)[emailGroupOf(notification.type)];
    if (cadence === 'instant') {
      const stored = await deps.outbox.enqueue({
        _id: `n:${notification.id}:${userId}`,
        kind: 'instant',
        userId,
        notification,
        since: null,
        queuedAt: now,
        dueAt: now,
      });
      if (stored) queued += 1;
    } else if (cadence === 'daily') {
      const dueAt = nextDigestAt(now, settings.digestHour);
      const created = new Date(notification.createdAt);
      // A notification stored just before the digest hour but handed over after it still gets mailed.
      const since = new Date(Math.min(dueAt.getTime() - DAY_MS, created.getTime()));
      const stored = await deps.outbox.enqueue({
        _id: `d:${userId}:${dueAt.toISOString().slice(0, 10)}`,
        kind: 'digest',
        userId,
        notification: null,
        since,
        queuedAt: now,
        dueAt,
      });
      if (stored) queued += 1;
    }
  }
  return queued;
}
