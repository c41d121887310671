import mongoose, { Schema, type Types } from 'mongoose';

const documentVersionSchema = new Schema(
  {
    // `<documentId>:<version>`: inserting it claims the version number (two uploads cannot both insert
    // one number), and reading a version is a lookup by `_id`, the one filter FerretDB pushes down.
    _id: { type: String, required: true },
    documentId: { type: Schema.Types.ObjectId, required: true },
    organisationId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    // Where the encrypted bytes are (services/blobs) and which organisation key sealed them.
    blobId: { type: String, required: true },
    keyId: { type: String, required: true },
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

/** One stored file version of a document. */
export interface DocumentVersionDoc {
  _id: string;
  documentId: Types.ObjectId;
  organisationId: Types.ObjectId;
  version: number;
  blobId: string;
  keyId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdBy: Types.ObjectId;
  createdAt: Date;
}

/** Every file version of every document; never changed once inserted. */
export const DocumentVersion = mongoose.model<DocumentVersionDoc>('DocumentVersion', documentVersionSchema);

/** The `_id` of one file version of a document. */
export const documentVersionKey = (documentId: string, version: number) => `${documentId}:${version}`;
