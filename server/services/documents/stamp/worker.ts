// The stamping worker's entry point (started by ./stamper.ts): parsing and rewriting a large PDF here
// never blocks the main thread's event loop. One job at a time; each PDF comes and goes transferred.
import { parentPort } from 'node:worker_threads';
import { loadStampFonts } from './line.js';
import { StampRefused, stampPdf } from './pdf.js';
import type { StampAnswer, StampJob } from './stamper.js';

const port = parentPort;
if (!port) throw new Error('stamp/worker.ts runs as a worker thread');
const fonts = loadStampFonts();

port.on('message', (job: StampJob) => {
  stampPdf(new Uint8Array(job.pdf), job.line, fonts).then(
    (bytes) => {
      const answer: StampAnswer = { job: job.job, ok: true, bytes: bytes.buffer as ArrayBuffer, offset: bytes.byteOffset, length: bytes.byteLength };
      port.postMessage(answer, [answer.bytes]);
    },
    (error: unknown) => {
      const refused =
        error instanceof StampRefused ? error : new StampRefused('malformed', error instanceof Error ? error.message.slice(0, 200) : String(error));
      const answer: StampAnswer = { job: job.job, ok: false, reason: refused.reason, message: refused.message };
      port.postMessage(answer);
    },
  );
});
