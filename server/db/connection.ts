import mongoose from 'mongoose';
import type { Logger } from 'pino';

// Second line of defence behind validate(): operator objects in a filter are neutralised unless
// wrapped in mongoose.trusted(), and a filter on a field the schema does not know throws.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', 'throw');
mongoose.set('bufferCommands', false);
mongoose.set('autoIndex', false);

const SERVER_SELECTION_TIMEOUT_MS = 1500;
// How long a request waits for the shared probe while the database is known to be down: long enough to
// pass as soon as the database is back, short enough that an outage answers 503 at once.
const PROBE_WAIT_MS = 250;

/** Whether the database answered lately; requests fail fast with 503 while it does not. */
export const dbState = { up: false };

/** Connects mongoose to `uri`; the driver then reconnects by itself after the database comes back. */
export async function connectDatabase(uri: string, log: Logger, options: { monitorCommands?: boolean } = {}): Promise<typeof mongoose> {
  const conn = mongoose.connection;
  conn.removeAllListeners('disconnected');
  conn.removeAllListeners('connected');
  conn.removeAllListeners('reconnected');
  conn.on('connected', () => {
    dbState.up = true;
  });
  conn.on('reconnected', () => {
    dbState.up = true;
    log.info('database reconnected');
  });
  conn.on('disconnected', () => {
    if (dbState.up) log.warn('database connection lost; retrying');
    dbState.up = false;
  });
  conn.on('error', (error: Error) => log.warn({ err: error.message }, 'database error'));
  await mongoose.connect(uri, {
    // While the database is down every operation waits this long for a server, then fails with 503: the
    // socket.io handlers and background work reach the driver without the HTTP gate of databaseAvailable().
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    // A database that stops answering without closing its connections is noticed by the driver's monitor
    // (a hello every heartbeat, given up after connectTimeoutMS), which then cuts the operations in flight:
    // so no request waits more than about 5 s for a frozen database (§2 allows 10). The hello gets 4 s so
    // that a FerretDB starved of CPU on a busy machine is not taken for a dead one; a single operation may
    // run a minute (a first full read of a large collection on FerretDB can take many seconds).
    heartbeatFrequencyMS: 1000,
    socketTimeoutMS: 60_000,
    connectTimeoutMS: 4000,
    maxPoolSize: 20,
    // The metrics count the commands sent (hub_database_commands_total); off, the driver builds no events.
    monitorCommands: options.monitorCommands ?? false,
  });
  dbState.up = true;
  return mongoose;
}

/** Pings the database, failing after `timeoutMs` instead of hanging. */
export async function pingDatabase(timeoutMs = 2000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    // A ping that answers after the caller stopped waiting still proves the database is back: a slow but
    // living database (a busy machine) must not stay marked down until a ping happens to be quick.
    const answered = db.command({ ping: 1 }).then(() => {
      dbState.up = true;
      return true;
    });
    answered.catch(() => undefined);
    const ok = await Promise.race([
      answered,
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    dbState.up = ok;
    return ok;
  } catch {
    dbState.up = false;
    return false;
  } finally {
    clearTimeout(timer);
  }
}

let probe: Promise<boolean> | undefined;

/**
 * Whether the database answers now: immediately true while it is known to be up; while it is
 * down, one shared quick ping (so a burst of requests does not stampede it, and recovery is
 * noticed by the first request after it, not only by the health check). A request waits for that
 * ping only PROBE_WAIT_MS: a dead database must not cost every request the ping's full timeout.
 */
export function databaseAvailable(): Promise<boolean> | true {
  if (dbState.up) return true;
  probe ??= pingDatabase(SERVER_SELECTION_TIMEOUT_MS).finally(() => {
    probe = undefined;
  });
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_WAIT_MS);
  });
  return Promise.race([probe, gaveUp]).finally(() => clearTimeout(timer));
}

/** Builds every model's indexes (unique ones are load-bearing, so start-up waits for them). */
export async function ensureIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) await model.createIndexes();
}

/** Closes the connection. */
export async function disconnectDatabase(): Promise<void> {
  dbState.up = false;
  await mongoose.disconnect();
}
