import mongoose, { Schema, type Types } from 'mongoose';
import { CLASSIFICATIONS, DEFAULT_TLP, SHARING_SCOPES, TLP_LEVELS } from '../../shared/sharing.js';
import { sharingField, type StoredSharing } from './sharing.js';
import { ASSESSMENT_STATUSES, TRENDS } from '../../shared/schemas/assessments.js';

const riskFactorSchema = new Schema(
  {
    number: { type: Number, required: true },
    level: { type: Number, required: true },
    trend: { type: String, required: true, enum: TRENDS },
    indicators: { type: [String], default: [] },
    notes: { type: String, default: '' },
  },
  { _id: false, strict: 'throw' },
);

/** The content of an assessment: what a version snapshot keeps. */
export const assessmentContent = {
  title: { type: String, required: true },
  summary: { type: String, default: '' },
  periodStart: { type: String, default: null },
  periodEnd: { type: String, default: null },
  overallRisk: { type: Number, required: true },
  riskFactors: { type: [riskFactorSchema], default: [] },
  status: { type: String, required: true, enum: ASSESSMENT_STATUSES },
  classification: { type: String, required: true, enum: CLASSIFICATIONS },
  sharing: sharingField(SHARING_SCOPES),
  // §13: what a recipient may pass on; whether others see the item's card.
  tlp: { type: String, enum: TLP_LEVELS, default: DEFAULT_TLP },
  discoverable: { type: Boolean, default: false },
  version: { type: Number, required: true },
  updatedBy: { type: Schema.Types.ObjectId, required: true },
  updatedAt: { type: Date, required: true },
  publishedAt: { type: Date, default: null },
};

// What other organisations read (§6 v2): the last published version, kept beside the working one so
// lists filter the catalog without reading versions; the audience below is computed from it.
const publishedViewSchema = new Schema(assessmentContent, { _id: false, strict: 'throw' });

const assessmentSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true, index: true },
    country: { type: String, required: true, index: true },
    ...assessmentContent,
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    // Who may read it, denormalised from status and sharing ('org:<id>' keys and 'all'): one
    // equality match serves a visibility filter on MongoDB; the catalog reads the same field.
    audience: { type: [String], required: true, index: true },
    // Folded words of title and summary (shared/search.ts): FerretDB has no text index.
    words: { type: [String], default: [] },
    // Each version's status and audience (the `audience` keys of its own sharing, owner-only for a
    // draft): who outside the owner may read it (§5 v2).
    versions: { type: [{ version: Number, updatedBy: Schema.Types.ObjectId, updatedAt: Date, status: String, audience: [String], _id: false }], default: [] },
    published: { type: publishedViewSchema, default: null },
    publishedVersion: { type: Number, default: null },
    deletedAt: { type: Date, default: null },
    deletedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { strict: 'throw', versionKey: false },
);

/** One risk factor's reading in an assessment. */
export interface RiskFactorRecord {
  number: number;
  level: number;
  trend: string;
  indicators: string[];
  notes: string;
}

/** What a version snapshot of an assessment keeps. */
export interface AssessmentContent {
  title: string;
  summary: string;
  periodStart: string | null;
  periodEnd: string | null;
  overallRisk: number;
  riskFactors: RiskFactorRecord[];
  status: 'draft' | 'published';
  classification: string;
  sharing: StoredSharing;
  /** Absent on what was stored before v2: `amber`. */
  tlp?: string;
  discoverable?: boolean;
  version: number;
  updatedBy: Types.ObjectId;
  updatedAt: Date;
  publishedAt: Date | null;
}

/** One version in an assessment's list: when, by whom, and who outside the owner may read it. */
export interface VersionEntry {
  version: number;
  updatedBy: Types.ObjectId;
  updatedAt: Date;
  /** Absent on versions stored before v2. */
  status?: 'draft' | 'published';
  audience?: string[];
}

/** An assessment as stored. */
export interface AssessmentDoc extends AssessmentContent {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  country: string;
  createdBy: Types.ObjectId;
  createdAt: Date;
  audience: string[];
  words: string[];
  versions: VersionEntry[];
  /** The last published version (what other organisations read); null before the first publication. */
  published: AssessmentContent | null;
  publishedVersion: number | null;
  deletedAt: Date | null;
  deletedBy: Types.ObjectId | null;
}

/** A country assessment on the Framework of Analysis, in its current version. */
export const Assessment = mongoose.model<AssessmentDoc>('Assessment', assessmentSchema);
