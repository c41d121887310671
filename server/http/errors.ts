import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '../../shared/errors.js';

/** The one error the hub raises on purpose; the error middleware turns it into the contract's shape. */
export class HttpError extends Error {
  readonly status: number;
  /** Sent as `Retry-After` (whole seconds): when a refused caller may try again. */
  retryAfterSeconds: number | undefined;
  /** Fields answered beside `error` (the enrolment token of a 403 `mfa_enrolment_required`). */
  extra: Record<string, string> | undefined;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorBody['details'],
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (what = 'resource') => new HttpError('not_found', `No such ${what}.`);
export const forbidden = (message = 'You may not do this.') => new HttpError('forbidden', message);

/** 429 `rate_limited`, answered with `Retry-After` of `retryAfterMs` rounded up to a whole second (at least 1). */
export function rateLimited(message: string, retryAfterMs: number): HttpError {
  const error = new HttpError('rate_limited', message);
  error.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return error;
}

/** True for the errors the MongoDB driver raises when the database does not answer. */
export function isDatabaseDown(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error)) return false;
  const name = error.name;
  if (
    name === 'MongoServerSelectionError' ||
    name === 'MongooseServerSelectionError' ||
    name === 'MongoNetworkError' ||
    name === 'MongoNetworkTimeoutError' ||
    name === 'MongoNotConnectedError' ||
    name === 'MongoTopologyClosedError' ||
    name === 'MongoPoolClearedError' ||
    name === 'PoolClearedOnNetworkError' ||
    // A write on a connection the database has just closed surfaces as Node's own EPIPE error, unwrapped by the driver.
    /buffering timed out|Client must be connected|connection .* closed|socket has been ended by the other party/i.test(error.message)
  )
    return true;
  // A bulk write (insertMany) whose connection was cut wraps the network error it met.
  const wrapped = error as { cause?: unknown; errorResponse?: unknown };
  return depth < 3 && (isDatabaseDown(wrapped.cause, depth + 1) || isDatabaseDown(wrapped.errorResponse, depth + 1));
}

/** Maps any thrown value to the contract's error body; never leaks a stack or a driver message. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const e = error as { type?: string; status?: number; code?: unknown; name?: string };
  if (e?.type === 'entity.too.large') return new HttpError('payload_too_large', 'The request body is larger than 1 MiB.');
  if (e?.type === 'entity.parse.failed') return new HttpError('invalid_request', 'The request body is not valid JSON.');
  if (e?.type === 'encoding.unsupported') return new HttpError('invalid_request', "The request body's Content-Encoding is not accepted.");
  if (e?.type === 'charset.unsupported') return new HttpError('unsupported_media_type', 'The request body must be UTF-8 JSON.');
  // Any other 4xx a library raised (a body that does not inflate, a path parameter that does not
  // decode, a stream cut off) is malformed input: 400, never 500 (§2 v2).
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    if (e.status === 413) return new HttpError('payload_too_large', 'The request body is too large.');
    if (e.status === 415) return new HttpError('unsupported_media_type', "The request body's type is not accepted.");
    return new HttpError('invalid_request', 'The request could not be read.');
  }
  if (isDatabaseDown(error)) return new HttpError('unavailable', 'The database is not answering; try again shortly.');
  if (e?.name === 'StrictModeError' || e?.name === 'CastError') {
    return new HttpError('invalid_request', 'The request contains a value of the wrong type.');
  }
  return new HttpError('internal', 'Something went wrong on our side.');
}

/** Answers requests that matched no API route. */
export const apiNotFound: RequestHandler = (_req, _res, next) => next(new HttpError('not_found', 'No such endpoint.'));

/** The one error middleware: writes `{error: {code, message}}` and logs what the client does not see. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const http = toHttpError(error);
    // An outage is logged once by the request line (warn, 503) and by the connection's own events, not as
    // a stack trace per request: a busy minute without the database would bury everything else.
    if (http.status >= 500 && http.code !== 'unavailable') (req.log ?? log).error({ err: error }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body: ErrorBody = { code: http.code, message: http.message };
    if (http.details) body.details = http.details;
    if (http.code === 'unavailable') res.setHeader('Retry-After', '5');
    if (http.retryAfterSeconds) res.setHeader('Retry-After', String(http.retryAfterSeconds));
    res.status(http.status).json({ ...http.extra, error: body });
  };
}
