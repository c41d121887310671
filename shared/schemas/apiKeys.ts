import { z } from 'zod';
import { Id, IsoTime } from './common.js';

export const API_KEY_NAME_MAX_LENGTH = 100;
/** Keys start with this, so secret scanners can find a leaked one (§14). */
export const API_KEY_PREFIX = 'phk_';
/** The roles a key may act with: never `admin` (§14). */
export const API_KEY_ROLES = ['analyst', 'member'] as const;

/** `POST /api/organisations/:id/api-keys`. */
export const CreateApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(API_KEY_NAME_MAX_LENGTH),
  role: z.enum(API_KEY_ROLES),
  expiresAt: z.iso
    .datetime({ offset: true })
    .refine((value) => new Date(value).getTime() > Date.now(), 'must be in the future')
    .nullable()
    .optional(),
});
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

/** An API key as listed (§14): never the key itself, nor its hash. */
export const ApiKey = z.object({
  id: Id,
  organisationId: Id,
  name: z.string(),
  role: z.enum(API_KEY_ROLES),
  /** The first characters of the key, to recognise it. */
  prefix: z.string(),
  createdAt: IsoTime,
  expiresAt: IsoTime.nullable(),
  lastUsedAt: IsoTime.nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;

/** The answer of creating a key: the only time `key` is shown. */
export const CreatedApiKey = ApiKey.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;
