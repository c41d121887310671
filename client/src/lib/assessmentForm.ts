/**
 * The assessment editor's values as plain data: from and to the API's shape, checks with the shared
 * schema, and the three-way merge that re-applies a person's edits on top of a newer version.
 */
import {
  ASSESSMENT_SUMMARY_MAX_LENGTH,
  ASSESSMENT_TITLE_MAX_LENGTH,
  CreateAssessmentBody,
  FACTOR_NOTES_MAX_LENGTH,
  RISK_FACTOR_COUNT,
} from '../../../shared/schemas/assessments.js';
import { sharingProblem, type Classification, type SharingScope, type TlpLevel } from '../../../shared/sharing.js';
import type { Trend } from '../../../shared/framework/index.js';
import { ApiError, type Assessment, type AssessmentContent, type RiskFactorEntry } from './api.js';
import type { I18n } from './state/i18n.svelte.js';

/** One factor in the form; `level: null` means "not assessed" (the factor is left out of the assessment). */
export interface FactorValues {
  number: number;
  level: number | null;
  /** null: not stated yet; a rated factor needs one (§6 requires a trend), so saving asks for it. */
  trend: Trend | null;
  indicators: string[];
  notes: string;
}

/** Everything the editor edits. Dates are `YYYY-MM-DD` or empty. */
export interface FormValues {
  country: string;
  title: string;
  summary: string;
  periodStart: string;
  periodEnd: string;
  overallRisk: number | null;
  classification: Classification;
  scope: SharingScope;
  organisations: string[];
  /** §13: when each selected organisation's share ends (kept as the hub sent it). */
  expires: Record<string, string>;
  tlp: TlpLevel;
  discoverable: boolean;
  factors: FactorValues[];
}

/** Field → translated problem; keys are slots (`title`, `sharing`, `factor.8.notes`). */
export type FormErrors = Record<string, string>;

const NUMBERS = Array.from({ length: RISK_FACTOR_COUNT }, (_, i) => i + 1);

/** A blank assessment: nothing assessed yet, confidential, seen by the organisation only. */
export function emptyValues(country = ''): FormValues {
  return {
    country,
    title: '',
    summary: '',
    periodStart: '',
    periodEnd: '',
    overallRisk: null,
    classification: 'confidential',
    scope: 'organisation',
    organisations: [],
    expires: {},
    tlp: 'amber',
    discoverable: false,
    factors: NUMBERS.map((number) => ({ number, level: null, trend: null, indicators: [], notes: '' })),
  };
}

/** The form's values for an assessment as the hub sent it. */
export function valuesOf(a: Assessment): FormValues {
  const rated = new Map(a.riskFactors.map((factor) => [factor.number, factor]));
  return {
    country: a.country,
    title: a.title,
    summary: a.summary,
    periodStart: a.periodStart?.slice(0, 10) ?? '',
    periodEnd: a.periodEnd?.slice(0, 10) ?? '',
    overallRisk: a.overallRisk,
    classification: a.classification,
    scope: a.sharing.scope,
    organisations: [...a.sharing.organisations],
    expires: { ...a.sharing.expires },
    tlp: a.tlp,
    discoverable: a.discoverable,
    factors: NUMBERS.map((number) => {
      const factor = rated.get(number);
      return factor
        ? { number, level: factor.level, trend: factor.trend, indicators: [...factor.indicators], notes: factor.notes }
        : { number, level: null, trend: null, indicators: [], notes: '' };
    }),
  };
}

/** The assessed factors, in number order, as the API takes them. */
export function ratingsOf(values: FormValues): RiskFactorEntry[] {
  return values.factors
    .filter((factor): factor is FactorValues & { level: number } => factor.level !== null)
    .map((factor) => ({
      number: factor.number,
      level: factor.level,
      // checkValues refuses a rated factor without a trend before anything is sent; the schema check would too.
      trend: factor.trend as Trend,
      indicators: [...factor.indicators].sort(byCode),
      notes: factor.notes,
    }));
}

/** The body of POST (and, trimmed to what changed, of PATCH). `overallRisk` must be set (checked first). */
export function contentOf(values: FormValues): AssessmentContent {
  return {
    title: values.title.trim(),
    summary: values.summary,
    periodStart: values.periodStart || null,
    periodEnd: values.periodEnd || null,
    overallRisk: values.overallRisk ?? 0,
    riskFactors: ratingsOf(values),
    classification: values.classification,
    sharing: sharingOf(values),
    tlp: values.tlp,
    discoverable: values.discoverable,
  };
}

