import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config/index.js';
import { createApp } from './app.js';
import { sharePrincipalChanges } from './auth/principalFanout.js';
import { connectDatabase, disconnectDatabase, ensureIndexes } from './db/connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';
import { loadDemoData } from './demo/index.js';
import { createDomain, type Domain } from './domain.js';
import { Drain } from './drain.js';
import { createMetrics, createMetricsServer } from './metrics.js';
import { attachRealtime, type Realtime } from './realtime/index.js';
import { answerClientErrors } from './http/security.js';
import { auditSettled } from './services/audit.js';
import { bootstrap } from './services/bootstrap.js';
import { startBlobSweeper } from './services/documents/sweeper.js';
import { startHousekeeping } from './services/housekeeping.js';
import { WebhookWorker } from './services/webhooks/worker.js';
import { startMailer, type Mailer, type NotificationSource } from './services/mail/index.js';
import { createRateLimits } from './http/rateLimits.js';
import type { HubServer } from './realtime/types.js';
import { createMessageLimiter } from './services/rooms/limits.js';
import { createRoomRuntime } from './services/rooms/runtime.js';

/** A running hub: its HTTP server and how to stop it cleanly. */
export interface Hub {
  server: Server;
  port: number;
  /** The metrics listener's port, when METRICS_PORT is set. */
  metricsPort: number | undefined;
  /** The socket.io server. */
  io: HubServer;
  /** The notification mailer of this process (SMTP_URL set and stored notifications wired). */
  mailer: Mailer | undefined;
  /** What this process's services work with (its repositories, its principal cache). */
  domain: Domain;
  /** Graceful stop: refuse new work, let what runs finish (up to HUB_DRAIN_SECONDS), then let go of everything. */
  close(): Promise<void>;
}

/** What a hub may be started with besides its Config. */
export interface HubOptions {
  /** The stored notifications the mailer listens to and reads (§11). */
  notifications?: NotificationSource;
}

// A websocket peer that does not answer the close handshake holds the stop this long at most.
const SOCKET_CLOSE_GRACE_MS = 2000;

/**
 * Starts the hub in the order that keeps it honest: database (embedded if MONGODB_URI is unset),
 * indexes, the Office and bootstrap admin, demo data; then everything that serves (HTTP app,
 * socket.io, limiters, metrics) is wired before the listener opens, so nothing is answered by half a hub.
 */
