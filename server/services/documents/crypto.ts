import { createCipheriv, createDecipheriv, createHash, createSecretKey, hkdfSync, randomBytes, type Hash, type KeyObject } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

// The sealed format of a stored blob (version 2; version 1 is still read):
//
//   header  magic "PHUB" | format | log2(segment size) | key id (16) | salt (16) | base nonce (12)
//   then    segment 0 | segment 1 | … | segment n   each = AES-256-GCM ciphertext | 16-byte tag
//
// Every segment but the last holds exactly SEGMENT_SIZE bytes of plaintext; the last holds 0 to
// SEGMENT_SIZE. The file key is HKDF-SHA256(organisation data key, salt), so no two blobs share a key
// and nonces (base nonce XOR segment index) never repeat under one key. Each segment's AAD is the
// whole header, its index and a "last" flag: segments cannot be reordered, dropped, moved between
// blobs, or the blob truncated at a segment boundary, without failing authentication.
//
// Version 2 adds the plaintext's size and SHA-256 to the last segment's AAD. The sealer computes them
// over exactly the bytes it seals, under a key used for no other blob, so a blob whose segments all
// authenticate with the recorded size and SHA-256 in the last AAD holds exactly the recorded content:
// a download checks the record without hashing the plaintext again. Version 1 blobs are hashed.

export const MAGIC = Buffer.from('PHUB', 'ascii');
export const FORMAT_VERSION = 2;
const READABLE_FORMATS = new Set([1, 2]);
export const SEGMENT_LOG2 = 16;
export const SEGMENT_SIZE = 1 << SEGMENT_LOG2;
export const TAG_LENGTH = 16;
export const KEY_ID_LENGTH = 16;
export const HEADER_LENGTH = 4 + 1 + 1 + KEY_ID_LENGTH + 16 + 12;
const SEALED_SEGMENT = SEGMENT_SIZE + TAG_LENGTH;
const SHA256_LENGTH = 32;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const HKDF_INFO = Buffer.from('partner-hub/document-blob/v1');

/** What a blob header says. */
export interface BlobHeader {
  format: number;
  keyId: Buffer;
  salt: Buffer;
  baseNonce: Buffer;
  segmentSize: number;
  raw: Buffer;
}

/** The plaintext a blob holds, as its record states it (and format 2 seals it). */
export interface Expected {
  size: number;
  sha256: string;
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

/** Reads a blob header; throws IntegrityError for anything but format 1 or 2. */
export function parseHeader(raw: Buffer): BlobHeader {
  if (raw.length < HEADER_LENGTH || !raw.subarray(0, 4).equals(MAGIC) || !READABLE_FORMATS.has(raw[4]!) || raw[5] !== SEGMENT_LOG2) {
    throw new IntegrityError('the blob header is not a Partner Hub format 1 or 2 header');
  }
  let at = 6;
  const take = (n: number) => raw.subarray(at, (at += n));
  const keyId = take(KEY_ID_LENGTH);
  const salt = take(16);
  const baseNonce = take(12);
  return { format: raw[4]!, keyId, salt, baseNonce, segmentSize: SEGMENT_SIZE, raw: raw.subarray(0, HEADER_LENGTH) };
}

/**
 * The key, nonce and AAD of each segment of one blob. One nonce and one AAD buffer serve every
 * segment (the cipher copies both when it is created or given them), so sealing or opening a segment
 * allocates only its output.
 */
class SegmentKeys {
  private readonly key: KeyObject;
  private readonly nonce = Buffer.alloc(12);
  private readonly aad: Buffer;

  constructor(
    dataKey: Buffer,
    private readonly header: BlobHeader,
  ) {
    this.key = createSecretKey(Buffer.from(hkdfSync('sha256', dataKey, header.salt, HKDF_INFO, 32)));
    this.aad = Buffer.alloc(HEADER_LENGTH + 9 + 8 + SHA256_LENGTH);
    header.raw.copy(this.aad);
  }

  /** Seals one segment: its ciphertext and tag. `summary` is required for the last one of format 2. */
  seal(index: number, last: boolean, plaintext: Buffer, summary?: Expected): [Buffer, Buffer] {
    const cipher = createCipheriv('aes-256-gcm', this.key, this.nonceOf(index), { authTagLength: TAG_LENGTH });
    cipher.setAAD(this.aadOf(index, last, summary));
    const sealed = cipher.update(plaintext);
    cipher.final();
    return [sealed, cipher.getAuthTag()];
  }

