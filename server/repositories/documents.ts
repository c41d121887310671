import mongoose from 'mongoose';
import { searchWords } from '../../shared/search.js';
import { DEFAULT_TLP } from '../../shared/sharing.js';
import { Document, type DocumentDoc } from '../models/document.js';
import { DocumentRevision, documentRevisionKey, type DocumentRevisionDoc } from '../models/documentRevision.js';
import { DocumentVersion, documentVersionKey, type DocumentVersionDoc } from '../models/documentVersion.js';
import { OrganisationKey, type OrganisationKeyDoc } from '../models/organisationKey.js';
import { audienceOf } from '../policies/sharing.js';
import { Catalog } from '../store/catalog.js';
import { publishChange } from '../store/changeFeed.js';
import { claim } from '../store/claim.js';
import { catchUp, claimNext } from '../store/versions.js';
import type { OrganisationRepository } from './organisations.js';

// A document's truth is two sequences of insert-only records — file versions `<id>:<n>` and metadata
// revisions `<id>:<n>` — each number claimed by inserting its record (store/versions.ts). The Document
// record is their cache; every read walks it forward past any record a writer claimed but did not get
// to apply, so a crash or a slow racing write never loses a change, and a sharing change can never be
// undone by a concurrent upload.

const DOCUMENT_FEED = 'documents';
const MAX_CLAIM_ATTEMPTS = 20;

/** A file version's record before its number is claimed (the repository keys it `<id>:<n>`). */
export type NewVersion = Omit<DocumentVersionDoc, '_id'>;

/** The metadata a revision sets. */
export type Metadata = Pick<DocumentRevisionDoc, 'title' | 'country' | 'classification' | 'sharing' | 'tlp' | 'discoverable' | 'deletedAt' | 'deletedBy'>;

/** Folded words a list's `q` matches: the title and the file name. */
const wordsOf = (title: string, filename: string) => searchWords(title, filename.replace(/\.[^.]*$/, ''));

function applyVersion(doc: DocumentDoc, v: DocumentVersionDoc): DocumentDoc {
  return {
    ...doc,
    version: v.version,
    filename: v.filename,
    contentType: v.contentType,
    size: v.size,
    sha256: v.sha256,
    versions: [
      ...doc.versions.filter((e) => e.version < v.version),
      // A new version starts from the audience of this moment (§7 v2); widening while it is the latest adds to it.
      { version: v.version, size: v.size, sha256: v.sha256, createdBy: v.createdBy, createdAt: v.createdAt, audience: doc.audience },
    ],
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
    revision: r.revision,
    title: r.title,
    country: r.country ?? null,
    classification: r.classification,
    sharing: r.sharing.expires?.length
      ? { scope: r.sharing.scope, organisations: r.sharing.organisations ?? [], expires: r.sharing.expires }
      : { scope: r.sharing.scope, organisations: r.sharing.organisations ?? [] },
    tlp: r.tlp,
    discoverable: r.discoverable ?? false,
    deletedAt: r.deletedAt ?? null,
    deletedBy: r.deletedBy ?? null,
    audience,
    words: wordsOf(r.title, doc.filename),
    updatedBy: r.updatedBy,
    updatedAt: r.updatedAt > doc.updatedAt ? r.updatedAt : doc.updatedAt,
  };
}

/**
 * Documents: their version and revision records, the Document cache, the process's catalog of them,
 * and the organisations' wrapped data keys that seal their bytes.
 */
export class DocumentRepository {
  /** Every document, kept in this process; each changed one is settled as it is read. */
  readonly catalog: Catalog<DocumentDoc>;

  constructor(private readonly organisations: OrganisationRepository) {
    this.catalog = new Catalog<DocumentDoc>(
      DOCUMENT_FEED,
      (id) => this.load(id),
      () => Document.find({}).lean<DocumentDoc[]>().exec(),
    );
  }

  /** The document of `id` as of its latest records, deleted ones included (null if none). */
  async load(id: string): Promise<DocumentDoc | null> {
    const stored = await Document.findById(id).lean<DocumentDoc>();
    return stored ? this.settle(stored) : null;
  }

  /** Live documents, newest `updatedAt` first, as of every write finished before this call. */
  async live(): Promise<readonly DocumentDoc[]> {
    await this.catalog.fresh();
    return this.catalog.live();
  }