export async function startHub(config: Config, log: Logger, options: HubOptions = {}): Promise<Hub> {
  let embedded: EmbeddedDatabase | undefined;
  if (!config.mongodbUri) {
    embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, ferretdbBin: config.ferretdbBin, log });
  }
  const uri = config.mongodbUri ?? embedded!.uri;
  // What has started, in reverse order of stopping; a failed start stops it before it throws.
  const started: Array<() => Promise<void> | void> = [() => embedded?.stop(), () => disconnectDatabase().catch(() => undefined)];
  const unwind = async () => {
    for (const stop of started.reverse()) await stop();
  };
  try {
    await connectDatabase(uri, log, { monitorCommands: Boolean(config.metricsPort) });
    await ensureIndexes();
    // What the services work with (repositories, catalogs, document storage), built once and passed down.
    const domain = createDomain(config);
    await Promise.all([bootstrap(domain, log), domain.dummyHash]);
    if (config.demo) await loadDemoData(domain, log);

    const drain = new Drain(config.version);
    const metrics = config.metricsPort ? createMetrics() : undefined;
    if (metrics) started.push(() => metrics.stop());
    const rateLimits = await createRateLimits(config, log);
    started.push(() => rateLimits.close());
    // Cached principals are dropped on every process before a change is answered (domain.principals, auth/principalCache.ts).
    if (config.redisUrl) started.push(await sharePrincipalChanges(config, domain.principals, log));
    // The rooms' limiter, read markers gathered in memory, writer and room copies; closed (the markers
    // written) after the sockets and before the database.
    const rooms = createRoomRuntime(await createMessageLimiter(config, log), domain.repos, domain.notifications, (err: unknown) =>
      log.warn({ err }, 'after a stored message (mention, word index)'),
    );
    started.push(() => rooms.close());
    // Webhooks (§14): each fanned-out notification is queued for its organisations' webhooks; every process posts.
    const webhooks = new WebhookWorker(
      domain.repos.webhooks,
      domain.webhookSecrets,
      { allowPrivate: config.webhookAllowPrivate, firstRetryMs: config.webhookFirstRetryMs },
      log.child({ component: 'webhooks' }),
    );
    domain.notifications.onFannedOut((event, organisationIds) => webhooks.enqueue(event, organisationIds));
    const app = createApp(domain, log, rateLimits.handler, { rooms, webhooks }, { drain, metrics });
    const server = createServer(app);
    answerClientErrors(server);
    drain.trackConnections(server);
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.requestTimeout = 0; // uploads may be long; idle sockets are bounded by the two above
    const realtime = await attachRealtime(server, domain, log, { writes: rateLimits.writes }, rooms);
    started.push(() => realtime.close());
    drain.watchSockets(realtime.io);
    metrics?.countSockets(() => realtime.io.of('/').sockets.size);
    const metricsServer = metrics ? createMetricsServer(metrics) : undefined;
    if (metricsServer) {
      await listen(metricsServer, config.metricsPort!, config.metricsHost, 'METRICS_PORT');
      started.push(() => {
        metricsServer.close();
        metricsServer.closeAllConnections();
      });
    }
    await listen(server, config.port, config.host, 'PORT');
    // Every process fans out stored notifications (jobs claimed once each); stopped before the database.
    domain.notifications.start(log);
    started.push(() => domain.notifications.close());
    // `action.due` at the start of each day (claimed once hub-wide); stopped before the database.
    domain.actionsDue.start(log);
    started.push(() => domain.actionsDue.close());
    started.push(() => domain.storage.stamper.close());
    webhooks.start();
    started.push(() => webhooks.stop());
    const housekeeping = startHousekeeping(domain.repos.sessions, log);
    const stopBlobSweeper = startBlobSweeper(domain.repos.documents, domain.storage.blobs, log);
    // Stored notifications are mailed as each is stored (a test may hand the mailer a source of its own).
    const mailer = startMailer(config, domain, options.notifications ?? domain.notifications, log, metrics?.mail);
    if (mailer) started.push(() => mailer.stop());
    metrics?.countMailQueue(() => domain.repos.mail.count());
    // Warm the catalogs in the background: on FerretDB their first full load can take many seconds.
    for (const catalog of [domain.repos.assessments.catalog, domain.repos.documents.catalog]) {
      catalog.fresh().catch((error: unknown) => log.warn({ err: (error as Error).message }, 'catalog warm-up failed; the first list will load it'));
    }
    const port = (server.address() as AddressInfo).port;
    const metricsPort = metricsServer ? (metricsServer.address() as AddressInfo).port : undefined;
    log.info({ port, metricsPort, database: embedded ? embedded.kind : 'external' }, 'Partner Hub is ready');

    let closing: Promise<void> | undefined;
    return {
      server,
      port,
      metricsPort,
      io: realtime.io,
      mailer,
      domain,
      close() {
        closing ??= (async () => {
          housekeeping.stop();
          stopBlobSweeper();
          await drainTraffic({ server, realtime, drain, deadline: Date.now() + config.drainMs, log });
          // Records nobody waited for (lists', §9) are stored before the database goes (bounded: it may be down).
          await Promise.race([auditSettled(), sleep(AUDIT_FLUSH_MS)]);
          await unwind();
        })();
        return closing;
      },
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}

const AUDIT_FLUSH_MS = 5000;

/**
 * Stops taking work and lets what runs finish: new requests and socket calls answer 503 `unavailable`,
 * the listener closes, acknowledged socket calls are answered, then sockets are closed at the transport
 * (clients see `transport close` and reconnect, to another process), requests finish until `deadline`,
 * and whatever connection is left is cut.
 */
async function drainTraffic(options: { server: Server; realtime: Realtime; drain: Drain; deadline: number; log: Logger }): Promise<void> {
  const { server, realtime, drain, deadline, log } = options;
  drain.start();
  const closed = closeServer(server);
  log.info({ requests: drain.requests.size, socketCalls: drain.socketCalls.size }, 'draining: no new connections, requests or socket calls');
  if (!(await drain.socketCalls.settled(deadline))) log.warn({ socketCalls: drain.socketCalls.size }, 'drain deadline reached with socket calls unanswered');
  const socketsClosed = realtime.close();
  if (!(await drain.requests.settled(deadline))) log.warn({ requests: drain.requests.size }, 'drain deadline reached; cutting the requests still running');
  // What is left is idle keep-alive connections, or requests past the deadline: cut, they clean up.
  server.closeAllConnections();
  await drain.requests.settled(); // bounded: each cut request is let go after a short unwind
  const grace = sleep(SOCKET_CLOSE_GRACE_MS, 'timeout' as const);
  if ((await Promise.race([Promise.all([closed, socketsClosed]), grace])) === 'timeout') {
    log.warn('some connections did not close in time; cutting them');
    drain.cutConnections();
    await Promise.all([closed, socketsClosed]);
  }
}

/** Stops accepting connections; resolves once every open connection has ended. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
  });
}

function listen(server: Server, port: number, host: string, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new ConfigError(variable, `port ${port} is already in use`));
      else if (error.code === 'EACCES') reject(new ConfigError(variable, `port ${port} may not be opened by this user`));
      else reject(error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
