import mongoose from 'mongoose';
import type { EmailCadence, EmailGroup } from '../../shared/schemas/notifications.js';
import { User, type UserDoc } from '../models/user.js';
import { claim } from '../store/claim.js';

/** The fields of a new user. */
export interface NewUser {
  email: string;
  name: string;
  role: string;
  organisationId: unknown;
  passwordHash: string;
  locale?: string;
}

/** What may be set on a user. */
export interface UserChange {
  name?: string;
  role?: string;
  active?: boolean;
  locale?: string;
  passwordHash?: string;
  passwordChangedAt?: Date;
  mfaEnabled?: boolean;
  mfaSecret?: string | null;
  mfaPendingSecret?: string | null;
  mfaRecoveryHashes?: string[];
  emailPreferences?: Partial<Record<EmailGroup, EmailCadence>>;
}

/** The people using the hub; emails are unique across it. */
export class UserRepository {
  /** One user, or null. */
  find(id: string | mongoose.Types.ObjectId): Promise<UserDoc | null> {
    return User.findById(id).lean<UserDoc>().exec();
  }

  /** The users of these ids that exist (one query for a batch). */
  findMany(ids: string[]): Promise<UserDoc[]> {
    const valid = ids.filter((id) => mongoose.isValidObjectId(id)).map((id) => new mongoose.Types.ObjectId(id));
    return User.find({ _id: mongoose.trusted({ $in: valid }) })
      .lean<UserDoc[]>()
      .exec();
  }

  /** The user of an email, or null. */
  findByEmail(email: string): Promise<UserDoc | null> {
    return User.findOne({ email }).lean<UserDoc>().exec();
  }

  /** Whether an account has this email. */
  async emailTaken(email: string): Promise<boolean> {
    return (await User.exists({ email })) !== null;
  }

  /** A page of an organisation's users by creation, after the id `after`. */
  page(organisationId: string, options: { after?: string; limit: number }): Promise<UserDoc[]> {
    const filter: Record<string, unknown> = { organisationId: new mongoose.Types.ObjectId(organisationId) };
    if (options.after) filter._id = mongoose.trusted({ $gt: new mongoose.Types.ObjectId(options.after) });
    return User.find(filter).sort({ _id: 1 }).limit(options.limit).lean<UserDoc[]>().exec();
  }

  /** The ids of an organisation's users. */
  async idsOf(organisationId: mongoose.Types.ObjectId): Promise<string[]> {
    const rows = await User.find({ organisationId }, { _id: 1 }).lean();
    return rows.map((u) => u._id.toString());
  }

  /** The active users of some organisations and some users named by id (one read): each id and organisation. */
  async activeAmong(organisationIds: string[], userIds: string[]): Promise<{ id: string; organisationId: string }[]> {
    const toIds = (ids: string[]) => ids.filter((id) => mongoose.isValidObjectId(id)).map((id) => new mongoose.Types.ObjectId(id));
    const rows = await User.find(
      { active: true, $or: [{ organisationId: mongoose.trusted({ $in: toIds(organisationIds) }) }, { _id: mongoose.trusted({ $in: toIds(userIds) }) }] },
      { _id: 1, organisationId: 1 },
    ).lean();
    return rows.map((u) => ({ id: u._id.toString(), organisationId: u.organisationId.toString() }));
  }

  /** The ids of an organisation's active admins and analysts (who act on its behalf, §12). */
  async activeEditorsOf(organisationId: string): Promise<string[]> {
    if (!mongoose.isValidObjectId(organisationId)) return [];
    const rows = await User.find(
      { organisationId: new mongoose.Types.ObjectId(organisationId), active: true, role: mongoose.trusted({ $in: ['admin', 'analyst'] }) },
      { _id: 1 },
    ).lean();
    return rows.map((u) => u._id.toString());
  }

  /** The ids of every active user. */
  async activeIds(): Promise<string[]> {
    const rows = await User.find({ active: true }, { _id: 1 }).lean();
    return rows.map((u) => u._id.toString());
  }

  /** Stores a new user; null when the email is taken. */
  async create(fields: NewUser): Promise<UserDoc | null> {
    let created: UserDoc | undefined;
    const stored = await claim(async () => {
      created = (await User.create(fields)).toObject() as UserDoc;
    });
    return stored ? created! : null;
  }

  /** Stores many users at once (demo data). */
  async createMany(users: NewUser[]): Promise<void> {
    await User.insertMany(users);
  }

  /** Sets fields of a user; answers the user as changed (null if unknown). */
  update(id: string | mongoose.Types.ObjectId, change: UserChange): Promise<UserDoc | null> {
    return User.findByIdAndUpdate(id, { $set: change }, { new: true }).lean<UserDoc>().exec();
  }

  /** Sets the e-mail cadence of the groups named (each its own field, so two changes of different groups both stay). */
  setEmailPreferences(id: string | mongoose.Types.ObjectId, change: Partial<Record<EmailGroup, EmailCadence>>): Promise<UserDoc | null> {
    const set = Object.fromEntries(Object.entries(change).map(([group, cadence]) => [`emailPreferences.${group}`, cadence]));
    return User.findByIdAndUpdate(id, { $set: set }, { new: true }).lean<UserDoc>().exec();
  }

  /** Sets fields of a user, leaving `updatedAt` as it was (a re-sealed secret is no change of the user). */
  async rewrite(id: mongoose.Types.ObjectId, change: UserChange): Promise<void> {
    await User.updateOne({ _id: id }, { $set: change }, { timestamps: false });
  }

  /** Every user's sealed TOTP secrets (master-key rotation). */
  secrets(): Promise<Pick<UserDoc, '_id' | 'mfaSecret' | 'mfaPendingSecret'>[]> {
    return User.find({}, { mfaSecret: 1, mfaPendingSecret: 1 }).lean<Pick<UserDoc, '_id' | 'mfaSecret' | 'mfaPendingSecret'>[]>().exec();
  }
}
