import mongoose, { Schema } from 'mongoose';

const loginFailureSchema = new Schema(
  {
    // `<email>|<15-minute bucket>|<n>`: each failure claims the next free slot of its bucket by
    // inserting it, since FerretDB's `$inc` is not atomic under concurrency and would let parallel
    // guesses slip past the lockout. Every lookup is by `_id`.
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    // True while the check it reserved runs; a failure sets it false, a success deletes the slot.
    pending: { type: Boolean, default: false },
  },
  { strict: 'throw', versionKey: false },
);

/** One failed login of one account. */
export const LoginFailure = mongoose.model('LoginFailure', loginFailureSchema);
