import mongoose, { Schema } from 'mongoose';

const outboxSchema = new Schema(
  {
    // `n:<notificationId>:<userId>` (instant) or `d:<userId>:<yyyy-mm-dd>` (the day's digest): inserting
    // it is what queues the mail, so a notification is queued once per user and a digest once per day.
    _id: { type: String, required: true },
    kind: { type: String, required: true, enum: ['instant', 'digest'] },
    userId: { type: String, required: true },
    // The stored notification as it was handed over (instant mails); its title is already null unless unclassified.
    notification: { type: Schema.Types.Mixed, default: null },
    // Digests list what is unread since this instant.
    since: { type: Date, default: null },
    queuedAt: { type: Date, required: true },
    dueAt: { type: Date, required: true },
    attempts: { type: Number, required: true, default: 0 },
    lastError: { type: String, default: null },
  },
  { strict: 'throw', versionKey: false, collection: 'mailoutbox' },
);

/** A mail waiting to leave (removed once sent, dropped or given up, so the outbox stays small). */
export const OutboxMail = mongoose.model('OutboxMail', outboxSchema);

const claimSchema = new Schema(
  {
    // `<mail id>#<attempt>`: inserting it is the right to make that attempt; exactly one process wins.
    _id: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false, collection: 'mailclaims' },
);

/** A send attempt taken by one process (kept a day so a slow reader of the outbox cannot take it again). */
export const MailClaim = mongoose.model('MailClaim', claimSchema);
