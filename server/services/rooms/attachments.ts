import { HttpError } from '../../http/errors.js';
import { ALL_AUDIENCE, mayPassOn, orgAudience, shareExpired } from '../../policies/sharing.js';
import type { DocumentRepository } from '../../repositories/documents.js';
import type { RoomDoc } from '../../repositories/rooms.js';

/**
 * Attachments (§8): each must be a live document that every organisation of the room can already
 * see — a message never widens who sees a document — and, at TLP `red` or `amber+strict`, only its
 * owner organisation may pass it on (§13). Otherwise 403 and nothing is stored.
 */
export async function checkAttachments(documents: DocumentRepository, room: RoomDoc, ids: string[], senderOrganisationId: string): Promise<string[]> {
  const unique = [...new Set(ids)];
  for (const id of unique) {
    const doc = await documents.audience(id);
    const sees = (org: RoomDoc['organisations'][number]) =>
      !!doc && (doc.audience.includes(ALL_AUDIENCE) || doc.audience.includes(orgAudience(org))) && !shareExpired(doc, org);
    const seenByAll = !!doc && !doc.deleted && room.organisations.every(sees);
    if (!seenByAll) {
      throw new HttpError('forbidden', `attachments: document ${id} is not visible to every organisation of this room.`);
    }
    if (!mayPassOn(doc, senderOrganisationId)) {
      throw new HttpError('forbidden', `attachments: document ${id} is TLP ${doc.tlp}; only its owner organisation may pass it on.`);
    }
  }
  return unique;
}
