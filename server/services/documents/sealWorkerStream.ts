import { Transform, type TransformCallback } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { newHeader, parseHeader, type BlobHeader } from './crypto.js';
import { startWorker } from './workerThread.js';

// Uploads are sealed in a worker thread (sealWorker.ts): on the main thread the request's parsing,
// size limit and type sniffing cost about as much CPU as SHA-256 and AES-256-GCM together, so
// sealing beside them instead of between them lets the two run on two cores. The plaintext is copied
// once into batches that are transferred to the worker; at most MAX_IN_FLIGHT batches of an upload
// are unanswered at a time, and the stream takes no more input meanwhile, so an upload holds a few
// MiB whatever its size and the request's backpressure is kept.

/** A message to the sealing worker. */
export type ToSealWorker =
  | { type: 'start'; job: number; dataKey: Uint8Array; header: Uint8Array }
  | { type: 'data'; job: number; bytes: ArrayBuffer }
  | { type: 'end'; job: number }
  | { type: 'drop'; job: number };

/** A message from the sealing worker. */
export type FromSealWorker =
  | { type: 'sealed'; job: number; bytes: ArrayBuffer }
  | { type: 'done'; job: number; bytes: ArrayBuffer; size: number; sha256: string }
  | { type: 'failed'; job: number; message: string };

/** A multiple of the segment size, so a batch's segments are sealed as soon as the next batch arrives. */
export const BATCH_SIZE = 1024 * 1024;
const MAX_IN_FLIGHT = 3;
// Sealed bytes waiting for the blob store: no more plaintext is taken while this much waits.
const READABLE_HIGH_WATER_MARK = 2 * BATCH_SIZE;

let worker: Worker | null = null;
let nextJob = 1;
const jobs = new Map<number, WorkerSealStream>();

/** The process's sealing worker, started on first use and again after it failed. */
function sealWorker(): Worker {
  if (worker) return worker;
  const started = startWorker(new URL('./sealWorker.js', import.meta.url));
  const lost = (reason: string) => {
    if (worker !== started) return;
    worker = null;
    const failing = [...jobs.values()];
    jobs.clear();
    for (const stream of failing) stream.destroy(new Error(`the sealing worker stopped (${reason})`));
  };
  started.on('message', (message: FromSealWorker) => jobs.get(message.job)?.answer(message));
  started.on('error', (error) => lost(error.message));
  started.on('messageerror', (error) => lost(error.message));
  started.on('exit', (code) => lost(`exit code ${code}`));
  worker = started;
  return started;
}

/** Stops the sealing worker (the uploads it was sealing fail); the next upload starts another. For tests. */
export async function stopSealWorker(): Promise<void> {
  await worker?.terminate();
}

/** Posts to the worker (started if need be). */
function post(message: ToSealWorker, transfer: ArrayBuffer[] = []): void {
  sealWorker().postMessage(message, transfer);
}

/** Counts a job; the worker keeps the process alive only while some upload is sealing. */
function track(stream: WorkerSealStream, job: number): void {
  jobs.set(job, stream);
  sealWorker().ref();
}

/** Forgets a job; false when it was already forgotten. */
function untrack(job: number): boolean {
  const had = jobs.delete(job);
  if (jobs.size === 0) worker?.unref();
  return had;
}

/**
 * Seals plaintext into the blob format in the sealing worker: writes the header, then the sealed
 * segments in order as the worker answers; `sha256` and `size` are set once the stream has ended. It
 * fails if the worker does; when destroyed, the worker drops the job and its key.
 */
export class WorkerSealStream extends Transform {
  sha256 = '';
  size = 0;
  /** The header this stream writes first (the sniffer needs it to read back a range). */
  readonly sealedHeader: BlobHeader;
  private readonly job = nextJob++;
  private batch: Buffer | null = null;
  private filled = 0;
  private inFlight = 0;
  private waiting: TransformCallback | null = null;
  private finishing: TransformCallback | null = null;
  private settled = false;

  constructor(dataKey: Buffer, keyId: Buffer) {
    super({ readableHighWaterMark: READABLE_HIGH_WATER_MARK });
    const header = newHeader(keyId);
    this.sealedHeader = parseHeader(header);
    this.push(header);
    track(this, this.job);
    // Copies of their own: a Buffer may be a view into a shared pool, all of which would be cloned.
    post({ type: 'start', job: this.job, dataKey: Uint8Array.from(dataKey), header: Uint8Array.from(header) });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    for (let at = 0; at < chunk.length;) {
      this.batch ??= Buffer.allocUnsafeSlow(BATCH_SIZE);
      const copied = chunk.copy(this.batch, this.filled, at);
      this.filled += copied;
      at += copied;
      if (this.filled === BATCH_SIZE) this.send();
    }
    this.waiting = callback;
    this.release();
  }

  override _flush(callback: TransformCallback): void {
    if (this.filled > 0) this.send();
    this.finishing = callback;
    post({ type: 'end', job: this.job });
  }

  override _read(size: number): void {
    super._read(size);
    // Readable calls _read before it takes the chunk being read off the buffer: look once it has.
    process.nextTick(() => this.release());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (untrack(this.job) && worker) post({ type: 'drop', job: this.job });
    this.settled = true;
    callback(error);
  }

  /** Takes the worker's answer to this stream's job. */
  answer(message: FromSealWorker): void {
    if (this.settled) return;
    if (message.type === 'failed') return void this.destroy(new Error(`sealing failed: ${message.message}`));
    this.inFlight -= message.type === 'sealed' ? 1 : 0;
    if (message.bytes.byteLength > 0) this.push(Buffer.from(message.bytes));
    if (message.type === 'sealed') return this.release();
    untrack(this.job);
    this.settled = true;
    if (message.size !== this.size) return void this.destroy(new Error(`the worker sealed ${message.size} bytes, not ${this.size}`));
    this.sha256 = message.sha256;
    this.finishing?.(null);
  }

  private send(): void {
    // allocUnsafeSlow gave the batch an ArrayBuffer of its own, of exactly BATCH_SIZE bytes.
    const whole = this.batch!.buffer as ArrayBuffer;
    const bytes = this.filled === BATCH_SIZE ? whole : whole.slice(0, this.filled);
    this.inFlight++;
    post({ type: 'data', job: this.job, bytes }, [bytes]);
    this.batch = null;
    this.filled = 0;
  }

  /** Takes more input once the worker and the blob store have caught up. */
  private release(): void {
    if (!this.waiting || this.inFlight >= MAX_IN_FLIGHT || this.readableLength >= READABLE_HIGH_WATER_MARK) return;
    const callback = this.waiting;
    this.waiting = null;
    callback();
  }
}
