import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

// The sealed format of a stored blob (version 1):
//
//   header  magic "PHUB" | format 1 | log2(segment size) | key id (16) | salt (16) | base nonce (12)
//   then    segment 0 | segment 1 | … | segment n   each = AES-256-GCM ciphertext | 16-byte tag
//
// Every segment but the last holds exactly SEGMENT_SIZE bytes of plaintext; the last holds 0 to
// SEGMENT_SIZE. The file key is HKDF-SHA256(organisation data key, salt), so no two blobs share a key
// and nonces (base nonce XOR segment index) never repeat under one key. Each segment's AAD is the
// whole header, its index and a "last" flag: segments cannot be reordered, dropped, moved between
// blobs, or the blob truncated at a segment boundary, without failing authentication.

export const MAGIC = Buffer.from('PHUB', 'ascii');
export const FORMAT_VERSION = 1;
export const SEGMENT_LOG2 = 16;
export const SEGMENT_SIZE = 1 << SEGMENT_LOG2;
export const TAG_LENGTH = 16;
export const KEY_ID_LENGTH = 16;
export const HEADER_LENGTH = 4 + 1 + 1 + KEY_ID_LENGTH + 16 + 12;
const HKDF_INFO = Buffer.from('partner-hub/document-blob/v1');

/** What a blob header says. */
export interface BlobHeader {
  keyId: Buffer;
  salt: Buffer;
  baseNonce: Buffer;
  segmentSize: number;
  raw: Buffer;
}

/** Sealed bytes that fail authentication, or a blob that is not what its record says. */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError';
}

/** The size of a sealed blob holding `plaintextSize` bytes. */
export function sealedSize(plaintextSize: number): number {
  const segments = Math.max(1, Math.ceil(plaintextSize / SEGMENT_SIZE));
  return HEADER_LENGTH + plaintextSize + segments * TAG_LENGTH;
}

/** Reads a blob header; throws IntegrityError for anything but format 1. */
export function parseHeader(raw: Buffer): BlobHeader {
  if (raw.length < HEADER_LENGTH || !raw.subarray(0, 4).equals(MAGIC) || raw[4] !== FORMAT_VERSION || raw[5] !== SEGMENT_LOG2) {
    throw new IntegrityError('the blob header is not a Partner Hub format 1 header');
  }
  let at = 6;
  const take = (n: number) => raw.subarray(at, (at += n));
  const keyId = take(KEY_ID_LENGTH);
  const salt = take(16);
  const baseNonce = take(12);
  return { keyId, salt, baseNonce, segmentSize: SEGMENT_SIZE, raw: raw.subarray(0, HEADER_LENGTH) };
}

function fileKey(dataKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, salt, HKDF_INFO, 32));
}

function nonceOf(base: Buffer, index: number): Buffer {
  const nonce = Buffer.from(base);
  const low = nonce.readUInt32BE(8) ^ (index >>> 0);
  const high = nonce.readUInt32BE(4) ^ Math.floor(index / 2 ** 32);
  nonce.writeUInt32BE(low >>> 0, 8);
  nonce.writeUInt32BE(high >>> 0, 4);
  return nonce;
}

function aadOf(header: Buffer, index: number, last: boolean): Buffer {
  const aad = Buffer.alloc(header.length + 9);
  header.copy(aad);
  aad.writeBigUInt64BE(BigInt(index), header.length);
  aad[header.length + 8] = last ? 1 : 0;
  return aad;
}

/** Takes exactly `n` bytes from the front of a chunk queue (copying only when they span chunks). */
class ChunkQueue {
  private chunks: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  take(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.length -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const part = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, part);
      filled += part;
      if (part === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(part);
    }
    this.length -= n;
    return out;
  }
}

/**
 * Seals plaintext into the blob format while computing its SHA-256; `sha256` and `size` are set
 * once the stream has ended. A segment is sealed only when the next byte arrives (or at the end), so
 * the last one is known to be last.
 */
export class SealStream extends Transform {
  sha256 = '';
  size = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly queue = new ChunkQueue();
  private readonly key: Buffer;
  private readonly header: Buffer;
  private readonly baseNonce: Buffer;
  private index = 0;

  /** The header this stream writes first (the sniffer needs it to read back a range). */
  get sealedHeader(): BlobHeader {
    return parseHeader(this.header);
  }

  constructor(dataKey: Buffer, keyId: Buffer) {
    super({ readableHighWaterMark: 4 * (SEGMENT_SIZE + TAG_LENGTH) });
    if (keyId.length !== KEY_ID_LENGTH) throw new TypeError('a key id is 16 bytes');
    const salt = randomBytes(16);
    this.baseNonce = randomBytes(12);
    this.header = Buffer.concat([MAGIC, Buffer.from([FORMAT_VERSION, SEGMENT_LOG2]), keyId, salt, this.baseNonce]);
    this.key = fileKey(dataKey, salt);
    this.push(this.header);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    this.queue.push(chunk);
    while (this.queue.length > SEGMENT_SIZE) this.seal(this.queue.take(SEGMENT_SIZE), false);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.seal(this.queue.take(this.queue.length), true);
    this.sha256 = this.hash.digest('hex');
    callback();
  }

