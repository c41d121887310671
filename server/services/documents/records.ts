import { isDuplicateKey } from '../../store/claim.js';
import { searchWords } from '../../../shared/search.js';
import { notFound } from '../../http/errors.js';
import { Document, type DocumentDoc } from '../../models/document.js';
import { DocumentRevision, documentRevisionKey, type DocumentRevisionDoc } from '../../models/documentRevision.js';
import { DocumentVersion, documentVersionKey, type DocumentVersionDoc } from '../../models/documentVersion.js';
import { audienceOf } from '../../policies/sharing.js';
import { publishChange } from '../../store/changeFeed.js';
import { officeOrganisationId } from '../office.js';

// A document's truth is two sequences of insert-only records — file versions `<id>:<n>` and metadata
// revisions `<id>:<n>` — each number claimed by inserting its record (a unique `_id`: the one write
// FerretDB makes atomic). The Document record is their cache; every read walks it forward past any
// record a writer claimed but did not get to apply, so a crash or a slow racing write never loses a
// change, and a sharing change can never be undone by a concurrent upload.

export const DOCUMENT_FEED = 'documents';
const MAX_CLAIM_ATTEMPTS = 20;

/** The metadata a revision sets. */
export type Metadata = Pick<DocumentRevisionDoc, 'title' | 'country' | 'classification' | 'sharing' | 'deletedAt' | 'deletedBy'>;

/** Folded words a list's `q` matches: the title and the file name. */
export const wordsOf = (title: string, filename: string) => searchWords(title, filename.replace(/\.[^.]*$/, ''));

function applyVersion(doc: DocumentDoc, v: DocumentVersionDoc): DocumentDoc {
  return {
    ...doc,
    version: v.version, filename: v.filename, contentType: v.contentType, size: v.size, sha256: v.sha256,
    versions: [...doc.versions.filter((e) => e.version < v.version),
      // A new version starts from the audience of this moment (§7 v2); widening while it is the latest adds to it.
      { version: v.version, size: v.size, sha256: v.sha256, createdBy: v.createdBy, createdAt: v.createdAt, audience: doc.audience }],
    words: wordsOf(doc.title, v.filename),
    updatedBy: v.createdBy,
    updatedAt: v.createdAt > doc.updatedAt ? v.createdAt : doc.updatedAt,
  };
}

function applyRevision(doc: DocumentDoc, r: DocumentRevisionDoc, officeId: string): DocumentDoc {
  const audience = audienceOf({ organisationId: doc.organisationId, sharing: r.sharing, draft: false }, officeId);
  return {
    ...doc,
    versions: doc.versions.map((e) => (e.version === doc.version ? { ...e, audience: [...new Set([...(e.audience ?? []), ...audience])] } : e)),
    revision: r.revision, title: r.title, country: r.country ?? null, classification: r.classification,
    sharing: { scope: r.sharing.scope, organisations: r.sharing.organisations ?? [] },
    deletedAt: r.deletedAt ?? null, deletedBy: r.deletedBy ?? null,
    audience,
    words: wordsOf(r.title, doc.filename),
    updatedBy: r.updatedBy,
    updatedAt: r.updatedAt > doc.updatedAt ? r.updatedAt : doc.updatedAt,
  };
}

/** A document built from its first version and revision (what `create` stores). */
export async function documentFrom(v: DocumentVersionDoc, r: DocumentRevisionDoc): Promise<DocumentDoc> {
  const base = {
    _id: v.documentId, organisationId: v.organisationId, title: r.title, filename: v.filename, versions: [], version: 0, revision: 0, words: [], audience: [],
    createdBy: v.createdBy, createdAt: v.createdAt, updatedBy: v.createdBy, updatedAt: v.createdAt,
  } as unknown as DocumentDoc;
  return applyRevision(applyVersion(base, v), r, await officeOrganisationId());
}

/**
 * Brings a stored document up to its latest version and revision records; writes the cache (and
 * tells the change feed) only when it was behind.
 */
export async function settle(stored: DocumentDoc): Promise<DocumentDoc> {
  const id = stored._id.toString();
  let doc = stored;
  let behind = false;
  for (;;) {
    const [v, r] = await Promise.all([
      DocumentVersion.findById(documentVersionKey(id, doc.version + 1)).lean(),
      DocumentRevision.findById(documentRevisionKey(id, doc.revision + 1)).lean(),
    ]);
    if (!v && !r) break;
    // One record a step, the earlier first: which version was the latest when the sharing changed
    // decides who may read that version (§7 v2).
    if (r && (!v || r.updatedAt <= v.createdAt)) doc = applyRevision(doc, r, await officeOrganisationId());
    else doc = applyVersion(doc, v!);
    behind = true;
  }
  if (behind) {
    const { _id, ...fields } = doc;
    await Document.replaceOne({ _id }, fields);
    await publishChange(DOCUMENT_FEED, id);
  }
  return doc;
}

/** The document of `id` as of its latest records, deleted ones included (null if none). */
export async function loadDocument(id: string): Promise<DocumentDoc | null> {
  const stored = await Document.findById(id).lean();
  return stored ? settle(stored) : null;
}

/** A live document; a deleted or unknown one is 404. */
export async function findDocument(id: string): Promise<DocumentDoc> {
  const doc = await loadDocument(id);
  if (!doc || doc.deletedAt) throw notFound('document');
  return doc;
}

/** One file version's record; 404 if the document has no such version. */
export async function findVersion(doc: DocumentDoc, version: number): Promise<DocumentVersionDoc> {
  if (version < 1 || version > doc.version) throw notFound('version');
  const found = await DocumentVersion.findById(documentVersionKey(doc._id.toString(), version)).lean();
  if (!found) throw notFound('version');
  return found;
}

/**
 * Records a new file version: claims the next number by inserting its record; when another upload
 * took that number first, catches up and takes the one after (both uploads are kept, in the order
 * they claimed). Answers the document with the version applied.
 */
export async function claimVersion(current: DocumentDoc, make: (version: number) => DocumentVersionDoc): Promise<DocumentDoc> {
  let doc = current;
  for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
    try {
      await DocumentVersion.create(make(doc.version + 1));
      return settle(doc);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      doc = await settle(doc);
    }
  }
  throw new Error('could not claim a document version');
}

/**
 * Records a metadata change: `change` computes the next metadata from the current document (it may
 * throw, e.g. 404 once the document is deleted); the revision is claimed by inserting it, and on a
 * race `change` is applied again on top of the winner's revision.
 */
export async function claimRevision(current: DocumentDoc, change: (doc: DocumentDoc) => Metadata, by: DocumentRevisionDoc['updatedBy']): Promise<DocumentDoc> {
  let doc = current;
  for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
    const next = change(doc);
    const revision = doc.revision + 1;
    try {
      await DocumentRevision.create({
        _id: documentRevisionKey(doc._id.toString(), revision), documentId: doc._id, revision, ...next, updatedBy: by, updatedAt: new Date(),
      });
      return settle(doc);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      doc = await settle(doc);
    }
  }
  throw new Error('could not claim a document revision');
}
