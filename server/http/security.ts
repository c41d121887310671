import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
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

/**
 * Puts the security headers on every answer of socket.io's HTTP transport (`/socket.io/…`), which
 * engine.io writes before Express sees the request, errors included (§2 v2). Runs first among the
 * server's request listeners; engine.io's own headers are added to these.
 */
export function secureSocketIoAnswers(server: Server, path = '/socket.io'): void {
  const headers = securityHeaders();
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith(`${path}/`) && req.url !== path && !req.url?.startsWith(`${path}?`)) return;
    // helmet only sets and removes headers: the plain Node request and response serve it.
    headers(req as Parameters<RequestHandler>[0], res as Parameters<RequestHandler>[1], () => undefined);
    res.removeHeader('X-Powered-By');
  });
}

/**
 * Answers what Node's HTTP parser refuses before any app sees it (an over-long or invalid header, a
 * broken request line) with the contract's 400 and the security headers, instead of a bare status line.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({
      error: { code: 'invalid_request', message: 'The request could not be read (a malformed or over-long request line or header).' },
    });
    socket.end(
      [
        'HTTP/1.1 400 Bad Request',
        'Content-Type: application/json; charset=utf-8',
        `Content-Length: ${Buffer.byteLength(body)}`,
        'X-Content-Type-Options: nosniff',
        `Content-Security-Policy: ${FALLBACK_CSP}`,
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  });
}
// For answers written on the raw socket, where no middleware runs: nothing may load from such an answer.
const FALLBACK_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Refuses a path whose percent-encoding is malformed (`/api/assessments/%`) with 400, on every route (§2 v2). */
export const requireWellFormedPath: RequestHandler = (req, _res, next) => {
  try {
    decodeURIComponent(req.path);
  } catch {
    return next(new HttpError('invalid_request', 'The path has malformed percent-encoding.'));
  }
  next();
};

// What a request body may be compressed with: the JSON parser inflates these (within its 1 MiB limit);
// uploads are streamed to the sealing worker as sent, so they come uncompressed.
const JSON_CODINGS = new Set(['identity', 'gzip', 'deflate', 'br']);

/** Refuses a `Content-Encoding` the hub does not accept with 400 (§2 v2); a body it cannot decode is 400 too (errors.ts). */
export const requireAcceptedEncoding: RequestHandler = (req, _res, next) => {
  const header = req.headers['content-encoding'];
  if (header === undefined) return next();
  const codings = header
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  const accepted = isUpload(req) ? new Set(['identity']) : JSON_CODINGS;
  if (codings.length <= 1 && codings.every((c) => accepted.has(c))) return next();
  next(
    new HttpError(
      'invalid_request',
      `Content-Encoding is not accepted here; send ${isUpload(req) ? 'uploads uncompressed' : 'identity, gzip, deflate or br'}.`,
    ),
  );
};

// The upload routes (paths under /api): their multipart bodies are streamed by the route itself.
const UPLOAD_ROUTES = [/^\/documents\/?$/, /^\/documents\/[0-9a-f]{24}\/versions\/?$/];
const isUpload = (req: Parameters<RequestHandler>[0]) =>
  req.method === 'POST' && UPLOAD_ROUTES.some((route) => route.test(req.path)) && req.is('multipart/form-data') !== false;
// The assessment import (§14) also takes CSV.
const isCsvImport = (req: Parameters<RequestHandler>[0]) =>
  req.method === 'POST' && /^\/assessments\/import\/?$/.test(req.path) && req.is('text/csv') !== false;

/** Refuses a body that is not JSON on the JSON API, except multipart bodies on the upload routes and CSV imports. */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.is('application/json') || isUpload(req) || isCsvImport(req)) return next();
  next(new HttpError('unsupported_media_type', 'The request body must be JSON (application/json).'));
};

/**
 * The JSON parser's `verify`: a body declared UTF-8 (the default) must be valid UTF-8. Decoding would
 * otherwise put U+FFFD in place of the bad bytes and store text nobody sent.
 */
export function requireUtf8(_req: IncomingMessage, _res: ServerResponse, body: Buffer, encoding: string): void {
  if (/^utf-?8$/i.test(encoding) && !isUtf8(body)) throw new HttpError('invalid_request', 'The request body is not valid UTF-8.');
}
