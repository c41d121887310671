import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import bidiModule, { type Bidi } from 'bidi-js';
import { woffToSfnt } from './woff.js';

// Text on the brief's pages: Noto Sans (Latin, Latin Extended) and Noto Sans Arabic, the WOFF files
// of @fontsource (fontkit, under pdfkit, reads them and shapes Arabic with their OpenType tables).
// pdfkit lays a string out left to right, so a line is first cut by the Unicode bidirectional
// algorithm (bidi-js) into runs in visual order, each in the font of its script; an Arabic run goes
// in logical order and fontkit shapes it and puts it right to left.

/** The fonts a brief uses, by script and weight. */
export type FontKey = 'latin' | 'latin-bold' | 'latin-ext' | 'latin-ext-bold' | 'arabic' | 'arabic-bold';

const require = createRequire(import.meta.url);
const FONT_FILES: Record<FontKey, string> = {
  latin: '@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff',
  'latin-bold': '@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff',
  'latin-ext': '@fontsource/noto-sans/files/noto-sans-latin-ext-400-normal.woff',
  'latin-ext-bold': '@fontsource/noto-sans/files/noto-sans-latin-ext-700-normal.woff',
  arabic: '@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-400-normal.woff',
  'arabic-bold': '@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-700-normal.woff',
};

/** The font files, read once per process on first use (they are what the package ships; they never change). */
export function fontFiles(): Record<FontKey, Buffer> {
  return (fontCache ??= Object.fromEntries(Object.entries(FONT_FILES).map(([key, file]) => [key, woffToSfnt(readFileSync(require.resolve(file)))])) as Record<
    FontKey,
    Buffer
  >);
}
// A read-only cache of package files, not state the hub changes.
let fontCache: Record<FontKey, Buffer> | undefined;

// The package is CommonJS: at run time its default import is the factory its types call `default`.
const bidi = (bidiModule as unknown as () => Bidi)();

type Script = 'latin' | 'latin-ext' | 'arabic';

/** The font subset that holds a character (fontsource's unicode ranges). */
function scriptOf(code: number): Script {
  if ((code >= 0x0600 && code <= 0x08ff) || (code >= 0xfb50 && code <= 0xfdff) || (code >= 0xfe70 && code <= 0xfefc)) return 'arabic';
  if (code === 0x0131 || code === 0x0152 || code === 0x0153) return 'latin';
  if ((code >= 0x0100 && code <= 0x02ff) || (code >= 0x1d00 && code <= 0x1eff) || (code >= 0x2c60 && code <= 0x2c7f) || (code >= 0xa720 && code <= 0xa7ff))
    return 'latin-ext';
  return 'latin';
}

const fontOf = (script: Script, bold: boolean): FontKey => (bold ? `${script}-bold` : script);

// Marks that steer the algorithm and have no glyph.
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** `text` kept left to right as one piece wherever it stands (a date after Arabic words stays 2026-12-07). */
export const isolated = (text: string): string => `\u2066${text}\u2069`;

/** A piece of a line in one font and direction, in the order it is drawn (left to right). */
export interface Run {
  text: string;
  font: FontKey;
}

/** A line's runs in visual order; `rtl`: the paragraph's base direction. */
export function visualRuns(text: string, rtl: boolean, bold = false): Run[] {
  const clean = text.replace(/[\r\n\t]+/g, ' ');
  if (clean.length === 0) return [];
  const levels = bidi.getEmbeddingLevels(clean, rtl ? 'rtl' : 'ltr');
  const order = bidi.getReorderedIndices(clean, levels);
  const mirrored = bidi.getMirroredCharactersMap(clean, levels.levels);
  const runs: Run[] = [];
  let group: number[] = [];
  const flush = () => {
    if (group.length === 0) return;
    const odd = (levels.levels[group[0]!]! & 1) === 1;
    const script = scriptOf(clean.codePointAt(group[0]!)!);
    const chars = group.map((i) => mirrored.get(i) ?? clean[i]!);
    // fontkit puts an Arabic run right to left itself; it wants it in logical order.
    const logical = odd && script === 'arabic' ? chars.reverse() : chars;
    runs.push({ text: logical.join(''), font: fontOf(script, bold) });
    group = [];
  };
  for (const i of order) {
    if (BIDI_CONTROLS.test(clean[i]!)) continue;
    const last = group[group.length - 1];
    if (last !== undefined) {
      const odd = (levels.levels[last]! & 1) === 1;
      const sameLevel = levels.levels[last] === levels.levels[i];
      const next = odd ? last - 1 : last + 1;
      const sameScript = scriptOf(clean.codePointAt(last)!) === scriptOf(clean.codePointAt(i)!);
      if (!sameLevel || i !== next || !sameScript) flush();
    }
    group.push(i);
  }
  flush();
  return runs;
}
