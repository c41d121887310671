import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream';
import { typeOfKind, type DocumentContentType } from '../../../shared/documentTypes.js';
import { HttpError } from '../../http/errors.js';
import type { BlobStore } from '../blobs/index.js';
import { HEADER_LENGTH, openSegments, SEGMENT_SIZE, TAG_LENGTH, type BlobHeader } from './crypto.js';
import type { DataKey } from './keys.js';
import { WorkerSealStream } from './sealWorkerStream.js';
import { TypeSniffer } from './sniff.js';

/** A file stored sealed: where, what and how big. */
export interface IngestedFile {
  blobId: string;
  keyId: string;
  contentType: DocumentContentType;
  size: number;
  sha256: string;
}

/** 413 for a file over the limit. */
export function tooLarge(maxBytes: number): HttpError {
  return new HttpError('payload_too_large', `file: larger than the ${Math.floor(maxBytes / (1024 * 1024))} MiB a document may have.`);
}

/** Fails the stream with 413 on the byte that crosses `maxBytes`, before that byte goes anywhere. */
class SizeLimit extends Transform {
  private seen = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) return callback(tooLarge(this.maxBytes));
    callback(null, chunk);
  }
}

/**
 * Streams one uploaded file into the blob store: size limit → type sniffing → SHA-256 of the
 * plaintext and AES-256-GCM sealing (in the sealing worker) → blob. Nothing of the file is held in memory but the sniffer's
 * few windows and one segment. An empty file (400), a refused type (415), an oversized file (413)
 * or a failing source (an interrupted upload) leave no blob behind.
 */
export async function ingestFile(blobs: BlobStore, key: DataKey, source: Readable, filename: string, maxBytes: number): Promise<IngestedFile> {
  const limit = new SizeLimit(maxBytes);
  const sniffer = new TypeSniffer(filename);
  const seal = new WorkerSealStream(key.key, key.keyId);
  // Any failure upstream — or of the worker — destroys `seal`, which fails the blob store's write (and removes its file).
  pipeline(source, limit, sniffer, seal, () => undefined);
  const stored = await blobs.put(seal);
  try {
    if (seal.size === 0) throw new HttpError('invalid_request', 'file: is empty.');
    const readRange = (offset: number, length: number) => readPlainRange(blobs, stored.blobId, seal, key.key, offset, length);
    const kind = await sniffer.decide(readRange);
    return { blobId: stored.blobId, keyId: key.keyId.toString('hex'), contentType: typeOfKind(kind).contentType, size: seal.size, sha256: seal.sha256 };
  } catch (error) {
    await blobs.remove(stored.blobId);
    throw error;
  }
}

/** What sealing a file told: its header, size and SHA-256. */
interface Sealed {
  sealedHeader: BlobHeader;
  size: number;
  sha256: string;
}

/** Plaintext bytes [offset, offset + length) of a blob just sealed by `seal`, read back and opened. */
async function readPlainRange(blobs: BlobStore, blobId: string, seal: Sealed, dataKey: Buffer, offset: number, length: number): Promise<Buffer> {
  const first = Math.floor(offset / SEGMENT_SIZE);
  const last = Math.floor((offset + length - 1) / SEGMENT_SIZE);
  const finalIndex = Math.max(0, Math.ceil(seal.size / SEGMENT_SIZE) - 1);
  const step = SEGMENT_SIZE + TAG_LENGTH;
  const start = HEADER_LENGTH + first * step;
  const end = Math.min(HEADER_LENGTH + (last + 1) * step, HEADER_LENGTH + seal.size + (finalIndex + 1) * TAG_LENGTH) - 1;
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.get(blobId, { start, end })) chunks.push(chunk as Buffer);
  const plain = openSegments(seal.sealedHeader, dataKey, first, finalIndex, Buffer.concat(chunks), { size: seal.size, sha256: seal.sha256 });
  const from = offset - first * SEGMENT_SIZE;
  return plain.subarray(from, from + length);
}