  /** Stores a new document: version 1 and revision 1 first, then the Document they make. */
  async create(first: NewVersion, metadata: Metadata & Pick<DocumentRevisionDoc, 'updatedBy'>): Promise<DocumentDoc> {
    const id = first.documentId.toString();
    const version: DocumentVersionDoc = { _id: documentVersionKey(id, 1), ...first, version: 1 };
    const revision: DocumentRevisionDoc = {
      _id: documentRevisionKey(id, 1),
      documentId: first.documentId,
      revision: 1,
      ...metadata,
      updatedAt: first.createdAt,
    };
    await DocumentVersion.create(version);
    await DocumentRevision.create(revision);
    const base = {
      _id: version.documentId,
      organisationId: version.organisationId,
      title: revision.title,
      filename: version.filename,
      versions: [],
      version: 0,
      revision: 0,
      words: [],
      audience: [],
      createdBy: version.createdBy,
      createdAt: version.createdAt,
      updatedBy: version.createdBy,
      updatedAt: version.createdAt,
    } as unknown as DocumentDoc;
    const doc = applyRevision(applyVersion(base, version), revision, await this.organisations.officeId());
    await Document.create(doc);
    await publishChange(DOCUMENT_FEED, doc._id.toString());
    return doc;
  }

  /**
   * Who may see a document (its audience and sharing, as stored), whether it is deleted, its owner and
   * TLP (§13: who may pass it on); null when there is none.
   */
  async audience(id: string): Promise<(Pick<DocumentDoc, 'audience' | 'organisationId' | 'sharing'> & { deleted: boolean; tlp: string }) | null> {
    const doc = mongoose.isValidObjectId(id)
      ? await Document.findById(id, { audience: 1, deletedAt: 1, organisationId: 1, sharing: 1, tlp: 1 }).lean<DocumentDoc>()
      : null;
    return doc
      ? { audience: doc.audience, deleted: !!doc.deletedAt, organisationId: doc.organisationId, sharing: doc.sharing, tlp: doc.tlp ?? DEFAULT_TLP }
      : null;
  }

  /** Whether no document was ever stored. */
  async isEmpty(): Promise<boolean> {
    return (await Document.exists({})) === null;
  }

  /** Whether the Document record of `id` exists (a creation got that far). */
  async exists(id: mongoose.Types.ObjectId): Promise<boolean> {
    return (await Document.exists({ _id: id })) !== null;
  }

  /** One file version's record, or null. */
  version(doc: DocumentDoc, version: number): Promise<DocumentVersionDoc | null> {
    return DocumentVersion.findById(documentVersionKey(doc._id.toString(), version)).lean<DocumentVersionDoc>().exec();
  }

  /**
   * Records a new file version: claims the next number by inserting its record; when another upload
   * took that number first, catches up and takes the one after (both uploads are kept, in the order
   * they claimed). Answers the document with the version applied.
   */
  async addVersion(current: DocumentDoc, record: Omit<NewVersion, 'version'>): Promise<DocumentDoc> {
    const claimed = await claimNext(
      current,
      (doc) => {
        const version = doc.version + 1;
        return DocumentVersion.create({ _id: documentVersionKey(doc._id.toString(), version), ...record, version });
      },
      (doc) => this.settle(doc),
      MAX_CLAIM_ATTEMPTS,
    );
    if (!claimed.won) throw new Error('could not claim a document version');
    return this.settle(claimed.doc);
  }

  /**
   * Records a metadata change: `change` computes the next metadata from the current document (it may
   * throw, e.g. 404 once the document is deleted); the revision is claimed by inserting it, and on a
   * race `change` is applied again on top of the winner's revision.
   */
  async addRevision(current: DocumentDoc, change: (doc: DocumentDoc) => Metadata, by: DocumentRevisionDoc['updatedBy']): Promise<DocumentDoc> {
    const claimed = await claimNext(
      current,
      (doc) => {
        const revision = doc.revision + 1;
        return DocumentRevision.create({
          _id: documentRevisionKey(doc._id.toString(), revision),
          documentId: doc._id,
          revision,
          ...change(doc),
          updatedBy: by,
          updatedAt: new Date(),
        });
      },
      (doc) => this.settle(doc),
      MAX_CLAIM_ATTEMPTS,
    );
    if (!claimed.won) throw new Error('could not claim a document revision');
    return this.settle(claimed.doc);
  }

