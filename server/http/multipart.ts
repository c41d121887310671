import { isUtf8 } from 'node:buffer';
import type { Request } from 'express';
import busboy from 'busboy';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { HttpError } from './errors.js';
import { parseOrThrow } from './validate.js';

/** The file part of an upload, streaming. */
export interface IncomingFile {
  stream: Readable;
  filename: string;
}

interface UploadOptions<S extends z.ZodType, R> {
  /** The strict schema of the text fields, all of which come before the file. */
  fields: S;
  /** The largest file accepted; a request declaring a body much larger is refused before it is read. */
  maxFileBytes: number;
  /** Longest text of one field. */
  maxFieldBytes: number;
  /** Called once the file part starts, with the validated fields; stores the file and answers what it stored. */
  handle: (fields: z.infer<S>, file: IncomingFile) => Promise<R>;
  /** Undoes `handle` when the body turns out bad after the file (a field after it, a broken end). */
  discard: (stored: R) => Promise<void>;
}

const FILE_FIELD = 'file';
// Room for the fields and part headers around the file in a well-formed request.
const ENVELOPE_BYTES = 256 * 1024;
// After refusing an upload mid-body, how long the rest of the body is still read (and dropped):
// a client is only sure to read the answer if it could send its body, so the connection is cut
// only when the body goes on longer than this. Nothing read meanwhile is kept.
const LINGER_MS = 2000;

const bad = (message: string) => new HttpError('invalid_request', message);

/**
 * A field's text from its bytes, or null when they are not UTF-8. Fields are read as latin1 (one
 * character per byte) so the bytes can be checked: decoding them leniently would store U+FFFD in place
 * of bad bytes. A part that declared its own charset was decoded with it (characters past U+00FF) and
 * is kept as decoded.
 */
function utf8Field(value: string): string | null {
  if (/[^\u0000-\u00ff]/.test(value)) return value;
  const bytes = Buffer.from(value, 'latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : null;
}

/**
 * Stops an upload the hub refused mid-body: nothing more goes anywhere, what still arrives is
 * dropped, and the connection is destroyed unless the body ends within LINGER_MS.
 */
export function abandonBody(req: Request): void {
  req.unpipe();
  req.resume();
  if (req.complete) return;
  const cut = setTimeout(() => {
    if (!req.complete) req.socket.destroy();
  }, LINGER_MS);
  cut.unref();
  req.once('end', () => clearTimeout(cut));
}

/**
 * Reads a `multipart/form-data` upload whose text fields come first and whose one `file` part comes
 * last, streaming: the fields are validated with `fields` (unknown or repeated ones are 400) when the
 * file part starts, then `handle` consumes the file. Resolves with what `handle` stored once the
 * whole body is read and well formed; if anything fails — the body, `handle` (413, 415…), the client
 * going away — whatever was stored is discarded and the request is abandoned.
 */
export function receiveUpload<S extends z.ZodType, R>(req: Request, options: UploadOptions<S, R>): Promise<R> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(new HttpError('unsupported_media_type', 'The request body must be multipart/form-data with the file last.'));
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > options.maxFileBytes + ENVELOPE_BYTES) {
    abandonBody(req);
    return Promise.reject(
      new HttpError('payload_too_large', `file: larger than the ${Math.floor(options.maxFileBytes / (1024 * 1024))} MiB a document may have.`),
    );
  }
  return new Promise<R>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        defCharset: 'latin1',
        highWaterMark: 256 * 1024,
        fileHwm: 256 * 1024,
        limits: { fieldNameSize: 64, fieldSize: options.maxFieldBytes, fields: 16, files: 1, parts: 17, headerPairs: 16, fileSize: options.maxFileBytes + 1 },
      });
    } catch {
      reject(bad('The request is not valid multipart/form-data (boundary missing).'));
      return;
    }
    const fields: Record<string, string> = {};
    let file: Readable | null = null;
    let handling: Promise<R> | null = null;
    let failure: unknown = null;
    let parsed = false;
    let decided = false;

    const fail = (error: unknown) => {
      if (failure) return;
      failure = error;
      file?.destroy(error instanceof Error ? error : new Error(String(error)));
      abandonBody(req);
      settle();
    };
    // Resolves once the body is fully parsed and the file handled, or rejects after any failure
    // with whatever `handle` stored discarded.
    const settle = () => {
      if (!failure && !(parsed && handling)) {
        if (parsed && !handling) fail(bad('file: is required (a file part named "file", after the other fields).'));
        return;
      }
      // Once attached, the outcome is read when `handling` settles, so a later failure still counts.
      if (decided) return;
      decided = true;
      const done = handling ?? Promise.reject(failure);
      done.then(
        async (stored) => {
          if (!failure) return resolve(stored);
          await options.discard(stored).catch(() => undefined);
          reject(failure);
        },
        (error: unknown) => reject(failure ?? error),
      );
    };

    parser.on('field', (name, value, info) => {
      if (failure) return;
      if (file) return fail(bad(`${name}: every field must come before the file.`));
      if (info.nameTruncated) return fail(bad('A field name is too long.'));
      if (info.valueTruncated) return fail(bad(`${name}: is too long.`));
      if (name === FILE_FIELD) return fail(bad('file: must be a file part (with a filename).'));
      if (Object.hasOwn(fields, name)) return fail(bad(`${name}: appears more than once.`));
      const text = utf8Field(value);
      if (text === null) return fail(bad(`${name}: is not valid UTF-8 text.`));
      fields[name] = text;
    });
    parser.on('file', (name, stream, info) => {
      if (failure) return stream.resume();
      if (name !== FILE_FIELD) {
        stream.resume();
        return fail(bad(`${name}: unknown field; the file goes in "file".`));
      }
      file = stream;
      // Its failures reach `handle` through its own pipeline; none may go unheard before that.
      stream.on('error', () => undefined);
      let valid: z.infer<S>;
      try {
        valid = parseOrThrow(options.fields, fields, 'body');
      } catch (error) {
        return fail(error);
      }
      handling = options.handle(valid, { stream, filename: info.filename ?? '' });
      handling.catch((error: unknown) => fail(error));
    });
    parser.on('filesLimit', () => fail(bad('Only one file may be uploaded at a time.')));
    parser.on('fieldsLimit', () => fail(bad('Too many fields.')));
    parser.on('partsLimit', () => fail(bad('Too many parts.')));
    parser.on('error', () => fail(bad('The request is not valid multipart/form-data.')));
    parser.on('close', () => {
      parsed = true;
      settle();
    });
    // A client that goes away mid-body: the file stream fails, so nothing it sent is kept.
    req.on('close', () => {
      if (!req.complete) fail(bad('The upload was interrupted before it finished.'));
    });
    req.pipe(parser);
  });
}
