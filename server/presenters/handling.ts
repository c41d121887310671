import type { Principal } from '../auth/principal.js';
import type { AccessRequest, AccessRequestKind, ItemCard } from '../../shared/schemas/handling.js';
import type { Notification } from '../../shared/schemas/notifications.js';
import type { Classification } from '../../shared/sharing.js';
import type { AccessRequestDoc } from '../models/accessRequest.js';
import { sameOrganisation } from '../policies/helpers.js';
import { presentTlp } from './sharing.js';
import { toIso } from './user.js';

/** What a card is made of: the item as others would read it. */
export interface CardSource {
  _id: { toString(): string };
  organisationId: { toString(): string };
  country: string | null;
  classification: string;
  tlp?: string | null;
  title: string;
  createdAt: Date;
}

/** The title an outsider may read: only an unclassified item's (§13, as notifications and mails). */
export const outsiderTitle = (classification: string, title: string): string | null => (classification === 'unclassified' ? title : null);

/** A discoverable item's card (§13): never its content. */
export function presentCard(kind: AccessRequestKind, item: CardSource): ItemCard {
  return {
    id: item._id.toString(),
    kind,
    organisationId: item.organisationId.toString(),
    country: item.country ?? null,
    classification: item.classification as Classification,
    tlp: presentTlp(item.tlp),
    createdAt: toIso(item.createdAt),
    restricted: true,
    title: outsiderTitle(item.classification, item.title),
  };
}

const person = (who: { id: { toString(): string }; name: string } | null) => (who ? { id: who.id.toString(), name: who.name } : null);

/** An access request (§13) as `p` may see it: the owner organisation reads the item's title, the requester its card's. */
export function presentAccessRequest(r: AccessRequestDoc, p: Principal): AccessRequest {
  const owner = sameOrganisation(p, r.ownerOrganisationId);
  return {
    id: r._id.toString(),
    kind: r.kind,
    itemId: r.itemId.toString(),
    organisationId: r.organisationId.toString(),
    reason: r.reason,
    status: r.status,
    createdAt: toIso(r.createdAt),
    ownerOrganisationId: r.ownerOrganisationId.toString(),
    requestedBy: person(r.requestedBy)!,
    decidedBy: person(r.decidedBy),
    decidedAt: toIso(r.decidedAt),
    note: r.note ?? null,
    expiresAt: toIso(r.expiresAt),
    item: {
      country: r.item.country ?? null,
      classification: r.item.classification as Classification,
      tlp: presentTlp(r.item.tlp),
      title: owner ? r.item.title : outsiderTitle(r.item.classification, r.item.title),
    },
  };
}

/** A notification's subject for a request (§11): the item's country and classification, its title only when unclassified. */
export function accessRequestSubject(r: AccessRequestDoc): Notification['subject'] {
  return {
    kind: 'access-request',
    id: r._id.toString(),
    country: r.item.country,
    title: outsiderTitle(r.item.classification, r.item.title),
    classification: r.item.classification as Notification['subject']['classification'],
  };
}
