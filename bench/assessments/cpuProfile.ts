import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The parts of a V8 `.cpuprofile` (node --cpu-prof) read here. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber?: number } }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A window of the hub's run, in the benchmark's wall-clock ms. */
export interface Window {
  name: string;
  from: number;
  to: number;
}

/** CPU time of the hub in one window, by category, in ms. */
export interface WindowProfile {
  name: string;
  wallMs: number;
  busyMs: number;
  byCategory: [string, number][];
  /** The functions with the most self time: `name (file:line)`, ms. */
  hottest: [string, number][];
}

// Ordered: the first pattern that matches a frame's URL (or function name) names its category.
const CATEGORIES: [string, RegExp][] = [
  ['MongoDB driver, BSON', /node_modules\/(mongodb|bson)\//],
  ['mongoose', /node_modules\/mongoose\//],
  ['auth: passport, JWT', /node_modules\/(passport|passport-jwt|jsonwebtoken|jws|jwa|ecdsa-sig-formatter)\//],
  ['logging (pino)', /node_modules\/(pino|pino-http|pino-std-serializers|sonic-boom|fast-redact|quick-format-unescaped)/],
  ['validation (zod)', /node_modules\/zod\//],
  [
    'Express, helmet',
    /node_modules\/(express|router|helmet|body-parser|finalhandler|send|on-finished|qs|content-type|type-is|accepts|negotiator|mime|etag|fresh|range-parser|depd|debug)/,
  ],
  // Both layouts: before issue 11 (services/assessmentCatalog.ts, …) and after it (repositories/, store/).
  ['audit trail', /server\/(services\/audit|repositories\/audit|models\/auditRecord)/],
  [
    'catalog walk, visibility, search',
    /server\/(services\/assessment(Catalog|Queries)|services\/assessments\/(queries|views)|repositories\/assessments|store\/(catalog|changeFeed)|policies\/|services\/(catalog|changeFeed))|shared\/search/,
  ],
  ['presenters', /server\/presenters\//],
  ['other hub code', /\/work\/|server\/|shared\//],
  ['Node core (http, net, streams)', /^node:/],
];

function categoryOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)' || functionName === '(program)') return 'idle';
  if (!url) return /stringify|parse|JSON/i.test(functionName) ? 'JSON (V8 built-ins)' : 'V8 built-ins, native';
  for (const [name, pattern] of CATEGORIES) if (pattern.test(url)) return name;
  return 'other libraries';
}

function functionLabel(frame: { functionName: string; url: string; lineNumber?: number }): string {
  const file = frame.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(server|shared)\//, '$1/');
  const name = frame.functionName || '(anonymous)';
  return file ? `${name} (${file}:${(frame.lineNumber ?? 0) + 1})` : name;
}

/** Reads the one profile in `dir` and splits the hub's CPU time into `windows`. */
export function analyseProfile(dir: string, exitedAt: number, windows: Window[]): WindowProfile[] {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return [];
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
  const category = new Map(profile.nodes.map((n) => [n.id, categoryOf(n.callFrame.url, n.callFrame.functionName)]));
  const label = new Map(profile.nodes.map((n) => [n.id, functionLabel(n.callFrame)]));
  // The profile's clock (µs) is not the wall clock: its end is taken as the moment the hub exited.
  const toWall = (us: number) => exitedAt - (profile.endTime - us) / 1000;
  const totals = windows.map(() => new Map<string, number>());
  const functions = windows.map(() => new Map<string, number>());
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const wall = toWall(t);
    const w = windows.findIndex((win) => wall >= win.from && wall < win.to);
    if (w < 0) continue;
    const name = category.get(profile.samples[i]!) ?? 'other libraries';
    const spent = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    totals[w]!.set(name, (totals[w]!.get(name) ?? 0) + spent);
    if (name === 'idle') continue;
    const fn = label.get(profile.samples[i]!) ?? '?';
    functions[w]!.set(fn, (functions[w]!.get(fn) ?? 0) + spent);
  }
  return windows.map((win, w) => {
    const byCategory = [...totals[w]!.entries()].filter(([name]) => name !== 'idle').sort((a, b) => b[1] - a[1]);
    const hottest = [...functions[w]!.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
    return { name: win.name, wallMs: win.to - win.from, busyMs: byCategory.reduce((a, [, v]) => a + v, 0), byCategory, hottest };
  });
}
