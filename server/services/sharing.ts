import { sharingProblem, type Classification, type Sharing } from '../../shared/sharing.js';
import type { Domain } from '../domain.js';
import { HttpError } from '../http/errors.js';

/**
 * §5's sharing rules for any shared item (assessment, document): the scope/classification rules of
 * shared/sharing.ts, at least one organisation besides the owner for `selected`, and every chosen
 * organisation existing and active. Answers the sharing as stored (deduplicated, owner left out).
 */
export async function checkSharing(domain: Domain, sharing: Sharing, classification: Classification, ownerId: string): Promise<Sharing> {
  const problem = sharingProblem(sharing, classification);
  if (problem) throw new HttpError('invalid_request', problem);
  const organisations = [...new Set(sharing.organisations)].filter((id) => id !== ownerId);
  if (sharing.scope === 'selected' && organisations.length === 0) {
    throw new HttpError('invalid_request', 'sharing.organisations: choose at least one organisation besides your own.');
  }
  const active = await Promise.all(organisations.map((id) => domain.repos.organisations.isActive(id)));
  const bad = organisations.find((_, i) => !active[i]);
  if (bad) throw new HttpError('invalid_request', `sharing.organisations: ${bad} is not an active organisation.`);
  return { scope: sharing.scope, organisations };
}
