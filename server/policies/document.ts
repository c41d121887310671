import type { Principal } from '../auth/principal.js';
import { isAdmin, isEditor, sameOrganisation } from './helpers.js';
import { inAudience } from './sharing.js';

/** What the document policy looks at. */
export interface DocumentFacts {
  organisationId: { toString(): string };
  audience: string[];
  deletedAt?: Date | null;
}

/** May `p` read this document (its metadata and every version's content)? §5's audience rule. */
export function canReadDocument(p: Principal, d: DocumentFacts): boolean {
  return !d.deletedAt && inAudience(p, d.audience);
}

/** May `p` upload documents? Admins and analysts. */
export const canCreateDocument = (p: Principal): boolean => isEditor(p);

/** Verdict for reading and downloading a document. */
export function readDocumentVerdict(p: Principal, d: DocumentFacts) {
  const visible = canReadDocument(p, d);
  return { visible, allowed: visible };
}

/** Verdict for changing a document (metadata, sharing, a new version): owner organisation's admins and analysts. */
export function editDocumentVerdict(p: Principal, d: DocumentFacts) {
  return { visible: canReadDocument(p, d), allowed: sameOrganisation(p, d.organisationId) && isEditor(p) };
}

/** Verdict for deleting a document: the owner organisation's admins. */
export function deleteDocumentVerdict(p: Principal, d: DocumentFacts) {
  return { visible: canReadDocument(p, d), allowed: sameOrganisation(p, d.organisationId) && isAdmin(p) };
}
