import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { createClient } from 'redis';
import { localFerretdbPath } from '../../server/db/ferretdb.js';
import { freePort } from './process.js';

/**
 * A dependency the tests own and break on purpose: a FerretDB or a Redis child on a fixed port, that
 * can be frozen (SIGSTOP: connections stay open and nothing answers), killed (connections refused) and
 * started again on the same port and, for FerretDB, the same SQLite files.
 */
export interface FaultyService {
  port: number;
  url: string;
  /** SIGSTOP: the process keeps its sockets but answers nothing. */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** SIGKILL (works on a frozen process too); resolves once it has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port (and files); resolves once it answers. */
  restart(): Promise<void>;
  /** Kills it for good (for after()). */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

class ChildService implements FaultyService {
  private child: ChildProcess | undefined;

  constructor(
    readonly port: number,
    readonly url: string,
    private readonly launch: () => ChildProcess,
    private readonly answers: () => Promise<boolean>,
  ) {}

  async start(): Promise<void> {
    const child = this.launch();
    this.child = child;
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`${this.url} exited at start`);
      if (await this.answers()) return;
      await sleep(100);
    }
    throw new Error(`${this.url} did not answer within ${READY_TIMEOUT_MS} ms`);
  }

  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  restart(): Promise<void> {
    return this.start();
  }

  stop(): Promise<void> {
    return this.kill();
  }
}

/** A FerretDB 1.24 child on SQLite files under `dataDir` and a free port, as the embedded database runs it. */
export async function startFaultyFerretdb(dataDir: string): Promise<FaultyService> {
  const port = await freePort();
  const sqliteDir = path.join(dataDir, 'db');
  const stateDir = path.join(dataDir, 'state');
  mkdirSync(sqliteDir, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  const bin = process.env.FERRETDB_BIN || localFerretdbPath();
  const url = `mongodb://127.0.0.1:${port}`;
  const service = new ChildService(
    port,
    url,
    () =>
      spawn(
        bin,
        [
          '--handler=sqlite',
          `--sqlite-url=file:${sqliteDir}/`,
          `--listen-addr=127.0.0.1:${port}`,
          '--debug-addr=-',
          '--telemetry=disable',
          `--state-dir=${stateDir}`,
          '--log-level=error',
        ],
        { stdio: 'ignore' },
      ),
    () => ping(url),
  );
  await service.start();
  return service;
}

/** A Redis child on a free port that keeps nothing on disk. */
export async function startFaultyRedis(): Promise<FaultyService> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const service = new ChildService(
    port,
    url,
    () => spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }),
    () => pingRedis(url),
  );
  await service.start();
  return service;
}

async function ping(url: string): Promise<boolean> {
  const client = new mongoose.mongo.MongoClient(url, { directConnection: true, serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function pingRedis(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    await client.quit();
    return true;
  } catch {
    await client.disconnect().catch(() => undefined);
    return false;
  }
}

/** One answer seen by the traffic: what was asked, when, how it ended and how long it took. */
export interface Outcome {
  kind: string;
  at: number;
  ms: number;
  /** HTTP status, 0 when nothing answered within the client's timeout. */
  status: number;
  /** The error code of a refused answer (`unavailable`, …), 'timeout' when nothing answered. */
  code?: string;
}

/** Runs `step` again and again (with `pauseMs` between) until stop(); records every outcome. */
export class Loop {
  private running = true;
  private readonly done: Promise<void>;

  constructor(step: () => Promise<void>, pauseMs: number) {
    this.done = (async () => {
      while (this.running) {
        await step();
        await sleep(pauseMs);
      }
    })();
  }

  stop(): Promise<void> {
    this.running = false;
    return this.done;
  }
}

/** A JSON request that never waits longer than `timeoutMs`; status 0 and code 'timeout' when it did. */
export async function timedRequest<T = Record<string, unknown>>(
  base: string,
  method: string,
  route: string,
  options: { body?: unknown; token?: string; timeoutMs?: number } = {},
): Promise<{ status: number; body: T; ms: number; code?: string }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const started = Date.now();
  try {
    const res = await fetch(base + route, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 12_000),
    });
    const text = await res.text();
    const body = (text ? JSON.parse(text) : undefined) as T & { error?: { code?: string } };
    return { status: res.status, body, ms: Date.now() - started, code: body?.error?.code };
  } catch {
    return { status: 0, body: undefined as T, ms: Date.now() - started, code: 'timeout' };
  }
}

/** Polls `check` until it answers true, failing after `timeoutMs` with `what`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 100): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
  return Date.now() - started;
}
