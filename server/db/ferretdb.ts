import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import type { Logger } from 'pino';

const VERSION_TIMEOUT_MS = 15_000;
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 10_000;
// A child that stayed up this long was healthy, so its next crash starts the backoff again.
const STABLE_AFTER_MS = 30_000;
// Only a lost race for the free port makes a fresh start worth retrying on another port.
const START_ATTEMPTS = 3;

/** A supervised FerretDB child process. */
export interface FerretdbServer {
  uri: string;
  /** The current child's pid (changes on every restart); for tests and diagnostics. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** The repository root: the nearest folder above this file with scripts/install-ferretdb.mjs (from server/ or dist/server/). */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'scripts', 'install-ferretdb.mjs'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Where scripts/install-ferretdb.mjs puts the binary. */
export function localFerretdbPath(): string {
  return path.join(repoRoot(), '.tools', 'ferretdb');
}

function run(command: string, args: string[]): Promise<{ ok: boolean; stdout: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: VERSION_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout) => {
      resolve({ ok: !error, stdout });
    });
  });
}

/** Whether `bin --version` exits 0; a plain `go install` of 1.24.2 builds a binary that panics right there. */
export async function ferretdbWorks(bin: string): Promise<boolean> {
  return (await run(bin, ['--version'])).ok;
}

/** Whether the Go toolchain is on PATH. */
export async function hasGo(): Promise<boolean> {
  return (await run('go', ['version'])).ok;
}

/** The first working FerretDB of: `preferred` (FERRETDB_BIN), .tools/ferretdb, PATH, Go's bin folder. */
export async function findFerretdb(preferred: string | undefined, log: Logger): Promise<string | undefined> {
  if (preferred) {
    if (await ferretdbWorks(preferred)) return preferred;
    log.warn({ bin: preferred }, 'FERRETDB_BIN does not run (`--version` failed); looking elsewhere');
  }
  for (const bin of [localFerretdbPath(), 'ferretdb']) {
    if (await ferretdbWorks(bin)) return bin;
  }
  const gopath = await run('go', ['env', 'GOPATH']);
  const first = gopath.stdout.trim().split(path.delimiter)[0];
  if (!gopath.ok || !first) return undefined;
  const goBin = path.join(first, 'bin', 'ferretdb');
  return (await ferretdbWorks(goBin)) ? goBin : undefined;
}

