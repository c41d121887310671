import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Where a process's embedded database listens, published under DATA_DIR while it runs, so that the
 * backup and restore commands reach the database of a hub started with `npm start` (a FerretDB child
 * on a random loopback port) instead of starting a second database on the same files.
 */
export interface EmbeddedAddress {
  uri: string;
  kind: string;
  /** The process that runs the database (the hub), not the database's own process. */
  pid: number;
  startedAt: string;
}

const FILE = 'embedded-db.json';

const fileOf = (dataDir: string) => path.join(dataDir, FILE);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Publishes this process's embedded database (written whole, then renamed into place). */
export function publishEmbeddedAddress(dataDir: string, address: Omit<EmbeddedAddress, 'pid' | 'startedAt'>): void {
  const record: EmbeddedAddress = { ...address, pid: process.pid, startedAt: new Date().toISOString() };
  const temp = `${fileOf(dataDir)}.${process.pid}`;
  writeFileSync(temp, JSON.stringify(record) + '\n', { mode: 0o600 });
  renameSync(temp, fileOf(dataDir));
}

/** Withdraws what publishEmbeddedAddress wrote, unless another process has published since. */
export function withdrawEmbeddedAddress(dataDir: string): void {
  if (readFile(dataDir)?.pid === process.pid) rmSync(fileOf(dataDir), { force: true });
}

function readFile(dataDir: string): EmbeddedAddress | null {
  try {
    const parsed = JSON.parse(readFileSync(fileOf(dataDir), 'utf8')) as Partial<EmbeddedAddress>;
    if (typeof parsed.uri !== 'string' || typeof parsed.pid !== 'number') return null;
    return { uri: parsed.uri, kind: String(parsed.kind ?? ''), pid: parsed.pid, startedAt: String(parsed.startedAt ?? '') };
  } catch {
    return null;
  }
}

/** The embedded database another live process runs on `dataDir`, or null (none, or left by a process that is gone). */
export function readEmbeddedAddress(dataDir: string): EmbeddedAddress | null {
  const found = readFile(dataDir);
  return found && found.pid !== process.pid && alive(found.pid) ? found : null;
}

/** Publishes `database` until its stop() (which withdraws the address first). */
export function published<T extends { uri: string; kind: string; stop(): Promise<void> }>(dataDir: string, database: T): T {
  const stop = database.stop.bind(database);
  publishEmbeddedAddress(dataDir, { uri: database.uri, kind: database.kind });
  database.stop = async () => {
    withdrawEmbeddedAddress(dataDir);
    await stop();
  };
  return database;
}
