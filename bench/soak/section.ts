import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { table } from '../assessments/report.js';
import { fmt, percentile } from '../chat/report.js';
import type { ApiTally } from './api.js';
import { slopePerMinute, type MemorySample } from './memory.js';
import type { Delivery, Minute } from './sockets.js';
import type { StorageCost } from './storageCost.js';

export const SOAK_TITLE = 'Soak (issue 7)';
// The soak is one part of issue 7's benchmarks; when no section of that issue exists yet, this one opens it.
const PARENT = '## Hardening (issue 7)';

/** Everything the soak measured, for its part of docs/benchmarks.md. */
export interface SoakInput {
  seconds: number;
  rate: number;
  clients: number;
  users: number;
  rooms: number;
  roomsPerClient: number;
  sendersPerRoom: number[];
  clientsPerRoom: number[];
  busiestUserRate: number;
  setupSeconds: number;
  connectSeconds: number;
  world: { assessments: number; documents: number };
  minutes: Minute[];
  refusedCodes: Record<string, number>;
  acked: number;
  ackedButNotStored: number;
  stored: Map<string, Map<number, string | null>>;
  lastSeqs: Map<string, number>;
  delivery: Delivery;
  api: ApiTally[];
  memory: Map<string, MemorySample[]>;
  memoryBefore: Record<string, number>;
  sampleEvery: number;
  cpu: Record<string, number>;
  waiting: Record<string, number>;
  loadBefore: number;
  /** Seconds waited for the last deliveries after the load stopped. */
  drainSeconds: number;
  /** Each hub's hub_database_errors_total by label set at the end. */
  dbErrors: Record<string, Record<string, number>>;
  /** Which code was measured. */
  code: string;
  /** Messages some member socket never got that had been acknowledged to their sender. */
  lostButAcked: number;
  /** The hubs' log lines at level error or above, by message. */
  hubErrors: Record<string, number>;
  /** What the database's recurring reads cost at the end. */
  storage: StorageCost;
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const pct = (values: number[]) => {
  const s = sorted(values);
  return s.length ? `${fmt(percentile(s, 0.5))} / ${fmt(percentile(s, 0.99))}` : '—';
};
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
const mib = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '—');
const signed = (value: number, digits = 0) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(digits)}` : '—');
const count = (record: Record<string | number, number>) =>
  Object.entries(record)
    .map(([k, n]) => `${n}× ${k}`)
    .join(', ');

/** What the reads the hub repeats cost at the end: room block reads and the audit tip probe. */
function storageText(c: StorageCost): string {
  const room = c.busiestRoom;
  return (
    `in the busiest room's block (${room.messages} messages) a read past a head takes ${fmt(room.catchUpMs)} ms (FerretDB decodes the whole block for a range), ` +
    `an \`_id\` probe ${fmt(room.probeMs)} ms, a history page ${fmt(room.pageMs)} ms; ` +
    `the audit chain holds ${c.audit.records.toLocaleString('en')} records in ${c.audit.blocks} collection(s), a probe of its last record ${fmt(c.audit.probeMs)} ms.`
  );
}

/** Storage checks: each room's seqs are 1..n with no gap, and no clientMsgId was stored twice. */
function storage(input: SoakInput) {
  let gaps = 0;
  let twice = 0;
  let total = 0;
  for (const [roomId, seqs] of input.stored) {
    const last = input.lastSeqs.get(roomId) ?? 0;
    total += seqs.size;
    for (let seq = 1; seq <= last; seq++) if (!seqs.has(seq)) gaps++;
    const ids = [...seqs.values()].filter((id): id is string => id !== null);
    twice += ids.length - new Set(ids).size;
  }
  return { gaps, twice, total };
}

/** Memory by minute: `reduce` (mean, or min for the heap's floor) of each minute's samples (the first minute is samples at 0–59 s). */
function memoryByMinute(samples: MemorySample[], seconds: number, curve: Curve): number[] {
  const minutes = Math.ceil(seconds / 60);
  return Array.from({ length: minutes }, (_, m) => {
    const values = samples
      .filter((s) => s.at >= m * 60 && s.at < (m + 1) * 60 && s.at <= seconds + 1)
      .map(curve.value)
      .filter((v): v is number => v !== undefined && Number.isFinite(v));
    return values.length === 0 ? NaN : curve.floor ? Math.min(...values) : mean(values);
  });
}

interface Curve {
  name: string;
  process: string;
  value: (s: MemorySample) => number | undefined;
  /** The minute's lowest sample rather than its mean: for the heap, what survived the collections. */
  floor?: boolean;
  /** Part of the verdict (the benchmark's own process is shown, not judged). */
  judged: boolean;
}

