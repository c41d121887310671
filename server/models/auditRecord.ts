import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/** How an audited action ended. */
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;

/**
 * The `_id` of the record at `seq`: the seq itself, zero-padded, so finding a record by its number
 * is a lookup by `_id` (the only filter FerretDB on SQLite answers without scanning the collection).
 */
export const auditRecordId = (seq: number) => `a${String(seq).padStart(12, '0')}`;

const auditRecordSchema = new Schema({
  _id: { type: String, required: true },
  // 1, 2, 3… without gaps; the unique `_id` (and this unique index) decide which writer gets a
  // number when several race.
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

export type AuditRecordDoc = InferSchemaType<typeof auditRecordSchema>;
/** One link of the tamper-evident audit chain (§9); written once, never updated. */
export const AuditRecord = mongoose.model('AuditRecord', auditRecordSchema);
