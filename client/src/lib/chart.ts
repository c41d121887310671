/** Geometry of the "overall risk over time" chart: scales, ticks, one polyline and marker per organisation. */
import type { RiskReading } from './api.js';

export interface ChartBox {
  width: number;
  height: number;
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface ChartPoint {
  x: number;
  y: number;
  reading: RiskReading;
}

export interface ChartSeries {
  organisationId: string;
  index: number;
  points: ChartPoint[];
  /** `points` attribute of the polyline. */
  line: string;
}

export interface ChartLayout {
  series: ChartSeries[];
  xTicks: { x: number; time: number }[];
  yTicks: { y: number; level: number }[];
  /** The span of the readings, to pick a date format. */
  spanDays: number;
}

const DAY = 86_400_000;

/** Lays the readings out in `box`; the organisations keep the order of `order` (their colour and marker follow). */
export function layoutChart(history: RiskReading[], order: string[], box: ChartBox): ChartLayout {
  const times = history.map((reading) => new Date(reading.publishedAt).getTime()).filter((time) => !Number.isNaN(time));
  let min = Math.min(...times);
  let max = Math.max(...times);
  if (!Number.isFinite(min)) {
    min = Date.now() - 30 * DAY;
    max = Date.now();
  }
  if (max - min < 14 * DAY) {
    // One date (or a few close ones): give the points room on both sides.
    min -= 15 * DAY;
    max += 15 * DAY;
  }
  const innerWidth = box.width - box.left - box.right;
  const innerHeight = box.height - box.top - box.bottom;
  const x = (time: number) => box.left + ((time - min) / (max - min)) * innerWidth;
  const y = (level: number) => box.top + ((4 - level) / 4) * innerHeight;

  const series = order.map((organisationId, index) => {
    const points = history
      .filter((reading) => reading.organisationId === organisationId)
      .map((reading) => ({ reading, time: new Date(reading.publishedAt).getTime() }))
      .sort((a, b) => a.time - b.time)
      .map(({ reading, time }) => ({ x: round(x(time)), y: round(y(reading.overallRisk)), reading }));
    return { organisationId, index, points, line: points.map((p) => `${p.x},${p.y}`).join(' ') };
  });

  const xTicks = timeTicks(min, max).map((time) => ({ x: round(x(time)), time }));
  const yTicks = [0, 1, 2, 3, 4].map((level) => ({ y: round(y(level)), level }));
  return { series, xTicks, yTicks, spanDays: (max - min) / DAY };
}

/** Round dates for the time axis: month starts (every 1, 2, 3, 6 or 12 months) or days, at most about six. */
export function timeTicks(min: number, max: number): number[] {
  const spanDays = (max - min) / DAY;
  const ticks: number[] = [];
  if (spanDays > 75) {
    const months = spanDays / 30.4;
    const step = [1, 2, 3, 6, 12, 24].find((candidate) => months / candidate <= 6) ?? 24;
    const start = new Date(min);
    const cursor = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    // Align to the step (quarters start in January, April…) so labels read naturally.
    while (cursor.getUTCMonth() % step !== 0) cursor.setUTCMonth(cursor.getUTCMonth() + 1);
    for (; cursor.getTime() <= max; cursor.setUTCMonth(cursor.getUTCMonth() + step)) ticks.push(cursor.getTime());
    return ticks;
  }
  const step = [1, 2, 5, 7, 14].find((candidate) => spanDays / candidate <= 6) ?? 14;
  const first = Math.ceil(min / DAY) * DAY;
  for (let time = first; time <= max; time += step * DAY) ticks.push(time);
  return ticks;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** An SVG path for marker `index` (circle, square, triangle, diamond, …) centred on (x, y), so lines differ by shape as well as colour. */
export function markerPath(index: number, x: number, y: number, r = 5): string {
  switch (index % 6) {
    case 0:
      return `M${x - r},${y}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
    case 1:
      return `M${x - r},${y - r}h${2 * r}v${2 * r}h${-2 * r}Z`;
    case 2:
      return `M${x},${y - r * 1.2}L${x + r * 1.15},${y + r * 0.9}L${x - r * 1.15},${y + r * 0.9}Z`;
    case 3:
      return `M${x},${y - r * 1.3}L${x + r * 1.3},${y}L${x},${y + r * 1.3}L${x - r * 1.3},${y}Z`;
    case 4:
      return `M${x - r},${y - r}L${x + r},${y + r}M${x + r},${y - r}L${x - r},${y + r}`;
    default:
      return `M${x},${y + r * 1.2}L${x + r * 1.15},${y - r * 0.9}L${x - r * 1.15},${y - r * 0.9}Z`;
  }
}