const hubCurves = (hub: string): Curve[] => [
  { name: `${hub} RSS`, process: hub, value: (s) => s.rss, judged: true },
  { name: `${hub} heap total`, process: hub, value: (s) => s.heapTotal, judged: false },
  { name: `${hub} heap used (floor)`, process: hub, value: (s) => s.heapUsed, floor: true, judged: true },
];
const CURVES: Curve[] = [
  ...hubCurves('hub A'),
  ...hubCurves('hub B'),
  { name: 'FerretDB RSS', process: 'FerretDB', value: (s) => s.rss, judged: true },
  { name: 'benchmark RSS', process: 'benchmark', value: (s) => s.rss, judged: false },
];

// Flat: from the first minute to the last, growth of at most 5 % or 5 MiB (whichever is larger).
const FLAT_PERCENT = 5;
const FLAT_MIB = 5;

/** The markdown of the soak's part of docs/benchmarks.md. */
export function soakSection(input: SoakInput): string {
  const { minutes, delivery: d, api } = input;
  const health = api[0]!;
  const apiFailures = api.reduce((n, t) => n + Object.values(t.failures).reduce((a, b) => a + b, 0), 0);
  const sent = minutes.reduce((n, m) => n + m.sent, 0);
  const refused = minutes.reduce((n, m) => n + m.refused, 0);
  const unanswered = minutes.reduce((n, m) => n + m.unanswered, 0);
  const s = storage(input);
  const deliveries = minutes.reduce((n, m) => n + m.deliveries.length, 0);

  const minuteRows = minutes.map((m, i) => {
    const apiThisMinute = api.flatMap((t) => t.minutes[i] ?? []);
    return [
      i + 1,
      `${m.stored}/${m.sent}`,
      `${m.refused} / ${m.unanswered}`,
      pct(m.acks),
      m.deliveries.length.toLocaleString('en'),
      pct(m.deliveries),
      fmt(Math.max(0, ...m.deliveries)),
      apiThisMinute.length,
      pct(apiThisMinute),
      pct(health.minutes[i] ?? []),
    ];
  });
  const healthP50 = percentile(sorted(health.minutes.flat()), 0.5);
  const apiRows = api.map((t) => {
    const all = sorted(t.minutes.flat());
    const failures = Object.values(t.failures).reduce((a, b) => a + b, 0);
    return [
      `\`${t.name}\``,
      t.perSecond,
      t.requests,
      failures ? `${failures} (${count(t.failures)})` : '0',
      pct(all),
      `${(percentile(all, 0.5) / healthP50).toFixed(1)}×`,
    ];
  });

  const curves = CURVES.map((curve) => {
    const samples = input.memory.get(curve.process) ?? [];
    const byMinute = memoryByMinute(samples, input.seconds, curve);
    // A major collection comes every minute or two at this load, so a minute may have none: the heap's floor is
    // judged on the first and the last two minutes.
    const floorOf = (from: number, to: number) =>
      Math.min(
        ...samples
          .filter((x) => x.at >= from && x.at <= to)
          .map(curve.value)
          .filter((v): v is number => v !== undefined && Number.isFinite(v)),
      );
    const first = curve.floor && input.seconds >= 240 ? floorOf(0, 120) : byMinute[0]!;
    const last = curve.floor && input.seconds >= 240 ? floorOf(input.seconds - 120, input.seconds + 1) : byMinute[byMinute.length - 1]!;
    const growth = last - first;
    const known = Number.isFinite(growth);
    // Only growth counts against flatness: a curve that ends lower than it began has not grown.
    const flat = known && growth <= Math.max(FLAT_MIB, (FLAT_PERCENT / 100) * first);
    const during = samples.filter((x) => x.at >= 60 && x.at <= input.seconds + 1);
    const slope = curve.floor ? NaN : slopePerMinute(during, curve.value);
    const values = samples.map(curve.value).filter((v): v is number => v !== undefined && Number.isFinite(v));
    return { curve, samples, byMinute, first, last, growth, known, flat, slope, peak: Math.max(...values) };
  }).filter((c) => c.known);
  const memoryRows = curves[0]!.byMinute.map((_, i) => [i + 1, ...curves.map((c) => mib(c.byMinute[i]!))]);
  const growthRows = curves.map((c) => [
    c.curve.name,
    mib(c.first),
    mib(c.last),
    `${signed(c.growth)} MiB (${signed((100 * c.growth) / c.first, 1)} %)`,
    Number.isFinite(c.slope) ? `${signed(c.slope, 1)} MiB/min` : '—',
    mib(c.peak),
    !c.curve.judged ? '(not judged)' : c.flat ? 'flat' : '**growing**',
  ]);
  const judged = curves.filter((c) => c.curve.judged);
  const memoryFlat = judged.length > 0 && judged.every((c) => c.flat);
  const growing = judged.filter((c) => !c.flat).map((c) => c.curve.name);
  const dbErrorText = Object.entries(input.dbErrors)
    .map(([hub, series]) => `${hub} ${series['kind="request"'] ?? '?'}`)
    .join(', ');
  const disconnects = d.disconnects.length;
  const errors = apiFailures + refused + unanswered + disconnects;
  const lost = d.missing;
  const goal = errors === 0 && lost === 0 && d.duplicates === 0 && s.gaps === 0 && s.twice === 0 && input.ackedButNotStored === 0 && memoryFlat;
  const perRoom = [...input.lastSeqs.values()];
  const cpuCell = Object.keys(input.cpu)
    .map((k) => `${k} ${input.cpu[k]!.toFixed(0)} / ${(input.waiting[k] ?? 0).toFixed(0)}`)
    .join(', ');
  const before = Object.entries(input.memoryBefore)
    .map(([k, v]) => `${k} ${mib(v)}`)
    .join(', ');

  return `### ${SOAK_TITLE}

\`npx tsx bench/soak/run.ts\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores, load average ${input.loadBefore.toFixed(1)} at the start and ${os.loadavg()[0]!.toFixed(1)} at the end.
Two hub processes (\`node --import tsx server/index.ts\`, \`REDIS_URL\` = the machine's Redis, \`METRICS_PORT\` set so their
\`/metrics\` give the V8 heap) on one embedded FerretDB 1.24/SQLite in a temporary directory. Set up through the API as the Office admin
(${input.setupSeconds.toFixed(0)} s): ${input.users} members of the Office and four partners (the chat benchmark's audience), ${input.rooms} situation rooms
of the Office with two to four partners, ${input.world.assessments} published assessments shared with all, ${input.world.documents} documents.
${input.clients} socket.io clients (client *i* is user *i* mod ${input.users}; a user's clients alternate between the two processes;
websocket transport) each joined to ${input.roomsPerClient} rooms of its organisation: ${Math.min(...input.clientsPerRoom)}–${Math.max(...input.clientsPerRoom)} clients a room, on
both processes (${input.connectSeconds.toFixed(0)} s to connect and join). For **${input.seconds} s**: ${input.rate} messages/s over the rooms (${(input.rate / input.rooms).toFixed(2)}
a room, staggered), each from the next of the room's users in turn (${Math.min(...input.sendersPerRoom)}–${Math.max(...input.sendersPerRoom)} a room; the busiest
user sends ${input.busiestUserRate.toFixed(2)} messages/s, the limit is 2), with \`message:send\` and a \`clientMsgId\`; and alongside, open-loop (a request
starts on the clock, never waiting for the previous one), alternating between the two processes, the API requests of the second table.
Latency is from the sender's \`emit\` to each member socket's \`message:new\`, by the minute the message was sent. Afterwards every room is read
back through the API and each socket's stream of each of its rooms is checked against it. Memory: VmRSS from \`/proc/<pid>/status\` of both hubs,
FerretDB and the benchmark process, and the hubs' \`nodejs_heap_size_total_bytes\` and \`nodejs_heap_size_used_bytes\` every ${input.sampleEvery} s (MiB; a
minute's figure is the mean of its samples, but for heap used their lowest, the floor the collections come back to). Measured: ${input.code}.

| minute | stored/sent | refused / unanswered | ack p50 / p99 ms | deliveries | delivery p50 / p99 ms | delivery max ms | API requests | API p50 / p99 ms | health p50 / p99 ms |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${minuteRows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

${table(['API target', 'req/s', 'requests', 'non-2xx', 'p50 / p99 ms', 'p50 vs health'], apiRows)}

- **Errors**: ${apiFailures} API answers outside 2xx${apiFailures ? ` (first: ${api.map((t) => t.firstFailure).filter(Boolean)[0]})` : ''}; ${refused} sends refused${refused ? ` (${count(input.refusedCodes)})` : ''}, ${unanswered} unanswered within 10 s; ${disconnects} disconnects${
    disconnects
      ? ` (${d.disconnects
          .slice(0, 3)
          .map((x) => `${x.reason} at ${x.at.toFixed(0)} s`)
          .join(', ')}${disconnects > 3 ? ', …' : ''})`
      : ''
  }.
  Requests the hubs themselves answered 503 because the database was taken for down (\`hub_database_errors_total{kind="request"}\`, all
  traffic including the set-up): ${dbErrorText}.
- **Messages**: ${input.acked} of ${sent} sends acknowledged; the rooms hold ${s.total} (${Math.min(...perRoom)}–${Math.max(...perRoom)} a room), seqs without gaps: ${s.gaps === 0 ? 'yes' : `no, ${s.gaps} missing`};
  a \`clientMsgId\` stored twice: ${s.twice}; acknowledged but not stored under the acknowledged seq: ${input.ackedButNotStored}.
- **Delivery**: ${d.complete}/${d.socketRooms} socket-room streams got every stored message of the room exactly once and in seq order
  (${deliveries.toLocaleString('en')} timed deliveries of ${d.expected.toLocaleString('en')} expected): lost ${d.missing}, duplicated ${d.duplicates}, out of order ${d.outOfOrder}, not stored ${d.unknown}.
  After the load stopped, the benchmark waited ${input.drainSeconds.toFixed(0)} s for the last deliveries (until every stream was complete, or nothing
  arrived for 30 s); a delivery still missing then counts as lost. ${d.reachedNobody} stored messages reached none of their room's sockets;
  ${input.lostButAcked} of the messages someone missed had been acknowledged to their sender${
    d.lossesByRoom.length
      ? `; losses in ${d.lossesByRoom.length} room(s) (${d.lossesByRoom
          .slice(0, 4)
          .map((l) => `${l.streams}/${l.of} streams missed ${l.seqs.length} seqs from ${l.seqs[0]}`)
          .join('; ')})`
      : ''
  }.
- **Hub log** (level error and above, both processes): ${
    Object.keys(input.hubErrors).length
      ? Object.entries(input.hubErrors)
          .map(([msg, n]) => `${n}× ${msg.replace(/\|/g, '/')}`)
          .join('; ')
      : 'none'
  }.
- **CPU** over the soak, % of one core on a core / waiting for one (runnable, but the machine's cores were busy): ${cpuCell}.
- **Database reads at the end** (median of 5, on the soak's database): ${storageText(input.storage)}

Memory (MiB; before the load: ${before}):

${table(['minute', ...curves.map((c) => c.curve.name)], memoryRows)}

Every sample (${input.sampleEvery} s apart, from the start of the load to after the last deliveries):

${curves.map((c) => `- ${c.curve.name.replace(' (floor)', '')}: ${c.samples.map((x) => mib(c.curve.value(x) ?? NaN)).join(', ')}`).join('\n')}

${table(['process', 'minute 1 (heap floor: minutes 1–2)', `minute ${curves[0]!.byMinute.length} (heap floor: the last two)`, 'growth', 'slope after minute 1', 'peak', `verdict (flat: growth ≤ ${FLAT_PERCENT} % or ${FLAT_MIB} MiB)`], growthRows)}

Goal — zero errors, zero lost or duplicated messages, memory flat: **${goal ? 'met' : 'missed'}** (${errors} errors, ${lost} lost, ${d.duplicates} duplicated,
memory ${memoryFlat ? 'flat' : `growing: ${growing.join(', ')}`}).${
    growing.includes('FerretDB RSS')
      ? `
FerretDB's RSS includes SQLite's page cache, and its database grew during the soak (${s.total.toLocaleString('en')} messages and every
draft and audit record of the API load): a rise over ${input.seconds} s does not by itself tell a cache from a leak; a longer run would.`
      : ''
  }`;
}

