import { Assessment } from '../models/assessment.js';
import { AuditHead } from '../models/auditHead.js';
import { AUDIT_BLOCK, LEGACY_AUDIT_COLLECTION } from '../models/auditRecord.js';
import { FeedHead } from '../models/changeFeed.js';
import { Comment } from '../models/comment.js';
import { Document } from '../models/document.js';
import { DocumentRevision } from '../models/documentRevision.js';
import { DocumentVersion } from '../models/documentVersion.js';
import { OrganisationKey } from '../models/organisationKey.js';
import { ReadMarker, RoomHead } from '../models/room.js';
import { User } from '../models/user.js';

// A backup of a running hub, without transactions. Every collection is read once, in an order that
// makes what one collection refers to at least as complete as the collection that refers to it.
// The hub never updates its truth in place; it writes in a fixed order, and each rank below is read
// after the ranks whose writes come later:
//
//   1. hints and markers (AuditHead, RoomHead, FeedHead, read markers): they only ever lag what they
//      point at, and readers walk forward past them — read first, they never point past the records.
//   2. comments, then the caches (Assessment, Document): a cache is written after the version or
//      revision record it applies, so read before those records it lags them, which the hub repairs
//      on read (settle) — read after, it could name a version the backup lacks.
//   3. the insert-only truth (assessment and document versions and revisions, change-feed entries,
//      room messages `roommessages_<room>_<block>` and any other collection: every collection of the
//      database is taken, whatever its name).
//   4. organisation data keys: a key is created before any blob is sealed with it, so every version
//      record already read names a key this read finds.
//   5. the audit records, last (the legacy collection, then the blocks `auditrecords_<n>` in order): a
//      record is appended after the action it records, and the chain is taken whole up to where it
//      ended (seq 1..n without a gap, blocks begun during the backup included, see backup.ts), so its
//      head (rank 1) never names a seq past the records taken.
//   6. then the blobs, only those the version records taken name: a blob is written before its
//      record, so each one exists — unless its document was deleted meanwhile, which backup.ts
//      handles by taking that document's records again, deleted.

const rank1 = [AuditHead, RoomHead, FeedHead, ReadMarker];
const rank2 = [Comment, Assessment, Document];
const rank4 = [OrganisationKey];

const names = (models: { collection: { collectionName: string } }[]) => models.map((m) => m.collection.collectionName);

/** Collection names the backup treats specially. */
export const COLLECTIONS = {
  auditRecords: LEGACY_AUDIT_COLLECTION,
  documents: Document.collection.collectionName,
  documentVersions: DocumentVersion.collection.collectionName,
  documentRevisions: DocumentRevision.collection.collectionName,
  organisationKeys: OrganisationKey.collection.collectionName,
  users: User.collection.collectionName,
};

/** The audit chain's collections: the legacy one and the blocks. */
export const isAuditCollection = (name: string) => name === LEGACY_AUDIT_COLLECTION || AUDIT_BLOCK.test(name);

/** Room message blocks: `roommessages_<room>_<block>`. */
export const MESSAGE_BLOCK = /^roommessages_([0-9a-f]{24})_(\d+)$/;

function rankOf(name: string): number {
  if (names(rank1).includes(name)) return 1;
  if (names(rank2).includes(name)) return 2;
  if (names(rank4).includes(name)) return 4;
  if (isAuditCollection(name)) return 5;
  return 3;
}

/** `collections` in the order a backup reads them (within a rank: as listed in rank 2, then by name, block numbers numerically). */
export function backupOrder(collections: string[]): string[] {
  const within = (name: string) => names(rank2).indexOf(name);
  return [...collections].sort((a, b) => rankOf(a) - rankOf(b) || within(a) - within(b) || a.localeCompare(b, 'en', { numeric: true }));
}
