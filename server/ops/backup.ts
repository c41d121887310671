import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import mongoose, { type mongo } from 'mongoose';
import { AuditHead } from '../models/auditHead.js';
import { AUDIT_BLOCK, auditRecordId } from '../models/auditRecord.js';
import type { BlobStore } from '../services/blobs/index.js';
import { MAGIC, sealedSize } from '../services/documents/crypto.js';
import { BackupWriter, DATA_CHUNK, FORMAT, FORMAT_VERSION, isRestorableName, syncDirectory, toEjson, type BackupHeader } from './format.js';
import { backupOrder, COLLECTIONS, isAuditCollection, MESSAGE_BLOCK } from './order.js';
import { RESTORE_MARKER } from './target.js';
import { verifyBackup, type MasterKey } from './verify.js';
import { firstSeqOf } from '../store/blockLog.js';

/** What a backup needs: the database, the blob store, where to write. */
export interface BackupOptions {
  db: mongo.Db;
  blobs: BlobStore;
  file: string;
  hubVersion: string;
  /** When known, the backup is verified to restore with it. */
  masterKey: MasterKey | null;
  /** Replace `file` if it exists. */
  force?: boolean;
  signal?: AbortSignal;
}

/** What a backup wrote. */
export interface BackupSummary {
  file: string;
  bytes: number;
  collections: number;
  documents: number;
  blobs: number;
  blobBytes: number;
  amendments: number;
  /** The last audit record taken (the chain is whole from 1 to it). */
  auditSeq: number;
  warnings: string[];
}

/** A backup that cannot be made as asked (the file exists, a restore is unfinished). */
export class BackupRefused extends Error {
  override readonly name = 'BackupRefused';
}

const { ObjectId, Long } = mongoose.mongo.BSON;

const numberOf = (value: unknown): number => (value instanceof Long ? value.toNumber() : Number(value));

/** Seqs seen, as bits: a million audit records cost 125 KB. */
class SeqSet {
  private bits = new Uint8Array(1024);
  max = 0;

  add(seq: number): void {
    if (!Number.isSafeInteger(seq) || seq < 1) return;
    while (seq >> 3 >= this.bits.length) {
      const grown = new Uint8Array(this.bits.length * 2);
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[seq >> 3]! |= 1 << (seq & 7);
    this.max = Math.max(this.max, seq);
  }

  has(seq: number): boolean {
    return ((this.bits[seq >> 3] ?? 0) & (1 << (seq & 7))) !== 0;
  }
}

/**
 * A collection whose records are numbered 1, 2, 3… without gaps, each claimed by insert after the one
 * before it exists: the audit chain (its legacy collection from 1, each block from its first seq, or
 * the first after the legacy records, `auditStart`) and a room's message blocks. A scan that runs while
 * records are appended can, on some engines, return a record and miss an earlier one; such a hole is
 * filled by looking the record up afterwards (it exists: the later one was inserted after it).
 */
function sequenceOf(name: string, auditStart: number): { seqOf(doc: mongo.Document): number; idOf(seq: number): unknown; first: number } | null {
  if (name === COLLECTIONS.auditRecords) return { seqOf: (doc) => numberOf(doc.seq), idOf: auditRecordId, first: 1 };
  const audit = AUDIT_BLOCK.exec(name);
  if (audit) return { seqOf: (doc) => numberOf(doc.seq), idOf: auditRecordId, first: Math.max(firstSeqOf(Number(audit[1])), auditStart) };
  const block = MESSAGE_BLOCK.exec(name);
  if (block) return { seqOf: (doc) => numberOf(doc._id), idOf: (seq) => seq, first: firstSeqOf(Number(block[2])) };
  return null;
}

/** Writes a backup of the running hub's database and blobs to `file` (see order.ts for why it is consistent). */
export async function createBackup(options: BackupOptions): Promise<BackupSummary> {
  const { db, file, signal } = options;
  const dir = path.dirname(path.resolve(file));
  if (!(await stat(dir).catch(() => null))?.isDirectory()) throw new BackupRefused(`${dir} is not a directory`);
  if (!options.force && (await stat(file).catch(() => null))) throw new BackupRefused(`${file} exists; choose another name or pass --force to replace it`);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const partial = `${file}.partial-${tag}`;
  const blobList = `${file}.blobs-${tag}`;
  const writer = new BackupWriter(partial);
  const run = new BackupRun(options, writer, blobList);
  try {
    const collections = await listCollections(db);
    await writer.line(await headerOf(db, collections, options.hubVersion));
    for (const name of collections) {
      signal?.throwIfAborted();
      await run.collection(name);
    }
    await run.lateAuditBlocks(collections);
    await run.closeBlobList();
    await run.blobs();
    await writer.end(run.totals());
    // Verify on write: the whole file read back as a restore reads it, before it takes its name.
    await verifyBackup(partial, options.masterKey, { keyRequired: false, signal });
    await rename(partial, file);
    await syncDirectory(dir);
    return { ...run.summary(), file, bytes: (await stat(file)).size };
  } catch (error) {
    await writer.abort();
    await rm(partial, { force: true });
    throw error;
  } finally {
    await run.closeBlobList().catch(() => undefined);
    await rm(blobList, { force: true });
  }
}

async function listCollections(db: mongo.Db): Promise<string[]> {
  const all = await db.listCollections({}, { nameOnly: true }).toArray();
  const names = all.filter((c) => (c.type ?? 'collection') === 'collection' && !c.name.startsWith('system.')).map((c) => c.name);
  if (names.includes(RESTORE_MARKER)) {
    throw new BackupRefused('a restore into this database has not finished: its content is partial. Run the restore again (with --force) first');
  }
  const odd = names.find((name) => !isRestorableName(name));
  if (odd !== undefined)
    throw new BackupRefused(`the database holds a collection the hub never names, ${JSON.stringify(odd)}: is MONGODB_URI the hub's database?`);
  return backupOrder(names);
}

async function headerOf(db: mongo.Db, collections: string[], hubVersion: string): Promise<BackupHeader> {
  const [organisationKey, user] = await Promise.all([
    db.collection(COLLECTIONS.organisationKeys).findOne({}, { promoteValues: false }),
    db.collection(COLLECTIONS.users).findOne({ mfaSecret: { $type: 'string' } }, { projection: { mfaSecret: 1 } }),
  ]);
  return {
    type: 'header',
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    hubVersion,
    createdAt: new Date().toISOString(),
    database: db.databaseName,
    collections,
    keyCheck: { organisationKey: organisationKey ? toEjson(organisationKey) : null, sealedSecret: (user?.mfaSecret as string | undefined) ?? null },
  };
}

/** The state of one backup as it goes through the collections, then the blobs. */
class BackupRun {
  private collections = 0;
  private documents = 0;
  private amendments = 0;
  private blobCount = 0;
  private blobBytes = 0;
  private auditSeq = 0;
  private auditStart: number | undefined;
  private readonly warnings: string[] = [];
  private readonly missing: string[] = [];
  // Documents the backup took as deleted: their blobs are gone (or going), and not needed.
  private readonly deletedDocuments = new Set<string>();
  private readonly amended = new Set<string>();
  // The blobs to copy, one line each, kept on disk rather than in memory.
  private list: WriteStream | null;
  private listError: Error | null = null;

