import { expect } from 'chai';
import { createCipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IntegrityError, OpenStream, SEGMENT_SIZE, SealStream, TAG_LENGTH, type Expected } from '../server/services/documents/crypto.js';

// The sealed blob format on its own (server/services/documents/crypto.ts), without a hub: what a
// download's opening stream lets through when the blob or its record is not what was stored.

const dataKey = randomBytes(32);
const keyId = randomBytes(16);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const HEADER = 50;
const SEALED_SEGMENT = SEGMENT_SIZE + TAG_LENGTH;

/** Runs `bytes` (in chunks of `chunk`, to cross segment boundaries) through `transform`; what came out and the error. */
async function run(transform: SealStream | OpenStream, bytes: Buffer, chunk = 10_000): Promise<{ out: Buffer; error: unknown }> {
  const parts: Buffer[] = [];
  const pieces = Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) => bytes.subarray(i * chunk, (i + 1) * chunk));
  const sink = new Writable({
    write(c: Buffer, _e, done) {
      parts.push(c);
      done();
    },
  });
  try {
    await pipeline(Readable.from(pieces), transform, sink);
    return { out: Buffer.concat(parts), error: null };
  } catch (error) {
    return { out: Buffer.concat(parts), error };
  }
}

async function seal(plain: Buffer): Promise<{ sealed: Buffer; expected: Expected }> {
  const stream = new SealStream(dataKey, keyId);
  const { out, error } = await run(stream, plain);
  if (error) throw error;
  return { sealed: out, expected: { size: stream.size, sha256: stream.sha256 } };
}

const open = (sealed: Buffer, expected: Expected) => run(new OpenStream(() => dataKey, expected), sealed, 70_000);

/** A format 1 blob built from the format's description alone (what hubs before format 2 stored). */
function sealFormat1(plain: Buffer): Buffer {
  const salt = randomBytes(16);
  const baseNonce = randomBytes(12);
  const header = Buffer.concat([Buffer.from('PHUB'), Buffer.from([1, 16]), keyId, salt, baseNonce]);
  const key = Buffer.from(hkdfSync('sha256', dataKey, salt, Buffer.from('partner-hub/document-blob/v1'), 32));
  const count = Math.max(1, Math.ceil(plain.length / SEGMENT_SIZE));
  const out = [header];
  for (let index = 0; index < count; index++) {
    const nonce = Buffer.from(baseNonce);
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ index) >>> 0, 8);
    const aad = Buffer.alloc(HEADER + 9);
    header.copy(aad);
    aad.writeBigUInt64BE(BigInt(index), HEADER);
    aad[HEADER + 8] = index === count - 1 ? 1 : 0;
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(aad);
    out.push(cipher.update(plain.subarray(index * SEGMENT_SIZE, (index + 1) * SEGMENT_SIZE)));
    cipher.final();
    out.push(cipher.getAuthTag());
  }
  return Buffer.concat(out);
}

describe('sealed blob format', () => {
  const plain = randomBytes(3 * SEGMENT_SIZE + 1234);
  const lastLength = plain.length - 3 * SEGMENT_SIZE;

  it('format 2 round trips across chunk and segment boundaries, including an empty and an exact-segment file', async () => {
    for (const bytes of [plain, Buffer.alloc(0), randomBytes(SEGMENT_SIZE)]) {
      const { sealed, expected } = await seal(bytes);
      expect(sealed[4]).to.equal(2);
      expect(expected).to.deep.equal({ size: bytes.length, sha256: sha256(bytes) });
      const { out, error } = await open(sealed, expected);
      expect(error).to.equal(null);
      expect(out.equals(bytes)).to.equal(true);
    }
  });

  it('format 2: a record with another SHA-256 or size stops the download before its last segment', async () => {
    const { sealed, expected } = await seal(plain);
    const wrong: Expected[] = [
      { size: expected.size, sha256: sha256(Buffer.from('another file')) },
      { size: expected.size + 1, sha256: expected.sha256 },
      { size: expected.size, sha256: expected.sha256.toUpperCase() },
    ];
    for (const record of wrong) {
      const { out, error } = await open(sealed, record);
      expect(error, JSON.stringify(record)).to.be.instanceOf(IntegrityError);
      expect(out.length).to.be.at.most(plain.length - lastLength);
      expect(out.equals(plain.subarray(0, out.length))).to.equal(true);
    }
  });

  it('format 2: a byte altered in a middle segment stops at that segment; a blob cut at a segment boundary never completes', async () => {
    const { sealed, expected } = await seal(plain);
    const altered = Buffer.from(sealed);
    altered[HEADER + SEALED_SEGMENT + 7]! ^= 0x01;
    const bad = await open(altered, expected);
    expect(bad.error).to.be.instanceOf(IntegrityError);
    expect(bad.out.length).to.be.at.most(SEGMENT_SIZE);
    const cut = await open(sealed.subarray(0, HEADER + 2 * SEALED_SEGMENT), expected);
    expect(cut.error).to.be.instanceOf(IntegrityError);
  });

  it("format 2 relabelled as format 1 fails at once (the header is in every segment's AAD)", async () => {
    const { sealed, expected } = await seal(plain);
    const relabelled = Buffer.from(sealed);
    relabelled[4] = 1;
    const { out, error } = await open(relabelled, expected);
    expect(error).to.be.instanceOf(IntegrityError);
    expect(out.length).to.equal(0);
  });

  it('format 1 blobs still open, checked by hashing: the right record serves them, a wrong SHA-256 does not complete', async () => {
    const sealed = sealFormat1(plain);
    const good = await open(sealed, { size: plain.length, sha256: sha256(plain) });
    expect(good.error).to.equal(null);
    expect(good.out.equals(plain)).to.equal(true);
    const bad = await open(sealed, { size: plain.length, sha256: sha256(Buffer.from('another file')) });
    expect(bad.error).to.be.instanceOf(IntegrityError);
    expect(bad.out.length).to.be.at.most(plain.length - lastLength);
  });
});
