import mongoose, { Schema } from 'mongoose';

const auditHeadSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    hash: { type: String, required: true },
    // A turn asked for by a process that lost the race for the next seq: the writer that keeps winning
    // holds off `waitMs` once per request (waiter, askedAt), so one busy process cannot starve others.
    waiter: { type: String, default: null },
    askedAt: { type: Date, default: null },
    waitMs: { type: Number, default: 0 },
  },
  { strict: 'throw', versionKey: false },
);

/**
 * `audit`: where the audit chain ended when last seen: a hint that spares writers a sort to find the tip
 * (FerretDB sorts in memory). It is moved only after its record is stored, so it may lag but never
 * leads unless records were removed (which verify reports). The unique `seq` of the records, not
 * this document, keeps the chain consistent. `legacy`: where the records kept before blocks end
 * (repositories/audit.ts), written once.
 */
export const AuditHead = mongoose.model('AuditHead', auditHeadSchema);
