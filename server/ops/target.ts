import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { mongo } from 'mongoose';
import { BLOB_ID_PATTERN } from '../services/blobs/types.js';

/** A collection that exists only while a restore writes: a database holding it is partial. */
export const RESTORE_MARKER = 'restore_in_progress';

const TEMP_PREFIX = '.part-';

/** What a restore would write over. */
export interface TargetState {
  /** Collections holding at least one document. */
  filled: string[];
  /** Blob files in the blob directory. */
  blobFiles: number;
  /** The marker of a restore that did not finish, if any. */
  unfinished: { file?: string; startedAt?: Date } | null;
}

async function userCollections(db: mongo.Db): Promise<string[]> {
  const all = await db.listCollections({}, { nameOnly: true }).toArray();
  return all.filter((c) => (c.type ?? 'collection') === 'collection' && !c.name.startsWith('system.')).map((c) => c.name);
}

async function blobFiles(blobDir: string): Promise<string[]> {
  try {
    return (await readdir(blobDir)).filter((name) => BLOB_ID_PATTERN.test(name) || name.startsWith(TEMP_PREFIX));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Whether the database and blob directory hold anything (empty collections, e.g. indexes a hub built, do not count). */
export async function targetState(db: mongo.Db, blobDir: string): Promise<TargetState> {
  const filled: string[] = [];
  let unfinished: TargetState['unfinished'] = null;
  for (const name of await userCollections(db)) {
    if (name === RESTORE_MARKER) {
      unfinished = (await db.collection<{ file?: string; startedAt?: Date }>(RESTORE_MARKER).findOne({})) ?? {};
      continue;
    }
    if (await db.collection(name).findOne({}, { projection: { _id: 1 } })) filled.push(name);
  }
  const files = (await blobFiles(blobDir)).filter((name) => !name.startsWith(TEMP_PREFIX));
  return { filled, blobFiles: files.length, unfinished };
}

/** Drops every collection of the database and removes every blob file (and unfinished one) of the blob directory. */
export async function wipe(db: mongo.Db, blobDir: string): Promise<void> {
  for (const name of await userCollections(db)) {
    // The marker last: while anything else remains, the database still says it is partial.
    if (name !== RESTORE_MARKER) await db.collection(name).drop().catch(ignoreMissing);
  }
  for (const name of await blobFiles(blobDir)) await rm(path.join(blobDir, name), { force: true });
  await db.collection(RESTORE_MARKER).drop().catch(ignoreMissing);
}

function ignoreMissing(error: unknown): void {
  // 26: NamespaceNotFound
  if ((error as { code?: number }).code !== 26 && !/not found/i.test((error as Error).message)) throw error;
}
