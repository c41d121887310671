/** Words and prefills for alerts and actions (§12). */
import type { CountryOverview } from './api.js';
import type { I18n, MessageKey } from './state/i18n.svelte.js';

const LEVEL: Record<string, MessageKey> = { watch: 'alert_level_watch', warning: 'alert_level_warning', urgent: 'alert_level_urgent' };
const ACTION_STATUS: Record<string, MessageKey> = {
  open: 'action_status_open',
  'in-progress': 'action_status_in_progress',
  done: 'action_status_done',
  declined: 'action_status_declined',
};

/** An alert level in words. */
export const alertLevelLabel = (i18n: I18n, level: string): string => (level in LEVEL ? i18n.t(LEVEL[level]!) : level);
/** An action status in words. */
export const actionStatusLabel = (i18n: I18n, status: string): string => (status in ACTION_STATUS ? i18n.t(ACTION_STATUS[status]!) : status);

/** Today's UTC day, `YYYY-MM-DD`. */
export const todayUtc = (now = new Date()): string => now.toISOString().slice(0, 10);

/** Whether an action still to be done is past its due date. */
export const isOverdue = (action: { status: string; dueDate: string }, now = new Date()): boolean =>
  (action.status === 'open' || action.status === 'in-progress') && action.dueDate < todayUtc(now);

/**
 * What an alert issued from the country page starts with: the level the latest readings call for (the
 * highest overall risk: 4 urgent, 3 warning, else watch) and a summary of those readings.
 */
export function alertPrefill(i18n: I18n, overview: CountryOverview | null, countryName: string, nameOf: (id: string) => string) {
  const latest = overview?.latest ?? [];
  const top = latest.reduce((max, a) => Math.max(max, a.overallRisk), 0);
  const level = top >= 4 ? 'urgent' : top >= 3 ? 'warning' : 'watch';
  const readings = latest.map((a) => `${nameOf(a.organisationId)}: ${a.overallRisk}/4`).join('; ');
  return { level, title: i18n.t('alert_prefill_title', { country: countryName }), summary: readings ? i18n.t('alert_prefill_summary', { readings }) : '' };
}
