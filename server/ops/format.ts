import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { once } from 'node:events';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import mongoose from 'mongoose';
import { BLOB_ID_PATTERN } from '../services/blobs/types.js';

// The backup file (format 1): gzip of newline-delimited JSON, one record a line.
//
//   {"type":"header", format, formatVersion, hubVersion, createdAt, database, collections, keyCheck}
//   per collection:  {"type":"collection", name, indexes}
//                    {"type":"doc", d}                    … d: the document in canonical Extended JSON
//                    {"type":"collectionEnd", name, count}
//   amendments:      {"type":"amend", collection, d}      … replace-or-insert by _id (backup.ts)
//   per blob:        {"type":"blob", id}
//                    {"type":"data", b}                   … ≤ 48 KiB of the stored (encrypted) bytes, base64
//                    {"type":"blobEnd", id, size, sha256}
//   {"type":"end", collections, documents, amendments, blobs, blobBytes, missingBlobs, sha256}
//
// `end.sha256` is the SHA-256 of every line before it (newlines included), so a file cut anywhere,
// or altered anywhere, is refused; counts and per-blob hashes say where.

export const FORMAT = 'partner-hub-backup';
export const FORMAT_VERSION = 1;
export const DATA_CHUNK = 48 * 1024;
const MAX_LINE = 64 * 1024 * 1024;
const { EJSON } = mongoose.mongo.BSON;

/** What a backup's first line says. */
export interface BackupHeader {
  type: 'header';
  format: typeof FORMAT;
  formatVersion: number;
  hubVersion: string;
  createdAt: string;
  database: string;
  /** The collections the backup holds, in file order. */
  collections: string[];
  /** A wrapped data key and a sealed secret of the database, if any: restore checks HUB_MASTER_KEY on them first. */
  keyCheck: { organisationKey: unknown; sealedSecret: string | null };
}

/** What a backup's last line says. */
export interface BackupTrailer {
  type: 'end';
  collections: number;
  documents: number;
  amendments: number;
  blobs: number;
  blobBytes: number;
  /** Blobs named by a live document's version that were not in the blob store when copied. */
  missingBlobs: string[];
  sha256: string;
}

/** A file that is not a whole, unaltered Partner Hub backup. */
export class BackupFileError extends Error {
  override readonly name = 'BackupFileError';
}

/** Canonical Extended JSON keeps every BSON type (int32 vs double, dates, ObjectIds) as stored. */
export const toEjson = (doc: unknown): unknown => EJSON.serialize(doc, { relaxed: false });

/**
 * Writes a backup file line by line through gzip, hashing as it goes; the caller awaits each line
 * (backpressure), so nothing accumulates in memory.
 */
export class BackupWriter {
  private readonly gzip: Gzip = createGzip({ level: 6 });
  private readonly out: WriteStream;
  private readonly hash: Hash = createHash('sha256');
  private readonly done: Promise<void>;
  private failed: Error | null = null;

  constructor(file: string) {
    // 'wx': never overwrites; `flush`: fsynced before close.
    this.out = createWriteStream(file, { flags: 'wx', mode: 0o600, flush: true });
    this.done = new Promise((resolve, reject) => pipeline(this.gzip, this.out, (error) => (error ? reject(error) : resolve())));
    this.done.catch((error: Error) => {
      this.failed = error;
    });
  }

  /** Writes one record. */
  async line(record: object): Promise<void> {
    if (this.failed) throw this.failed;
    const text = JSON.stringify(record) + '\n';
    this.hash.update(text);
    if (!this.gzip.write(text)) await Promise.race([once(this.gzip, 'drain'), this.done]);
  }

  /** Writes the trailer (with the hash of everything before it) and closes the file. */
  async end(trailer: Omit<BackupTrailer, 'type' | 'sha256'>): Promise<void> {
    const last: BackupTrailer = { type: 'end', ...trailer, sha256: this.hash.digest('hex') };
    this.gzip.end(JSON.stringify(last) + '\n');
    await this.done;
  }

  /** Stops writing (the caller removes the file). */
  async abort(): Promise<void> {
    this.gzip.destroy();
    await this.done.catch(() => undefined);
  }
}

/** The lines of a gzipped file, without their newline; each at most MAX_LINE bytes. */
async function* linesOf(file: string): AsyncGenerator<Buffer> {
  const gunzip = pipeline(createReadStream(file), createGunzip(), () => undefined) as Readable;
  let parts: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      let from = 0;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, from)) {
        parts.push(chunk.subarray(from, at));
        yield parts.length === 1 ? parts[0]! : Buffer.concat(parts);
        parts = [];
        length = 0;
        from = at + 1;
      }
      if (from < chunk.length) {
        parts.push(chunk.subarray(from));
        length += chunk.length - from;
        if (length > MAX_LINE) throw new BackupFileError('a line is longer than any backup writes');
      }
    }
  } catch (error) {
    if (error instanceof BackupFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw error;
    throw new BackupFileError(`the file is not a whole gzip stream (${(error as Error).message})`);
  }
  if (length > 0) throw new BackupFileError('the file ends in the middle of a line: it is truncated');
}

/** One verified step of reading a backup. */
export type BackupEntry =
  | { kind: 'header'; header: BackupHeader }
  | { kind: 'collection'; name: string; indexes: Record<string, unknown>[] }
  | { kind: 'doc'; collection: string; doc: Record<string, unknown> }
  | { kind: 'collectionEnd'; name: string; count: number }
  | { kind: 'amend'; collection: string; doc: Record<string, unknown> }
  | { kind: 'blob'; id: string }
  | { kind: 'data'; id: string; bytes: Buffer }
  | { kind: 'blobEnd'; id: string; size: number; sha256: string }
  | { kind: 'end'; trailer: BackupTrailer };

