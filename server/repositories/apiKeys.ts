import mongoose from 'mongoose';
import { ApiKeyModel, type ApiKeyDoc } from '../models/apiKey.js';

/** API keys (§14), by organisation and by hash. */
export class ApiKeyRepository {
  /** Stores a new key (its hash only). */
  async create(fields: Pick<ApiKeyDoc, 'name' | 'role' | 'hash' | 'prefix' | 'expiresAt'> & { organisationId: string; createdBy: string }): Promise<ApiKeyDoc> {
    return (await ApiKeyModel.create(fields)).toObject() as ApiKeyDoc;
  }

  /** One key, or null. */
  find(id: string): Promise<ApiKeyDoc | null> {
    return ApiKeyModel.findById(id).lean<ApiKeyDoc>().exec();
  }

  /** The key with this hash, or null. */
  findByHash(hash: string): Promise<ApiKeyDoc | null> {
    return ApiKeyModel.findOne({ hash }).lean<ApiKeyDoc>().exec();
  }

  /** An organisation's keys not revoked, newest first. */
  listOf(organisationId: string): Promise<ApiKeyDoc[]> {
    return ApiKeyModel.find({ organisationId: new mongoose.Types.ObjectId(organisationId), revokedAt: null })
      .sort({ createdAt: -1 })
      .lean<ApiKeyDoc[]>()
      .exec();
  }

  /** Marks a key revoked; false when it was already. */
  async revoke(id: string): Promise<boolean> {
    const result = await ApiKeyModel.updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: new Date() } });
    return result.modifiedCount > 0;
  }

  /** Notes a use (the caller throttles). */
  async touch(id: mongoose.Types.ObjectId, at: Date): Promise<void> {
    await ApiKeyModel.updateOne({ _id: id }, { $set: { lastUsedAt: at } });
  }
}
