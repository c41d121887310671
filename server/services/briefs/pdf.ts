import PDFDocument from 'pdfkit';
import { Pen, type LineStyle } from './pen.js';
import { fontFiles, isolated, type FontKey } from './text.js';
import type { BriefView } from './view.js';
import { BRIEF_WORDS, type BriefWords } from './words.js';

// A4 in points, the margins, and where the marking bands sit.
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN = 48;
const TOP = 64;
const BOTTOM = PAGE_H - 60;
const BODY_W = PAGE_W - 2 * MARGIN;

const RISK_COLOURS = ['#cfe8cf', '#fff1a8', '#ffc766', '#f4845f', '#c0392b'];
const SERIES = ['#1f6feb', '#d35400', '#16a085', '#8e44ad', '#c0392b', '#2c3e50', '#b7950b', '#7f8c8d'];
const TLP_COLOURS: Record<string, string> = { clear: '#555555', green: '#2e9e2e', amber: '#cc8800', 'amber+strict': '#cc8800', red: '#d0021b' };
const LEVEL_COLOURS: Record<string, string> = { watch: '#b7950b', warning: '#d35400', urgent: '#c0392b' };

const text: LineStyle = { size: 9.5 };
const small: LineStyle = { size: 8, color: '#555555' };
const heading: LineStyle = { size: 13, bold: true, color: '#0b3d6b' };

const day = (at: Date) => isolated(at.toISOString().slice(0, 10));
const minute = (at: Date) => isolated(at.toISOString().slice(0, 16).replace('T', ' '));

/** Lays out one brief: the caller's view of a country on A4 pages, marked on every page. */
class BriefWriter {
  readonly doc = new PDFDocument({ size: 'A4', margin: 0, bufferPages: true, info: { Title: '', Producer: 'Partner Hub' } });
  readonly pen: Pen;
  readonly words: BriefWords;
  y = TOP;

  constructor(readonly view: BriefView) {
    this.words = BRIEF_WORDS[view.lang];
    this.pen = new Pen(this.doc, view.lang === 'ar', PAGE_W);
    for (const [key, bytes] of Object.entries(fontFiles())) this.doc.registerFont(key as FontKey, bytes);
    this.doc.info.Title = this.words.title(view.country.name);
  }

  private org(id: string): string {
    return this.view.organisations.get(id) ?? id;
  }

  /** Room for `height` more points on this page, or a new page. */
  private need(height: number): void {
    if (this.y + height <= BOTTOM) return;
    this.doc.addPage();
    this.y = TOP;
  }

  private section(title: string): void {
    this.need(60);
    this.y += 10;
    this.pen.line(title, MARGIN, this.y, BODY_W, heading);
    this.y += 20;
  }

  private para(value: string, style: LineStyle, x = MARGIN, w = BODY_W, maxLines = 40): void {
    for (const line of this.pen.wrap(value, w, style).slice(0, maxLines)) {
      this.need(style.size * 1.4);
      this.pen.line(line, x, this.y, w, style);
      this.y += style.size * 1.4;
    }
  }

  title(): void {
    const v = this.view;
    this.pen.line(this.words.title(v.country.name), MARGIN, this.y, BODY_W, { size: 20, bold: true, color: '#0b3d6b' });
    this.y += 30;
    this.para(this.words.preparedFor(v.reader, minute(v.at)), small);
    this.y += 4;
  }

