import type { Principal } from '../auth/principal.js';
import { isEditor, sameOrganisation } from './helpers.js';

/** What the discovery policy looks at: whether the owner made the item discoverable and it is out (published). */
export interface DiscoverableFacts {
  organisationId: { toString(): string };
  discoverable?: boolean;
  deletedAt?: Date | null;
  /** An assessment before its first publication is nobody's card. */
  published: boolean;
}

/**
 * §13: does `p` see only the card of this item? When it is discoverable, published and live, and `p`
 * may not read it (`readable`: the item's own read rule, audience and expiry).
 */
export function seesCardOnly(facts: DiscoverableFacts, readable: boolean): boolean {
  return !readable && !!facts.discoverable && facts.published && !facts.deletedAt;
}

/**
 * Asking for access: visible to those who see the card (others: 404), allowed to its admins and
 * analysts. An organisation that already reads the item has nothing to ask (the service answers 409).
 */
export function requestAccessVerdict(p: Principal, cardOnly: boolean, readable: boolean) {
  return { visible: cardOnly || readable, allowed: isEditor(p) };
}

/** What a request's policy looks at: the two organisations it is between. */
export interface AccessRequestFacts {
  organisationId: { toString(): string };
  ownerOrganisationId: { toString(): string };
}

/** A request is seen by the organisation that asked and the one asked (anyone else: 404). */
export const canSeeAccessRequest = (p: Principal, r: AccessRequestFacts): boolean =>
  sameOrganisation(p, r.organisationId) || sameOrganisation(p, r.ownerOrganisationId);

/** Deciding a request: the owner organisation's admins and analysts. */
export function decideAccessVerdict(p: Principal, r: AccessRequestFacts) {
  return { visible: canSeeAccessRequest(p, r), allowed: sameOrganisation(p, r.ownerOrganisationId) && isEditor(p) };
}
