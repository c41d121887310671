/** Which organisations of a room cannot see a document (§8: an attachment must be seen by every one). */
import type { Sharing } from '../../../shared/sharing.js';

/** The part of a document that says who sees it (§5). */
export interface Seen {
  organisationId: string;
  sharing: Sharing;
}

/** The organisations among `organisations` that do not see the document; `officeId` is the Office's. */
export function blindOrganisations(doc: Seen, organisations: readonly string[], officeId: string | null): string[] {
  const { scope } = doc.sharing;
  if (scope === 'all') return [];
  const sees = (org: string) =>
    org === doc.organisationId ||
    ((scope === 'office' || scope === 'selected') && org === officeId) ||
    (scope === 'selected' && doc.sharing.organisations.includes(org));
  return organisations.filter((org) => !sees(org));
}

/** The sharing of a file uploaded from a room: the room's other organisations (and so the Office), or the owner alone. */
export function roomSharing(organisations: readonly string[], mine: string): Sharing {
  const others = organisations.filter((org) => org !== mine);
  return others.length > 0 ? { scope: 'selected', organisations: others } : { scope: 'organisation', organisations: [] };
}