/** A collection name a restore may create (never a system collection, never a path or operator). */
export function isRestorableName(name: unknown): name is string {
  return typeof name === 'string' && /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,119}$/.test(name) && !name.startsWith('system.');
}

function parse(line: Buffer, number: number): Record<string, unknown> {
  try {
    const value = JSON.parse(line.toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new BackupFileError(`line ${number} is not a backup record`);
}

function document(value: unknown, number: number): Record<string, unknown> {
  try {
    const doc = EJSON.deserialize(value as object, { relaxed: false }) as unknown;
    if (doc && typeof doc === 'object' && !Array.isArray(doc) && '_id' in doc) return doc as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new BackupFileError(`line ${number} does not hold a database document`);
}

/**
 * Reads a backup file and yields its content, verifying as it goes: the structure, each
 * collection's count, each blob's size and SHA-256, and at the end the hash of the whole file and
 * the totals. Throws BackupFileError at the first problem; a caller that writes what it is given
 * must treat everything as unconfirmed until the 'end' entry.
 */
export async function* readBackup(file: string): AsyncGenerator<BackupEntry> {
  const hash = createHash('sha256');
  let number = 0;
  let header: BackupHeader | null = null;
  let collection: { name: string; count: number } | null = null;
  let blob: { id: string; size: number; hash: Hash } | null = null;
  const totals = { collections: 0, documents: 0, amendments: 0, blobs: 0, blobBytes: 0 };
  let ended = false;
  const fail = (why: string): never => {
    throw new BackupFileError(`line ${number}: ${why}`);
  };

  for await (const line of linesOf(file)) {
    number++;
    if (ended) fail('there is more after the end of the backup');
    const record = parse(line, number);
    const type = record.type;
    if (!header) {
      if (type !== 'header' || record.format !== FORMAT) throw new BackupFileError('this is not a Partner Hub backup (no backup header)');
      if (record.formatVersion !== FORMAT_VERSION) {
        throw new BackupFileError(`the backup is in format ${String(record.formatVersion)}; this hub reads format ${FORMAT_VERSION}`);
      }
      if (!Array.isArray(record.collections) || !record.collections.every(isRestorableName)) fail('the header lists an invalid collection name');
      header = record as unknown as BackupHeader;
      hash.update(line).update('\n');
      yield { kind: 'header', header };
      continue;
    }
    if (type !== 'end') hash.update(line).update('\n');

    if (collection) {
      if (type === 'doc') {
        collection.count++;
        yield { kind: 'doc', collection: collection.name, doc: document(record.d, number) };
      } else if (type === 'collectionEnd' && record.name === collection.name) {
        if (record.count !== collection.count)
          fail(`collection ${collection.name} holds ${collection.count} documents, not the ${String(record.count)} written`);
        totals.collections++;
        totals.documents += collection.count;
        yield { kind: 'collectionEnd', name: collection.name, count: collection.count };
        collection = null;
      } else {
        fail(`collection ${collection.name} is not closed`);
      }
      continue;
    }
    if (blob) {
      if (type === 'data' && typeof record.b === 'string') {
        const bytes = Buffer.from(record.b, 'base64');
        if (bytes.length === 0 || bytes.length > DATA_CHUNK) fail('a blob chunk has a wrong size');
        blob.size += bytes.length;
        blob.hash.update(bytes);
        yield { kind: 'data', id: blob.id, bytes };
      } else if (type === 'blobEnd' && record.id === blob.id) {
        const sha256 = blob.hash.digest('hex');
        if (record.size !== blob.size || record.sha256 !== sha256) fail(`blob ${blob.id} is not the one written (size or SHA-256 differs)`);
        totals.blobs++;
        totals.blobBytes += blob.size;
        yield { kind: 'blobEnd', id: blob.id, size: blob.size, sha256 };
        blob = null;
      } else {
        fail(`blob ${blob.id} is not closed`);
      }
      continue;
    }
    switch (type) {
      case 'collection':
        if (!isRestorableName(record.name) || !header.collections.includes(record.name)) fail('a collection the header does not list');
        if (!Array.isArray(record.indexes)) fail('a collection without its indexes');
        collection = { name: record.name as string, count: 0 };
        yield {
          kind: 'collection',
          name: collection.name,
          indexes: (record.indexes as unknown[]).map((index) => EJSON.deserialize(index as object, { relaxed: false }) as Record<string, unknown>),
        };
        break;
      case 'amend':
        if (!isRestorableName(record.collection)) fail('an amendment of an invalid collection');
        totals.amendments++;
        yield { kind: 'amend', collection: record.collection as string, doc: document(record.d, number) };
        break;
      case 'blob':
        if (typeof record.id !== 'string' || !BLOB_ID_PATTERN.test(record.id)) fail('a blob with an invalid id');
        blob = { id: record.id as string, size: 0, hash: createHash('sha256') };
        yield { kind: 'blob', id: blob.id };
        break;
      case 'end': {
        const trailer = record as unknown as BackupTrailer;
        if (trailer.sha256 !== hash.digest('hex')) fail('the backup was altered (its SHA-256 does not match)');
        for (const key of Object.keys(totals) as (keyof typeof totals)[]) {
          if (trailer[key] !== totals[key]) fail(`the backup holds ${totals[key]} ${key}, not the ${String(trailer[key])} written`);
        }
        ended = true;
        yield { kind: 'end', trailer };
        break;
      }
      default:
        fail(`unexpected record "${String(type)}"`);
    }
  }
  if (!header) throw new BackupFileError('the file is empty');
  if (!ended) throw new BackupFileError('the backup has no end: it is truncated');
}

/** Fsyncs a directory, so a rename into it survives a crash. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
