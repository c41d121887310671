import { Schema, type Types } from 'mongoose';

/** `sharing` as stored: `expires` is a list of `{organisationId, at}` (the API shows it as an object). */
export interface StoredSharing {
  scope: string;
  organisations: Types.ObjectId[];
  expires?: { organisationId: Types.ObjectId; at: Date }[];
}

/** The mongoose definition of a shared item's `sharing` (assessments, documents and their revisions). */
export function sharingField(scopes: readonly string[]) {
  return {
    scope: { type: String, required: true, enum: scopes },
    organisations: { type: [Schema.Types.ObjectId], default: [] },
    expires: { type: [{ organisationId: Schema.Types.ObjectId, at: Date, _id: false }], default: undefined },
  };
}
