import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const refreshTokenSchema = new Schema({
  // SHA-256 of the token: a stolen database gives no usable token.
  tokenHash: { type: String, required: true, unique: true },
  sessionId: { type: Schema.Types.ObjectId, required: true, index: true },
  userId: { type: Schema.Types.ObjectId, required: true },
  expiresAt: { type: Date, required: true },
  // Spent by a refresh; presenting it again is reuse and ends the session.
  usedAt: { type: Date, default: null },
}, { timestamps: true, strict: 'throw' });

export type RefreshTokenDoc = InferSchemaType<typeof refreshTokenSchema> & { _id: mongoose.Types.ObjectId };
/** A refresh token of a session's rotating family, stored only as its hash. */
export const RefreshToken = mongoose.model('RefreshToken', refreshTokenSchema);
