import type { Principal } from '../../auth/principal.js';
import type { CreateDocumentFields, UpdateDocumentBody } from '../../../shared/schemas/documents.js';
import { sharingProblem, type Classification } from '../../../shared/sharing.js';
import type { Domain } from '../../domain.js';
import { HttpError, notFound } from '../../http/errors.js';
import type { IncomingFile } from '../../http/multipart.js';
import type { DocumentDoc } from '../../models/document.js';
import { presentDocument } from '../../presenters/document.js';
import type { Metadata, NewVersion } from '../../repositories/documents.js';
import { newId, type Id } from '../../repositories/ids.js';
import { recordAudit } from '../audit.js';
import { actorOf, type ActionContext } from '../context.js';
import { isCountryCode } from '../countries.js';
import { checkSharing, grantedSharing, toStoredSharing } from '../sharing.js';
import { presentSharing } from '../../presenters/sharing.js';
import { cleanFilename } from './filename.js';
import { ingestFile, type IngestedFile } from './ingest.js';
import { announceDocument } from './notify.js';

/** A request's context with its signed-in principal. */
export type Signed = ActionContext & { principal: Principal };
/** A stored upload, before any record names it. */
export type StoredFile = IngestedFile & { filename: string };
/** The checked metadata of a new document. */
export type NewDocument = Omit<Metadata, 'deletedAt' | 'deletedBy'>;
type Details = Record<string, string | number | boolean | null>;

function checkCountry(country: string | null | undefined): void {
  if (country && !isCountryCode(country)) throw new HttpError('invalid_request', `country: ${country} is not an ISO 3166-1 alpha-3 country code.`);
}

/** A live document; a deleted or unknown one is 404. */
export async function findDocument(domain: Domain, id: string): Promise<DocumentDoc> {
  const doc = await domain.repos.documents.load(id);
  if (!doc || doc.deletedAt) throw notFound('document');
  return doc;
}

/** Checks the fields of a new document before a byte of its file is read (400s come first). */
export async function planNewDocument(domain: Domain, ctx: Signed, fields: CreateDocumentFields): Promise<NewDocument> {
  checkCountry(fields.country);
  const sharing = await checkSharing(domain, fields.sharing, fields.classification, ctx.principal.organisation._id.toString());
  return {
    title: fields.title,
    country: fields.country ?? null,
    classification: fields.classification,
    sharing: toStoredSharing(sharing),
    tlp: fields.tlp,
    discoverable: fields.discoverable === 'true',
  };
}

/** Streams an uploaded file, sealed with `organisationId`'s key, into the blob store. */
export async function storeFile(domain: Domain, organisationId: Id, file: IncomingFile): Promise<StoredFile> {
  const { storage } = domain;
  const key = await storage.keys.of(organisationId.toString());
  const ingested = await ingestFile(storage.blobs, key, file.stream, file.filename, storage.maxUploadBytes);
  return { ...ingested, filename: cleanFilename(file.filename, ingested.contentType) };
}

/** Removes a stored upload that no record will name (the request failed after it was stored). */
export async function discardFile(domain: Domain, file: StoredFile): Promise<void> {
  await domain.storage.blobs.remove(file.blobId);
}

function versionRecord(documentId: Id, organisationId: Id, file: StoredFile, by: Id): Omit<NewVersion, 'version'> {
  return {
    documentId,
    organisationId,
    blobId: file.blobId,
    keyId: file.keyId,
    filename: file.filename,
    contentType: file.contentType,
    size: file.size,
    sha256: file.sha256,
    createdBy: by,
    createdAt: new Date(),
  };
}

