// The sealing worker's entry point: SHA-256 and AES-256-GCM sealing of uploads, off the main
// thread, so parsing the request there and sealing here use two cores at once. Each upload is a
// job; its plaintext arrives in batches (transferred, not copied) and each batch is answered with
// the segments it completed, so the main thread knows how much is still in flight. Key material
// lives here only while its job does.
import { parentPort } from 'node:worker_threads';
import { Sealer } from './crypto.js';
import type { FromSealWorker, ToSealWorker } from './sealWorkerStream.js';

const port = parentPort;
if (!port) throw new Error('sealWorker.ts runs as a worker thread');
const jobs = new Map<number, Sealer>();

/** One buffer of its own holding `parts`, so it can be transferred whole. */
function joined(parts: Buffer[]): ArrayBuffer {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (const part of parts) at += part.copy(out, at);
  return out.buffer as ArrayBuffer;
}

function reply(message: FromSealWorker): void {
  const transfer = message.type === 'failed' ? [] : [message.bytes];
  port!.postMessage(message, transfer);
}

function handle(message: ToSealWorker): void {
  const { job } = message;
  if (message.type === 'drop') {
    jobs.delete(job);
    return;
  }
  if (message.type === 'start') {
    jobs.set(job, new Sealer(Buffer.from(message.dataKey), Buffer.from(message.header)));
    return;
  }
  const sealer = jobs.get(job);
  // Dropped meanwhile (the upload failed): its remaining batches are discarded.
  if (!sealer) return;
  const out: Buffer[] = [];
  if (message.type === 'data') {
    sealer.update(Buffer.from(message.bytes), out);
    reply({ type: 'sealed', job, bytes: joined(out) });
    return;
  }
  jobs.delete(job);
  sealer.final(out);
  reply({ type: 'done', job, bytes: joined(out), size: sealer.size, sha256: sealer.sha256 });
}

port.on('message', (message: ToSealWorker) => {
  try {
    handle(message);
  } catch (error) {
    jobs.delete(message.job);
    reply({ type: 'failed', job: message.job, message: error instanceof Error ? error.message : String(error) });
  }
});
