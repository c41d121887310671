import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const loginThrottleSchema = new Schema({
  // The normalised email the attempts were made for, known account or not; the `_id`, so every
  // read and update is a lookup FerretDB can push down.
  _id: { type: String, required: true },
  failures: { type: Number, required: true, default: 0 },
  windowStart: { type: Date, required: true },
}, { strict: 'throw' });

export type LoginThrottleDoc = InferSchemaType<typeof loginThrottleSchema>;
/** Failed logins of one account in the current 15-minute window. */
export const LoginThrottle = mongoose.model('LoginThrottle', loginThrottleSchema);
