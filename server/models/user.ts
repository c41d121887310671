import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { LOCALES } from '../../shared/limits.js';
import { ROLES } from '../../shared/roles.js';
import { EMAIL_CADENCES, EMAIL_GROUP_NAMES } from '../../shared/schemas/notifications.js';

const userSchema = new Schema(
  {
    email: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    organisationId: { type: Schema.Types.ObjectId, required: true, index: true },
    role: { type: String, required: true, enum: ROLES },
    active: { type: Boolean, required: true, default: true },
    locale: { type: String, required: true, enum: LOCALES, default: 'en' },
    passwordHash: { type: String, required: true },
    passwordChangedAt: { type: Date, default: null },
    mfaEnabled: { type: Boolean, required: true, default: false },
    // TOTP secrets are stored encrypted with a key derived from HUB_MASTER_KEY.
    mfaSecret: { type: String, default: null },
    mfaPendingSecret: { type: String, default: null },
    // SHA-256 of the ten recovery codes given out when MFA was enabled (§3 v2); the codes are never stored.
    mfaRecoveryHashes: { type: [String], default: [] },
    // What the user chose per e-mail group (§11); a group never chosen follows DEFAULT_EMAIL_PREFERENCES.
    emailPreferences: {
      type: new Schema(Object.fromEntries(EMAIL_GROUP_NAMES.map((g) => [g, { type: String, enum: EMAIL_CADENCES }])), { _id: false, strict: 'throw' }),
      default: undefined,
    },
  },
  { timestamps: true, strict: 'throw' },
);

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: mongoose.Types.ObjectId };
/** A person using the hub, member of exactly one organisation. */
export const User = mongoose.model('User', userSchema);
