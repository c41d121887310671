import os from 'node:os';
import type { WindowProfile } from './cpuProfile.js';
import { ms, table, type Stats } from './report.js';
import type { Seeded } from './seed.js';

/** One endpoint under load. */
export interface Target { name: string; path: string; auth: boolean }

/** What autocannon measured for one target, and when (wall clock, for the CPU profile). */
export interface Load { target: Target; rps: number; p50: number; p99: number; errors: number; non2xx: number; bytes: number; from: number; to: number }

/** The one-caller timings of a request and of its pieces. */
export interface Measured {
  http: Record<string, Stats>;
  read: Stats;
  readFailures: number;
  idFirst: Stats;
  idLast: Stats;
  idMiss: Stats;
  auth: Stats;
  feedCheck: Stats;
  present: Stats;
  json: Stats;
  coldMs: number;
  samePage: boolean;
}

interface Input {
  seeded: Seeded;
  loads: Load[];
  before: Stats;
  measured: Measured;
  cpu: WindowProfile[];
  connections: number;
  durationS: number;
  query: string;
  targets: Target[];
  naiveBudgetS: number;
}

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)} %`;

function cpuTable(loads: Load[], cpu: WindowProfile[]): string {
  if (cpu.length === 0) return '_(run without the CPU profile)_';
  const categories = [...new Set(cpu.flatMap((w) => w.byCategory.map(([name]) => name)))];
  const perRequest = (w: WindowProfile, value: number) => {
    const load = loads.find((l) => l.target.path === w.name)!;
    return ms(value / Math.max(1, (load.rps * w.wallMs) / 1000));
  };
  const rows = categories.map((name) => [name, ...cpu.map((w) => perRequest(w, w.byCategory.find(([n]) => n === name)?.[1] ?? 0))]);
  rows.push(['**all hub CPU per request**', ...cpu.map((w) => `**${perRequest(w, w.busyMs)}**`)]);
  rows.push(['hub process busy (100 % = one core)', ...cpu.map((w) => pct(w.busyMs, w.wallMs))]);
  return table(['hub CPU ms per request', ...cpu.map((w) => `\`${w.name}\``)], rows);
}

function hottest(loads: Load[], cpu: WindowProfile[], paths: string[]): string {
  return cpu.filter((w) => paths.includes(w.name)).map((w) => {
    const load = loads.find((l) => l.target.path === w.name)!;
    const requests = Math.max(1, (load.rps * w.wallMs) / 1000);
    return `Hottest functions (self time, ms per request) of \`${w.name}\`:\n\n${table(['function', 'ms'], w.hottest.map(([fn, v]) => [`\`${fn}\``, ms(v / requests)]))}`;
  }).join('\n\n');
}

/** The markdown section of docs/benchmarks.md for one run. */
export function section(input: Input): string {
  const { seeded, loads, before, measured: m, connections, durationS } = input;
  const base = loads[0]!;
  const list = loads[1]!;
  const listOk = list.rps >= 0.25 * base.rps && list.p99 < 100;
  const one = (path: string) => m.http[path]!;
  const health = one(input.targets[0]!.path);
  const listOne = one(input.targets[1]!.path);
  const dbMs = m.auth.mean + m.feedCheck.mean;
  return `## Assessments (issue 4)

\`npx tsx bench/assessments/run.ts\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores (load average ${os.loadavg()[0]!.toFixed(1)} at the end).
A hub process (\`node --cpu-prof --import tsx server/index.ts\`; the sampling costs every target alike) on FerretDB 1.24/SQLite started by the hub's embedded-database
code in a temporary directory; ${seeded.assessments.toLocaleString('en')} assessments of ${seeded.organisationIds.length} organisations with 14 risk factors and notes each,
inserted in bulk in ${seeded.seconds.toFixed(0)} s (${Object.entries(seeded.byScope).map(([k, v]) => `${v} ${k}`).join(', ')}). The analyst's organisation
owns 1/12 of them in every scope and state, is chosen in about a third of the \`selected\` ones and sees every published
\`all\` one: ${seeded.visibleToAnalyst.toLocaleString('en')} visible. autocannon runs in the benchmark process, ${connections} connections × ${durationS} s per target,
one target after the other; the benchmark, the hub and FerretDB share the 2 cores.

### After: lists and overview from the in-process catalog

${table(['target', 'req/s', 'p50 ms', 'p99 ms', 'req/s vs health', 'answer', 'errors / non-2xx'], loads.map((l) => [
    `\`${l.target.name}\``, l.rps.toFixed(0), l.p50, l.p99, pct(l.rps, base.rps), `${(l.bytes / 1024).toFixed(0)} KiB`, `${l.errors} / ${l.non2xx}`,
  ]))}

