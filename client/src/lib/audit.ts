/** The audit viewer's filter form and its translation into GET /api/audit parameters. */
import type { AuditQuery } from './api.js';

/** What the filter form holds; dates are YYYY-MM-DD (a day starting at midnight UTC). */
export interface AuditFilterValues {
  action: string;
  actor: string;
  target: string;
  after: string;
  before: string;
}

/** An empty filter. */
export function noFilters(): AuditFilterValues {
  return { action: '', actor: '', target: '', after: '', before: '' };
}

// The hub wants UTC ISO-8601 times.
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The query parameters for `values`. */
export function toQuery(values: AuditFilterValues): AuditQuery {
  return {
    action: values.action || undefined,
    actor: values.actor.trim() || undefined,
    target: values.target.trim() || undefined,
    after: toIso(values.after),
    before: toIso(values.before),
  };
}
