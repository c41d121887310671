import type { z } from 'zod';
import type { ErrorBody as ErrorBodySchema } from './schemas/common.js';

/** Error codes of the contract (§2) and the HTTP status each one carries. */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthenticated: 401,
  mfa_required: 401,
  forbidden: 403,
  mfa_enrolment_required: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The body of every error answer, on HTTP and in socket acknowledgements (schema: shared/schemas/common.ts). */
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
