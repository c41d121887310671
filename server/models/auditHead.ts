import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const auditHeadSchema = new Schema({
  _id: { type: String, required: true },
  seq: { type: Number, required: true },
  hash: { type: String, required: true },
  // Set by a process that keeps losing the race for the next seq: the writer that keeps winning
  // holds off until `waitUntil`, so one busy process cannot starve the others.
  waiter: { type: String, default: null },
  waitUntil: { type: Date, default: null },
}, { strict: 'throw', versionKey: false });

export type AuditHeadDoc = InferSchemaType<typeof auditHeadSchema>;
/**
 * Where the audit chain ended when last seen: a hint that spares writers a sort to find the tip
 * (FerretDB sorts in memory). It only ever names a stored record, so it may lag but never lead;
 * the unique `seq` of the records, not this document, keeps the chain consistent.
 */
export const AuditHead = mongoose.model('AuditHead', auditHeadSchema);
