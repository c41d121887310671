import { createServer, type Server } from 'node:http';
import type { Request, RequestHandler } from 'express';
import mongoose from 'mongoose';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { domainEvents } from './events.js';
import { observeInserts } from './repositories/messages.js';
import type { MailCounters } from './services/mail/deps.js';

/** Why a database error was counted. */
export type DatabaseErrorKind = 'connection' | 'disconnected' | 'request';

/** The hub's Prometheus metrics (one registry per hub, so tests may start several in one process). */
export interface HubMetrics {
  registry: Registry;
  /** Times every HTTP request by method, route pattern and status class. */
  httpMiddleware: RequestHandler;
  /** Counts a request answered 5xx because the database did not answer. */
  countDatabaseError(kind: DatabaseErrorKind): void;
  /** Reads the number of connected sockets at each scrape. */
  countSockets(read: () => number): void;
  /** Counts mails sent, failed attempts and mails given up (§11). */
  mail: MailCounters;
  /** Reads the outbox's length at each scrape. */
  countMailQueue(read: () => Promise<number>): void;
  /** Lets go of the event subscriptions (before the database is disconnected on purpose). */
  stop(): void;
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
// Message inserts take about a millisecond when all is well; the finer low end shows when they stop doing so.
const INSERT_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
const ROUTE = Symbol('metrics route pattern');
const ROUTE_FALLBACK = Symbol('metrics deepest router');

type Routed = Request & { [ROUTE]?: string; [ROUTE_FALLBACK]?: string };

/**
 * Records the route pattern as Express picks it: at that moment `baseUrl` is the mount path of the
 * router holding the route, which it no longer is once an error has left that router. A request no
 * route took (a 401 from a router's auth(), say) is labelled by the deepest router it entered, as
 * `<mount>/*`. Mount paths are fixed strings here, but Express matches them case-insensitively: lower
 * case, so `/API/Me` cannot mint new series.
 */
function captureRoutePattern(req: Routed): void {
  let route: unknown;
  let baseUrl = req.baseUrl;
  let deepest = '';
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set: (value: { path?: unknown } | undefined) => {
      route = value;
      const path = value?.path;
      req[ROUTE] = typeof path === 'string' ? (baseUrl.toLowerCase() + path).replace(/(.)\/$/, '$1') : 'app';
    },
  });
  Object.defineProperty(req, 'baseUrl', {
    configurable: true,
    enumerable: true,
    get: () => baseUrl,
    set: (value: string) => {
      baseUrl = value;
      if (value.length > deepest.length) deepest = value;
    },
  });
  Object.defineProperty(req, ROUTE_FALLBACK, { get: () => (deepest ? `${deepest.toLowerCase()}/*` : 'other') });
}

/** A collection's name with the ids and block numbers of per-room and per-user collections folded (bounded label values). */
export function collectionKind(name: string): string {
  return name.replace(/[0-9a-f]{24}/g, '<id>').replace(/_\d+(?=_|$)/g, '_<n>');
}

/** Creates the metrics and subscribes to what they count: stored messages and mongoose connection trouble. */
export function createMetrics(): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'hub_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status class (aborted: the client left first).',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  let readSockets = () => 0;
  new Gauge({
    name: 'hub_sockets_connected',
    help: 'socket.io clients connected to this process.',
    registers: [registry],
    collect() {
      this.set(readSockets());
    },
  });
  const messages = new Counter({
    name: 'hub_messages_stored_total',
    help: 'Situation-room messages stored by this process (rate() gives messages per second).',
    registers: [registry],
  });
  const inserts = new Histogram({
    name: 'hub_message_insert_seconds',
    help: 'Inserts of situation-room messages by this process (each may carry several messages): how long the database took for each insert.',
    buckets: INSERT_BUCKETS,
    registers: [registry],
  });
  const databaseErrors = new Counter({
    name: 'hub_database_errors_total',
    help: 'Database trouble: driver connection errors, lost connections, requests answered 5xx because it did not answer.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  for (const kind of ['connection', 'disconnected', 'request'] as const) databaseErrors.inc({ kind }, 0);
  const mailSent = new Counter({ name: 'hub_mail_sent_total', help: 'Notification mails the mail server accepted from this process.', registers: [registry] });
  const mailFailed = new Counter({
    name: 'hub_mail_failed_total',
    help: 'Attempts to send a notification mail that failed (refused, no answer); each is retried with backoff.',
    registers: [registry],
  });
  const mailGivenUp = new Counter({
    name: 'hub_mail_given_up_total',
    help: 'Notification mails given up after 24 hours of failed attempts (never delivered).',
    registers: [registry],
  });
  let readMailQueue: (() => Promise<number>) | undefined;
  new Gauge({
    name: 'hub_mail_queue_length',
    help: 'Notification mails waiting in the outbox (due or retrying; digests until their hour), all processes together.',
    registers: [registry],
    async collect() {
      // The database may be down: the gauge keeps its last value rather than failing the scrape.
      const length = await readMailQueue?.().catch(() => undefined);
      if (length !== undefined) this.set(length);
    },
  });

  const commands = new Counter({
    name: 'hub_database_commands_total',
    help: 'Database commands this process sent, by command and collection (ids and block numbers in collection names folded).',
    labelNames: ['command', 'collection'] as const,
    registers: [registry],
  });
  const client = mongoose.connection.getClient();
  const onCommand = (event: { commandName: string; command: Record<string, unknown> }) => {
    const target = event.command[event.commandName];
    commands.inc({ command: event.commandName, collection: typeof target === 'string' ? collectionKind(target) : '' });
  };
  client.on('commandStarted', onCommand);

  const unsubscribe = domainEvents.subscribe('room.message', (event) => {
    if (event.kind === 'new') messages.inc();
  });
  const stopObserving = observeInserts((seconds) => inserts.observe(seconds));
  const onError = () => databaseErrors.inc({ kind: 'connection' });
  const onDisconnected = () => databaseErrors.inc({ kind: 'disconnected' });
  mongoose.connection.on('error', onError);
  mongoose.connection.on('disconnected', onDisconnected);

  const httpMiddleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    captureRoutePattern(req);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const statusClass = res.writableFinished ? `${Math.floor(res.statusCode / 100)}xx` : 'aborted';
      // Never the raw URL: ids would make a series per document.
      duration.observe({ method: req.method, route: (req as Routed)[ROUTE] ?? (req as Routed)[ROUTE_FALLBACK] ?? 'other', status_class: statusClass }, seconds);
    });
    next();
  };

  return {
    registry,
    httpMiddleware,
    countDatabaseError: (kind) => databaseErrors.inc({ kind }),
    countSockets: (read) => {
      readSockets = read;
    },
    mail: { sent: () => mailSent.inc(), failed: () => mailFailed.inc(), givenUp: () => mailGivenUp.inc() },
    countMailQueue: (read) => {
      readMailQueue = read;
    },
    stop() {
      unsubscribe();
      stopObserving();
      client.off('commandStarted', onCommand);
      mongoose.connection.off('error', onError);
      mongoose.connection.off('disconnected', onDisconnected);
    },
  };
}

/** Serves `GET /metrics` on its own listener, so an operator can firewall it apart from the hub. */
export function createMetricsServer(metrics: HubMetrics): Server {
  return createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n'),
    );
  });
}