  /** Overall risk of every visible published reading, one line per organisation, over time. */
  chart(): void {
    const v = this.view;
    this.section(this.words.riskOverTime);
    if (v.history.length === 0) return this.para(this.words.noReadings, text);
    const height = 150;
    this.need(height + 50);
    const labelW = 70;
    const left = MARGIN + labelW;
    const w = BODY_W - labelW;
    const top = this.y + 6;
    const times = v.history.map((h) => h.publishedAt.getTime());
    let [t0, t1] = [Math.min(...times), Math.max(...times)];
    if (t0 === t1) [t0, t1] = [t0 - 86_400_000, t1 + 86_400_000];
    const yOf = (risk: number) => top + height - (risk / 4) * height;
    // Time runs the way the brief reads: right to left in Arabic.
    const xOf = (t: number) => this.pen.x(left + ((t - t0) / (t1 - t0)) * w, 0);
    const doc = this.doc;
    for (let risk = 0; risk <= 4; risk++) {
      doc
        .moveTo(this.pen.x(left, w), yOf(risk))
        .lineTo(this.pen.x(left, w) + w, yOf(risk))
        .lineWidth(0.5)
        .strokeColor('#d0d0d0')
        .stroke();
      this.pen.line(`${risk} ${this.words.risk[risk]}`, MARGIN, yOf(risk) - 5, labelW - 6, { size: 7, color: '#555555', align: 'end' });
    }
    const byOrg = new Map<string, { t: number; risk: number }[]>();
    for (const h of v.history) {
      const points = byOrg.get(h.organisationId) ?? [];
      points.push({ t: h.publishedAt.getTime(), risk: h.overallRisk });
      byOrg.set(h.organisationId, points);
    }
    [...byOrg.entries()].forEach(([, points], i) => {
      const colour = SERIES[i % SERIES.length]!;
      points.forEach((p, j) => {
        if (j === 0) doc.moveTo(xOf(p.t), yOf(p.risk));
        else doc.lineTo(xOf(p.t), yOf(p.risk));
      });
      doc.lineWidth(1.5).strokeColor(colour).stroke();
      for (const p of points) doc.circle(xOf(p.t), yOf(p.risk), 2).fill(colour);
    });
    this.y = top + height + 4;
    this.pen.line(day(new Date(t0)), left, this.y, 80, small);
    this.pen.line(day(new Date(t1)), left + w - 80, this.y, 80, { ...small, align: 'end' });
    this.y += 14;
    let x = MARGIN;
    [...byOrg.keys()].forEach((orgId, i) => {
      const label = this.pen.fit(this.org(orgId), 140, small);
      const lw = this.pen.width(label, small) + 22;
      if (x + lw > MARGIN + BODY_W) {
        x = MARGIN;
        this.y += 12;
      }
      this.pen.box(x, this.y + 2, 10, 6, SERIES[i % SERIES.length]!);
      this.pen.line(label, x + 14, this.y, lw - 14, small);
      x += lw;
    });
    this.y += 16;
  }

  /** The latest reading of each organisation: 14 factors and the overall risk, coloured by level. */
  matrix(): void {
    const v = this.view;
    this.section(this.words.matrix);
    if (v.latest.length === 0) return this.para(this.words.noReadings, text);
    const labelW = 190;
    const perTable = 6;
    for (let start = 0; start < v.latest.length; start += perTable) {
      const columns = v.latest.slice(start, start + perTable);
      const colW = (BODY_W - labelW) / columns.length;
      const rowH = 15;
      this.need(rowH * 17);
      const header: LineStyle = { size: 7.5, bold: true, align: 'center' };
      this.pen.line(this.words.factor, MARGIN, this.y + 4, labelW - 4, { ...header, align: 'start' });
      columns.forEach((c, i) => this.pen.line(this.org(c.organisationId), MARGIN + labelW + i * colW, this.y + 4, colW - 4, header));
      this.y += rowH + 2;
      const rows = [...v.factors.map((f) => ({ label: `${f.number}. ${f.title}`, level: (c: (typeof columns)[number]) => c.levels.get(f.number) })), null];
      for (const row of rows) {
        const label = row ? row.label : this.words.overall;
        const levelOf = row ? row.level : (c: (typeof columns)[number]) => c.overallRisk;
        this.pen.line(label, MARGIN, this.y + 3.5, labelW - 6, { size: 7.5, bold: !row });
        columns.forEach((c, i) => {
          const level = levelOf(c);
          const x = MARGIN + labelW + i * colW;
          this.pen.box(x + 1, this.y, colW - 2, rowH - 2, level === undefined ? '#eeeeee' : RISK_COLOURS[level]!);
          const label = level === undefined ? '–' : `${level} ${this.words.risk[level]}`;
          this.pen.line(label, x + 2, this.y + 3, colW - 4, { size: 7, align: 'center', color: level === 4 ? '#ffffff' : '#1a1a1a', bold: !row });
        });
        this.y += rowH;
      }
      this.y += 8;
    }
  }

