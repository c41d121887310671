import type { Request, Response } from 'express';
import { pipeline } from 'node:stream';
import type { Domain } from '../../domain.js';
import { attachmentDisposition } from '../../http/contentDisposition.js';
import { forbidden, HttpError, notFound } from '../../http/errors.js';
import type { DocumentDoc } from '../../models/document.js';
import type { DocumentVersionDoc } from '../../models/documentVersion.js';
import { recordAudit } from '../audit.js';
import { actorOf } from '../context.js';
import type { Signed } from './commands.js';
import { IntegrityError, OpenStream } from './crypto.js';
import { parseKeyId } from './keys.js';
import { withTypeExtension } from './filename.js';
import { sendStamped } from './stamp/download.js';
import { canReadOriginal } from '../../policies/document.js';
import { isStampedDownload } from '../../../shared/stamping.js';

const audit = (ctx: Signed, doc: DocumentDoc, version: number, outcome: 'success' | 'failure', reason?: string, original = false) =>
  recordAudit({
    actor: actorOf(ctx),
    action: 'document.download',
    target: { type: 'document', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
    ip: ctx.ip,
    outcome,
    details: { version, ...(reason ? { reason } : {}), ...(original ? { original } : {}) },
  });

/** One file version's record; 404 if the document has no such version. */
async function findVersion(domain: Domain, doc: DocumentDoc, version: number): Promise<DocumentVersionDoc> {
  if (version < 1 || version > doc.version) throw notFound('version');
  const found = await domain.repos.documents.version(doc, version);
  if (!found) throw notFound('version');
  return found;
}

/** Opens the sealed blob of a version: the decrypting stream, checked against the record as it goes. */
async function openVersion(domain: Domain, record: DocumentVersionDoc) {
  const { storage } = domain;
  const { organisationId } = parseKeyId(Buffer.from(record.keyId, 'hex'));
  const key = await storage.keys.of(organisationId, false);
  if (key.keyId.toString('hex') !== record.keyId) throw new IntegrityError('the document was sealed with a key this hub does not hold');
  let blob;
  try {
    blob = await storage.blobs.get(record.blobId);
  } catch (error) {
    throw new IntegrityError(`the document's blob cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const opener = new OpenStream(
    (keyId) => {
      // The header must name the key the record names: a blob of another organisation does not open.
      if (keyId.toString('hex') !== record.keyId) throw new IntegrityError('the blob names another key than its record');
      return key.key;
    },
    { size: record.size, sha256: record.sha256 },
  );
  return { blob, opener };
}

/**
 * `GET /api/documents/:id/content` and `…/versions/:version/content`: streams the plaintext of one
 * version as an attachment. Headers (length, ETag) go first, so bytes that fail authentication, or a
 * whole that does not match its SHA-256, end the response by aborting the connection — the client
 * sees a failed download, never a complete one — and the failure is logged and audited.
 */
export async function sendContent(
  domain: Domain,
  ctx: Signed,
  req: Request,
  res: Response,
  doc: DocumentDoc,
  version = doc.version,
  original = false,
): Promise<void> {
  const record = await findVersion(domain, doc, version);
  if (original && !canReadOriginal(ctx.principal, doc, record.contentType)) {
    throw forbidden('Only the owner organisation may download the unstamped original of this PDF; leave out original=true for your stamped copy.');
  }
  const stamped = isStampedDownload(doc, record.contentType);
  if (stamped && !original) return sendStamped(domain, ctx, req, res, doc, record, () => openVersion(domain, record));
  let opened;
  try {
    opened = await openVersion(domain, record);
  } catch (error) {
    req.log?.error({ err: error, documentId: doc._id.toString(), version }, 'document content cannot be opened');
    await audit(ctx, doc, version, 'failure', (error as Error).message);
    throw new HttpError('internal', 'The document cannot be read; the administrators have been told.');
  }
  const { blob, opener } = opened;
  if (req.method === 'HEAD') blob.destroy();
  else await audit(ctx, doc, version, 'success', undefined, original && stamped);
  res.status(200);
  res.setHeader('Content-Type', record.contentType);
  res.setHeader('Content-Length', String(record.size));
  res.setHeader('Content-Disposition', attachmentDisposition(withTypeExtension(record.filename, record.contentType)));
  res.setHeader('ETag', `"${record.sha256}"`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Accept-Ranges', 'none');
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((resolve) => {
    pipeline(blob, opener, res, (error) => {
      if (error && error instanceof IntegrityError) {
        req.log?.error({ err: error, documentId: doc._id.toString(), version }, 'document content failed its integrity check; download aborted');
        audit(ctx, doc, version, 'failure', error.message).catch((e: unknown) => req.log?.error({ err: e }, 'audit failed'));
      }
      // pipeline has destroyed the response on any error: the client sees an aborted transfer.
      resolve();
    });
  });
}
