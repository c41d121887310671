/** Names and readable values of the editor's slots (for conflicts and version comparisons). */
import type { Classification, SharingScope } from '../../../shared/sharing.js';
import { classificationLabel, dateLabel, levelText, scopeLabel, trendLabel } from './risk.js';
import { directory } from './state/directory.svelte.js';
import type { I18n } from './state/i18n.svelte.js';
import { reference } from './state/reference.svelte.js';

const TOP: Record<
  string,
  | 'field_title'
  | 'field_summary'
  | 'field_period_start'
  | 'field_period_end'
  | 'field_overall_risk'
  | 'field_classification'
  | 'field_sharing'
  | 'field_country'
  | 'field_status'
> = {
  title: 'field_title',
  summary: 'field_summary',
  periodStart: 'field_period_start',
  periodEnd: 'field_period_end',
  overallRisk: 'field_overall_risk',
  classification: 'field_classification',
  sharing: 'field_sharing',
  country: 'field_country',
  status: 'field_status',
};

const PART = { level: 'field_level', trend: 'field_trend', indicators: 'field_indicators', notes: 'field_notes' } as const;

/** "Title", "Factor 8 · Triggering factors — notes". */
export function slotLabel(i18n: I18n, slot: string): string {
  const factor = /^factor\.(\d+)\.(\w+)$/.exec(slot);
  if (factor) {
    const number = Number(factor[1]);
    const part = PART[factor[2] as keyof typeof PART];
    const title = reference.factor(number)?.title ?? '';
    return i18n.t('slot_factor_part', { number, title, part: part ? i18n.t(part) : factor[2]! });
  }
  const key = TOP[slot];
  return key ? i18n.t(key) : slot;
}

/** A slot's value as words ("" when empty). */
export function slotText(i18n: I18n, slot: string, value: unknown): string {
  if (value === null || value === undefined) return slot.endsWith('.level') ? i18n.t('level_not_assessed') : '';
  const part = /^factor\.\d+\.(\w+)$/.exec(slot)?.[1] ?? slot;
  switch (part) {
    case 'level':
    case 'overallRisk':
      return levelText(i18n, Number(value));
    case 'trend':
      return trendLabel(i18n, String(value));
    case 'indicators':
      return (value as string[]).join(', ');
    case 'classification':
      return classificationLabel(i18n, value as Classification);
    case 'periodStart':
    case 'periodEnd':
      return dateLabel(i18n, String(value));
    case 'sharing': {
      const sharing = value as { scope: SharingScope; organisations: string[] };
      const names = sharing.organisations.map((id) => directory.organisationLabel(i18n, id));
      return names.length > 0 ? `${scopeLabel(i18n, sharing.scope)}: ${names.join(', ')}` : scopeLabel(i18n, sharing.scope);
    }
    default:
      return String(value);
  }
}
