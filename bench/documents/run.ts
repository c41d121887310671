/**
 * Issue 6's benchmark: a 500 MB file uploaded to and downloaded from the hub (multipart → sniffing →
 * SHA-256 + AES-256-GCM → blob store; blob → decryption → response) on the embedded database, and
 * the same bytes through a bare Node HTTP server that streams to and from a file (baseline.ts), in
 * the same run. Reports MB/s, the ratio, and the hub's peak RSS growth (sampled from /proc), then
 * writes its section of docs/benchmarks.md. Everything is on 127.0.0.1 in a temporary directory that
 * is removed at the end.
 *
 *   npx tsx bench/documents/run.ts [--mb 500] [--runs 3]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { childPids, PROCESS_ADMIN_EMAIL, PROCESS_ADMIN_PASSWORD, spawnHub, type HubProcess } from '../../test/helpers/process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const SIZE_MB = arg('mb', 500);
const RUNS = arg('runs', 3);
const SIZE = SIZE_MB * 1000 * 1000;
const MB = 1000 * 1000;
const BOUNDARY = 'hubBenchBoundary7MA4YWxkTrZu0gW';

/** Resident memory of a process in bytes (0 once it is gone). */
function rss(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds (user + system) a process has used so far, all its threads (Linux clock ticks of
 * /proc/<pid>/stat), or only its main thread (`mainThread`: /proc/<pid>/task/<pid>/stat).
 */
function cpuSeconds(pid: number, mainThread = false): number {
  try {
    const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Samples the peak RSS of `pid` every 20 ms while `work` runs, and the CPU time it (and its main thread) used meanwhile. */
async function watched<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; before: number; peak: number; cpu: number; mainCpu: number }> {
  const before = rss(pid);
  const cpuBefore = cpuSeconds(pid);
  const mainBefore = cpuSeconds(pid, true);
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, rss(pid));
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, rss(pid));
    return { result, before, peak, cpu: cpuSeconds(pid) - cpuBefore, mainCpu: cpuSeconds(pid, true) - mainBefore };
  } finally {
    clearInterval(timer);
  }
}

/** Writes `size` bytes starting with a PDF header (so the hub accepts it) and answers their SHA-256. */
function makeSource(file: string, size = SIZE): string {
  const hash = createHash('sha256');
  const fd = openSync(file, 'w');
  let written = 0;
  const head = Buffer.from('%PDF-1.7\n% Partner Hub benchmark\n');
  writeSync(fd, head);
  hash.update(head);
  written += head.length;
  while (written < size) {
    const chunk = randomBytes(Math.min(4 * MB, size - written));
    writeSync(fd, chunk);
    hash.update(chunk);
    written += chunk.length;
  }
  closeSync(fd);
  return hash.digest('hex');
}

