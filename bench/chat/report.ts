import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSection } from '../assessments/report.js';

export const CHAT_TITLE = 'Chat (issue 5)';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCHMARKS_FILE = path.join(root, 'docs', 'benchmarks.md');

const INTRO = `## ${CHAT_TITLE}

Two scripts write this section, each its own part: \`npx tsx bench/chat/run.ts\` (real-time delivery) and
\`npx tsx bench/chat/longRoom.ts\` (history pages of a room of 100,000 messages). Everything runs on 127.0.0.1 on the
embedded FerretDB 1.24/SQLite in a temporary directory and stops by itself.`;

/**
 * Writes one part (`### partTitle` and what follows) of the chat section of docs/benchmarks.md:
 * replaces that part (up to the next `### ` of the section) or appends it, keeping the other part
 * and every other benchmark's section as they are (read, modify, write at once).
 */
export function writeChatPart(partTitle: string, markdown: string): void {
  const text = existsSync(BENCHMARKS_FILE) ? readFileSync(BENCHMARKS_FILE, 'utf8') : '';
  const heading = `## ${CHAT_TITLE}\n`;
  const start = text.indexOf(heading);
  let current = INTRO;
  if (start >= 0) {
    const rest = text.slice(start + heading.length);
    const next = rest.search(/\n## /);
    current = text.slice(start, next < 0 ? text.length : start + heading.length + next).trimEnd();
  }
  const part = `### ${partTitle}\n`;
  const at = current.indexOf(part);
  let updated: string;
  if (at < 0) {
    updated = `${current}\n\n${markdown.trimEnd()}`;
  } else {
    const after = current.slice(at + part.length);
    const next = after.search(/\n### /);
    const end = next < 0 ? current.length : at + part.length + next + 1;
    updated = `${current.slice(0, at)}${markdown.trimEnd()}\n${next < 0 ? '' : `\n${current.slice(end)}`}`;
  }
  writeSection(BENCHMARKS_FILE, CHAT_TITLE, updated);
}

/** ms with sensible precision for a table. */
export const fmt = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

/** Percentile `q` (0..1) of sorted numbers. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Prints one progress line. */
export const step = (message: string) => process.stdout.write(`[chat ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