  constructor(
    private readonly options: BackupOptions,
    private readonly writer: BackupWriter,
    private readonly blobList: string,
  ) {
    this.list = createWriteStream(blobList, { flags: 'wx', mode: 0o600 });
    this.list.on('error', (error) => {
      this.listError = error;
    });
  }

  /** Writes one collection's section: its indexes, then every document (holes in a sequence filled). */
  async collection(name: string): Promise<void> {
    const collection = this.options.db.collection(name);
    const indexes = (await collection.listIndexes().toArray()).filter((index) => index.name !== '_id_').map(({ v: _v, ns: _ns, ...index }) => toEjson(index));
    await this.writer.line({ type: 'collection', name, indexes });
    let count = 0;
    await this.eachDocument(name, async (doc) => {
      await this.writer.line({ type: 'doc', d: toEjson(doc) });
      count++;
    });
    await this.writer.line({ type: 'collectionEnd', name, count });
    this.collections++;
    this.documents += count;
  }

  /**
   * Audit blocks begun after the backup listed the collections (the chain went on meanwhile): taken
   * too, as amendments (the header could not list them), so the chain in the backup reaches at least
   * as far as any action or head it holds.
   */
  async lateAuditBlocks(listed: string[]): Promise<void> {
    const all = await this.options.db.listCollections({}, { nameOnly: true }).toArray();
    const late = backupOrder(all.map((c) => c.name).filter((name) => AUDIT_BLOCK.test(name) && !listed.includes(name)));
    for (const name of late) await this.eachDocument(name, (doc) => this.amend(name, doc));
  }

  /** Hands every document of `name` to `write`, then the records a sequence's scan missed. */
  private async eachDocument(name: string, write: (doc: mongo.Document) => Promise<void>): Promise<void> {
    const collection = this.options.db.collection(name);
    if (isAuditCollection(name)) this.auditStart ??= await this.firstBlockSeq();
    const sequence = sequenceOf(name, this.auditStart ?? 1);
    const seen = new SeqSet();
    const take = async (doc: mongo.Document) => {
      await write(doc);
      await this.noted(name, doc);
    };
    for await (const doc of collection.find({}, { promoteValues: false, batchSize: 1000 })) {
      this.options.signal?.throwIfAborted();
      await take(doc);
      if (sequence) seen.add(sequence.seqOf(doc));
    }
    if (!sequence) return;
    for (let seq = sequence.first; seq < seen.max; seq++) {
      if (seen.has(seq)) continue;
      const late = await collection.findOne({ _id: sequence.idOf(seq) as never }, { promoteValues: false });
      if (late) await take(late);
      else this.warnings.push(`${name}: record ${seq} is missing in the database itself (the hub's own check reports it too)`);
    }
    if (isAuditCollection(name)) this.auditSeq = Math.max(this.auditSeq, seen.max);
  }

