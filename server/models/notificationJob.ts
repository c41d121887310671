import mongoose, { Schema } from 'mongoose';

// A fan-out job: what an action stores (one insert) instead of a notification per recipient. Jobs are
// removed when done, so the collection holds only those in flight and stays small.
const notificationJobSchema = new Schema(
  {
    _id: { type: String, required: true },
    type: { type: String, required: true },
    actor: { type: Schema.Types.Mixed, default: null },
    subject: { type: Schema.Types.Mixed, required: true },
    organisationIds: { type: [String], default: [] },
    userIds: { type: [String], default: [] },
    // Absent: no restriction beyond the subject's audience now.
    audience: { type: [String], default: undefined },
    roomId: { type: String, default: null },
    messageSeq: { type: Number, default: null },
    createdAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

/** A notification waiting to be written for each of its recipients. */
export const NotificationJob = mongoose.model('NotificationJob', notificationJobSchema);

// `<job>:<turn>`: the process that inserts it runs the job for that turn (a lease of fixed length).
const notificationJobClaimSchema = new Schema(
  { _id: { type: String, required: true }, jobId: { type: String, required: true } },
  { strict: 'throw', versionKey: false },
);

/** Who runs a job in which turn. */
export const NotificationJobClaim = mongoose.model('NotificationJobClaim', notificationJobClaimSchema);

const watchSchema = new Schema({ _id: { type: String, required: true }, countries: { type: [String], default: [] } }, { strict: 'throw', versionKey: false });

/** The countries a user watches (`_id` is the user's id). */
export const Watch = mongoose.model('Watch', watchSchema);
