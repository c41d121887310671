import { Watch } from '../models/notificationJob.js';
import { isDuplicateKey } from '../store/claim.js';

/** The countries each user watches (§11). */
export class WatchRepository {
  /** The countries a user watches. */
  async of(userId: string): Promise<string[]> {
    const doc = await Watch.findById(userId).lean();
    return doc?.countries ?? [];
  }

  /** Replaces the countries a user watches. */
  async set(userId: string, countries: string[]): Promise<void> {
    const write = () => Watch.updateOne({ _id: userId }, { $set: { countries } }, { upsert: true });
    // Two first writes racing: the loser's upsert collides on `_id`; written again, it updates.
    await write().catch((error: unknown) => (isDuplicateKey(error) ? write() : Promise.reject(error)));
  }

  /** The users watching a country. */
  async watchersOf(country: string): Promise<string[]> {
    const rows = await Watch.find({ countries: country }, { _id: 1 }).lean();
    return rows.map((row) => row._id);
  }
}