  private seal(plaintext: Buffer, last: boolean): void {
    const cipher = createCipheriv('aes-256-gcm', this.key, nonceOf(this.baseNonce, this.index), { authTagLength: TAG_LENGTH });
    cipher.setAAD(aadOf(this.header, this.index, last));
    const sealed = cipher.update(plaintext);
    cipher.final();
    this.push(sealed);
    this.push(cipher.getAuthTag());
    this.index++;
  }
}

/** What an opening stream checks the plaintext against. */
export interface Expected {
  size: number;
  sha256: string;
}

/**
 * Opens a sealed blob (header included) back into plaintext, segment by segment, failing with an
 * IntegrityError at the first segment that does not authenticate. The last segment is held back
 * until the size and SHA-256 of the whole plaintext are checked, so a blob that decrypts but is not
 * the recorded one (swapped for another of the same organisation) never completes a download.
 */
export class OpenStream extends Transform {
  private readonly queue = new ChunkQueue();
  private readonly hash = createHash('sha256');
  private header: BlobHeader | null = null;
  private key: Buffer | null = null;
  private index = 0;
  private size = 0;

  constructor(private readonly keyFor: (keyId: Buffer) => Buffer, private readonly expected: Expected) {
    super({ readableHighWaterMark: 4 * SEGMENT_SIZE });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.queue.push(chunk);
      if (!this.header) {
        if (this.queue.length < HEADER_LENGTH) return callback();
        this.header = parseHeader(this.queue.take(HEADER_LENGTH));
        this.key = fileKey(this.keyFor(this.header.keyId), this.header.salt);
      }
      const sealed = SEGMENT_SIZE + TAG_LENGTH;
      // Only a segment followed by more bytes is known not to be the last one.
      while (this.queue.length > sealed) this.pushPlain(this.open(this.queue.take(sealed), false));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (!this.header) throw new IntegrityError('the blob is shorter than its header');
      if (this.queue.length < TAG_LENGTH) throw new IntegrityError('the blob ends without its last segment');
      const last = this.open(this.queue.take(this.queue.length), true);
      this.hash.update(last);
      this.size += last.length;
      if (this.size !== this.expected.size) throw new IntegrityError(`the blob holds ${this.size} bytes, not the ${this.expected.size} recorded`);
      if (this.hash.digest('hex') !== this.expected.sha256) throw new IntegrityError('the content does not match its recorded SHA-256');
      this.push(last);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private pushPlain(plain: Buffer): void {
    this.hash.update(plain);
    this.size += plain.length;
    this.push(plain);
  }

  private open(sealed: Buffer, last: boolean): Buffer {
    const header = this.header!;
    const body = sealed.subarray(0, sealed.length - TAG_LENGTH);
    const decipher = createDecipheriv('aes-256-gcm', this.key!, nonceOf(header.baseNonce, this.index), { authTagLength: TAG_LENGTH });
    decipher.setAAD(aadOf(header.raw, this.index, last));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
    const plain = decipher.update(body);
    try {
      decipher.final();
    } catch {
      throw new IntegrityError(`segment ${this.index} of the blob fails authentication`);
    }
    this.index++;
    return plain;
  }
}

/**
 * Opens the segments of a blob that cover plaintext bytes [offset, offset + length) — the sniffer
 * reads a ZIP's central directory this way — given the header and the blob bytes of those segments.
 * Each segment is authenticated; `lastIndex` is the index of the blob's final segment.
 */
export function openSegments(header: BlobHeader, dataKey: Buffer, firstIndex: number, lastIndex: number, sealed: Buffer): Buffer {
  const key = fileKey(dataKey, header.salt);
  const parts: Buffer[] = [];
  const step = SEGMENT_SIZE + TAG_LENGTH;
  for (let at = 0, index = firstIndex; at < sealed.length; at += step, index++) {
    const segment = sealed.subarray(at, Math.min(at + step, sealed.length));
    const decipher = createDecipheriv('aes-256-gcm', key, nonceOf(header.baseNonce, index), { authTagLength: TAG_LENGTH });
    decipher.setAAD(aadOf(header.raw, index, index === lastIndex));
    decipher.setAuthTag(segment.subarray(segment.length - TAG_LENGTH));
    const plain = decipher.update(segment.subarray(0, segment.length - TAG_LENGTH));
    try {
      decipher.final();
    } catch {
      throw new IntegrityError(`segment ${index} of the blob fails authentication`);
    }
    parts.push(plain);
  }
  return Buffer.concat(parts);
}
