import mongoose, { Schema, type Types } from 'mongoose';
import { assessmentContent, type AssessmentContent } from './assessment.js';

const assessmentVersionSchema = new Schema(
  {
    // `<assessmentId>:<version>`: reading a version is a lookup by `_id` (pushed down by FerretDB), and
    // inserting it is how an edit claims its version number — two concurrent edits of one version
    // cannot both insert it, so the loser answers 409.
    _id: { type: String, required: true },
    assessmentId: { type: Schema.Types.ObjectId, required: true },
    organisationId: { type: Schema.Types.ObjectId, required: true },
    country: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    ...assessmentContent,
    // A deletion is a version too, so it cannot be undone by an edit racing it.
    deletedAt: { type: Date, default: null },
    deletedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { strict: 'throw', versionKey: false },
);

/** One stored version of an assessment. */
export interface AssessmentVersionDoc extends AssessmentContent {
  _id: string;
  assessmentId: Types.ObjectId;
  organisationId: Types.ObjectId;
  country: string;
  createdBy: Types.ObjectId;
  createdAt: Date;
  deletedAt: Date | null;
  deletedBy: Types.ObjectId | null;
}

/** Every version of every assessment, kept whole. */
export const AssessmentVersion = mongoose.model<AssessmentVersionDoc>('AssessmentVersion', assessmentVersionSchema);

/** The `_id` of one version of an assessment. */
export const versionKey = (assessmentId: string, version: number) => `${assessmentId}:${version}`;
