import { kindOfContentType } from '../../shared/documentTypes.js';
import type { DocumentDoc, DocumentVersionEntry } from '../models/document.js';
import { toIso } from './user.js';

/** A document as the API shows it (§7); `kind` and `updatedBy` are extras for the web app. */
export function presentDocument(d: DocumentDoc) {
  return {
    id: d._id.toString(),
    organisationId: d.organisationId.toString(),
    title: d.title,
    filename: d.filename,
    contentType: d.contentType,
    kind: kindOfContentType(d.contentType) ?? null,
    size: d.size,
    sha256: d.sha256,
    country: d.country ?? null,
    classification: d.classification,
    sharing: { scope: d.sharing.scope, organisations: (d.sharing.organisations ?? []).map(String) },
    version: d.version,
    createdBy: d.createdBy.toString(),
    updatedBy: d.updatedBy.toString(),
    createdAt: toIso(d.createdAt),
    updatedAt: toIso(d.updatedAt),
  };
}

/** A document with the versions `shown` lets through, oldest first (`GET /api/documents/:id`). */
export function presentDocumentWithVersions(d: DocumentDoc, shown: (v: DocumentVersionEntry) => boolean) {
  return {
    ...presentDocument(d),
    versions: d.versions.filter(shown).map((v) => ({
      version: v.version, size: v.size, sha256: v.sha256, createdBy: v.createdBy.toString(), createdAt: toIso(v.createdAt),
    })),
  };
}
