import mongoose, { Schema, type Types } from 'mongoose';
import { CLASSIFICATIONS, DEFAULT_TLP, SHARING_SCOPES, TLP_LEVELS } from '../../shared/sharing.js';
import { sharingField, type StoredSharing } from './sharing.js';

const documentRevisionSchema = new Schema(
  {
    // `<documentId>:<revision>`: a metadata change (title, country, classification, sharing, deletion)
    // claims its revision by inserting this record, so two racing changes are applied one after the
    // other, never one over the other — FerretDB's updates are read-then-write, so a lost update of
    // `sharing` would silently leave a document visible to organisations it was withdrawn from.
    _id: { type: String, required: true },
    documentId: { type: Schema.Types.ObjectId, required: true },
    revision: { type: Number, required: true },
    title: { type: String, required: true },
    country: { type: String, default: null },
    classification: { type: String, required: true, enum: CLASSIFICATIONS },
    sharing: sharingField(SHARING_SCOPES),
    tlp: { type: String, enum: TLP_LEVELS, default: DEFAULT_TLP },
    discoverable: { type: Boolean, default: false },
    updatedBy: { type: Schema.Types.ObjectId, required: true },
    updatedAt: { type: Date, required: true },
    deletedAt: { type: Date, default: null },
    deletedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { strict: 'throw', versionKey: false },
);

/** One metadata revision of a document: its whole metadata after the change. */
export interface DocumentRevisionDoc {
  _id: string;
  documentId: Types.ObjectId;
  revision: number;
  title: string;
  country: string | null;
  classification: string;
  sharing: StoredSharing;
  /** Absent on what was stored before v2: `amber`. */
  tlp?: string;
  discoverable?: boolean;
  updatedBy: Types.ObjectId;
  updatedAt: Date;
  deletedAt: Date | null;
  deletedBy: Types.ObjectId | null;
}

/** Every metadata revision of every document; never changed once inserted. */
export const DocumentRevision = mongoose.model<DocumentRevisionDoc>('DocumentRevision', documentRevisionSchema);

/** The `_id` of one metadata revision of a document. */
export const documentRevisionKey = (documentId: string, revision: number) => `${documentId}:${revision}`;