/** The sharing the form sends: expiries only for organisations still selected. */
function sharingOf(values: FormValues): AssessmentContent['sharing'] {
  const organisations = values.scope === 'selected' ? [...values.organisations] : [];
  const expires = Object.fromEntries(Object.entries(values.expires).filter(([id]) => organisations.includes(id)));
  return Object.keys(expires).length > 0 ? { scope: values.scope, organisations, expires } : { scope: values.scope, organisations };
}

/** Only the fields of `values` that differ from `base`, for a PATCH. */
export function changedContent(base: FormValues, values: FormValues): Partial<AssessmentContent> {
  const before = contentOf(base);
  const after = contentOf(values);
  const changes: Partial<AssessmentContent> = {};
  for (const key of Object.keys(after) as (keyof AssessmentContent)[]) {
    if (!same(before[key], after[key])) (changes as Record<string, unknown>)[key] = after[key];
  }
  return changes;
}

function byCode(a: string, b: string): number {
  const [a1 = 0, a2 = 0] = a.split('.').map(Number);
  const [b1 = 0, b2 = 0] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ── Slots: the smallest pieces two people can change independently ────────────────────────────

/** A slot: `title`, `summary`, `periodStart`, `periodEnd`, `overallRisk`, `classification`, `sharing`, `factor.N.level|trend|indicators|notes`. */
export type Slot = string;

const TOP_SLOTS = ['title', 'summary', 'periodStart', 'periodEnd', 'overallRisk', 'classification', 'sharing'] as const;
const FACTOR_PARTS = ['level', 'trend', 'indicators', 'notes'] as const;

/** The value of one slot (sharing as one piece, lists sorted so order does not count as a change). */
export function slotValue(values: FormValues, slot: Slot): unknown {
  if (slot === 'sharing') return { scope: values.scope, organisations: values.scope === 'selected' ? [...values.organisations].sort() : [] };
  const factor = /^factor\.(\d+)\.(\w+)$/.exec(slot);
  if (factor) {
    const entry = values.factors.find((f) => f.number === Number(factor[1]));
    const part = factor[2] as (typeof FACTOR_PARTS)[number];
    if (!entry) return undefined;
    return part === 'indicators' ? [...entry.indicators].sort(byCode) : entry[part];
  }
  return values[slot as keyof FormValues];
}

/** A copy of `values` with one slot set. */
export function withSlot(values: FormValues, slot: Slot, value: unknown): FormValues {
  const next = structuredClone(values);
  if (slot === 'sharing') {
    const sharing = value as { scope: SharingScope; organisations: string[] };
    next.scope = sharing.scope;
    next.organisations = [...sharing.organisations];
    return next;
  }
  const factor = /^factor\.(\d+)\.(\w+)$/.exec(slot);
  if (factor) {
    const entry = next.factors.find((f) => f.number === Number(factor[1]));
    if (entry) (entry as unknown as Record<string, unknown>)[factor[2]!] = structuredClone(value);
    return next;
  }
  (next as unknown as Record<string, unknown>)[slot] = structuredClone(value);
  return next;
}

/** Every slot of the form. */
export function allSlots(): Slot[] {
  return [...TOP_SLOTS, ...NUMBERS.flatMap((n) => FACTOR_PARTS.map((part) => `factor.${n}.${part}`))];
}

/** A slot both people changed, differently. */
export interface Conflict {
  slot: Slot;
  theirs: unknown;
  mine: unknown;
}

/**
 * Three-way merge: the latest version, with every slot the person changed (relative to the version
 * they started from) set to their value. Slots the other person also changed are reported.
 */
export function rebase(base: FormValues, mine: FormValues, latest: FormValues): { values: FormValues; kept: number; conflicts: Conflict[] } {
  let values = structuredClone(latest);
  let kept = 0;
  const conflicts: Conflict[] = [];
  for (const slot of allSlots()) {
    const original = slotValue(base, slot);
    const edited = slotValue(mine, slot);
    if (same(original, edited)) continue;
    const theirs = slotValue(latest, slot);
    values = withSlot(values, slot, edited);
    kept += 1;
    if (!same(theirs, original) && !same(theirs, edited)) conflicts.push({ slot, theirs, mine: edited });
  }
  return { values, kept, conflicts };
}

// ── Checks ─────────────────────────────────────────────────────────────────────────────────────

// A calendar date written YYYY-MM-DD (no 31 June).
function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Problems the person can fix before anything is sent, in their language. */
export function checkValues(i18n: I18n, values: FormValues, isNew: boolean): FormErrors {
  const errors: FormErrors = {};
  if (isNew && !/^[A-Z]{3}$/.test(values.country)) errors.country = i18n.t('validation_country');
  const title = values.title.trim();
  if (!title) errors.title = i18n.t('validation_required');
  else if (title.length > ASSESSMENT_TITLE_MAX_LENGTH) errors.title = i18n.t('validation_too_long', { max: ASSESSMENT_TITLE_MAX_LENGTH });
  if (values.summary.length > ASSESSMENT_SUMMARY_MAX_LENGTH) errors.summary = i18n.t('validation_too_long', { max: ASSESSMENT_SUMMARY_MAX_LENGTH });
  for (const field of ['periodStart', 'periodEnd'] as const) {
    const value = values[field];
    if (value && !isDate(value)) errors[field] = i18n.t('validation_date', { example: '2026-07-01' });
  }
  if (!errors.periodStart && !errors.periodEnd && values.periodStart && values.periodEnd && values.periodStart > values.periodEnd)
    errors.periodEnd = i18n.t('validation_period_order');
  if (values.overallRisk === null) errors.overallRisk = i18n.t('validation_overall_required');
  for (const factor of values.factors) {
    if (factor.level !== null && factor.trend === null) errors[`factor.${factor.number}.trend`] = i18n.t('validation_trend_required');
    if (factor.notes.length > FACTOR_NOTES_MAX_LENGTH)
      errors[`factor.${factor.number}.notes`] = i18n.t('validation_too_long', { max: FACTOR_NOTES_MAX_LENGTH });
  }
  const sharing = contentOf(values).sharing;
  const problem = sharingProblem(sharing, values.classification);
  if (problem) errors.sharing = problem.startsWith('sharing.organisations') ? i18n.t('validation_sharing_partners') : i18n.t('validation_sharing_strict');
  if (Object.keys(errors).length > 0) return errors;
  // The shared schema is the last word: anything it refuses that the checks above missed.
  const parsed = CreateAssessmentBody.safeParse({ country: isNew ? values.country : 'KEN', ...contentOf(values) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue) errors[slotOfPath(issue.path.map(String), contentOf(values).riskFactors)] = i18n.t('validation_invalid');
  }
  return errors;
}

/** The slot an API path names (`riskFactors.3.notes` → `factor.N.notes` of the 4th factor sent). */
export function slotOfPath(path: string[], sent: RiskFactorEntry[]): Slot {
  const [head, index, part] = path;
  if (head === 'riskFactors' && index !== undefined) {
    const number = sent[Number(index)]?.number;
    if (number !== undefined) return `factor.${number}.${part && part !== 'number' ? part : 'level'}`;
    return 'factors';
  }
  if (head === 'sharing') return 'sharing';
  return head ?? 'form';
}

/** The field and translated problem of a 400 the hub answered, if it named a field the form shows. */
export function serverProblem(i18n: I18n, error: unknown, sent: RiskFactorEntry[]): { slot: Slot; message: string } | null {
  if (!(error instanceof ApiError) || error.code !== 'invalid_request') return null;
  const path = error.details[0]?.path ?? /^([\w.]+):/.exec(error.message)?.[1];
  if (!path) return null;
  const slot = slotOfPath(path.split('.'), sent);
  const text = `${error.details[0]?.message ?? ''} ${error.message}`.toLowerCase();
  if (slot === 'periodEnd' && text.includes('before')) return { slot, message: i18n.t('validation_period_order') };
  if (slot === 'sharing') {
    if (text.includes('strictly')) return { slot, message: i18n.t('validation_sharing_strict') };
    if (text.includes('not an active')) return { slot, message: i18n.t('validation_sharing_inactive') };
    return { slot, message: i18n.t('validation_sharing_partners') };
  }
  if (slot === 'country') return { slot, message: i18n.t('validation_country') };
  if (/too big|too long|at most|<=/.test(text)) return { slot, message: i18n.t('validation_too_long_plain') };
  return { slot, message: i18n.t('validation_invalid') };
}

/** The id of the element that shows a slot, to move focus to the first problem. */
export function fieldId(slot: Slot): string {
  return `assessment-${slot.replace(/\./g, '-')}`;
}

/** Slots in the order the form shows them, so focus goes to the first problem on the page. */
export function slotOrder(): Slot[] {
  return [
    'country',
    'title',
    'summary',
    'periodStart',
    'periodEnd',
    ...NUMBERS.flatMap((n) => FACTOR_PARTS.map((p) => `factor.${n}.${p}`)),
    'overallRisk',
    'classification',
    'sharing',
  ];
}
