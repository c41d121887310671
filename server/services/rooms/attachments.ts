import { HttpError } from '../../http/errors.js';
import { ALL_AUDIENCE, mayPassOn, orgAudience, shareExpired } from '../../policies/sharing.js';
import type { Repositories } from '../../repositories/index.js';
import type { RoomDoc } from '../../repositories/rooms.js';

/**
 * Attachments (§8): each must be a live document that every organisation of the room can already
 * see — a message never widens who sees a document — and, at TLP `red` or `amber+strict`, only its
 * owner organisation may pass it on (§13). Otherwise 403, naming the organisations that do not see it
 * (when the sender sees it: the room's organisations are no secret to them), and nothing is stored.
 */
export async function checkAttachments(
  repos: Pick<Repositories, 'documents' | 'organisations'>,
  room: RoomDoc,
  ids: string[],
  senderOrganisation: string,
): Promise<string[]> {
  const unique = [...new Set(ids)];
  for (const id of unique) {
    const doc = await repos.documents.audience(id);
    const sees = (org: string) => !!doc && (doc.audience.includes(ALL_AUDIENCE) || doc.audience.includes(orgAudience(org))) && !shareExpired(doc, org);
    // A document the sender cannot see themselves: nothing about who else sees it is told.
    if (!doc || doc.deleted || !sees(senderOrganisation)) {
      throw new HttpError('forbidden', `attachments: document ${id} is not visible to every organisation of this room.`);
    }
    if (!mayPassOn(doc, senderOrganisation)) {
      throw new HttpError('forbidden', `attachments: document ${id} is TLP ${doc.tlp}; only its owner organisation may pass it on.`);
    }
    const blind = room.organisations.map(String).filter((org) => !sees(org));
    if (blind.length === 0) continue;
    const names = await Promise.all(blind.map(async (org) => (await repos.organisations.find(org))?.name ?? org));
    throw new HttpError(
      'forbidden',
      `attachments: document ${id} is not visible to ${names.join(', ')}, an organisation of this room; share it with them first.`,
    );
  }
  return unique;
}
