import { sharingProblem, type Classification, type Sharing } from '../../shared/sharing.js';
import type { Domain } from '../domain.js';
import { HttpError } from '../http/errors.js';
import type { StoredSharing } from '../models/sharing.js';
import { toId } from '../repositories/ids.js';

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
  const expires = Object.fromEntries(Object.entries(sharing.expires ?? {}).filter(([id]) => organisations.includes(id)));
  return Object.keys(expires).length > 0 ? { scope: sharing.scope, organisations, expires } : { scope: sharing.scope, organisations };
}

/** `sharing` as the API takes it → as stored (ids as ObjectIds, `expires` as a list). */
export function toStoredSharing(sharing: Sharing): StoredSharing {
  const stored: StoredSharing = { scope: sharing.scope, organisations: sharing.organisations.map(toId) };
  const expires = Object.entries(sharing.expires ?? {});
  if (expires.length > 0) stored.expires = expires.map(([id, at]) => ({ organisationId: toId(id), at: new Date(at) }));
  return stored;
}

/**
 * The sharing after an approved access request (§13): scope `selected` with the organisation added,
 * its share ending at `expiresAt` (or not at all); `all` already reaches everyone and is kept.
 */
export function grantedSharing(sharing: StoredSharing, organisationId: string, expiresAt: Date | null): StoredSharing {
  if (sharing.scope === 'all') return sharing;
  const organisations = sharing.scope === 'selected' ? [...sharing.organisations] : [];
  if (!organisations.some((id) => id.toString() === organisationId)) organisations.push(toId(organisationId));
  const expires = (sharing.expires ?? []).filter((e) => e.organisationId.toString() !== organisationId);
  if (expiresAt) expires.push({ organisationId: toId(organisationId), at: expiresAt });
  return expires.length > 0 ? { scope: 'selected', organisations, expires } : { scope: 'selected', organisations };
}
