import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { ORGANISATION_KINDS } from '../../shared/roles.js';

const organisationSchema = new Schema(
  {
    slug: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    // The name in each language (§4 v2); `name` is the English one. Absent languages fall back to it.
    names: { type: { en: String, fr: String, ar: String, _id: false }, default: undefined },
    kind: { type: String, required: true, enum: ORGANISATION_KINDS },
    parentId: { type: Schema.Types.ObjectId, default: null },
    active: { type: Boolean, required: true, default: true },
    // Its users must sign in with MFA; one without it is sent to enrol (§3, §4 v2).
    requireMfa: { type: Boolean, required: true, default: false },
  },
  { timestamps: true, strict: 'throw' },
);

export type OrganisationDoc = InferSchemaType<typeof organisationSchema> & { _id: mongoose.Types.ObjectId };
/** A tenant of the hub: the Office or a partner organisation. */
export const Organisation = mongoose.model('Organisation', organisationSchema);
