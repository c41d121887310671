import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { API_KEY_ROLES } from '../../shared/schemas/apiKeys.js';

const apiKeySchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true, index: true },
    name: { type: String, required: true },
    role: { type: String, required: true, enum: API_KEY_ROLES },
    // SHA-256 (hex) of the whole key: the key has 256 random bits, so a plain hash is enough.
    hash: { type: String, required: true, unique: true },
    prefix: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    expiresAt: { type: Date, default: null },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { timestamps: true, strict: 'throw' },
);

export type ApiKeyDoc = InferSchemaType<typeof apiKeySchema> & { _id: mongoose.Types.ObjectId; createdAt: Date };
/** An organisation's key for a partner system (§14); stored only as a hash. */
export const ApiKeyModel = mongoose.model('ApiKey', apiKeySchema);
