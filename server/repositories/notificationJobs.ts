import type { Notification } from '../../shared/schemas/notifications.js';
import { NotificationJob, NotificationJobClaim } from '../models/notificationJob.js';
import { claim } from '../store/claim.js';
import { newId } from './ids.js';

/** What an action asks to be written: a notification, and who may get it (checked again when written). */
export interface NotificationRequest {
  type: Notification['type'];
  actor: Notification['actor'];
  subject: Notification['subject'];
  /** Every active user of these organisations. */
  organisationIds?: string[];
  /** These users. */
  userIds?: string[];
  roomId?: string;
  messageSeq?: number;
  /** Recipients must also be in this audience (the one a comment was written for), besides seeing the subject now. */
  audience?: string[];
}

/** A stored job. */
export type Job = NotificationRequest & { _id: string; organisationIds: string[]; userIds: string[]; createdAt: Date };

/** Fan-out jobs: one insert per action; a job is run by whoever claims its current turn. */
export class NotificationJobRepository {
  /** Stores a job (the one write the action waits for). */
  async add(request: NotificationRequest): Promise<Job> {
    const job: Job = { organisationIds: [], userIds: [], ...request, _id: newId().toString(), createdAt: new Date() };
    await NotificationJob.create(job);
    return job;
  }

  /** The jobs waiting, oldest first. */
  async pending(): Promise<Job[]> {
    const rows = await NotificationJob.find({}).sort({ createdAt: 1 }).limit(100).lean<Job[]>().exec();
    return rows.map((row) => ({ ...row, roomId: row.roomId ?? undefined, messageSeq: row.messageSeq ?? undefined }));
  }

  /** Claims turn `turn` of a job: true for exactly one caller across the hub's processes. */
  claimTurn(jobId: string, turn: number): Promise<boolean> {
    return claim(() => NotificationJobClaim.create({ _id: `${jobId}:${turn}`, jobId }));
  }

  /** Removes a finished job and its claims. */
  async finish(jobId: string): Promise<void> {
    await NotificationJob.deleteOne({ _id: jobId });
    await NotificationJobClaim.deleteMany({ jobId });
  }
}
