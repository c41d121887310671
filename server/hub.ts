import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config/index.js';
import { createApp } from './app.js';
import { prepareDummyHash } from './auth/passwords.js';
import { connectDatabase, disconnectDatabase, ensureIndexes } from './db/connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';
import { attachRealtime } from './realtime/index.js';
import { bootstrap } from './services/bootstrap.js';
import { loadDemoData } from './services/demo/index.js';
import { assessmentCatalog } from './services/assessmentCatalog.js';
import { documentCatalog } from './services/documents/catalog.js';
import { startHousekeeping } from './services/housekeeping.js';
import { redisRateLimiter } from './services/rateLimit.js';
import { closeMessageLimiter, useMessageLimiter } from './services/rooms/limits.js';
import { MESSAGE_RATE_LIMIT, MESSAGE_RATE_WINDOW_MS } from '../shared/schemas/rooms.js';

/** A running hub: its HTTP server and how to stop it cleanly. */
export interface Hub {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the hub in the order that keeps it honest: database (embedded if MONGODB_URI is unset),
 * indexes, the Office and bootstrap admin, demo data, then HTTP and socket.io.
 */
export async function startHub(config: Config, log: Logger): Promise<Hub> {
  let embedded: EmbeddedDatabase | undefined;
  if (!config.mongodbUri) {
    embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, ferretdbBin: config.ferretdbBin, log });
  }
  const uri = config.mongodbUri ?? embedded!.uri;
  try {
    await connectDatabase(uri, log);
    await ensureIndexes();
    await Promise.all([bootstrap(config, log), prepareDummyHash()]);
    if (config.demo) await loadDemoData(log);
  } catch (error) {
    await disconnectDatabase().catch(() => undefined);
    await embedded?.stop();
    throw error;
  }

  const app = createApp(config, log);
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0; // uploads may be long; idle sockets are bounded by the two above
  await listen(server, config);
  const realtime = await attachRealtime(server, config, log);
  if (config.redisUrl) {
    useMessageLimiter(await redisRateLimiter(config.redisUrl, 'hub:rl:messages', MESSAGE_RATE_LIMIT, MESSAGE_RATE_WINDOW_MS, log));
  }
  const housekeeping = startHousekeeping(log);
  // Warm the catalogs in the background: on FerretDB their first full load can take many seconds.
  for (const catalog of [assessmentCatalog, documentCatalog]) {
    catalog.fresh().catch((error: unknown) => log.warn({ err: (error as Error).message }, 'catalog warm-up failed; the first list will load it'));
  }
  const port = (server.address() as AddressInfo).port;
  log.info({ port, database: embedded ? embedded.kind : 'external' }, 'Partner Hub is ready');

  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    close() {
      closing ??= (async () => {
        housekeeping.stop();
        await realtime.close();
        await closeMessageLimiter();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await disconnectDatabase();
        await embedded?.stop();
      })();
      return closing;
    },
  };
}

function listen(server: Server, config: Config): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new ConfigError('PORT', `port ${config.port} is already in use`));
      else if (error.code === 'EACCES') reject(new ConfigError('PORT', `port ${config.port} may not be opened by this user`));
      else reject(error);
    };
    server.once('error', onError);
    server.listen(config.port, config.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
