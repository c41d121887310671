import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BLOB_ID_PATTERN, type BlobStore, type StoredBlob } from './types.js';

const TEMP_PREFIX = '.part-';
// An unfinished write is named for the process writing it, `.part-<host>-<pid>-<blob id>`, so a
// process starting after a crash can tell which unfinished writes have lost their writer.
const TEMP_NAME = /^\.part-([0-9a-f]{8})-(\d+)-[0-9a-f]{32}$/;
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const DEFAULT_GRACE_MS = 60 * 60 * 1000;
const WRITE_HIGH_WATER_MARK = 256 * 1024;

/**
 * The embedded blob store: one file per blob, flat under `dir` (DATA_DIR/blobs). A blob is written to
 * a temporary file in the same directory, fsynced, then renamed to its id (atomic on one file
 * system) and the directory fsynced, so a blob either exists whole and durable or not at all.
 */
export class FileBlobStore implements BlobStore {
  private ready: Promise<void> | null = null;
  /** Names of the temporary files this process is writing. */
  private readonly writing = new Set<string>();

  constructor(readonly dir: string) {}

  async put(source: Readable): Promise<StoredBlob> {
    try {
      await this.ensureDir();
    } catch (error) {
      source.destroy(error as Error);
      throw error;
    }
    const blobId = randomBytes(16).toString('hex');
    const name = `${TEMP_PREFIX}${HOST}-${process.pid}-${blobId}`;
    const temp = path.join(this.dir, name);
    this.writing.add(name);
    try {
      // `flush` fsyncs the file before it is closed; 'wx' never follows or reuses an existing path.
      await pipeline(source, createWriteStream(temp, { flags: 'wx', mode: 0o600, flush: true, highWaterMark: WRITE_HIGH_WATER_MARK }));
      const { size } = await stat(temp);
      await rename(temp, this.pathOf(blobId));
      await this.syncDir();
      return { blobId, size };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    } finally {
      this.writing.delete(name);
    }
  }

  async get(blobId: string, range?: { start: number; end: number }): Promise<Readable> {
    const file = this.pathOf(blobId);
    // Opened before the stream is handed out, so a missing blob fails here and not mid-response.
    const handle = await open(file, 'r');
    return handle.createReadStream({ start: range?.start, end: range?.end, highWaterMark: 256 * 1024 });
  }

  async remove(blobId: string): Promise<void> {
    await rm(this.pathOf(blobId), { force: true });
  }

  async sweepOrphans(known: ReadonlySet<string>, graceMs = DEFAULT_GRACE_MS): Promise<number> {
    const names = await this.names();
    const cutoff = Date.now() - graceMs;
    let removed = 0;
    for (const name of names) {
      const id = name.startsWith(TEMP_PREFIX) ? null : name;
      if (id !== null && (!BLOB_ID_PATTERN.test(id) || known.has(id))) continue;
      const file = path.join(this.dir, name);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile() || info.mtimeMs > cutoff) continue;
      await rm(file, { force: true });
      removed++;
    }
    return removed;
  }

  async removeAbandonedWrites(): Promise<number> {
    let removed = 0;
    for (const name of await this.names()) {
      const writer = TEMP_NAME.exec(name);
      if (!writer || writer[1] !== HOST) continue;
      const pid = Number(writer[2]);
      // Our own pid: this process's write, or one of an earlier process that had the same pid (a
      // container's hub is often pid 1 at every start).
      if (pid === process.pid ? this.writing.has(name) : isRunning(pid)) continue;
      await rm(path.join(this.dir, name), { force: true });
      removed++;
    }
    return removed;
  }

  private async names(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private pathOf(blobId: string): string {
    if (!BLOB_ID_PATTERN.test(blobId)) throw new Error('not a blob id');
    return path.join(this.dir, blobId);
  }

  private ensureDir(): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true, mode: 0o700 }).then(
      () => undefined,
      (error: unknown) => {
        this.ready = null;
        throw error;
      },
    );
    return this.ready;
  }

  private async syncDir(): Promise<void> {
    const handle = await open(this.dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

/** Whether a process of this host is running (EPERM: it is, as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
