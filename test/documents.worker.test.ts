import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { OpenStream, sealedSize } from '../server/services/documents/crypto.js';
import { stopSealWorker, WorkerSealStream } from '../server/services/documents/sealWorkerStream.js';
import { documentFields, filesUnder, uploadDocument } from './helpers/documents.js';
import { createTenant } from './helpers/factories.js';
import { baseUrl, testConfig } from './helpers/hub.js';
import { get } from './helpers/http.js';

// Uploads are sealed in a worker thread (server/services/documents/sealWorkerStream.ts): the same
// blob format, the request's backpressure kept, and a worker that fails mid-upload leaves nothing.

const dataKey = randomBytes(32);
const keyId = randomBytes(16);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Plaintext in `chunk`-byte pieces, as a request would bring it. */
function pieces(bytes: Buffer, chunk: number): Readable {
  return Readable.from(Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) => bytes.subarray(i * chunk, (i + 1) * chunk)));
}

/** A sink that takes `delayMs` per chunk and records what it got. */
function slowSink(parts: Buffer[], delayMs: number): Writable {
  return new Writable({
    highWaterMark: 256 * 1024,
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      setTimeout(done, delayMs);
    },
  });
}

async function sealInWorker(plain: Buffer, chunk = 64 * 1024, delayMs = 0): Promise<{ sealed: Buffer; stream: WorkerSealStream }> {
  const stream = new WorkerSealStream(dataKey, keyId);
  const parts: Buffer[] = [];
  await pipeline(pieces(plain, chunk), stream, slowSink(parts, delayMs));
  return { sealed: Buffer.concat(parts), stream };
}

async function openAll(sealed: Buffer, expected: { size: number; sha256: string }): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(pieces(sealed, 70_000), new OpenStream(() => dataKey, expected), slowSink(parts, 0));
  return Buffer.concat(parts);
}

describe('documents: sealing in a worker thread', () => {
  it('seals the blob format: sizes around segment and batch boundaries open back to the same bytes', async () => {
    for (const size of [0, 1, 65_536, 65_537, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 - 7]) {
      const plain = randomBytes(size);
      const { sealed, stream } = await sealInWorker(plain, 10_000);
      expect(stream.size, `size ${size}`).to.equal(size);
      expect(stream.sha256, `size ${size}`).to.equal(sha256(plain));
      expect(sealed.length, `size ${size}`).to.equal(sealedSize(size));
      expect((await openAll(sealed, { size, sha256: stream.sha256 })).equals(plain), `size ${size}`).to.equal(true);
    }
  });

  it('keeps backpressure: a slow blob store holds the plaintext back, a few MiB at most are buffered', async () => {
    const plain = randomBytes(24 * 1024 * 1024);
    const stream = new WorkerSealStream(dataKey, keyId);
    let pulled = 0;
    let maxAhead = 0;
    const source = pieces(plain, 64 * 1024).on('data', (chunk: Buffer) => {
      pulled += chunk.length;
    });
    const parts: Buffer[] = [];
    let stored = 0;
    const sink = new Writable({
      highWaterMark: 256 * 1024,
      write(chunk: Buffer, _encoding, done) {
        parts.push(chunk);
        stored += chunk.length;
        maxAhead = Math.max(maxAhead, pulled - stored);
        setTimeout(done, 2);
      },
    });
    await pipeline(source, stream, sink);
    expect(stored).to.equal(sealedSize(plain.length));
    // One batch being filled, three in the worker, two waiting for the store, and the streams' own buffers.
    expect(maxAhead).to.be.below(8 * 1024 * 1024);
    expect((await openAll(Buffer.concat(parts), { size: plain.length, sha256: stream.sha256 })).equals(plain)).to.equal(true);
  });

  it('fails the stream when the worker stops mid-way; the next stream gets a new worker', async () => {
    const stream = new WorkerSealStream(dataKey, keyId);
    const source = new Readable({ read() {} });
    const done = pipeline(source, stream, slowSink([], 0)).then(
      () => null,
      (error: unknown) => error,
    );
    source.push(randomBytes(3 * 1024 * 1024));
    await sleep(100);
    await stopSealWorker();
    source.push(randomBytes(1024 * 1024));
    const error = await done;
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(/sealing worker stopped/);
    const plain = randomBytes(2 * 1024 * 1024 + 5);
    const again = await sealInWorker(plain);
    expect((await openAll(again.sealed, { size: plain.length, sha256: again.stream.sha256 })).equals(plain)).to.equal(true);
  });

  it('over HTTP: a worker that fails mid-upload answers 500 internal and leaves no blob and no document', async function () {
    this.timeout(30_000);
    const owner = await createTenant();
    const blobsDir = path.join(testConfig().dataDir, 'blobs');
    const listed = async () =>
      ((await get(`/api/documents?limit=100&organisation=${owner.organisation.id}`, owner.analyst.token)).body as { items: unknown[] }).items.length;
    const blobsBefore = filesUnder(blobsDir).length;
    const boundary = `----worker${Date.now()}`;
    const fields = Object.entries(documentFields({ title: 'Worker fails' }))
      .map(
        ([name, value]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${typeof value === 'string' ? value : JSON.stringify(value)}\r\n`,
      )
      .join('');
    const head = Buffer.from(`${fields}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n%PDF-1.7\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const body = randomBytes(12 * 1024 * 1024);
    const url = new URL(`${baseUrl()}/api/documents`);
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            authorization: `Bearer ${owner.analyst.token}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(head.length + body.length + tail.length),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(head);
      req.write(body.subarray(0, 4 * 1024 * 1024));
      // The worker stops once the upload is under way (part of it sealed and stored), then the rest follows.
      const unfinished = () => filesUnder(blobsDir).some((file) => path.basename(file).startsWith('.part-'));
      void (async () => {
        const deadline = Date.now() + 10_000;
        while (!unfinished() && Date.now() < deadline) await sleep(10);
        await sleep(50);
        await stopSealWorker();
        req.end(Buffer.concat([body.subarray(4 * 1024 * 1024), tail]));
      })();
    });
    const { status, text } = await answer;
    expect(status, text).to.equal(500);
    expect((JSON.parse(text) as { error: { code: string } }).error.code).to.equal('internal');
    const deadline = Date.now() + 5000;
    while (filesUnder(blobsDir).length !== blobsBefore && Date.now() < deadline) await sleep(50);
    expect(filesUnder(blobsDir).length).to.equal(blobsBefore);
    expect(await listed()).to.equal(0);
    // The next upload gets a new worker.
    expect((await uploadDocument(owner.analyst.token, { name: 'after.txt', bytes: Buffer.from('After the worker failed.\n') })).status).to.equal(201);
  });
});
