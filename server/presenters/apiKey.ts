import type { ApiKey } from '../../shared/schemas/apiKeys.js';
import type { ApiKeyDoc } from '../models/apiKey.js';

/** The fields of a key that leave the server: never its hash. */
export function presentApiKey(doc: ApiKeyDoc): ApiKey {
  return {
    id: doc._id.toString(),
    organisationId: doc.organisationId.toString(),
    name: doc.name,
    role: doc.role as ApiKey['role'],
    prefix: doc.prefix,
    createdAt: doc.createdAt.toISOString(),
    expiresAt: doc.expiresAt?.toISOString() ?? null,
    lastUsedAt: doc.lastUsedAt?.toISOString() ?? null,
  };
}
