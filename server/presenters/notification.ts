import type { Notification } from '../../shared/schemas/notifications.js';
import type { StoredNotification, Watermark } from '../repositories/notifications.js';

/** A notification's id: its seq in the reader's log and the job that wrote it (both checked on `read`). */
export const notificationId = (n: Pick<StoredNotification, 'seq' | 'key'>) => `${n.seq}.${n.key}`;

/** Reads a notification id: the seq and the job, or null for anything else. */
export function parseNotificationId(id: string): { seq: number; key: string } | null {
  const match = /^([1-9][0-9]{0,14})\.([0-9a-f]{24})$/.exec(id);
  return match ? { seq: Number(match[1]), key: match[2]! } : null;
}

/** The §11 shape of a stored notification; read when it has its own `readAt` or lies under the watermark. */
export function presentNotification(n: StoredNotification, watermark: Watermark): Notification {
  const readAt = n.readAt ?? (n.seq <= watermark.seq ? watermark.at : null);
  return {
    id: notificationId(n),
    type: n.type,
    createdAt: new Date(n.createdAt).toISOString(),
    readAt: readAt ? new Date(readAt).toISOString() : null,
    actor: n.actor,
    subject: n.subject,
    ...(n.roomId ? { roomId: n.roomId } : {}),
    ...(n.messageSeq ? { seq: n.messageSeq } : {}),
  };
}
