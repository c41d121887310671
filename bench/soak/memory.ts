import { readFileSync } from 'node:fs';

/** A process whose memory the soak follows; `metricsPort` when it serves the hub's Prometheus metrics. */
export interface Watched {
  name: string;
  pid: number;
  metricsPort?: number;
}

/** One sample of one process (MiB; heap figures only from a hub's /metrics). */
export interface MemorySample {
  at: number;
  rss: number;
  rssAnon?: number;
  heapUsed?: number;
  heapTotal?: number;
  external?: number;
  sockets?: number;
}

const MIB = 1024 * 1024;

/** VmRSS and RssAnon of a process from /proc/<pid>/status, in MiB; NaN once it is gone. */
export function procMemory(pid: number): { rss: number; rssAnon: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kib('VmRSS') / 1024, rssAnon: kib('RssAnon') / 1024 };
  } catch {
    return { rss: NaN, rssAnon: NaN };
  }
}

/** The values of the hub's /metrics that say where its memory is (prom-client's default Node.js metrics). */
async function scrape(port: number): Promise<Partial<MemorySample>> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) });
    if (res.status !== 200) return {};
    const text = await res.text();
    const value = (name: string) => {
      const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)`, 'm').exec(text);
      return match ? Number(match[1]) : undefined;
    };
    const mib = (name: string) => {
      const v = value(name);
      return v === undefined ? undefined : v / MIB;
    };
    return {
      heapUsed: mib('nodejs_heap_size_used_bytes'),
      heapTotal: mib('nodejs_heap_size_total_bytes'),
      external: mib('nodejs_external_memory_bytes'),
      sockets: value('hub_sockets_connected'),
    };
  } catch {
    return {};
  }
}

/** The series of one metric of a hub's /metrics: label set (`kind="request"`, or '' for none) → value; {} when unreadable. */
export async function scrapeSeries(port: number, name: string): Promise<Record<string, number>> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) });
    if (res.status !== 200) return {};
    const series: Record<string, number> = {};
    for (const line of (await res.text()).split('\n')) {
      const match = new RegExp(`^${name}(?:\\{([^}]*)\\})? ([0-9.e+-]+)$`).exec(line);
      if (match) series[match[1] ?? ''] = Number(match[2]);
    }
    return series;
  } catch {
    return {};
  }
}

/** Samples of every watched process, taken together. */
export class MemoryLog {
  readonly samples = new Map<string, MemorySample[]>();
  constructor(
    private readonly watched: Watched[],
    private readonly started = performance.now(),
  ) {
    for (const w of watched) this.samples.set(w.name, []);
  }

  /** Takes one sample of each process (`at`: seconds since `started`). */
  async sample(): Promise<void> {
    const at = (performance.now() - this.started) / 1000;
    await Promise.all(
      this.watched.map(async (w) => {
        const proc = procMemory(w.pid);
        const metrics = w.metricsPort ? await scrape(w.metricsPort) : {};
        this.samples.get(w.name)!.push({ at, ...proc, ...metrics });
      }),
    );
  }
}

/** Least-squares slope of `value` over `at` (per minute), for the samples that have it. */
export function slopePerMinute(samples: MemorySample[], value: (s: MemorySample) => number | undefined): number {
  const points = samples.map((s) => [s.at / 60, value(s)] as const).filter((p): p is readonly [number, number] => p[1] !== undefined && Number.isFinite(p[1]));
  if (points.length < 2) return NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return den === 0 ? NaN : num / den;
}
