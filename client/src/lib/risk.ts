/** Words and colour classes for the codes of an assessment: risk levels, trends, status, classification, crimes. */
import type { AtrocityCrime, Trend } from '../../../shared/framework/index.js';
import type { Classification, SharingScope } from '../../../shared/sharing.js';
import type { AssessmentStatus } from './api.js';
import type { I18n, MessageKey } from './state/i18n.svelte.js';

/** 0 none … 4 very high (§6). */
export const LEVELS = [0, 1, 2, 3, 4] as const;

const LEVEL: readonly MessageKey[] = ['level_0', 'level_1', 'level_2', 'level_3', 'level_4'];
const TREND: Record<Trend, MessageKey> = { improving: 'trend_improving', stable: 'trend_stable', deteriorating: 'trend_deteriorating' };
const STATUS: Record<AssessmentStatus, MessageKey> = { draft: 'status_draft', published: 'status_published' };
const CLASSIFICATION: Record<Classification, MessageKey> = {
  unclassified: 'classification_unclassified',
  confidential: 'classification_confidential',
  'strictly-confidential': 'classification_strictly_confidential',
};
const SCOPE: Record<SharingScope, MessageKey> = { organisation: 'scope_organisation', office: 'scope_office', selected: 'scope_selected', all: 'scope_all' };
const CRIME: Record<AtrocityCrime, MessageKey> = {
  genocide: 'crime_genocide',
  'crimes-against-humanity': 'crime_against_humanity',
  'war-crimes': 'crime_war_crimes',
};

/** The word for a level ("High"); unknown values show as they are. */
export function levelLabel(i18n: I18n, level: number): string {
  const key = LEVEL[level];
  return key ? i18n.t(key) : String(level);
}

/** "3 · High": the number and the word, so the level never rests on colour alone. */
export function levelText(i18n: I18n, level: number): string {
  return i18n.t('level_with_number', { number: level, label: levelLabel(i18n, level) });
}

/** The CSS class that colours a level (`risk-0` … `risk-4`), or `risk-none` when not assessed. */
export function levelClass(level: number | null | undefined): string {
  return typeof level === 'number' && level >= 0 && level <= 4 ? `risk-${level}` : 'risk-none';
}

/** A trend as words. */
export function trendLabel(i18n: I18n, trend: string): string {
  return trend in TREND ? i18n.t(TREND[trend as Trend]) : trend;
}

/** An assessment status as words. */
export function statusLabel(i18n: I18n, status: string): string {
  return status in STATUS ? i18n.t(STATUS[status as AssessmentStatus]) : status;
}

/** A classification as words. */
export function classificationLabel(i18n: I18n, classification: string): string {
  return classification in CLASSIFICATION ? i18n.t(CLASSIFICATION[classification as Classification]) : classification;
}

/** A sharing scope as words. */
export function scopeLabel(i18n: I18n, scope: string): string {
  return scope in SCOPE ? i18n.t(SCOPE[scope as SharingScope]) : scope;
}

/** An atrocity crime as words. */
export function crimeLabel(i18n: I18n, crime: AtrocityCrime): string {
  return i18n.t(CRIME[crime]);
}

/** A calendar date (`2026-07-01`) in the reader's language, without shifting it across time zones. */
export function dateLabel(i18n: I18n, date: string | null | undefined): string {
  if (!date) return '';
  const parsed = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) return date;
  return new Intl.DateTimeFormat(i18n.locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(parsed);
}

/** A period "1 Jul 2026 – 30 Sept 2026" (or one end of it), empty when neither end is set. */
export function periodLabel(i18n: I18n, start: string | null, end: string | null): string {
  if (start && end) return i18n.t('period_range', { start: dateLabel(i18n, start), end: dateLabel(i18n, end) });
  if (start) return i18n.t('period_from', { start: dateLabel(i18n, start) });
  if (end) return i18n.t('period_until', { end: dateLabel(i18n, end) });
  return '';
}

/** Groups of the Framework's factors as the editor and the pages show them. */
export interface FactorGroup {
  key: string;
  title: string;
  /** A short title for tight places (the factor strip). */
  short: string;
  numbers: number[];
}

/** Common factors 1–8, then the specific ones by crime: genocide 9–10, crimes against humanity 11–12, war crimes 13–14. */
export function factorGroups(i18n: I18n): FactorGroup[] {
  const range = (numbers: number[]) => `${i18n.number(numbers[0]!)}–${i18n.number(numbers.at(-1)!)}`;
  const common = [1, 2, 3, 4, 5, 6, 7, 8];
  const specific = (key: AtrocityCrime, numbers: number[]): FactorGroup => ({
    key,
    title: i18n.t('factors_specific_to', { crime: crimeLabel(i18n, key), range: range(numbers) }),
    short: i18n.t('factors_specific_short', { crime: crimeLabel(i18n, key) }),
    numbers,
  });
  return [
    { key: 'common', title: i18n.t('factors_common', { range: range(common) }), short: i18n.t('factors_common_short'), numbers: common },
    specific('genocide', [9, 10]),
    specific('crimes-against-humanity', [11, 12]),
    specific('war-crimes', [13, 14]),
  ];
}
