import mongoose, { Schema, type Types } from 'mongoose';

const organisationKeySchema = new Schema(
  {
    // The organisation's id: one data key per organisation, created by the first insert that wins.
    _id: { type: Schema.Types.ObjectId, required: true },
    generation: { type: Number, required: true },
    algorithm: { type: String, required: true, enum: ['aes-256-gcm'] },
    // base64 of nonce (12) | wrapped key (32) | tag (16): the data key sealed with HUB_MASTER_KEY.
    wrapped: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

/** An organisation's data key, as stored: wrapped, never in clear. */
export interface OrganisationKeyDoc {
  _id: Types.ObjectId;
  generation: number;
  algorithm: 'aes-256-gcm';
  wrapped: string;
  createdAt: Date;
}

/** The per-organisation data keys that encrypt stored documents (envelope encryption). */
export const OrganisationKey = mongoose.model<OrganisationKeyDoc>('OrganisationKey', organisationKeySchema);