/** Builds FerretDB into .tools/ with scripts/install-ferretdb.mjs, its progress on our stdio; the binary, or undefined. */
export async function installFerretdb(log: Logger): Promise<string | undefined> {
  log.warn('FerretDB is not installed; building it with Go (a few minutes the first time)');
  const script = path.join(repoRoot(), 'scripts', 'install-ferretdb.mjs');
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  const bin = localFerretdbPath();
  return code === 0 && (await ferretdbWorks(bin)) ? bin : undefined;
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Keeps one FerretDB child running on a fixed port, restarting it with backoff when it dies. */
class Supervisor {
  private child: ChildProcess | undefined;
  private startedAt = 0;
  private stopping = false;
  private supervising = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private backoffMs = BACKOFF_FIRST_MS;
  // A failed spawn reports 'error' and maybe 'exit' too; each child's end is handled once.
  private readonly ended = new WeakSet<ChildProcess>();
  // Runs synchronously on process exit: no async work is possible there, and an orphan would hold the port and files.
  private readonly killOnExit = () => {
    this.child?.kill('SIGKILL');
  };

  constructor(
    private readonly bin: string,
    private readonly dataDir: string,
    readonly port: number,
    private readonly log: Logger,
    private readonly postgresqlUrl?: string,
  ) {
    process.on('exit', this.killOnExit);
  }

  get logFile(): string {
    return path.join(this.dataDir, 'ferretdb.log');
  }

  get pid(): number | undefined {
    return this.alive() ? this.child?.pid : undefined;
  }

  alive(): boolean {
    const child = this.child;
    return child !== undefined && child.pid !== undefined && !this.ended.has(child) && child.exitCode === null && child.signalCode === null;
  }

  /** From now on an exit of the child is a crash to recover from, not a failed start. */
  supervise(): void {
    this.supervising = true;
  }

  spawnChild(): void {
    const sqliteDir = path.join(this.dataDir, 'db');
    const stateDir = path.join(this.dataDir, 'ferretdb-state');
    mkdirSync(sqliteDir, { recursive: true });
    mkdirSync(stateDir, { recursive: true });
    appendFileSync(this.logFile, `--- ${new Date().toISOString()} starting FerretDB on 127.0.0.1:${this.port}\n`);
    const fd = openSync(this.logFile, 'a');
    try {
      const child = spawn(
        this.bin,
        [
          // The PostgreSQL URL (it may hold a password) goes through the environment, never the command line.
          ...(this.postgresqlUrl ? ['--handler=postgresql'] : ['--handler=sqlite', `--sqlite-url=file:${sqliteDir}/`]),
          `--listen-addr=127.0.0.1:${this.port}`,
          '--debug-addr=-',
          '--telemetry=disable',
          `--state-dir=${stateDir}`,
          '--log-level=warn',
        ],
        { stdio: ['ignore', fd, fd], env: this.postgresqlUrl ? { ...process.env, FERRETDB_POSTGRESQL_URL: this.postgresqlUrl } : process.env },
      );
      child.once('error', (error) => {
        this.log.error({ err: error.message, bin: this.bin }, 'FerretDB could not be started');
        if (child.pid === undefined) this.onExit(child, null, null);
      });
      child.once('exit', (code, signal) => this.onExit(child, code, signal));
      this.child = child;
      this.startedAt = Date.now();
    } finally {
      closeSync(fd); // the child holds its own copy
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.ended.has(child)) return;
    this.ended.add(child);
    if (child !== this.child || this.stopping || !this.supervising) return;
    if (Date.now() - this.startedAt > STABLE_AFTER_MS) this.backoffMs = BACKOFF_FIRST_MS;
    this.log.warn({ code, signal, restartInMs: this.backoffMs, log: this.logFile }, 'FerretDB exited; restarting it on the same port');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      try {
        this.spawnChild();
      } catch (error) {
        // e.g. DATA_DIR unwritable for a moment: thrown in a timer it would take the whole hub down.
        this.log.error({ err: (error as Error).message }, 'FerretDB could not be restarted; trying again');
        this.scheduleRestart();
      }
    }, delay);
  }

  /** SIGTERM, SIGKILL after a grace period; resolves once the child has exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && this.alive()) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(force);
    }
    process.off('exit', this.killOnExit);
  }
}

/** Resolves once FerretDB answers a ping; rejects when the child dies first or after the timeout. */
async function waitUntilReady(uri: string, supervisor: Supervisor): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!supervisor.alive()) throw new Error(`FerretDB exited at start; see ${supervisor.logFile}`);
    const client = new mongoose.mongo.MongoClient(uri, { directConnection: true, serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
    try {
      await client.db('admin').command({ ping: 1 });
      return;
    } catch {
      await sleep(200);
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new Error(`FerretDB did not answer within ${READY_TIMEOUT_MS / 1000} s; see ${supervisor.logFile}`);
}

/** Starts `bin` on SQLite files under `dataDir` and a free local port, supervised until stop(). */
export async function startFerretdb(options: { bin: string; dataDir: string; log: Logger; postgresqlUrl?: string }): Promise<FerretdbServer> {
  mkdirSync(options.dataDir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const supervisor = new Supervisor(options.bin, options.dataDir, await freePort(), options.log, options.postgresqlUrl);
    const uri = `mongodb://127.0.0.1:${supervisor.port}/partnerhub`;
    supervisor.spawnChild();
    try {
      await waitUntilReady(uri, supervisor);
    } catch (error) {
      const died = !supervisor.alive();
      await supervisor.stop();
      if (died && attempt < START_ATTEMPTS) continue;
      throw error;
    }
    supervisor.supervise();
    options.log.info({ port: supervisor.port, dataDir: options.dataDir }, 'FerretDB is ready');
    return {
      uri,
      get pid() {
        return supervisor.pid;
      },
      stop: () => supervisor.stop(),
    };
  }
}
