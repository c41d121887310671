import mongoose, { Schema } from 'mongoose';

const usedOtpSchema = new Schema(
  {
    // `<userId>:<TOTP step>`: inserting it spends the code; a second insert of the same code fails
    // on the unique `_id`, atomically even where FerretDB's conditional updates are not.
    _id: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

/** A one-time password already used to sign in (kept a few minutes, then swept). */
export const UsedOtp = mongoose.model('UsedOtp', usedOtpSchema);
