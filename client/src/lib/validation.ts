/** Checks a form with the shared zod schema and words the problems in the person's language. */
import type { z } from 'zod';
import type { I18n } from './state/i18n.svelte.js';

export type FieldErrors = Record<string, string>;

/** Field → translated message for every problem `schema` finds in `values` (empty when valid). */
export function check(i18n: I18n, schema: z.ZodType, values: Record<string, unknown>): FieldErrors {
  const result = schema.safeParse(values);
  if (result.success) return {};
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '');
    if (!field || errors[field]) continue;
    errors[field] = describe(i18n, field, issue);
  }
  return errors;
}

function describe(i18n: I18n, field: string, issue: z.core.$ZodIssue): string {
  if (field === 'otp') return i18n.t('validation_otp');
  if (field === 'slug') return i18n.t('validation_slug');
  if (issue.code === 'too_small') {
    const min = Number(issue.minimum);
    return min <= 1 ? i18n.t('validation_required') : i18n.t('validation_too_short', { min });
  }
  if (issue.code === 'too_big') return i18n.t('validation_too_long', { max: Number(issue.maximum) });
  if (issue.code === 'invalid_format' && issue.format === 'email') return i18n.t('validation_email');
  if (issue.code === 'invalid_type') return i18n.t('validation_required');
  return i18n.t('validation_invalid');
}
