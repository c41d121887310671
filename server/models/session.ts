import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const sessionSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true, index: true },
    // Set when the session ends (logout, reuse detected, password change, deactivation).
    revokedAt: { type: Date, default: null },
    revokedReason: { type: String, default: null },
    expiresAt: { type: Date, required: true },
    ip: { type: String, default: null },
    userAgent: { type: String, default: null },
  },
  { timestamps: true, strict: 'throw' },
);

export type SessionDoc = InferSchemaType<typeof sessionSchema> & { _id: mongoose.Types.ObjectId };
/**
 * One login and everything descended from it: its access tokens carry its id, and its refresh tokens
 * form one rotating family. Revoking it ends them all on the next request.
 */
export const Session = mongoose.model('Session', sessionSchema);
