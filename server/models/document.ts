import mongoose, { Schema, type Types } from 'mongoose';
import { CLASSIFICATIONS, DEFAULT_TLP, SHARING_SCOPES, TLP_LEVELS } from '../../shared/sharing.js';
import { sharingField, type StoredSharing } from './sharing.js';

/**
 * A document as the hub reads it: the latest of its metadata revisions (DocumentRevision) merged with
 * the latest of its file versions (DocumentVersion). Those two are the truth — each change claims its
 * number by inserting a record with a unique `_id` — and this record is only their cache, repaired on
 * read when a writer stopped before updating it (repositories/documents.ts).
 */
const documentSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true, index: true },
    title: { type: String, required: true },
    country: { type: String, default: null },
    classification: { type: String, required: true, enum: CLASSIFICATIONS },
    sharing: sharingField(SHARING_SCOPES),
    tlp: { type: String, enum: TLP_LEVELS, default: DEFAULT_TLP },
    discoverable: { type: Boolean, default: false },
    // The latest file version, denormalised for lists.
    version: { type: Number, required: true },
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    versions: {
      // `audience`: the audience keys the document had while this version was the latest (§7 v2).
      type: [
        {
          version: Number,
          size: Number,
          sha256: String,
          createdBy: Schema.Types.ObjectId,
          createdAt: Date,
          audience: { type: [String], default: undefined },
          _id: false,
        },
      ],
      default: [],
    },
    // The latest metadata revision applied.
    revision: { type: Number, required: true },
    // Who may read it ('org:<id>' keys and 'all'), as for assessments (policies/sharing.ts).
    audience: { type: [String], required: true, index: true },
    // Folded words of title and file name (shared/search.ts).
    words: { type: [String], default: [] },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    updatedBy: { type: Schema.Types.ObjectId, required: true },
    updatedAt: { type: Date, required: true },
    deletedAt: { type: Date, default: null },
    deletedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { strict: 'throw', versionKey: false },
);

/** One entry of a document's version history. */
export interface DocumentVersionEntry {
  version: number;
  size: number;
  sha256: string;
  createdBy: Types.ObjectId;
  createdAt: Date;
  /** Who could see the document while this version was the latest; absent on versions recorded before v2. */
  audience?: string[];
}

/** A document as stored. */
export interface DocumentDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  title: string;
  country: string | null;
  classification: string;
  sharing: StoredSharing;
  /** Absent on what was stored before v2: `amber`. */
  tlp?: string;
  discoverable?: boolean;
  version: number;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  versions: DocumentVersionEntry[];
  revision: number;
  audience: string[];
  words: string[];
  createdBy: Types.ObjectId;
  createdAt: Date;
  updatedBy: Types.ObjectId;
  updatedAt: Date;
  deletedAt: Date | null;
  deletedBy: Types.ObjectId | null;
}

/** A shared document (§7), as of its latest revision and version. */
export const Document = mongoose.model<DocumentDoc>('Document', documentSchema);
