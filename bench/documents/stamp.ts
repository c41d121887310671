// Stamped downloads (issue 16, item 2): time and peak RSS of stamping large PDFs with the hub's
// Stamper (its worker thread, its limits), one process per case so each peak is its own.
//   npx tsx bench/documents/stamp.ts        → prints the markdown of docs/benchmarks.md's section
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, PDFName, StandardFonts, drawObject, popGraphicsState, pushGraphicsState, concatTransformationMatrix } from 'pdf-lib';
import { Stamper } from '../../server/services/documents/stamp/stamper.js';

const MiB = 1024 * 1024;
const LINE = 'Downloaded by سارة بن علي, League of Arab States | 2026-12-07 10:00:00 UTC | audit record 0d4b1f0e-6a55-4f3e-9a51-3c1e2d9b7a10';

/** `pages` pages, each showing an image stream of `imageBytes` (random: a scan does not compress). */
async function scannedPdf(pages: number, imageBytes: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) {
    const image = doc.context.register(
      doc.context.stream(randomBytes(imageBytes), {
        Type: 'XObject',
        Subtype: 'Image',
        Width: 1240,
        Height: 1754,
        ColorSpace: 'DeviceGray',
        BitsPerComponent: 8,
        Filter: 'DCTDecode',
      }),
    );
    const page = doc.addPage([595, 842]);
    page.node.setXObject(PDFName.of('Scan'), image);
    page.pushOperators(pushGraphicsState(), concatTransformationMatrix(595, 0, 0, 842, 0, 0), drawObject('Scan'), popGraphicsState());
  }
  return Buffer.from(await doc.save());
}

/** `pages` pages of text: many small objects, the costly shape for a parser. */
async function textPdf(pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([595, 842]);
    for (let l = 0; l < 40; l++)
      page.drawText(`Page ${i + 1}, line ${l + 1}: the field team reports on the situation in the district.`, { x: 50, y: 800 - l * 19, font, size: 10 });
  }
  return Buffer.from(await doc.save());
}

interface Measure {
  coldMs: number;
  warmMs: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  outMiB: number;
}

/** In the child: read the file, stamp it twice (cold: the worker starts; warm), report. */
async function measure(file: string): Promise<void> {
  const stamper = new Stamper();
  const load = () => Promise.resolve(readFileSync(file));
  const rssBefore = process.memoryUsage().rss;
  let started = Date.now();
  await stamper.stamp(load, LINE);
  const coldMs = Date.now() - started;
  started = Date.now();
  const out = await stamper.stamp(load, LINE);
  const warmMs = Date.now() - started;
  const result: Measure = {
    coldMs,
    warmMs,
    rssBeforeMiB: Math.round(rssBefore / MiB),
    peakRssMiB: Math.round((process.resourceUsage().maxRSS * 1024) / MiB),
    outMiB: Math.round((out.length / MiB) * 10) / 10,
  };
  await stamper.close();
  process.stdout.write(JSON.stringify(result));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stamp-bench-'));
  try {
    const cases = [
      { name: '100 MiB: 200 scanned pages of 512 KiB', bytes: await scannedPdf(200, 512 * 1024) },
      { name: '5,000 pages of text (40 lines each)', bytes: await textPdf(5000) },
    ];
    const rows: string[] = [];
    for (const { name, bytes } of cases) {
      const file = path.join(dir, 'in.pdf');
      writeFileSync(file, bytes);
      const out = execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, file], { encoding: 'utf8', maxBuffer: MiB });
      const m = JSON.parse(out) as Measure;
      rows.push(`| ${name} | ${(bytes.length / MiB).toFixed(1)} | ${m.outMiB} | ${m.coldMs} | ${m.warmMs} | ${m.rssBeforeMiB} | ${m.peakRssMiB} |`);
    }
    const load = os.loadavg()[0]!.toFixed(1);
    process.stdout.write(
      [
        `\`npx tsx bench/documents/stamp.ts\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores (load average ${load}).`,
        "One process per case: the file read into memory, then stamped twice by the hub's `Stamper` (cold: the worker thread starts",
        "and loads pdf-lib, pdfkit and the fonts; warm: the same worker again). RSS is the whole process's (main thread and worker).",
        '',
        '| PDF | in MiB | out MiB | cold ms | warm ms | RSS before MiB | peak RSS MiB |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2]) await measure(process.argv[2]);
else await main();
