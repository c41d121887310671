import { mkdir, open, rename, stat, type FileHandle } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import mongoose, { type mongo } from 'mongoose';
import { ensureIndexes } from '../db/connection.js';
import { BackupFileError, readBackup, syncDirectory, type BackupHeader, type BackupTrailer } from './format.js';
import { RESTORE_MARKER, targetState, wipe } from './target.js';
import { verifyBackup, type MasterKey } from './verify.js';

/** What a restore needs: an empty database and blob directory, the file, the master key. */
export interface RestoreOptions {
  db: mongo.Db;
  /** The hub's blob directory (DATA_DIR/blobs). */
  blobDir: string;
  file: string;
  masterKey: MasterKey | null;
  /** Replace whatever the database and blob directory hold (after the file is verified). */
  force?: boolean;
  signal?: AbortSignal;
  /** Told each step, for the command's progress lines. */
  progress?: (line: string) => void;
}

/** What a restore wrote. */
export interface RestoreSummary {
  header: BackupHeader;
  trailer: BackupTrailer;
}

/** A restore that may not start: the target holds data, or the master key does not fit. */
export class RestoreRefused extends Error {
  override readonly name = 'RestoreRefused';
}

const BATCH_DOCS = 1000;
const BATCH_BYTES = 8 * 1024 * 1024;
const { calculateObjectSize } = mongoose.mongo.BSON;

/**
 * Restores a backup into an empty database and blob directory. Without transactions a failed write
 * cannot be rolled back, so nothing is written before the whole file has been read and verified
 * (counts, SHA-256s, the master key against every data key); then a marker collection says the
 * database is partial until the last blob is in place, and a failure (or an interruption) drops
 * everything written. A database that still holds the marker — the restore was killed — is
 * refused by the next restore (unless --force) and by backups.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreSummary> {
  const { db, blobDir, file, signal } = options;
  const say = options.progress ?? (() => undefined);
  if (!(await stat(file).catch(() => null))?.isFile()) throw new RestoreRefused(`${file} is not a file`);
  await refuseFilledTarget(options);

  say(`verifying ${file}`);
  const verified = await verifyBackup(file, options.masterKey, { keyRequired: true, signal });
  const { trailer } = verified;
  say(`verified: ${trailer.collections} collections, ${trailer.documents} documents, ${trailer.blobs} blobs; restoring`);

  // Checked again: the verification may have taken long.
  await refuseFilledTarget(options);
  await wipe(db, blobDir);
  await db.collection(RESTORE_MARKER).insertOne({ _id: 'restore' as never, file: path.resolve(file), startedAt: new Date(), pid: process.pid });
  try {
    await writeBackup(db, blobDir, file, signal);
    say('building indexes');
    await ensureModelIndexes();
    await syncDirectory(blobDir);
    await db.collection(RESTORE_MARKER).drop();
  } catch (error) {
    say('the restore failed; removing what it wrote');
    await wipe(db, blobDir).catch(() => undefined);
    throw error;
  }
  return verified;
}

async function refuseFilledTarget(options: RestoreOptions): Promise<void> {
  const state = await targetState(options.db, options.blobDir);
  if (options.force) return;
  if (state.unfinished) {
    const when = state.unfinished.startedAt instanceof Date ? ` (started ${state.unfinished.startedAt.toISOString()})` : '';
    throw new RestoreRefused(`an earlier restore into this database did not finish${when}: run the restore again with --force to replace what it left`);
  }
  if (state.filled.length > 0 || state.blobFiles > 0) {
    const what = [
      state.filled.length > 0 ? `the database holds data (${state.filled.slice(0, 3).join(', ')}${state.filled.length > 3 ? ', …' : ''})` : '',
      state.blobFiles > 0 ? `${options.blobDir} holds ${state.blobFiles} blobs` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    throw new RestoreRefused(
      `${what}: a restore only goes into an empty database and blob directory. Point MONGODB_URI / DATA_DIR at empty ones, or pass --force to replace everything there`,
    );
  }
}

/** Second reading of the (verified) file: writes collections, amendments and blobs as they come. */
async function writeBackup(db: mongo.Db, blobDir: string, file: string, signal?: AbortSignal): Promise<void> {
  await mkdir(blobDir, { recursive: true, mode: 0o700 });
  let batch: mongo.Document[] = [];
  let batchBytes = 0;
  let collection = '';
  let indexes: Record<string, unknown>[] = [];
  let blob: { handle: FileHandle; temp: string; final: string } | null = null;
  const flush = async () => {
    if (batch.length > 0) await db.collection(collection).insertMany(batch, { ordered: true });
    batch = [];
    batchBytes = 0;
  };
  try {
    for await (const entry of readBackup(file)) {
      signal?.throwIfAborted();
      switch (entry.kind) {
        case 'collection':
          collection = entry.name;
          indexes = entry.indexes;
          break;
        case 'doc':
          batch.push(entry.doc);
          batchBytes += calculateObjectSize(entry.doc);
          if (batch.length >= BATCH_DOCS || batchBytes >= BATCH_BYTES) await flush();
          break;
        case 'collectionEnd':
          await flush();
          if (entry.count === 0) await db.createCollection(collection).catch(() => undefined);
          if (indexes.length > 0) await db.collection(collection).createIndexes(indexes as never);
          break;
        case 'amend':
          await db.collection(entry.collection).replaceOne({ _id: entry.doc._id as never }, entry.doc, { upsert: true });
          break;
        case 'blob': {
          const temp = path.join(blobDir, `.part-${entry.id}`);
          blob = { handle: await open(temp, 'wx', 0o600), temp, final: path.join(blobDir, entry.id) };
          break;
        }
        case 'data':
          await blob!.handle.write(entry.bytes);
          break;
        case 'blobEnd': {
          const { handle, temp, final } = blob!;
          blob = null;
          await handle.sync();
          await handle.close();
          if (await stat(final).catch(() => null)) throw new BackupFileError(`blob ${entry.id} appears twice in the backup`);
          await rename(temp, final);
          break;
        }
        default:
          break;
      }
    }
  } finally {
    await blob?.handle.close().catch(() => undefined);
  }
}

/**
 * Builds the indexes the hub's models declare (it does so at start too, but a restored database
 * should be ready before any hub opens it). The models register themselves when imported.
 */
async function ensureModelIndexes(): Promise<void> {
  const dir = new URL('../models/', import.meta.url);
  for (const name of readdirSync(dir)) {
    if (/\.(ts|js)$/.test(name) && !name.endsWith('.d.ts')) await import(new URL(name, dir).href);
  }
  await ensureIndexes();
}