  /** Opens one sealed segment (ciphertext and tag) or throws IntegrityError. */
  open(index: number, last: boolean, sealed: Buffer, summary?: Expected): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.key, this.nonceOf(index), { authTagLength: TAG_LENGTH });
    decipher.setAAD(this.aadOf(index, last, summary));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
    const plain = decipher.update(sealed.subarray(0, sealed.length - TAG_LENGTH));
    try {
      decipher.final();
    } catch {
      throw new IntegrityError(
        last && this.header.format === 2
          ? `the last segment (${index}) of the blob fails authentication: damaged, or not the recorded size and SHA-256`
          : `segment ${index} of the blob fails authentication`,
      );
    }
    return plain;
  }

  private nonceOf(index: number): Buffer {
    const base = this.header.baseNonce;
    this.nonce.set(base);
    this.nonce.writeUInt32BE((base.readUInt32BE(8) ^ (index >>> 0)) >>> 0, 8);
    this.nonce.writeUInt32BE((base.readUInt32BE(4) ^ Math.floor(index / 2 ** 32)) >>> 0, 4);
    return this.nonce;
  }

  private aadOf(index: number, last: boolean, summary?: Expected): Buffer {
    const aad = this.aad;
    aad.writeBigUInt64BE(BigInt(index), HEADER_LENGTH);
    aad[HEADER_LENGTH + 8] = last ? 1 : 0;
    if (!last || this.header.format === 1) return aad.subarray(0, HEADER_LENGTH + 9);
    if (!summary) throw new Error('the last segment of a format 2 blob needs the size and SHA-256 of the plaintext');
    if (!SHA256_HEX.test(summary.sha256)) throw new IntegrityError('the recorded SHA-256 is not 64 hex digits');
    aad.writeBigUInt64BE(BigInt(summary.size), HEADER_LENGTH + 9);
    aad.write(summary.sha256, HEADER_LENGTH + 17, 'hex');
    return aad;
  }
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

/** A fresh format 2 header for a blob sealed under the data key `keyId` names (random salt and base nonce). */
export function newHeader(keyId: Buffer): Buffer {
  if (keyId.length !== KEY_ID_LENGTH) throw new TypeError('a key id is 16 bytes');
  return Buffer.concat([MAGIC, Buffer.from([FORMAT_VERSION, SEGMENT_LOG2]), keyId, randomBytes(16), randomBytes(12)]);
}

/**
 * Seals plaintext into the blob format (after `header`, which the caller writes) while computing its
 * SHA-256: the one sealing code, run by SealStream in this thread and by the sealing worker. A
 * segment is sealed only when the next byte arrives (or at the end), so the last one is known to be
 * last — and sealed with the size and SHA-256 of the whole.
 */
export class Sealer {
  sha256 = '';
  size = 0;
  readonly header: BlobHeader;
  private readonly hash: Hash = createHash('sha256');
  private readonly queue = new ChunkQueue();
  private readonly keys: SegmentKeys;
  private index = 0;

  constructor(dataKey: Buffer, header: Buffer) {
    this.header = parseHeader(header);
    if (this.header.format !== FORMAT_VERSION) throw new TypeError(`new blobs are sealed in format ${FORMAT_VERSION}`);
    this.keys = new SegmentKeys(dataKey, this.header);
  }

  /** Takes more plaintext; appends to `out` the sealed segments it completes (each ciphertext, then its tag). */
  update(chunk: Buffer, out: Buffer[]): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    this.queue.push(chunk);
    while (this.queue.length > SEGMENT_SIZE) this.seal(this.queue.take(SEGMENT_SIZE), false, out);
  }

  /** Ends the plaintext: appends the last segment, sealed with the size and SHA-256 of the whole. */
  final(out: Buffer[]): void {
    this.sha256 = this.hash.digest('hex');
    this.seal(this.queue.take(this.queue.length), true, out);
  }

  private seal(plaintext: Buffer, last: boolean, out: Buffer[]): void {
    out.push(...this.keys.seal(this.index++, last, plaintext, last ? { size: this.size, sha256: this.sha256 } : undefined));
  }
}