  /** The blob ids of every version of a document. */
  async blobIdsOf(doc: DocumentDoc): Promise<string[]> {
    const versions = await Promise.all(
      doc.versions.map((v) => DocumentVersion.findById(documentVersionKey(doc._id.toString(), v.version), { blobId: 1 }).lean()),
    );
    return versions.flatMap((v) => (v ? [v.blobId] : []));
  }

  /** The blob ids that live documents' versions name: every other blob is an orphan. */
  async knownBlobIds(): Promise<Set<string>> {
    // Whole-collection reads, but once an hour: a blob is written before its record and removed after
    // its document is deleted, so what this misses is only what the sweep's grace period protects.
    const [live, versions] = await Promise.all([
      Document.find({ deletedAt: null }, { _id: 1 }).lean(),
      DocumentVersion.find({}, { documentId: 1, blobId: 1 }).lean(),
    ]);
    const liveIds = new Set(live.map((d) => d._id.toString()));
    return new Set(versions.filter((v) => liveIds.has(v.documentId.toString())).map((v) => v.blobId));
  }

  /**
   * Removes the version and revision records of documents that were never created — a crash between
   * inserting them and the Document (`create`) — once older than `graceMs`, so a creation in progress
   * keeps its records. Nothing lists or reads them. Answers how many records were removed.
   */
  async removeUnfinished(graceMs: number): Promise<number> {
    const cutoff = Date.now() - graceMs;
    const [documents, versions, revisions] = await Promise.all([
      Document.find({}, { _id: 1 }).lean(),
      DocumentVersion.find({}, { documentId: 1, createdAt: 1 }).lean(),
      DocumentRevision.find({}, { documentId: 1, updatedAt: 1 }).lean(),
    ]);
    const created = new Set(documents.map((d) => d._id.toString()));
    const stray = (documentId: { toString(): string }, at: Date) => !created.has(documentId.toString()) && at.getTime() < cutoff;
    const strayVersions = versions.filter((v) => stray(v.documentId, v.createdAt)).map((v) => v._id);
    const strayRevisions = revisions.filter((r) => stray(r.documentId, r.updatedAt)).map((r) => r._id);
    if (strayVersions.length > 0) await DocumentVersion.deleteMany({ _id: mongoose.trusted({ $in: strayVersions }) });
    if (strayRevisions.length > 0) await DocumentRevision.deleteMany({ _id: mongoose.trusted({ $in: strayRevisions }) });
    return strayVersions.length + strayRevisions.length;
  }

  /** An organisation's wrapped data key, or null. */
  key(organisationId: string): Promise<OrganisationKeyDoc | null> {
    return OrganisationKey.findById(new mongoose.Types.ObjectId(organisationId)).lean<OrganisationKeyDoc>().exec();
  }

  /** Stores an organisation's first data key: false when another request or process stored one first. */
  createKey(key: OrganisationKeyDoc): Promise<boolean> {
    return claim(() => OrganisationKey.create(key));
  }

  /** Every organisation's wrapped data key (master-key rotation). */
  keys(): Promise<OrganisationKeyDoc[]> {
    return OrganisationKey.find({}).lean<OrganisationKeyDoc[]>().exec();
  }

  /** Replaces a wrapped key, unless it changed since it was read. */
  async rewrapKey(key: OrganisationKeyDoc, wrapped: string): Promise<void> {
    await OrganisationKey.updateOne({ _id: key._id, wrapped: key.wrapped }, { $set: { wrapped } });
  }

  /**
   * Brings a stored document up to its latest version and revision records; writes the cache (and
   * tells the change feed) only when it was behind.
   */
  private async settle(stored: DocumentDoc): Promise<DocumentDoc> {
    const id = stored._id.toString();
    const settled = await catchUp(stored, async (doc) => {
      const [v, r] = await Promise.all([
        DocumentVersion.findById(documentVersionKey(id, doc.version + 1)).lean<DocumentVersionDoc>(),
        DocumentRevision.findById(documentRevisionKey(id, doc.revision + 1)).lean<DocumentRevisionDoc>(),
      ]);
      if (!v && !r) return null;
      // One record a step, the earlier first: which version was the latest when the sharing changed
      // decides who may read that version (§7 v2).
      if (r && (!v || r.updatedAt <= v.createdAt)) return applyRevision(doc, r, await this.organisations.officeId());
      return applyVersion(doc, v!);
    });
    if (settled.moved) {
      const { _id, ...fields } = settled.doc;
      await Document.replaceOne({ _id }, fields);
      await publishChange(DOCUMENT_FEED, id);
    }
    return settled.doc;
  }
}
