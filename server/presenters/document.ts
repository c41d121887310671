import { kindOfContentType } from '../../shared/documentTypes.js';
import type { DocumentWithVersions, HubDocument } from '../../shared/schemas/documents.js';
import type { DocumentDoc, DocumentVersionEntry } from '../models/document.js';
import { presentSharing, presentTlp } from './sharing.js';
import { toIso } from './user.js';

// The model types enumerated fields as strings; it stores only what its schema's enums allow.

/** A document as the API shows it (§7); `kind` and `updatedBy` are extras for the web app. */
export function presentDocument(d: DocumentDoc): HubDocument {
  return {
    id: d._id.toString(),
    organisationId: d.organisationId.toString(),
    title: d.title,
    filename: d.filename,
    contentType: d.contentType as HubDocument['contentType'],
    kind: kindOfContentType(d.contentType) ?? null,
    size: d.size,
    sha256: d.sha256,
    country: d.country ?? null,
    classification: d.classification as HubDocument['classification'],
    sharing: presentSharing(d.sharing),
    tlp: presentTlp(d.tlp),
    discoverable: d.discoverable ?? false,
    version: d.version,
    createdBy: d.createdBy.toString(),
    updatedBy: d.updatedBy.toString(),
    createdAt: toIso(d.createdAt),
    updatedAt: toIso(d.updatedAt),
  };
}

/** A document with the versions `shown` lets through, oldest first (`GET /api/documents/:id`; the route adds the authors' names). */
export function presentDocumentWithVersions(d: DocumentDoc, shown: (v: DocumentVersionEntry) => boolean): Omit<DocumentWithVersions, 'names'> {
  return {
    ...presentDocument(d),
    versions: d.versions
      .filter(shown)
      .map((v) => ({ version: v.version, size: v.size, sha256: v.sha256, createdBy: v.createdBy.toString(), createdAt: toIso(v.createdAt) })),
  };
}