const multipartHead = () =>
  Buffer.from(
    [
      ['title', 'Benchmark file'],
      ['classification', 'unclassified'],
      ['sharing', '{"scope":"organisation","organisations":[]}'],
    ]
      .map(([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('') + `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="benchmark.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
const multipartTail = () => Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

/** POSTs the multipart body (fields, then the file streamed from disk) and answers the status, body and seconds. */
function upload(port: number, urlPath: string, file: string, size: number, token?: string): Promise<{ status: number; body: string; seconds: number }> {
  const head = multipartHead();
  const tail = multipartTail();
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      'content-length': String(head.length + size + tail.length),
    };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = request({ host: '127.0.0.1', port, path: urlPath, method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
    });
    req.on('error', reject);
    async function* body() {
      yield head;
      yield* createReadStream(file, { highWaterMark: 256 * 1024 });
      yield tail;
    }
    Readable.from(body()).pipe(req);
  });
}

/** GETs a download, counting (and optionally hashing) the bytes; answers them and the seconds. */
function fetchBytes(
  port: number,
  urlPath: string,
  token?: string,
  verify = false,
): Promise<{ status: number; bytes: number; sha256: string | null; seconds: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let bytes = 0;
      const hash = verify ? createHash('sha256') : null;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        hash?.update(chunk);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, bytes, sha256: hash ? hash.digest('hex') : null, seconds: Number(process.hrtime.bigint() - started) / 1e9 }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function startBaseline(file: string): Promise<{ port: number; pid: number; stop: () => void }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/documents/baseline.ts'), file], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the baseline server exited (${code})`)));
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString('utf8').trim())));
  });
  return { port, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

async function login(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: PROCESS_ADMIN_EMAIL, password: PROCESS_ADMIN_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login answered ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

interface Run {
  seconds: number;
  before: number;
  peak: number;
  cpu: number;
  mainCpu: number;
}
const best = (runs: Run[]) => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
/** The median run by time (the lower middle one of an even count). */
const median = (runs: Run[]) => [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor((runs.length - 1) / 2)]!;
const mbps = (seconds: number) => SIZE / MB / seconds;
const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(0);

/** Replaces (or appends) this benchmark's `## ` section of docs/benchmarks.md, leaving the others as they are. */
function writeSection(file: string, title: string, section: string): void {
  const intro =
    '# Benchmarks\n\nMeasured on the development machine. Each section is written by its benchmark script and replaced when the script runs again.\n';
  const text = existsSync(file) ? readFileSync(file, 'utf8') : intro;
  const heading = `## ${title}\n`;
  const start = text.indexOf(heading);
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section.trimEnd()}\n`);
    return;
  }
  const next = text.slice(start + heading.length).search(/^## /m);
  const rest = next < 0 ? '' : `\n${text.slice(start + heading.length + next)}`;
  writeFileSync(file, `${text.slice(0, start)}${section.trimEnd()}\n${rest}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-bench-docs-'));
  let hub: HubProcess | undefined;
  let baseline: Awaited<ReturnType<typeof startBaseline>> | undefined;
  try {
    const source = path.join(dir, 'source.pdf');
    process.stdout.write(`writing a ${SIZE_MB} MB file… `);
    const sourceSha = makeSource(source);
    process.stdout.write('done\n');
    const dataDir = path.join(dir, 'hub');
    mkdirSync(dataDir);
    hub = await spawnHub({ DATA_DIR: dataDir, HUB_MAX_UPLOAD_MB: '1024', LOG_LEVEL: 'warn' }, 180_000);
    baseline = await startBaseline(path.join(dir, 'baseline.bin'));
    const token = await login(hub.port);
    const ferret = childPids(hub.pid, 'ferretdb')[0];
    // Warm-up: a 5 MB upload and download through each (JIT, the organisation's key, the blob directory).
    const warmFile = path.join(dir, 'warm.pdf');
    makeSource(warmFile, 5 * MB);
    for (const [port, urlPath, auth] of [
      [baseline.port, '/upload', undefined],
      [hub.port, '/api/documents', token],
    ] as const) {
      const warm = await upload(port, urlPath, warmFile, 5 * MB, auth);
      if (warm.status !== 201) throw new Error(`warm-up upload answered ${warm.status}: ${warm.body}`);
      const id = auth ? (JSON.parse(warm.body) as { id: string }).id : '';
      await fetchBytes(port, auth ? `/api/documents/${id}/content` : '/download', auth);
    }
    const rssAtStart = rss(hub.pid);

    const results = { baseUp: [] as Run[], baseSyncUp: [] as Run[], baseDown: [] as Run[], hubUp: [] as Run[], hubDown: [] as Run[] };
    let documentId = '';
    let ferretPeak = ferret ? rss(ferret) : 0;
    for (let run = 0; run < RUNS; run++) {
      const bu = await watched(baseline.pid, () => upload(baseline!.port, '/upload', source, SIZE));
      if (bu.result.status !== 201) throw new Error(`baseline upload answered ${bu.result.status}`);
      results.baseUp.push({ seconds: bu.result.seconds, before: bu.before, peak: bu.peak, cpu: bu.cpu, mainCpu: bu.mainCpu });
      const bs = await watched(baseline.pid, () => upload(baseline!.port, '/upload?fsync=1', source, SIZE));
      results.baseSyncUp.push({ seconds: bs.result.seconds, before: bs.before, peak: bs.peak, cpu: bs.cpu, mainCpu: bs.mainCpu });
      const bd = await watched(baseline.pid, () => fetchBytes(baseline!.port, '/download'));
      // The baseline stores the whole request body: the file and its few hundred bytes of multipart envelope.
      if (bd.result.bytes < SIZE) throw new Error(`baseline download gave ${bd.result.bytes} bytes`);
      results.baseDown.push({ seconds: bd.result.seconds, before: bd.before, peak: bd.peak, cpu: bd.cpu, mainCpu: bd.mainCpu });

      const hu = await watched(hub.pid, () => upload(hub!.port, '/api/documents', source, SIZE, token));
      if (hu.result.status !== 201) throw new Error(`hub upload answered ${hu.result.status}: ${hu.result.body}`);
      const doc = JSON.parse(hu.result.body) as { id: string; sha256: string; size: number };
      if (doc.sha256 !== sourceSha || doc.size !== SIZE) throw new Error('the hub recorded another sha256 or size');
      documentId = doc.id;
      results.hubUp.push({ seconds: hu.result.seconds, before: hu.before, peak: hu.peak, cpu: hu.cpu, mainCpu: hu.mainCpu });
      const hd = await watched(hub.pid, () => fetchBytes(hub!.port, `/api/documents/${documentId}/content`, token));
      if (hd.result.status !== 200 || hd.result.bytes !== SIZE) throw new Error(`hub download answered ${hd.result.status} with ${hd.result.bytes} bytes`);
      results.hubDown.push({ seconds: hd.result.seconds, before: hd.before, peak: hd.peak, cpu: hd.cpu, mainCpu: hd.mainCpu });
      if (ferret) ferretPeak = Math.max(ferretPeak, rss(ferret));
      process.stdout.write(
        `run ${run + 1}: baseline ↑ ${mbps(bu.result.seconds).toFixed(0)} ↓ ${mbps(bd.result.seconds).toFixed(0)} MB/s (CPU ${bu.cpu.toFixed(1)} / ${bd.cpu.toFixed(1)} s); hub ↑ ${mbps(hu.result.seconds).toFixed(0)} ↓ ${mbps(hd.result.seconds).toFixed(0)} MB/s (CPU ${hu.cpu.toFixed(1)} / ${hd.cpu.toFixed(1)} s, main thread ${hu.mainCpu.toFixed(1)} / ${hd.mainCpu.toFixed(1)} s); hub RSS peak ${mib(Math.max(hu.peak, hd.peak))} MiB; load ${os.loadavg()[0]!.toFixed(1)}\n`,
      );
    }
    // Not timed: the bytes that come back are the bytes that went in.
    const check = await fetchBytes(hub.port, `/api/documents/${documentId}/content`, token, true);
    const verified = check.sha256 === sourceSha;

    const [bu, bs, bd, hu, hd] = [best(results.baseUp), best(results.baseSyncUp), best(results.baseDown), best(results.hubUp), best(results.hubDown)];
    const growth = Math.max(...[...results.hubUp, ...results.hubDown].map((r) => r.peak)) - rssAtStart;
    const upRatio = mbps(hu.seconds) / mbps(bu.seconds);
    const downRatio = mbps(hd.seconds) / mbps(bd.seconds);
    const met = upRatio >= 0.5 && downRatio >= 0.5 && growth < 100 * 1024 * 1024;
    const medianRatio = (base: Run[], hubRuns: Run[]) => ((100 * mbps(median(hubRuns).seconds)) / mbps(median(base).seconds)).toFixed(0);
    const row = (name: string, base: Run, hubRun: Run, medians: string) => {
      const ratio = mbps(hubRun.seconds) / mbps(base.seconds);
      const perGb = (run: Run) => (run.cpu / (SIZE / 1e9)).toFixed(1);
      const mainPerGb = (hubRun.mainCpu / (SIZE / 1e9)).toFixed(1);
      return `| ${name} | ${mbps(base.seconds).toFixed(0)} | ${mbps(hubRun.seconds).toFixed(0)} | ${(100 * ratio).toFixed(0)} % (${medians} %) | ${perGb(base)} | ${perGb(hubRun)} (${mainPerGb}) | ${mib(Math.max(0, hubRun.peak - rssAtStart))} MiB |`;
    };
    const section = `## Documents (issue 6)

\`npx tsx bench/documents/run.ts\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores (load average ${os.loadavg()[0]!.toFixed(1)} at the end).
One file of ${SIZE_MB} MB (10^6 bytes; a PDF header, then random bytes) uploaded as \`multipart/form-data\` and downloaded again,
best of ${RUNS} runs each, from a client in the benchmark process over 127.0.0.1:

- **hub**: a hub process (\`node --import tsx server/index.ts\`, \`HUB_MAX_UPLOAD_MB=1024\`) on its embedded FerretDB 1.24/SQLite in a
  temporary \`DATA_DIR\`; \`POST /api/documents\` (busboy → size limit → type sniffing on the main thread → 1 MiB batches to
  the sealing worker thread: SHA-256 + AES-256-GCM in 64 KiB segments → blob file, fsynced, renamed) and
  \`GET /api/documents/:id/content\` (blob → per-segment decryption and authentication → response; the last segment's
  tag also covers the recorded size and SHA-256, so the hub does not hash the plaintext again). Download verified afterwards (untimed): ${verified ? 'the same SHA-256' : '**a different SHA-256**'}.
- **baseline**: a bare Node HTTP server process (\`bench/documents/baseline.ts\`) that pipes the same request body into a file
  and the file back: no parsing, no encryption, no database, no fsync (the last row: with fsync, like the hub).
- Both servers, FerretDB and the client share the machine's ${os.cpus().length} cores with whatever else runs (see the load average):
  the CPU seconds per GB each server used (all threads; in brackets the hub's main thread alone) are the steadier
  figure; wall-clock MB/s swing with the load.

| direction | baseline MB/s | hub MB/s | hub / baseline (medians) | baseline CPU s/GB | hub CPU s/GB (main thread) | hub RSS growth (peak) |
| --- | --- | --- | --- | --- | --- | --- |
${row('upload', bu, hu, medianRatio(results.baseUp, results.hubUp))}
${row('download', bd, hd, medianRatio(results.baseDown, results.hubDown))}
${row('upload, baseline fsynced too', bs, hu, medianRatio(results.baseSyncUp, results.hubUp))}

MB/s are the best of the ${RUNS} runs of each; in brackets the ratio of the median runs. Every run's figures:
${['baseUp', 'baseSyncUp', 'baseDown', 'hubUp', 'hubDown'].map((k) => `${k} ${results[k as keyof typeof results].map((r) => mbps(r.seconds).toFixed(0)).join(' / ')}`).join('; ')} MB/s.

Hub RSS: ${mib(rssAtStart)} MiB after start-up, login and a 5 MB warm-up; peak ${mib(rssAtStart + growth)} MiB during the transfers
(sampled every 20 ms from \`/proc/<pid>/status\`), so a growth of **${mib(growth)} MiB** for a ${SIZE_MB} MB file. FerretDB's
RSS peak: ${ferret ? `${mib(ferretPeak)} MiB` : 'n/a'} (it only sees the document's metadata, never its bytes).

Goal — at least 50 % of the baseline's throughput both ways, peak memory growth under 100 MB: **${met ? 'met' : 'missed'}**
(upload ${(100 * upRatio).toFixed(0)} %, download ${(100 * downRatio).toFixed(0)} %, growth ${mib(growth)} MiB).
`;
    writeSection(path.join(root, 'docs', 'benchmarks.md'), 'Documents (issue 6)', section);
    process.stdout.write(`\n${section}\n`);
  } finally {
    baseline?.stop();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
