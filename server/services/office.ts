import { OFFICE_SLUG } from '../../shared/roles.js';
import { Organisation } from '../models/organisation.js';

let officeId: string | undefined;

/** The id of the Office's organisation (it never changes once created, so it is cached). */
export async function officeOrganisationId(): Promise<string> {
  if (officeId) return officeId;
  const office = await Organisation.findOne({ slug: OFFICE_SLUG }, { _id: 1 }).lean();
  if (!office) throw new Error('the Office organisation is missing');
  officeId = office._id.toString();
  return officeId;
}

/** Ids of every active organisation (the audience of scope `all`). */
export async function activeOrganisationIds(): Promise<string[]> {
  const rows = await Organisation.find({ active: true }, { _id: 1 }).lean();
  return rows.map((o) => o._id.toString());
}