Goal — list ≥ 25 % of health's requests/s with p99 < 100 ms at ${connections} connections: **${listOk ? 'met' : 'missed'}**
(${pct(list.rps, base.rps)}, p99 ${list.p99} ms).

### Before: the same page filtered, sorted and limited by the database

\`Assessment.find({deletedAt: null, audience: {$in: ['org:<analyst's>', 'all']}}).sort({updatedAt: -1}).limit(51)\`, then presenting
50 — what the list would cost without the catalog — called ${before.n} time(s) in a row from the benchmark process (a budget of ${input.naiveBudgetS} s;
no HTTP, auth or JSON): mean **${(before.mean / 1000).toFixed(1)} s**, p99 ${(before.p99 / 1000).toFixed(1)} s. FerretDB pushes neither the \`$in\` nor the sort
down: every call decodes all ${seeded.assessments.toLocaleString('en')} assessments and sorts them in memory, so the hub could serve well under one such
list per second in all — and the hub's own 9 s socket timeout would fail it. Same page as the catalog's: ${m.samePage ? 'yes' : '**no**'}.
The catalog pays that scan once per process instead: restarted on the seeded database, the hub answered its first list
${(m.coldMs / 1000).toFixed(1)} s after the restart (start-up, then the catalog's full load begun by the warm-up).

### Where a request's time goes

One caller, one request at a time (means; ms):

${table(['measured', 'mean', 'p99'], [
    ...input.targets.map((t) => [`HTTP \`${t.path}\``, ms(one(t.path).mean), ms(one(t.path).p99)]),
    [`HTTP \`GET /api/assessments/:id\` (the newest; not part of the goal)${m.readFailures ? ` — ${m.readFailures} of ${m.read.n} not 200` : ''}`, ms(m.read.mean), ms(m.read.p99)],
    ['`Assessment.findById`, the first assessment inserted', ms(m.idFirst.mean), ms(m.idFirst.p99)],
    ['`Assessment.findById`, one of the last inserted', ms(m.idLast.mean), ms(m.idLast.p99)],
    ['`AssessmentVersion.findById` of a version that does not exist (`settled()` asks one on every read)', ms(m.idMiss.mean), ms(m.idMiss.p99)],
    ['auth: user + session, then organisation (3 lookups by `_id`)', ms(m.auth.mean), ms(m.auth.p99)],
    ['catalog freshness check: feed head + next entry (2 lookups by `_id`)', ms(m.feedCheck.mean), ms(m.feedCheck.p99)],
    ['presenting the 50 assessments of a page', ms(m.present.mean), ms(m.present.p99)],
    ['`JSON.stringify` of the page', ms(m.json.mean), ms(m.json.p99)],
  ])}

Over health (${ms(health.mean)} ms, one ping), a list (${ms(listOne.mean)} ms) waits for five database round trips (${ms(dbMs)} ms) and
spends the rest on CPU. Under load, the hub's CPU profile split by target (sampled with \`--cpu-prof\`; ms of hub CPU per
request, from the samples of each target's window):

${cpuTable(loads, input.cpu)}

${hottest(loads, input.cpu, input.targets.slice(1, 3).map((t) => t.path))}

### Reading the figures

- **The list is CPU-bound in the hub**, not waiting on the database: the hub process is busy on one core throughout
  every assessment target, and requests/s ≈ 1000 / (hub CPU ms per request). Health costs ~1 ms of CPU; a list page
  costs several times more, so at ${connections} connections it queues and its p99 follows.
- **The unfiltered list's cost is its answer and its database round trips.** The walk is cheap (the "catalog walk"
  row) and nothing is serialised per request any more: each assessment's JSON is cached in its catalog entry (once per
  version) and the page is copied together from those bytes. What remains is writing 50 whole assessments (14 factors
  with notes; the "answer" column) — Node core, \`writeBuffer\`, \`writev\` — and five database round trips per
  request (MongoDB driver, mongoose): three for auth (user, session, organisation) and two for the catalog's freshness
  check (shared by the requests that arrive while one runs).
- **A country filter walks that country only**: the catalog groups live assessments by country, so the filtered list
  and the overview test visibility on one country's assessments instead of all ${seeded.assessments.toLocaleString('en')}.
- **\`_id\` lookups are pushed down but not index-backed** on FerretDB 1.24/SQLite: from the benchmark's connection a
  document inserted early is found quickly, one inserted late or one that does not exist costs a scan of the table
  (the \`findById\` rows; FerretDB/FerretDB#4646 reports the unused \`_id\` index for the PostgreSQL backend). The hub's
  own read in the same run costs far less than those lookups — probably because its connection has just read the whole
  collection into SQLite's cache to load the catalog; not established. The list only looks up small collections.
`;
}
