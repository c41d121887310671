import mongoose, { Schema } from 'mongoose';

// FerretDB on SQLite pushes down only a filter on `_id` alone, so a token is keyed by its hash.
const fields = {
  // SHA-256 of the token: a stolen database gives no usable token.
  _id: { type: String, required: true },
  sessionId: { type: Schema.Types.ObjectId, required: true },
  userId: { type: Schema.Types.ObjectId, required: true },
  expiresAt: { type: Date, required: true },
};

const refreshTokenSchema = new Schema(fields, { timestamps: true, strict: 'throw' });
const spentRefreshTokenSchema = new Schema(fields, { timestamps: true, strict: 'throw' });

/** A live refresh token of a session's rotating family, stored only as its hash. */
export const RefreshToken = mongoose.model('RefreshToken', refreshTokenSchema);
/**
 * A refresh token already used. Inserting it is how a refresh claims the token (the unique `_id`
 * lets exactly one concurrent refresh win); finding it again is reuse, which ends the session.
 */
export const SpentRefreshToken = mongoose.model('SpentRefreshToken', spentRefreshTokenSchema);