/**
 * Seals plaintext into the blob format in this thread (header first); `sha256` and `size` are set
 * once the stream has ended. Uploads seal in the worker instead (WorkerSealStream); this one serves
 * tests and anything small.
 */
export class SealStream extends Transform {
  /** The header this stream writes first (the sniffer needs it to read back a range). */
  readonly sealedHeader: BlobHeader;
  private readonly sealer: Sealer;

  constructor(dataKey: Buffer, keyId: Buffer) {
    super({ readableHighWaterMark: 4 * SEALED_SEGMENT });
    const header = newHeader(keyId);
    this.sealer = new Sealer(dataKey, header);
    this.sealedHeader = this.sealer.header;
    this.push(header);
  }

  get size(): number {
    return this.sealer.size;
  }

  get sha256(): string {
    return this.sealer.sha256;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const out: Buffer[] = [];
    this.sealer.update(chunk, out);
    for (const part of out) this.push(part);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    const out: Buffer[] = [];
    this.sealer.final(out);
    for (const part of out) this.push(part);
    callback();
  }
}

/**
 * Opens a sealed blob (header included) back into plaintext, segment by segment, failing with an
 * IntegrityError at the first segment that does not authenticate. The last segment is held back
 * until the whole is known to be the recorded content — format 2: the last segment authenticates
 * with the recorded size and SHA-256 in its AAD; format 1: the plaintext is hashed as it passes — so a
 * blob that decrypts but is not the recorded one (swapped for another of the same organisation, or
 * its record altered) never completes a download.
 */
export class OpenStream extends Transform {
  private readonly queue = new ChunkQueue();
  private hash: Hash | null = null;
  private keys: SegmentKeys | null = null;
  private index = 0;
  private size = 0;

  constructor(
    private readonly keyFor: (keyId: Buffer) => Buffer,
    private readonly expected: Expected,
  ) {
    super({ readableHighWaterMark: 4 * SEGMENT_SIZE });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.queue.push(chunk);
      if (!this.keys) {
        if (this.queue.length < HEADER_LENGTH) return callback();
        const header = parseHeader(this.queue.take(HEADER_LENGTH));
        this.keys = new SegmentKeys(this.keyFor(header.keyId), header);
        if (header.format === 1) this.hash = createHash('sha256');
      }
      // Only a segment followed by more bytes is known not to be the last one.
      while (this.queue.length > SEALED_SEGMENT) this.pushPlain(this.keys.open(this.index++, false, this.queue.take(SEALED_SEGMENT)));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (!this.keys) throw new IntegrityError('the blob is shorter than its header');
      if (this.queue.length < TAG_LENGTH) throw new IntegrityError('the blob ends without its last segment');
      const last = this.keys.open(this.index++, true, this.queue.take(this.queue.length), this.expected);
      this.size += last.length;
      if (this.size !== this.expected.size) throw new IntegrityError(`the blob holds ${this.size} bytes, not the ${this.expected.size} recorded`);
      if (this.hash && this.hash.update(last).digest('hex') !== this.expected.sha256)
        throw new IntegrityError('the content does not match its recorded SHA-256');
      this.push(last);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private pushPlain(plain: Buffer): void {
    this.hash?.update(plain);
    this.size += plain.length;
    this.push(plain);
  }
}

/**
 * Opens the segments of a blob that cover plaintext bytes [offset, offset + length) — the sniffer
 * reads a ZIP's central directory this way — given the header and the blob bytes of those segments.
 * Each segment is authenticated; `lastIndex` is the index of the blob's final segment, and `whole`
 * the size and SHA-256 its AAD holds.
 */
export function openSegments(header: BlobHeader, dataKey: Buffer, firstIndex: number, lastIndex: number, sealed: Buffer, whole: Expected): Buffer {
  const keys = new SegmentKeys(dataKey, header);
  const parts: Buffer[] = [];
  for (let at = 0, index = firstIndex; at < sealed.length; at += SEALED_SEGMENT, index++) {
    const last = index === lastIndex;
    parts.push(keys.open(index, last, sealed.subarray(at, Math.min(at + SEALED_SEGMENT, sealed.length)), last ? whole : undefined));
  }
  return Buffer.concat(parts);
}
