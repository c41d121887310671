import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;

const auditRecordSchema = new Schema({
  // 1, 2, 3… without gaps; the unique index decides which writer gets a number when several race.
  seq: { type: Number, required: true, unique: true },
  at: { type: Date, required: true },
  actor: {
    userId: { type: String, default: null },
    organisationId: { type: String, default: null },
  },
  action: { type: String, required: true },
  target: {
    type: { type: String, required: true },
    id: { type: String, default: null },
    organisationId: { type: String, default: null },
  },
  ip: { type: String, default: null },
  outcome: { type: String, required: true, enum: AUDIT_OUTCOMES },
  details: { type: Schema.Types.Mixed, default: {} },
  // The actor's and the target's organisation, so an organisation admin's list is one equality filter.
  organisationIds: { type: [String], default: [] },
  prevHash: { type: String, required: true },
  hash: { type: String, required: true },
}, {
  strict: 'throw',
  versionKey: false,
  // An empty `details` must be stored as {}, not dropped, or the stored record would not hash as written.
  minimize: false,
});

auditRecordSchema.index({ organisationIds: 1, seq: -1 });

export type AuditRecordDoc = InferSchemaType<typeof auditRecordSchema> & { _id: mongoose.Types.ObjectId };
/** One link of the tamper-evident audit chain (§9); written once, never updated. */
export const AuditRecord = mongoose.model('AuditRecord', auditRecordSchema);
