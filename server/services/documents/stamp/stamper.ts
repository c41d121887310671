import type { Worker } from 'node:worker_threads';
import { Semaphore } from '../../../auth/semaphore.js';
import { startWorker } from '../workerThread.js';
import { StampRefused } from './pdf.js';

/** A job for the stamping worker: the PDF (transferred) and the line to stamp. */
export interface StampJob {
  job: number;
  pdf: ArrayBuffer;
  line: string;
}

/** The worker's answer: the stamped file (transferred), or why it refused. */
export type StampAnswer =
  { job: number; ok: true; bytes: ArrayBuffer; offset: number; length: number } | { job: number; ok: false; reason: StampRefused['reason']; message: string };

/** How much stamping a process does at once (docs/operations.md, "Stamped downloads"). */
export interface StampLimits {
  /** Largest PDF stamped; a larger one is refused (413). */
  maxBytes: number;
  /** Stampings at once (each holds its PDF about three times over) and how many may wait (then 429). */
  concurrent: number;
  queue: number;
  /** The worker's V8 heap: a PDF whose objects need more is refused (413), the process unharmed. */
  heapMb: number;
}

export const DEFAULT_STAMP_LIMITS: StampLimits = { maxBytes: 128 * 1024 * 1024, concurrent: 1, queue: 4, heapMb: 768 };

/** A Buffer's bytes in an ArrayBuffer of their own, so it can be transferred. */
function ownBuffer(bytes: Buffer): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * The process's PDF stamping: a worker thread started on first use (and again after it failed), fed
 * one job at a time through a semaphore that also covers reading the plaintext, so the memory all
 * stampings hold is bounded by `concurrent` × about three times `maxBytes`.
 */
export class Stamper {
  private worker: Worker | null = null;
  private nextJob = 1;
  private readonly pending = new Map<number, { resolve: (bytes: Buffer) => void; reject: (error: Error) => void }>();
  private readonly slots: Semaphore;

  constructor(readonly limits: StampLimits = DEFAULT_STAMP_LIMITS) {
    this.slots = new Semaphore(limits.concurrent, limits.queue, 'Too many stamped downloads at once; try again in a moment.');
  }

  /** Reads the PDF with `load` and stamps `line` on every page, within one of the process's slots. */
  stamp(load: () => Promise<Buffer>, line: string): Promise<Buffer> {
    return this.slots.run(async () => this.send(await load(), line));
  }

  /** Stops the worker (a stamping in progress fails). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private send(pdf: Buffer, line: string): Promise<Buffer> {
    const job = this.nextJob++;
    const result = new Promise<Buffer>((resolve, reject) => this.pending.set(job, { resolve, reject }));
    const message: StampJob = { job, pdf: ownBuffer(pdf), line };
    this.started().postMessage(message, [message.pdf]);
    return result;
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(new URL('./worker.js', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMb } });
    worker.unref();
    const lost = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      const failing = [...this.pending.values()];
      this.pending.clear();
      for (const { reject } of failing) reject(error);
    };
    worker.on('message', (answer: StampAnswer) => {
      const waiting = this.pending.get(answer.job);
      this.pending.delete(answer.job);
      if (!waiting) return;
      if (answer.ok) waiting.resolve(Buffer.from(answer.bytes, answer.offset, answer.length));
      else waiting.reject(new StampRefused(answer.reason, answer.message));
    });
    worker.on('error', (error) => {
      const outOfMemory = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      lost(outOfMemory ? new StampRefused('too-large', 'the PDF needs more memory to stamp than the hub allows') : error);
    });
    worker.on('exit', (code) => lost(new Error(`the stamping worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
