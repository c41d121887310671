import { HttpError } from '../../http/errors.js';
import { ALL_AUDIENCE, orgAudience } from '../../policies/sharing.js';
import type { DocumentRepository } from '../../repositories/documents.js';
import type { RoomDoc } from '../../repositories/rooms.js';

/**
 * Attachments (§8): each must be a live document that every organisation of the room can already
 * see — a message never widens who sees a document. Otherwise 403 and nothing is stored.
 */
export async function checkAttachments(documents: DocumentRepository, room: RoomDoc, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  for (const id of unique) {
    const doc = await documents.audience(id);
    const seenByAll =
      !!doc && !doc.deleted && (doc.audience.includes(ALL_AUDIENCE) || room.organisations.every((org) => doc.audience.includes(orgAudience(org))));
    if (!seenByAll) {
      throw new HttpError('forbidden', `attachments: document ${id} is not visible to every organisation of this room.`);
    }
  }
  return unique;
}
