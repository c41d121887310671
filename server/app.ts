import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { JSON_BODY_LIMIT } from '../shared/limits.js';
import { databaseAvailable } from './db/connection.js';
import type { Domain } from './domain.js';
import type { Drain } from './drain.js';
import { apiNotFound, errorHandler, HttpError, isDatabaseDown } from './http/errors.js';
import type { HubMetrics } from './metrics.js';
import { requestId } from './http/requestId.js';
import { requireAcceptedEncoding, requireJsonBody, requireUtf8, requireWellFormedPath, securityHeaders } from './http/security.js';
import { initialisePassport } from './auth/passport.js';
import { apiRouter, type Wired } from './routes/index.js';
import { healthRouter } from './routes/health.js';

/** Where the built web app is, whether running from sources (tsx) or from dist/. */
export function clientDist(): string {
  const here = path.dirname(new URL(import.meta.url).pathname);
  const candidates = [path.resolve(here, '../client/dist'), path.resolve(here, '../../client/dist')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

/** What the hub around the app hands it: its graceful stop and its metrics (when enabled). */
export interface AppLifecycle {
  drain?: Drain;
  metrics?: HubMetrics;
}

/**
 * Builds the Express application: one path through every request, the API under /api, the app at /.
 * `rateLimit` (server/http/rateLimits.ts) runs before the body is read or the database is asked.
 */
export function createApp(domain: Domain, log: Logger, rateLimit: RequestHandler, wired: Wired, lifecycle: AppLifecycle = {}): Express {
  const { config } = domain;
  const { drain, metrics } = lifecycle;
  const app = express();
  app.disable('x-powered-by');
  // API answers are never cached (no-store); hashing every JSON body for an ETag would be wasted CPU.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy ? (/^\d+$/.test(config.trustProxy) ? Number(config.trustProxy) : config.trustProxy) : false);
  app.set('query parser', 'simple');
  initialisePassport(domain);

  if (metrics) app.use(metrics.httpMiddleware);

  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req, res) => requestId(req, res),
      customLogLevel: (_req, res, err) => (res.statusCode === 503 ? 'warn' : err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // 503 is the database (or a draining process) being away: one line per request, no stack trace.
      customErrorObject: (_req, res, _error, value: Record<string, unknown>) =>
        res.statusCode === 503 ? { res: value.res, responseTime: value.responseTime } : value,
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(securityHeaders());
  app.use(requireWellFormedPath);
  if (drain) app.use(drain.middleware);

  app.use('/api/health', healthRouter(config.version));
  app.use('/api', rateLimit);
  app.use('/api', async (_req, _res, next) => {
    // Fail fast while the database is down, instead of queueing work that cannot finish.
    const available = await databaseAvailable();
    if (!available) metrics?.countDatabaseError('request');
    next(available ? undefined : new HttpError('unavailable', 'The database is not answering; try again shortly.'));
  });
  app.use('/api', requireAcceptedEncoding, requireJsonBody, express.json({ limit: JSON_BODY_LIMIT, strict: true, verify: requireUtf8 }));
  app.use('/api', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use('/api', apiRouter(domain, wired));
  app.use('/api', apiNotFound);

  const dist = clientDist();
  app.use(express.static(dist, { index: false, maxAge: '1h', setHeaders: immutableAssets }));
  app.get(/^(?!\/(api|socket\.io)\/).*/, (_req, res, next) => {
    const index = path.join(dist, 'index.html');
    if (!existsSync(index)) return next(new HttpError('not_found', 'The web app has not been built (npm run build).'));
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  if (drain) app.use(drain.unwound);
  if (metrics) {
    app.use((error: unknown, _req: express.Request, _res: express.Response, next: express.NextFunction) => {
      if (isDatabaseDown(error)) metrics.countDatabaseError('request');
      next(error);
    });
  }
  app.use(errorHandler(log));
  return app;
}

function immutableAssets(res: express.Response, file: string): void {
  if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
}
