import mongoose from 'mongoose';
import { OFFICE_SLUG } from '../../shared/roles.js';
import { Organisation, type OrganisationDoc } from '../models/organisation.js';
import { claim } from '../store/claim.js';

/** The fields of a new organisation. */
export interface NewOrganisation {
  slug: string;
  name: string;
  names?: { en?: string; fr?: string; ar?: string };
  kind: string;
  parentId?: unknown;
}

/** The Office's official names (§4 v2). */
const OFFICE_NAMES = {
  en: 'UN Office on Genocide Prevention and the Responsibility to Protect',
  fr: 'Bureau des Nations Unies pour la prévention du génocide et la responsabilité de protéger',
  ar: 'مكتب الأمم المتحدة المعني بمنع الإبادة الجماعية والمسؤولية عن الحماية',
};

/** The hub's tenants: the Office and the partner organisations. */
export class OrganisationRepository {
  // The Office's id never changes once created.
  private office: string | undefined;

  /** One organisation, or null. */
  find(id: string | mongoose.Types.ObjectId): Promise<OrganisationDoc | null> {
    return Organisation.findById(id).lean<OrganisationDoc>().exec();
  }

  /** The organisation of a slug, or null. */
  findBySlug(slug: string): Promise<OrganisationDoc | null> {
    return Organisation.findOne({ slug }).lean<OrganisationDoc>().exec();
  }

  /** The organisations of these ids that exist (one query for a batch). */
  findMany(ids: string[]): Promise<OrganisationDoc[]> {
    const valid = ids.filter((id) => mongoose.isValidObjectId(id)).map((id) => new mongoose.Types.ObjectId(id));
    return Organisation.find({ _id: mongoose.trusted({ $in: valid }) })
      .lean<OrganisationDoc[]>()
      .exec();
  }

  /** Whether `id` names an active organisation. */
  async isActive(id: string): Promise<boolean> {
    return (await Organisation.findById(id, { active: 1 }).lean())?.active === true;
  }

  /** The ids among `ids` that are not an active organisation (in order). */
  async inactiveAmong(ids: string[]): Promise<string[]> {
    const found = await Promise.all(ids.map((id) => (mongoose.isValidObjectId(id) ? Organisation.findById(id, { active: 1 }).lean() : null)));
    return ids.filter((_, i) => !found[i]?.active);
  }

  /** A page of organisations by creation, after the id `after`; only active ones unless `includeInactive`. */
  page(options: { includeInactive: boolean; after?: string; limit: number }): Promise<OrganisationDoc[]> {
    const filter: Record<string, unknown> = {};
    if (!options.includeInactive) filter.active = true;
    if (options.after) filter._id = mongoose.trusted({ $gt: new mongoose.Types.ObjectId(options.after) });
    return Organisation.find(filter).sort({ _id: 1 }).limit(options.limit).lean<OrganisationDoc[]>().exec();
  }

  /** Stores a new organisation; null when its slug is taken. */
  async create(fields: NewOrganisation): Promise<OrganisationDoc | null> {
    let created: OrganisationDoc | undefined;
    const stored = await claim(async () => {
      created = (await Organisation.create({ ...fields, parentId: fields.parentId ?? null })).toObject() as OrganisationDoc;
    });
    return stored ? created! : null;
  }

  /** Sets fields of an organisation; answers it as changed (null if unknown). */
  update(
    id: string,
    change: { name?: string; names?: { en?: string; fr?: string; ar?: string }; active?: boolean; requireMfa?: boolean },
  ): Promise<OrganisationDoc | null> {
    return Organisation.findByIdAndUpdate(id, { $set: change }, { new: true }).lean<OrganisationDoc>().exec();
  }

  /** The Office's organisation, created if missing (processes may race: the slug is unique). */
  async ensureOffice(): Promise<OrganisationDoc> {
    const found = await Organisation.findOne({ slug: OFFICE_SLUG }).lean<OrganisationDoc>();
    if (found) return found;
    await claim(() => Organisation.create({ slug: OFFICE_SLUG, name: OFFICE_NAMES.en, names: OFFICE_NAMES, kind: 'office' }));
    return (await Organisation.findOne({ slug: OFFICE_SLUG }).lean<OrganisationDoc>())!;
  }

  /** The id of the Office's organisation (cached once read). */
  async officeId(): Promise<string> {
    if (this.office) return this.office;
    const office = await Organisation.findOne({ slug: OFFICE_SLUG }, { _id: 1 }).lean();
    if (!office) throw new Error('the Office organisation is missing');
    this.office = office._id.toString();
    return this.office;
  }

  /** Ids of every active organisation (the audience of scope `all`). */
  async activeIds(): Promise<string[]> {
    const rows = await Organisation.find({ active: true }, { _id: 1 }).lean();
    return rows.map((o) => o._id.toString());
  }

  /** Whether any partner organisation (not the Office) exists. */
  async hasPartners(): Promise<boolean> {
    return (await Organisation.exists({ kind: mongoose.trusted({ $ne: 'office' }) })) !== null;
  }
}