/** Audit and notifications after a change (the repository told the change feed); `before` is the audience it had. */
async function announce(domain: Domain, ctx: Signed, doc: DocumentDoc, before: string[], action: string, details: Details) {
  await recordAudit({
    actor: actorOf(ctx),
    action,
    target: { type: 'document', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
    ip: ctx.ip,
    outcome: 'success',
    details: { version: doc.version, ...details },
  });
  await announceDocument(domain, ctx.principal, doc, before, action === 'document.version');
}

/** `POST /api/documents`: records version 1 and revision 1 of a new document, then its cache. */
export async function createDocument(domain: Domain, ctx: Signed, plan: NewDocument, file: StoredFile) {
  const p = ctx.principal;
  const { documents } = domain.repos;
  const _id = newId();
  try {
    const first = { ...versionRecord(_id, p.organisation._id, file, p.user._id), version: 1 };
    const doc = await documents.create(first, { ...plan, deletedAt: null, deletedBy: null, updatedBy: p.user._id });
    await announce(domain, ctx, doc, [], 'document.create', {
      contentType: file.contentType,
      size: file.size,
      sha256: file.sha256,
      scope: plan.sharing.scope,
      classification: plan.classification,
    });
    return presentDocument(doc);
  } catch (error) {
    // Before the Document record exists nothing can reach the blob; after, the document is live.
    if (!(await documents.exists(_id))) await discardFile(domain, file);
    throw error;
  }
}

/** `POST /api/documents/:id/versions`: the next version of a document's file. */
export async function addVersion(domain: Domain, ctx: Signed, current: DocumentDoc, file: StoredFile) {
  const p = ctx.principal;
  const doc = await domain.repos.documents.addVersion(current, versionRecord(current._id, current.organisationId, file, p.user._id));
  if (doc.deletedAt) {
    // Deleted while the file was uploading: the version is recorded but its bytes go with the document.
    await discardFile(domain, file);
    throw notFound('document');
  }
  await announce(domain, ctx, doc, doc.audience, 'document.version', { contentType: file.contentType, size: file.size, sha256: file.sha256 });
  return presentDocument(doc);
}

/** `PATCH /api/documents/:id`: title, country, classification and sharing (§5's rules). */
export async function updateDocument(domain: Domain, ctx: Signed, current: DocumentDoc, body: UpdateDocumentBody) {
  if (Object.values(body).every((value) => value === undefined)) return presentDocument(current);
  checkCountry(body.country);
  const classification = (body.classification ?? current.classification) as Classification;
  const owner = current.organisationId.toString();
  const requested = body.sharing ?? presentSharing(current.sharing);
  const sharing = await checkSharing(domain, requested, classification, owner);
  const sharingChanged = body.sharing !== undefined || body.classification !== undefined;
  const doc = await domain.repos.documents.addRevision(
    current,
    (latest) => {
      if (latest.deletedAt) throw notFound('document');
      // Re-checked against the latest revision: a racing change may have raised the classification.
      const effective = (body.classification ?? latest.classification) as Classification;
      const shared = body.sharing ? sharing : presentSharing(latest.sharing);
      const problem = sharingProblem(shared, effective);
      if (problem) throw new HttpError('invalid_request', problem);
      return {
        title: body.title ?? latest.title,
        country: body.country === undefined ? latest.country : body.country,
        classification: effective,
        sharing: toStoredSharing(shared),
        tlp: body.tlp ?? latest.tlp,
        discoverable: body.discoverable ?? latest.discoverable ?? false,
        deletedAt: null,
        deletedBy: null,
      };
    },
    ctx.principal.user._id,
  );
  const changed = Object.keys(body)
    .filter((k) => body[k as keyof UpdateDocumentBody] !== undefined)
    .join(',');
  await announce(
    domain,
    ctx,
    doc,
    current.audience,
    'document.update',
    sharingChanged ? { changed, scope: doc.sharing.scope, classification: doc.classification, sharingChanged: true } : { changed },
  );
  return presentDocument(doc);
}

/**
 * `DELETE /api/documents/:id`: gone from reads and lists; the record stays for the audit trail, but
 * the encrypted bytes of every version are removed.
 */
export async function deleteDocument(domain: Domain, ctx: Signed, current: DocumentDoc): Promise<void> {
  const by = ctx.principal.user._id;
  const { documents } = domain.repos;
  const doc = await documents.addRevision(
    current,
    (latest) => {
      if (latest.deletedAt) throw notFound('document');
      return {
        title: latest.title,
        country: latest.country,
        classification: latest.classification,
        sharing: latest.sharing,
        tlp: latest.tlp,
        discoverable: latest.discoverable,
        deletedAt: new Date(),
        deletedBy: by,
      };
    },
    by,
  );
  await announce(domain, ctx, doc, current.audience, 'document.delete', {});
  const blobs = domain.storage.blobs;
  // A blob left by a failure here is swept later (sweeper.ts): deleted documents' blobs are not kept.
  await Promise.all((await documents.blobIdsOf(doc)).map((blobId) => blobs.remove(blobId)));
}

/**
 * Puts a refused upload on the audit trail (a disguised executable, an oversized file): who tried,
 * for which document if it was a new version, and why.
 */
export async function auditRefusedUpload(ctx: Signed, error: unknown, target: DocumentDoc | null): Promise<void> {
  if (!(error instanceof HttpError) || !['unsupported_media_type', 'payload_too_large'].includes(error.code)) return;
  await recordAudit({
    actor: actorOf(ctx),
    action: target ? 'document.version' : 'document.create',
    target: { type: 'document', id: target?._id.toString() ?? null, organisationId: (target?.organisationId ?? ctx.principal.organisation._id).toString() },
    ip: ctx.ip,
    outcome: 'denied',
    details: { reason: error.code },
  });
}

/** An approved access request (§13): the organisation joins the document's sharing at once, until `expiresAt`. */
export async function grantDocumentAccess(domain: Domain, ctx: Signed, current: DocumentDoc, organisationId: string, expiresAt: Date | null) {
  const doc = await domain.repos.documents.addRevision(
    current,
    (latest) => {
      if (latest.deletedAt) throw notFound('document');
      const { title, country, classification, tlp, discoverable } = latest;
      return {
        title,
        country,
        classification,
        tlp,
        discoverable,
        sharing: grantedSharing(latest.sharing, organisationId, expiresAt),
        deletedAt: null,
        deletedBy: null,
      };
    },
    ctx.principal.user._id,
  );
  await announce(domain, ctx, doc, current.audience, 'document.share', {
    grantedTo: organisationId,
    expiresAt: expiresAt?.toISOString() ?? null,
    sharingChanged: true,
  });
  return presentDocument(doc);
}