  /** Open alerts with their acknowledgements and actions. */
  alerts(): void {
    const v = this.view;
    this.section(this.words.openAlerts);
    if (v.alerts.length === 0) return this.para(this.words.noAlerts, text);
    for (const alert of v.alerts) {
      this.need(70);
      const badge = this.words.levels[alert.level] ?? alert.level;
      const badgeW = this.pen.width(badge, { size: 8, bold: true }) + 10;
      this.pen.box(MARGIN, this.y, badgeW, 13, LEVEL_COLOURS[alert.level] ?? '#555555');
      this.pen.line(badge, MARGIN + 5, this.y + 2, badgeW - 6, { size: 8, bold: true, color: '#ffffff' });
      this.pen.line(alert.title, MARGIN + badgeW + 8, this.y, BODY_W - badgeW - 8, { size: 11, bold: true });
      this.y += 17;
      this.para(`${this.words.issuedBy(this.org(alert.organisationId), minute(new Date(alert.createdAt)))} · TLP:${alert.tlp.toUpperCase()}`, small);
      if (alert.summary) this.para(alert.summary, text, MARGIN, BODY_W, 12);
      if (alert.acknowledgements.length > 0) {
        const acks = alert.acknowledgements.map((k) => `${this.org(k.organisationId)} ${minute(new Date(k.at))}${k.userName ? ` (${k.userName})` : ''}`);
        this.para(`${this.words.acknowledged}: ${acks.join(' · ')}`, small);
      }
      if (alert.actions.length > 0) this.actions(alert);
      this.y += 10;
    }
  }

  private actions(alert: BriefView['alerts'][number]): void {
    this.need(30);
    this.y += 3;
    const cols = [
      { w: BODY_W - 250, label: this.words.actions },
      { w: 120, label: this.words.owner },
      { w: 65, label: this.words.due },
      { w: 65, label: '' },
    ];
    const head: LineStyle = { size: 7.5, bold: true, color: '#555555' };
    let x = MARGIN;
    for (const c of cols) {
      this.pen.line(c.label, x, this.y, c.w - 6, head);
      x += c.w;
    }
    this.y += 12;
    for (const action of alert.actions) {
      const lines = this.pen.wrap(action.text, cols[0]!.w - 6, text).slice(0, 6);
      this.need(lines.length * 13 + 4);
      const cells = [this.org(action.ownerOrganisationId), isolated(action.dueDate), this.words.statuses[action.status] ?? action.status];
      lines.forEach((line, i) => this.pen.line(line, MARGIN, this.y + i * 13, cols[0]!.w - 6, text));
      x = MARGIN + cols[0]!.w;
      cells.forEach((cell, i) => {
        this.pen.line(cell, x, this.y, cols[i + 1]!.w - 6, text);
        x += cols[i + 1]!.w;
      });
      this.y += lines.length * 13 + 3;
    }
  }

  /** The documents of the country the caller sees. */
  documents(): void {
    const v = this.view;
    this.section(this.words.documents);
    if (v.documents.length === 0) return this.para(this.words.noDocuments, text);
    for (const d of v.documents) {
      this.need(14);
      this.pen.line(d.title, MARGIN, this.y, BODY_W - 200, text);
      this.pen.line(this.words.classifications[d.classification] ?? d.classification, MARGIN + BODY_W - 195, this.y, 120, small);
      this.pen.line(day(d.updatedAt), MARGIN + BODY_W - 70, this.y, 70, { ...small, align: 'end' });
      this.y += 14;
    }
  }

  /** The highest classification and TLP of what the brief shows, at the top and foot of every page. */
  mark(): void {
    const v = this.view;
    const range = this.doc.bufferedPageRange();
    const marking = `${this.words.classifications[v.classification]} · TLP:${v.tlp.toUpperCase()}`;
    const style: LineStyle = { size: 9, bold: true, align: 'center', color: TLP_COLOURS[v.tlp] ?? '#1a1a1a' };
    for (let i = 0; i < range.count; i++) {
      this.doc.switchToPage(range.start + i);
      this.pen.line(marking, MARGIN, 24, BODY_W, style);
      this.pen.line(marking, MARGIN, PAGE_H - 40, BODY_W, style);
      this.pen.line(this.words.page(i + 1, range.count), MARGIN, PAGE_H - 28, BODY_W, { ...small, align: 'end' });
    }
  }

  /** The whole brief as PDF bytes. */
  render(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('data', (chunk: Buffer) => chunks.push(chunk));
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
    });
    this.title();
    this.chart();
    this.matrix();
    this.alerts();
    this.documents();
    this.mark();
    this.doc.end();
    return done;
  }
}

/** Renders a country brief (pdfkit; docs/architecture.md says why this route). */
export function renderBrief(view: BriefView): Promise<Buffer> {
  return new BriefWriter(view).render();
}
