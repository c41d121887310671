// The stamp's one line of text as a small PDF page of its own (pdfkit), drawn onto every page of the
// downloaded file by ./pdf.ts. pdfkit shapes through fontkit (Arabic joining forms, right-to-left glyph
// order within a run); what it does not do is the Unicode bidi algorithm across runs, so the line is
// cut here into runs of one embedding level (bidi-js) and one font, placed in visual order.
import bidiModule, { type Bidi } from 'bidi-js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';

/** The stamp's font size in points; the line is scaled down on a page narrower than it. */
export const STAMP_FONT_SIZE = 8;
const PADDING = 3;

// Noto Sans as fontsource ships it: one file per script. Arabic letters go to Noto Sans Arabic, the
// rest to the subset that holds them (basic Latin by default).
const FONT_FILES = {
  arabic: ['noto-sans-arabic', 'noto-sans-arabic-arabic-400-normal.woff'],
  latin: ['noto-sans', 'noto-sans-latin-400-normal.woff'],
  latinExt: ['noto-sans', 'noto-sans-latin-ext-400-normal.woff'],
  greek: ['noto-sans', 'noto-sans-greek-400-normal.woff'],
  cyrillic: ['noto-sans', 'noto-sans-cyrillic-400-normal.woff'],
} as const;
type FontName = keyof typeof FONT_FILES;
/** The font files the stamp is set in, by name. */
export type StampFonts = Record<FontName, Buffer>;

// bidi-js is CommonJS whose typings declare an ES default export: at run time the import itself is the factory.
const bidiFactory = bidiModule as unknown as () => Bidi;

const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u0870-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;

function fontOf(char: string, rtl: boolean): FontName {
  if (ARABIC.test(char) || (rtl && /\s/.test(char))) return 'arabic';
  const code = char.codePointAt(0) ?? 0;
  if (code >= 0x0370 && code <= 0x03ff) return 'greek';
  if (code >= 0x0400 && code <= 0x052f) return 'cyrillic';
  if ((code >= 0x0100 && code <= 0x024f) || (code >= 0x1e00 && code <= 0x1eff)) return 'latinExt';
  return 'latin';
}

/** The font files, read once per process (worker) that stamps. */
export function loadStampFonts(): StampFonts {
  const require = createRequire(import.meta.url);
  const dirOf = (pkg: string) => path.dirname(require.resolve(`@fontsource/${pkg}/package.json`));
  const entries = Object.entries(FONT_FILES).map(([name, [pkg, file]]) => [name, readFileSync(path.join(dirOf(pkg), 'files', file))]);
  return Object.fromEntries(entries) as StampFonts;
}

interface Run {
  text: string;
  font: FontName;
}

/**
 * The line cut into runs of one level and one font, in visual (left-to-right) order. An Arabic run
 * is given in logical order: fontkit shapes it and lays it out right to left itself; any other run at
 * a right-to-left level (brackets, punctuation) is reversed and mirrored here.
 */
export function visualRuns(line: string): Run[] {
  const bidi = bidiFactory();
  const chars = [...line];
  const text = chars.join('');
  const embedding = bidi.getEmbeddingLevels(text, 'ltr');
  // Levels are per UTF-16 unit; map each code point to the level of its first unit.
  const levels: number[] = [];
  let unit = 0;
  for (const char of chars) {
    levels.push(embedding.levels[unit] ?? 0);
    unit += char.length;
  }
  const logical: (Run & { level: number })[] = [];
  chars.forEach((char, i) => {
    const level = levels[i]!;
    const font = fontOf(char, level % 2 === 1);
    const last = logical.at(-1);
    if (last && last.level === level && last.font === font) last.text += char;
    else logical.push({ text: char, font, level });
  });
  // Rule L2 of the bidi algorithm at run granularity: from the highest level down to the lowest odd
  // one, reverse every sequence of runs at that level or higher.
  const order = logical.map((_, i) => i);
  const max = Math.max(0, ...levels);
  for (let level = max; level >= 1; level--) {
    for (let i = 0; i < order.length; i++) {
      if (logical[order[i]!]!.level < level) continue;
      let end = i;
      while (end + 1 < order.length && logical[order[end + 1]!]!.level >= level) end++;
      order.splice(i, end - i + 1, ...order.slice(i, end + 1).reverse());
      i = end;
    }
  }
  return order.map((i) => {
    const run = logical[i]!;
    if (run.level % 2 === 0 || run.font === 'arabic') return { text: run.text, font: run.font };
    const mirrored = [...run.text].reverse().map((char) => bidi.getMirroredCharacter(char) ?? char);
    return { text: mirrored.join(''), font: run.font };
  });
}

/** A one-page PDF exactly as large as `line` set in Noto Sans at STAMP_FONT_SIZE on a white band. */
export function renderStampLine(line: string, fonts: StampFonts): Promise<Buffer> {
  const runs = visualRuns(line);
  const doc = new PDFDocument({ size: [10, 10], margin: 0, autoFirstPage: false, compress: true });
  for (const name of Object.keys(fonts) as FontName[]) doc.registerFont(name, fonts[name]);
  const widths = runs.map((run) => doc.font(run.font).fontSize(STAMP_FONT_SIZE).widthOfString(run.text));
  const width = widths.reduce((sum, w) => sum + w, 0) + 2 * PADDING;
  const height = STAMP_FONT_SIZE * 1.6 + 2 * PADDING;
  const done = new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    doc.on('data', (part: Buffer) => parts.push(part));
    doc.on('end', () => resolve(Buffer.concat(parts)));
    doc.on('error', reject);
  });
  doc.addPage({ size: [width, height], margin: 0 });
  doc.rect(0, 0, width, height).fillOpacity(0.85).fill('#ffffff');
  doc.fillOpacity(1).fillColor('#7a0000');
  let x = PADDING;
  runs.forEach((run, i) => {
    doc
      .font(run.font)
      .fontSize(STAMP_FONT_SIZE)
      .text(run.text, x, PADDING + 1, { lineBreak: false });
    x += widths[i]!;
  });
  doc.end();
  return done;
}
