import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const INTRO = `# Benchmarks

Measured on the development machine: 2 cores, shared with other work, so absolute figures are noisy.
Each benchmark therefore measures a baseline (\`GET /api/health\`) in the same run and reports its
figures as ratios to it; compare ratios between runs, not requests per second.
Each section is written by its benchmark script and replaced when the script runs again.
`;

/**
 * Writes `section` (markdown starting with `## title`) into `file`: replaces the section of that
 * title (up to the next `## ` heading) or appends it; creates the file with the intro if needed.
 */
export function writeSection(file: string, title: string, section: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : INTRO;
  const heading = `## ${title}`;
  const start = text.indexOf(`${heading}\n`);
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section.trimEnd()}\n`);
    return;
  }
  const rest = text.slice(start + heading.length);
  const next = rest.search(/\n## /);
  const end = next < 0 ? text.length : start + heading.length + next + 1;
  writeFileSync(file, `${text.slice(0, start)}${section.trimEnd()}\n${next < 0 ? '' : `\n${text.slice(end)}`}`);
}

/** A markdown table. */
export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Mean, median and 99th percentile of `n` durations in ms. */
export interface Stats {
  mean: number;
  p50: number;
  p99: number;
  n: number;
}

/** The Stats of durations in ms. */
export function stats(ms: number[]): Stats {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { mean: ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length), p50: at(0.5), p99: at(0.99), n: ms.length };
}

/** A number of ms for a table. */
export const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
