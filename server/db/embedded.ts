import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { published } from './embeddedAddress.js';
import { findFerretdb, hasGo, installFerretdb, startFerretdb } from './ferretdb.js';

/** The database the hub runs itself when MONGODB_URI is unset. */
export interface EmbeddedDatabase {
  uri: string;
  kind: 'ferretdb' | 'mongodb-memory-server';
  stop(): Promise<void>;
  /** The database process's current pid, when it is a child of ours (tests kill it to prove recovery). */
  readonly pid?: number | undefined;
}

const INSTALL_HINT = 'install Go (https://go.dev/dl) or FerretDB 1.24, or set MONGODB_URI';

/**
 * Starts the embedded database under `dataDir`: FerretDB on SQLite (found, or built with Go; on the
 * PostgreSQL database of `postgresqlUrl` instead when given: the benchmarks compare the two), else a
 * persistent MongoDB from mongodb-memory-server; throws one line saying what to install when neither works.
 * Its address is published under `dataDir` until stop() (embeddedAddress.ts: backup and restore use it).
 */
export async function startEmbeddedDatabase(options: {
  dataDir: string;
  ferretdbBin?: string;
  log: Logger;
  postgresqlUrl?: string;
}): Promise<EmbeddedDatabase> {
  const { dataDir, log } = options;
  let bin = await findFerretdb(options.ferretdbBin, log);
  if (!bin && (await hasGo())) bin = await installFerretdb(log);
  if (bin) {
    const server = await startFerretdb({ bin, dataDir, log, postgresqlUrl: options.postgresqlUrl });
    return published(dataDir, {
      uri: server.uri,
      kind: 'ferretdb' as const,
      get pid() {
        return server.pid;
      },
      stop: () => server.stop(),
    });
  }
  log.warn('FerretDB is not available and Go is not installed; trying a local MongoDB from mongodb-memory-server');
  try {
    return published(dataDir, await startMongoMemoryServer(dataDir, log));
  } catch (error) {
    log.warn({ err: firstLine(error) }, 'mongodb-memory-server could not start');
    throw new Error(`no embedded database could be started: ${INSTALL_HINT}`);
  }
}

async function startMongoMemoryServer(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  const dbPath = path.join(dataDir, 'mongodb');
  mkdirSync(dbPath, { recursive: true });
  // Loaded only here: it is the last resort and a heavy module.
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  const server = await quietConsole(log, () => MongoMemoryServer.create({ instance: { dbPath, storageEngine: 'wiredTiger', ip: '127.0.0.1' } }));
  log.info({ dbPath }, 'MongoDB (mongodb-memory-server) is ready');
  return {
    uri: server.getUri('partnerhub'),
    kind: 'mongodb-memory-server',
    // doCleanup false: dbPath is the hub's data, not a scratch directory.
    stop: async () => {
      await server.stop({ doCleanup: false });
    },
  };
}

// mongodb-memory-server writes failures straight to the console; a failed start must stay one line on stderr.
async function quietConsole<T>(log: Logger, work: () => Promise<T>): Promise<T> {
  const { warn, error } = console;
  console.warn = (...args: unknown[]) => log.debug({ detail: args.map(String).join(' ') }, 'mongodb-memory-server');
  console.error = console.warn;
  try {
    return await work();
  } finally {
    console.warn = warn;
    console.error = error;
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
