import os from 'node:os';
import type { WindowProfile } from './cpuProfile.js';
import { ms, table, type Stats } from './report.js';
import type { Seeded } from './seed.js';

/** One endpoint under load. */
export interface Target {
  name: string;
  path: string;
  auth: boolean;
}

/** What autocannon measured for one target, and when (wall clock, for the CPU profile). */
export interface Load {
  target: Target;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  bytes: number;
  from: number;
  to: number;
}

/** The one-caller timings of a request and of its pieces. */
export interface Measured {
  http: Record<string, Stats>;
  read: Stats;
  readFailures: number;
  idFirst: Stats;
  idLast: Stats;
  idMiss: Stats;
  auth: Stats;
  authCached: Stats;
  feedCheck: Stats;
  nextEntryCheck: Stats;
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

// The run before the principal cache and the one-lookup freshness check, for comparison (same machine, same day).
const PREVIOUS = { commit: '5788e22', healthRps: 1638, listRps: 263, ratio: '16 %', p99: 116, cpuMs: '3.47', healthCpuMs: '0.57' };

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
  return cpu
    .filter((w) => paths.includes(w.name))
    .map((w) => {
      const load = loads.find((l) => l.target.path === w.name)!;
      const requests = Math.max(1, (load.rps * w.wallMs) / 1000);
      return `Hottest functions (self time, ms per request) of \`${w.name}\`:\n\n${table(
        ['function', 'ms'],
        w.hottest.map(([fn, v]) => [`\`${fn}\``, ms(v / requests)]),
      )}`;
    })
    .join('\n\n');
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
  return `## Assessments (issue 4)

\`npx tsx bench/assessments/run.ts\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores (load average ${os.loadavg()[0]!.toFixed(1)} at the end).
A hub process (\`node --cpu-prof --import tsx server/index.ts\`; the sampling costs every target alike) on FerretDB 1.24/SQLite started by the hub's embedded-database
code in a temporary directory; ${seeded.assessments.toLocaleString('en')} assessments of ${seeded.organisationIds.length} organisations with 14 risk factors and notes each,
inserted in bulk in ${seeded.seconds.toFixed(0)} s (${Object.entries(seeded.byScope)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ')}). The analyst's organisation
owns 1/12 of them in every scope and state, is chosen in about a third of the \`selected\` ones and sees every published
\`all\` one: ${seeded.visibleToAnalyst.toLocaleString('en')} visible. autocannon runs in the benchmark process, ${connections} connections × ${durationS} s per target,
one target after the other; the benchmark, the hub and FerretDB share the 2 cores.

### After: lists and overview from the in-process catalog

${table(
  ['target', 'req/s', 'p50 ms', 'p99 ms', 'req/s vs health', 'answer', 'errors / non-2xx'],
  loads.map((l) => [
    `\`${l.target.name}\``,
    l.rps.toFixed(0),
    l.p50,
    l.p99,
    pct(l.rps, base.rps),
    `${(l.bytes / 1024).toFixed(0)} KiB`,
    `${l.errors} / ${l.non2xx}`,
  ]),
)}

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

${table(
  ['measured', 'mean', 'p99'],
  [
    ...input.targets.map((t) => [`HTTP \`${t.path}\``, ms(one(t.path).mean), ms(one(t.path).p99)]),
    [
      `HTTP \`GET /api/assessments/:id\` (the newest; not part of the goal)${m.readFailures ? ` — ${m.readFailures} of ${m.read.n} not 200` : ''}`,
      ms(m.read.mean),
      ms(m.read.p99),
    ],
    ['`Assessment.findById`, the first assessment inserted', ms(m.idFirst.mean), ms(m.idFirst.p99)],
    ['`Assessment.findById`, one of the last inserted', ms(m.idLast.mean), ms(m.idLast.p99)],
    ['`AssessmentVersion.findById` of a version that does not exist (`settled()` asks one on every read)', ms(m.idMiss.mean), ms(m.idMiss.p99)],
    [
      'auth from the database: user + session, then organisation (3 lookups by `_id`; writes, and reads every 5 s per session)',
      ms(m.auth.mean),
      ms(m.auth.p99),
    ],
    ['auth from the principal cache (what a read costs in between)', ms(m.authCached.mean), ms(m.authCached.p99)],
    ['catalog freshness check, full: feed head + next entry (2 lookups by `_id`; once a minute)', ms(m.feedCheck.mean), ms(m.feedCheck.p99)],
    ['catalog freshness check, usual: the entry after the last one seen (1 lookup by `_id`)', ms(m.nextEntryCheck.mean), ms(m.nextEntryCheck.p99)],
    ['presenting the 50 assessments of a page', ms(m.present.mean), ms(m.present.p99)],
    ['`JSON.stringify` of the page', ms(m.json.mean), ms(m.json.p99)],
  ],
)}

Over health (${ms(health.mean)} ms, one ping), a list (${ms(listOne.mean)} ms) waits for one database round trip, the
freshness check (${ms(m.nextEntryCheck.mean)} ms), and spends the rest on CPU: the principal comes from the cache. Under load, the hub's CPU profile split by target (sampled with \`--cpu-prof\`; ms of hub CPU per
request, from the samples of each target's window):

${cpuTable(loads, input.cpu)}

${hottest(
  loads,
  input.cpu,
  input.targets.slice(1, 3).map((t) => t.path),
)}

### Reading the figures

- **The list is CPU-bound in the hub**, not waiting on the database: the hub process is busy on one core throughout
  every target, and requests/s ≈ 1000 / (hub CPU ms per request).
- **A list page's cost is now mostly its answer.** Auth reads the principal from the process's principal cache
  (\`server/auth/principalCache.ts\`: kept 5 s per session, dropped on every process before a logout, a revocation or
  a change of the user or organisation answers), so no auth round trip; the catalog's freshness check is one lookup
  (is there a feed entry after the last one seen?) and is shared by the requests that arrive while one runs, so the
  MongoDB driver and mongoose rows are small. The walk is cheap (the "catalog walk" row) and nothing is serialised per
  request: each assessment's JSON is cached in its catalog entry (once per version) and the page is copied together
  from those bytes. What remains is writing 50 whole assessments (14 factors with notes; the "answer" column; §6 lists
  whole assessments) — Node core, \`writev\`, \`_copyActual\` — and garbage collection.
- **The filtered list and the overview spend their time in the walk** (the "catalog walk, visibility, search" row):
  they test visibility and words on a country's assessments, and the overview sorts and presents them; they are not
  part of the goal.
- **Before these two changes** (${PREVIOUS.commit}, measured the same day on the same machine just before): list
  ${PREVIOUS.listRps} req/s against health's ${PREVIOUS.healthRps} (${PREVIOUS.ratio}), p99 ${PREVIOUS.p99} ms; each list request then made five database
  round trips (three for auth, two for the freshness check) and spent ${PREVIOUS.cpuMs} ms of hub CPU against health's ${PREVIOUS.healthCpuMs}.
- **A country filter walks that country only**: the catalog groups live assessments by country, so the filtered list
  and the overview test visibility on one country's assessments instead of all ${seeded.assessments.toLocaleString('en')}.
- **\`_id\` lookups are pushed down but not index-backed** on FerretDB 1.24/SQLite: from the benchmark's connection a
  document inserted early is found quickly, one inserted late or one that does not exist costs a scan of the table
  (the \`findById\` rows; FerretDB/FerretDB#4646 reports the unused \`_id\` index for the PostgreSQL backend). The hub's
  own read in the same run costs far less than those lookups — probably because its connection has just read the whole
  collection into SQLite's cache to load the catalog; not established. The list only looks up small collections.
`;
}
