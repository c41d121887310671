import type { Alert } from '../../../shared/alerts.js';
import { DEFAULT_TLP } from '../../../shared/sharing.js';
import type { Principal } from '../../auth/principal.js';
import type { Domain } from '../../domain.js';
import { forbidden, HttpError } from '../../http/errors.js';
import type { AlertDoc } from '../../models/alert.js';
import { canReadAssessment } from '../../policies/assessment.js';
import { canReadDocument } from '../../policies/document.js';
import { isRoomMember } from '../../policies/room.js';
import { mayPassOn, shareExpired } from '../../policies/sharing.js';
import { roomsAmong } from '../../repositories/rooms.js';
import { audienceHolds } from '../notifications/subjects.js';

type Links = Alert['links'];
type LinkKind = keyof Links;

/** What the link rule needs of a linked item: who sees it, who owns it, its TLP. */
interface Linked {
  ownerId: string;
  tlp: string;
  sees: (organisationId: string) => boolean;
}

const tlpOf = (item: { tlp?: string | null }): string => item.tlp ?? DEFAULT_TLP;
/** Who sees a shared item now: its audience, less the organisations whose share has expired (§13). */
const seenBy =
  (item: Parameters<typeof shareExpired>[0] & { audience: string[] }) =>
  (org: string): boolean =>
    audienceHolds(item.audience)(org) && !shareExpired(item, org);

/** The linked items `p` sees, by kind and id (what is not there or not visible to `p` is absent). */
async function linkedItems(domain: Domain, p: Principal, links: Links): Promise<Record<LinkKind, Map<string, Linked>>> {
  const found: Record<LinkKind, Map<string, Linked>> = { assessments: new Map(), documents: new Map(), rooms: new Map() };
  for (const id of links.assessments) {
    const a = await domain.repos.assessments.find(id);
    if (a && canReadAssessment(p, a)) found.assessments.set(id, { ownerId: a.organisationId.toString(), tlp: tlpOf(a), sees: seenBy(a) });
  }
  if (links.documents.length > 0) await domain.repos.documents.catalog.fresh();
  for (const id of links.documents) {
    const d = domain.repos.documents.catalog.get(id);
    if (d && canReadDocument(p, d)) found.documents.set(id, { ownerId: d.organisationId.toString(), tlp: tlpOf(d), sees: seenBy(d) });
  }
  for (const room of await roomsAmong(links.rooms)) {
    if (!isRoomMember(p, room)) continue;
    const members = new Set(room.organisations.map(String));
    found.rooms.set(room._id.toString(), { ownerId: room.createdByOrganisation.toString(), tlp: tlpOf(room), sees: (org) => members.has(org) });
  }
  return found;
}

/**
 * The link rule of §12 and §13: every link is an item the issuer sees (400 naming it otherwise), at
 * `red` or `amber+strict` only when the issuer's organisation owns it (403), and visible to every
 * organisation of the alert's audience (`organisations`; 400 naming the link otherwise).
 */
export async function checkLinks(domain: Domain, p: Principal, links: Links, organisations: string[]): Promise<void> {
  const found = await linkedItems(domain, p, links);
  for (const kind of ['assessments', 'documents', 'rooms'] as const) {
    for (const id of links[kind]) {
      const item = found[kind].get(id);
      if (!item) throw new HttpError('invalid_request', `links.${kind}: ${id} is not an item you can see.`);
      if (!mayPassOn({ organisationId: item.ownerId, tlp: item.tlp }, p.organisation._id)) {
        throw forbidden(`links.${kind}: ${id} is at TLP ${item.tlp}; only its owner organisation may link it from an alert.`);
      }
      const blind = organisations.find((org) => !item.sees(org));
      if (blind) throw new HttpError('invalid_request', `links.${kind}: ${id} is not visible to every organisation of the alert's audience (not to ${blind}).`);
    }
  }
}

/** The links of some alerts as `p` may see them (an item narrowed since is left out), by alert id. */
export async function visibleLinks(domain: Domain, p: Principal, alerts: AlertDoc[]): Promise<Map<string, Links>> {
  const all: Links = {
    assessments: [...new Set(alerts.flatMap((a) => a.links.assessments))],
    documents: [...new Set(alerts.flatMap((a) => a.links.documents))],
    rooms: [...new Set(alerts.flatMap((a) => a.links.rooms))],
  };
  const found = await linkedItems(domain, p, all);
  return new Map(
    alerts.map((a) => [
      a._id.toString(),
      {
        assessments: a.links.assessments.filter((id) => found.assessments.has(id)),
        documents: a.links.documents.filter((id) => found.documents.has(id)),
        rooms: a.links.rooms.filter((id) => found.rooms.has(id)),
      },
    ]),
  );
}
