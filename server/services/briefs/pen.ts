import type PDFDocument from 'pdfkit';
import { visualRuns, type Run } from './text.js';

type Doc = InstanceType<typeof PDFDocument>;

/** Where the baseline sits below a line's top, as a share of the font size. */
const BASELINE = 0.95;

/** How a line is set: size in points, weight, colour, and where in its box it sits. */
export interface LineStyle {
  size: number;
  bold?: boolean;
  color?: string;
  /** `start`: the reading side (right in Arabic); `end`: the other. */
  align?: 'start' | 'end' | 'center';
}

/**
 * Writes lines of mixed-script text on a pdfkit document in the brief's reading direction: boxes are
 * given as if the page read left to right and mirrored for Arabic, so layout code is written once.
 */
export class Pen {
  // A brief sets the same strings (names, labels) many times: runs and widths are kept for the document.
  private readonly runs = new Map<string, Run[]>();
  private readonly widths = new Map<string, number>();

  constructor(
    readonly doc: Doc,
    readonly rtl: boolean,
    readonly pageWidth: number,
  ) {}

  /** The left edge on the page of a box that starts `x` points from the reading side and is `w` wide. */
  x(x: number, w: number): number {
    return this.rtl ? this.pageWidth - x - w : x;
  }

  private runsOf(text: string, bold = false): Run[] {
    const key = `${bold ? 1 : 0}${text}`;
    let runs = this.runs.get(key);
    if (!runs) this.runs.set(key, (runs = visualRuns(text, this.rtl, bold)));
    return runs;
  }

  private runWidth(run: Run, size: number): number {
    const key = `${run.font}:${size}:${run.text}`;
    let width = this.widths.get(key);
    if (width === undefined) this.widths.set(key, (width = this.doc.font(run.font).fontSize(size).widthOfString(run.text)));
    return width;
  }

  /** The width of `text` set in `style`. */
  width(text: string, style: LineStyle): number {
    return this.runsOf(text, style.bold).reduce((sum, run) => sum + this.runWidth(run, style.size), 0);
  }

  /** `text` cut (with an ellipsis) to fit `w` points. */
  fit(text: string, w: number, style: LineStyle): string {
    if (this.width(text, style) <= w) return text;
    let cut = text;
    while (cut.length > 1 && this.width(`${cut}…`, style) > w) cut = cut.slice(0, Math.max(1, Math.floor(cut.length * 0.9)));
    return `${cut.trimEnd()}…`;
  }

  /** Draws one line in the box (`x` from the reading side, `w` wide) with its top at `y`. */
  line(text: string, x: number, y: number, w: number, style: LineStyle): void {
    const runs = this.runsOf(this.fit(text, w, style), style.bold);
    const total = runs.reduce((sum, run) => sum + this.runWidth(run, style.size), 0);
    const left = this.x(x, w);
    const align = style.align ?? 'start';
    const towardsRight = (align === 'start') === this.rtl;
    let at = align === 'center' ? left + (w - total) / 2 : towardsRight ? left + w - total : left;
    this.doc.fillColor(style.color ?? '#1a1a1a');
    for (const run of runs) {
      // On one baseline whatever the font (Noto Sans Arabic rises higher than Noto Sans).
      this.doc
        .font(run.font)
        .fontSize(style.size)
        .text(run.text, at, y + style.size * BASELINE, { lineBreak: false, baseline: 'alphabetic' });
      at += this.runWidth(run, style.size);
    }
  }

  /** The lines `text` breaks into at word boundaries to fit `w` (a word longer than a line is cut). */
  wrap(text: string, w: number, style: LineStyle): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split(/\r?\n/)) {
      let current = '';
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        const next = current ? `${current} ${word}` : word;
        if (current && this.width(next, style) > w) {
          lines.push(current);
          current = word;
        } else current = next;
      }
      if (current) lines.push(current);
    }
    return lines;
  }

  /** Draws `text` wrapped to `w`, at most `maxLines` lines; answers the height used. */
  paragraph(text: string, x: number, y: number, w: number, style: LineStyle, maxLines = 40): number {
    const lineHeight = style.size * 1.35;
    const lines = this.wrap(text, w, style);
    const shown = lines.slice(0, maxLines);
    if (lines.length > maxLines) shown[maxLines - 1] = `${shown[maxLines - 1]} …`;
    shown.forEach((line, i) => this.line(line, x, y + i * lineHeight, w, style));
    return shown.length * lineHeight;
  }

  /** Fills a box (`x` from the reading side). */
  box(x: number, y: number, w: number, h: number, color: string): void {
    this.doc.rect(this.x(x, w), y, w, h).fill(color);
  }
}
