import mongoose, { Schema } from 'mongoose';

const spentRecoveryCodeSchema = new Schema(
  {
    // `<userId>:<code hash>`: inserting it spends the recovery code; of two sign-ins racing with the
    // same code, the unique `_id` lets exactly one through. Kept until MFA is turned off or re-enabled.
    _id: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

/** A recovery code already used in place of a one-time password. */
export const SpentRecoveryCode = mongoose.model('SpentRecoveryCode', spentRecoveryCodeSchema);
