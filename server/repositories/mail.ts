import mongoose from 'mongoose';
import type { Notification } from '../../shared/schemas/notifications.js';
import { MailClaim, OutboxMail } from '../models/mail.js';
import { claim } from '../store/claim.js';

/** A queued mail as the worker reads it. */
export interface QueuedMail {
  _id: string;
  kind: 'instant' | 'digest';
  userId: string;
  notification: Notification | null;
  since: Date | null;
  queuedAt: Date;
  dueAt: Date;
  attempts: number;
  lastError: string | null;
}

/** The outbox of notification mails (§11) and the claims of their send attempts. */
export class MailRepository {
  /** Queues a mail under its id; false when a mail of that id is already queued. */
  enqueue(mail: Pick<QueuedMail, '_id' | 'kind' | 'userId' | 'notification' | 'since' | 'queuedAt' | 'dueAt'>): Promise<boolean> {
    return claim(() => OutboxMail.create({ ...mail, attempts: 0, lastError: null }));
  }

  /** Mails due at `now`, earliest first. */
  due(now: Date, limit: number): Promise<QueuedMail[]> {
    return OutboxMail.find({ dueAt: mongoose.trusted({ $lte: now }) })
      .sort({ dueAt: 1 })
      .limit(limit)
      .lean<QueuedMail[]>()
      .exec();
  }

  /** One queued mail, or null once it is gone. */
  find(id: string): Promise<QueuedMail | null> {
    return OutboxMail.findById(id).lean<QueuedMail>().exec();
  }

  /** Takes attempt `attempt` of a mail: true for exactly one caller across processes. */
  claimAttempt(id: string, attempt: number, now: Date): Promise<boolean> {
    return claim(() => MailClaim.create({ _id: `${id}#${attempt}`, at: now }));
  }

  /** When attempt `attempt` of a mail was taken, or null if nobody took it. */
  async claimedAt(id: string, attempt: number): Promise<Date | null> {
    return (await MailClaim.findById(`${id}#${attempt}`).lean())?.at ?? null;
  }

  /** Schedules the next attempt (only the holder of the current one writes, so read-then-write is safe). */
  async retry(id: string, attempts: number, dueAt: Date, error: string | null): Promise<void> {
    await OutboxMail.updateOne({ _id: id }, { $set: { attempts, dueAt, lastError: error } });
  }

  /** Takes a mail out of the outbox (sent, dropped or given up). */
  async remove(id: string): Promise<void> {
    await OutboxMail.deleteOne({ _id: id });
  }

  /** How many mails wait. */
  count(): Promise<number> {
    return OutboxMail.countDocuments().exec();
  }

  /** Forgets attempt claims older than `before`. */
  async sweepClaims(before: Date): Promise<void> {
    await MailClaim.deleteMany({ at: mongoose.trusted({ $lt: before }) });
  }
}
