/** Turns a failed call into a message key in the person's language (the hub's own messages are English). */
import { ApiError, type ApiErrorCode } from './api.js';
import type { MessageKey } from './state/i18n.svelte.js';

const GENERIC: Record<ApiErrorCode, MessageKey> = {
  network: 'error_network',
  invalid_request: 'error_invalid_request',
  unauthenticated: 'error_unauthenticated',
  mfa_required: 'error_mfa_required',
  forbidden: 'error_forbidden',
  mfa_enrolment_required: 'error_mfa_enrolment_required',
  not_found: 'error_not_found',
  conflict: 'error_conflict',
  payload_too_large: 'error_payload_too_large',
  unsupported_media_type: 'error_unsupported_media_type',
  rate_limited: 'error_rate_limited',
  internal: 'error_internal',
  unavailable: 'error_unavailable',
};

/** The message for `error`, with per-form wording for the codes that form expects. */
export function errorKey(error: unknown, overrides: Partial<Record<ApiErrorCode, MessageKey>> = {}): MessageKey {
  if (!(error instanceof ApiError)) return 'error_internal';
  return overrides[error.code] ?? GENERIC[error.code] ?? 'error_internal';
}

/** The field a 400 answer names, if the hub said which one. */
export function errorField(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'invalid_request') return null;
  const path = error.details[0]?.path;
  if (path) return path.split('.')[0] ?? null;
  const named = /^(\w+)/.exec(error.message);
  return named?.[1] ?? null;
}
