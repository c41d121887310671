import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

/** Security headers: a strict Content-Security-Policy with no inline script, nosniff, no framing. */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'worker-src': ["'self'"],
        'manifest-src': ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true },
  });
}

// The upload routes (paths under /api): their multipart bodies are streamed by the route itself.
const UPLOAD_ROUTES = [/^\/documents\/?$/, /^\/documents\/[0-9a-f]{24}\/versions\/?$/];
const isUpload = (req: Parameters<RequestHandler>[0]) => req.method === 'POST' && UPLOAD_ROUTES.some((route) => route.test(req.path))
  && req.is('multipart/form-data') !== false;

/** Refuses a body that is not JSON on the JSON API, except multipart bodies on the upload routes. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.is('application/json') || isUpload(req)) return next();
  next(new HttpError('unsupported_media_type', 'The request body must be JSON (application/json).'));
};

/**
 * The JSON parser's `verify`: a body declared UTF-8 (the default) must be valid UTF-8. Decoding would
 * otherwise put U+FFFD in place of the bad bytes and store text nobody sent.
 */
export function requireUtf8(_req: IncomingMessage, _res: ServerResponse, body: Buffer, encoding: string): void {
  if (/^utf-?8$/i.test(encoding) && !isUtf8(body)) throw new HttpError('invalid_request', 'The request body is not valid UTF-8.');
}
