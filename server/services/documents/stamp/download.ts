import type { Request, Response } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Domain } from '../../../domain.js';
import { attachmentDisposition } from '../../../http/contentDisposition.js';
import { HttpError } from '../../../http/errors.js';
import type { DocumentDoc } from '../../../models/document.js';
import type { DocumentVersionDoc } from '../../../models/documentVersion.js';
import { recordAudit } from '../../audit.js';
import { actorOf } from '../../context.js';
import type { Signed } from '../commands.js';
import { IntegrityError } from '../crypto.js';
import { withTypeExtension } from '../filename.js';
import { StampRefused } from './pdf.js';

const MAX_NAME_CHARS = 80;

/** A name as it may go on a stamp: no control or bidi-override characters, one line, bounded. */
function printable(text: string): string {
  const cleaned = text
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...cleaned];
  return chars.length > MAX_NAME_CHARS ? `${chars.slice(0, MAX_NAME_CHARS - 1).join('')}…` : cleaned;
}

/** The stamp's line: who, which organisation, when (UTC, to the second) and the audit record's id. */
export function stampLine(ctx: Signed, at: Date, recordId: string): string {
  const when = `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return `Downloaded by ${printable(ctx.principal.user.name)}, ${printable(ctx.principal.organisation.name)} | ${when} | audit record ${recordId}`;
}

/** The whole plaintext of a version in one buffer of its own, authenticated as it is read. */
async function readWhole(open: () => Promise<{ blob: Readable; opener: Transform }>, size: number): Promise<Buffer> {
  const { blob, opener } = await open();
  const whole = Buffer.allocUnsafeSlow(size);
  let at = 0;
  await pipeline(blob, opener, async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) {
      if (at + chunk.length > size) throw new IntegrityError('the document is longer than its record');
      at += chunk.copy(whole, at);
    }
  });
  if (at !== size) throw new IntegrityError('the document is shorter than its record');
  return whole;
}

function refusal(error: StampRefused, megabytes: number): HttpError {
  if (error.reason === 'too-large')
    return new HttpError(
      'payload_too_large',
      `This PDF is too large or complex to be stamped (at most ${megabytes} MiB); the owner organisation can download the original.`,
    );
  const why = error.reason === 'encrypted' ? 'it is encrypted' : 'it is damaged or not a PDF the hub can read';
  return new HttpError(
    'unsupported_media_type',
    `This PDF cannot be stamped with your name because ${why}; sensitive PDFs are only handed out stamped. The owner organisation can download the original.`,
  );
}

/**
 * A stamped download (§13): the version's PDF with the downloader, their organisation, the time and
 * the id of the audit record on every page. The id is chosen first and the record — with the stamped
 * bytes' SHA-256 — written before a byte goes out: no record, no download. The stamped file is built
 * whole (in the stamping worker, within the process's stamping slots), so it is sent with its length.
 */
export async function sendStamped(
  domain: Domain,
  ctx: Signed,
  req: Request,
  res: Response,
  doc: DocumentDoc,
  record: DocumentVersionDoc,
  open: () => Promise<{ blob: Readable; opener: Transform }>,
): Promise<void> {
  const { version } = record;
  const { stamper } = domain.storage;
  const megabytes = Math.floor(stamper.limits.maxBytes / (1024 * 1024));
  const audit = (outcome: 'success' | 'failure', details: Record<string, string | boolean>, id?: string) =>
    recordAudit({
      ...(id ? { id } : {}),
      actor: actorOf(ctx),
      action: 'document.download',
      target: { type: 'document', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
      ip: ctx.ip,
      outcome,
      details: { version, stamped: true, ...details },
    });
  const headers = () => {
    res.status(200);
    res.setHeader('Content-Type', record.contentType);
    res.setHeader('Content-Disposition', attachmentDisposition(withTypeExtension(record.filename, record.contentType)));
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Accept-Ranges', 'none');
  };
  // HEAD: the stamped length is not known without stamping; nothing is read and nothing audited.
  if (req.method === 'HEAD') {
    headers();
    res.end();
    return;
  }
  if (record.size > stamper.limits.maxBytes) {
    await audit('failure', { reason: 'too large to stamp' });
    throw refusal(new StampRefused('too-large', 'too large'), megabytes);
  }
  const id = randomUUID();
  const at = new Date();
  let stamped: Buffer;
  try {
    stamped = await stamper.stamp(() => readWhole(open, record.size), stampLine(ctx, at, id));
  } catch (error) {
    if (error instanceof HttpError) throw error; // 429: every stamping slot is taken
    await audit('failure', { reason: (error as Error).message.slice(0, 300) });
    if (error instanceof StampRefused) throw refusal(error, megabytes);
    req.log?.error({ err: error, documentId: doc._id.toString(), version }, 'stamped download failed');
    throw new HttpError('internal', 'The document cannot be read; the administrators have been told.');
  }
  const sha256 = createHash('sha256').update(stamped).digest('hex');
  await audit('success', { sha256 }, id);
  headers();
  res.setHeader('Content-Length', String(stamped.length));
  res.setHeader('ETag', `"${sha256}"`);
  res.end(stamped);
}
