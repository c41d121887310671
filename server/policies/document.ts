import type { Principal } from '../auth/principal.js';
import { isStampedDownload } from '../../shared/stamping.js';
import { isAdmin, isEditor, sameOrganisation } from './helpers.js';
import { inAudience, sharedItemReader, type StoredExpiry } from './sharing.js';

/** What the document policy looks at. */
export interface DocumentFacts {
  organisationId: { toString(): string };
  audience: string[];
  deletedAt?: Date | null;
  sharing?: { expires?: StoredExpiry[] | null } | null;
}

/** May `p` read this document (its metadata and every version's content)? §5's audience rule and §13's share expiry. */
export function canReadDocument(p: Principal, d: DocumentFacts): boolean {
  return !d.deletedAt && sharedItemReader(p)(d);
}

/** What the version policy looks at: the version's number and the audience it kept. */
export interface DocumentVersionFacts {
  version: number;
  audience?: string[];
}

/**
 * May `p` read this version of a document (§5, §7 v2)? The owner organisation reads every version;
 * another organisation only a version it could see while that version was the latest, and only
 * while it sees the document now. The latest version is the one everyone who sees the document sees.
 */
export function canReadDocumentVersion(p: Principal, d: DocumentFacts & { version: number }, v: DocumentVersionFacts): boolean {
  if (!canReadDocument(p, d)) return false;
  if (sameOrganisation(p, d.organisationId) || v.version === d.version) return true;
  return inAudience(p, v.audience ?? []);
}

/** Verdict for reading one version's content: 404 for a version `p` may not see, or that does not exist. */
export function readDocumentVersionVerdict(p: Principal, d: DocumentFacts & { version: number; versions: DocumentVersionFacts[] }, version: number) {
  const entry = d.versions.find((v) => v.version === version);
  const visible = !!entry && canReadDocumentVersion(p, d, entry);
  return { visible, allowed: visible };
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

/**
 * May `p` have a version's stored file as it is (`?original=true`, §13)? The owner organisation
 * always; others only where a download is not stamped anyway.
 */
export function canReadOriginal(p: Principal, d: DocumentFacts & { classification: string; tlp?: string | null }, contentType: string): boolean {
  return sameOrganisation(p, d.organisationId) || !isStampedDownload(d, contentType);
}