  /** The first seq kept in blocks: the one after the legacy collection's records (repositories/audit.ts). */
  private async firstBlockSeq(): Promise<number> {
    const seal = await this.options.db.collection(AuditHead.collection.collectionName).findOne({ _id: 'legacy' as never });
    return typeof seal?.seq === 'number' ? seal.seq + 1 : 1;
  }

  /** What a record taken means for the blobs to copy. */
  private async noted(collection: string, doc: mongo.Document): Promise<void> {
    if (collection === COLLECTIONS.documents && doc.deletedAt) this.deletedDocuments.add(String(doc._id));
    if (collection !== COLLECTIONS.documentVersions || this.deletedDocuments.has(String(doc.documentId))) return;
    if (this.listError) throw this.listError;
    const line = JSON.stringify({ blobId: String(doc.blobId), documentId: String(doc.documentId), size: numberOf(doc.size) }) + '\n';
    if (!this.list!.write(line)) await once(this.list!, 'drain');
  }

  async closeBlobList(): Promise<void> {
    const list = this.list;
    if (!list) return;
    this.list = null;
    await new Promise<void>((resolve, reject) => list.end((error?: Error | null) => ((error ?? this.listError) ? reject(error ?? this.listError) : resolve())));
  }

  /** Copies each listed blob, as stored (encrypted), into the backup. */
  async blobs(): Promise<void> {
    const lines = createInterface({ input: createReadStream(this.blobList), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line) continue;
      this.options.signal?.throwIfAborted();
      const { blobId, documentId, size } = JSON.parse(line) as { blobId: string; documentId: string; size: number };
      let source;
      try {
        source = await this.options.blobs.get(blobId);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await this.blobGone(blobId, documentId);
        continue;
      }
      await this.copy(blobId, source, size);
    }
  }

  private async copy(blobId: string, source: AsyncIterable<Buffer>, plaintextSize: number): Promise<void> {
    await this.writer.line({ type: 'blob', id: blobId });
    const hash = createHash('sha256');
    let size = 0;
    let head: Buffer | null = null;
    for await (const chunk of source) {
      head ??= chunk.subarray(0, MAGIC.length);
      hash.update(chunk);
      size += chunk.length;
      for (let at = 0; at < chunk.length; at += DATA_CHUNK) {
        await this.writer.line({ type: 'data', b: chunk.subarray(at, at + DATA_CHUNK).toString('base64') });
      }
    }
    await this.writer.line({ type: 'blobEnd', id: blobId, size, sha256: hash.digest('hex') });
    if (!head?.equals(MAGIC) || size !== sealedSize(plaintextSize)) {
      this.warnings.push(`blob ${blobId} is not a sealed blob of the size its record gives (copied as it is)`);
    }
    this.blobCount++;
    this.blobBytes += size;
  }

  /**
   * A blob named by a version taken is gone: its document was deleted after the backup read it (a
   * deletion removes the blobs after recording the deletion). The document's records are taken
   * again — cache first, then versions and revisions, as order.ts reads them — so the backup holds
   * it deleted, consistently. A blob gone from a document that is not deleted is a damaged store:
   * reported, and listed in the backup's trailer.
   */
  private async blobGone(blobId: string, documentId: string): Promise<void> {
    if (this.amended.has(documentId)) return;
    const db = this.options.db;
    const _id = ObjectId.isValid(documentId) ? new ObjectId(documentId) : null;
    const cache = _id ? await db.collection(COLLECTIONS.documents).findOne({ _id }, { promoteValues: false }) : null;
    const deletion = _id ? await db.collection(COLLECTIONS.documentRevisions).findOne({ documentId: _id, deletedAt: { $ne: null } }) : null;
    if (!cache?.deletedAt && !deletion) {
      this.missing.push(blobId);
      this.warnings.push(
        `blob ${blobId} of document ${documentId} is missing from the blob store (not deleted): that version cannot be downloaded, here or after a restore`,
      );
      return;
    }
    this.amended.add(documentId);
    if (cache) await this.amend(COLLECTIONS.documents, cache);
    for (const collection of [COLLECTIONS.documentVersions, COLLECTIONS.documentRevisions]) {
      for await (const doc of db.collection(collection).find({ documentId: _id }, { promoteValues: false })) await this.amend(collection, doc);
    }
  }

  private async amend(collection: string, doc: mongo.Document): Promise<void> {
    await this.writer.line({ type: 'amend', collection, d: toEjson(doc) });
    this.amendments++;
  }

  totals() {
    return {
      collections: this.collections,
      documents: this.documents,
      amendments: this.amendments,
      blobs: this.blobCount,
      blobBytes: this.blobBytes,
      missingBlobs: this.missing,
    };
  }

  summary(): Omit<BackupSummary, 'file' | 'bytes'> {
    return {
      collections: this.collections,
      documents: this.documents,
      blobs: this.blobCount,
      blobBytes: this.blobBytes,
      amendments: this.amendments,
      auditSeq: this.auditSeq,
      warnings: this.warnings,
    };
  }
}
