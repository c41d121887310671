import type { Principal } from '../auth/principal.js';
import { isAdmin, isOfficeAdmin, sameOrganisation } from './helpers.js';

/**
 * An organisation's API keys and webhooks (§14): managed by its own admins, never by a key. Another
 * partner's admin does not learn they exist (404); the Office admin sees them but manages only its own.
 */
export function machineAccessVerdict(p: Principal, organisationId: string) {
  const own = sameOrganisation(p, organisationId);
  return { visible: own || isOfficeAdmin(p), allowed: own && isAdmin(p) && !p.apiKeyId };
}