/**
 * Writes the soak's part (`### Soak (issue 7)` up to the next heading of its level or above) of
 * docs/benchmarks.md, read just before writing: replaces it where it is, or adds it at the end of the
 * issue-7 section, opening one when there is none. Nothing else in the file changes.
 */
export function writeSoakPart(file: string, markdown: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const part = markdown.trimEnd();
  const heading = `\n### ${SOAK_TITLE}\n`;
  const at = text.indexOf(heading);
  if (at >= 0) {
    const after = text.slice(at + heading.length);
    const next = after.search(/\n#{2,3} /);
    const rest = next < 0 ? '' : after.slice(next);
    writeFileSync(file, `${text.slice(0, at)}\n${part}\n${rest}${rest.endsWith('\n') || rest === '' ? '' : '\n'}`);
    return;
  }
  const parent = /\n## [^\n]*\(issue 7\)[^\n]*\n/.exec(text);
  if (!parent) {
    writeFileSync(file, `${text.trimEnd()}\n\n${PARENT}\n\n${part}\n`);
    return;
  }
  const afterParent = text.slice(parent.index + parent[0].length);
  const next = afterParent.search(/\n## /);
  const end = next < 0 ? text.length : parent.index + parent[0].length + next;
  writeFileSync(file, `${text.slice(0, end).trimEnd()}\n\n${part}\n${text.slice(end)}`);
}
