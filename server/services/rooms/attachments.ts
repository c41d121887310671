import { HttpError } from '../../http/errors.js';
import { ALL_AUDIENCE, orgAudience } from '../../policies/sharing.js';
import type { Repositories } from '../../repositories/index.js';
import type { RoomDoc } from '../../repositories/rooms.js';

/**
 * Attachments (§8): each must be a live document that every organisation of the room can already
 * see — a message never widens who sees a document. Otherwise 403, naming the organisations that do
 * not see it (when the sender sees it: the room's organisations are no secret to them), and nothing is stored.
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
    // A document the sender cannot see themselves: nothing about who else sees it is told.
    const hidden = !doc || doc.deleted || !(doc.audience.includes(ALL_AUDIENCE) || doc.audience.includes(orgAudience(senderOrganisation)));
    if (hidden) throw new HttpError('forbidden', `attachments: document ${id} is not visible to every organisation of this room.`);
    if (doc.audience.includes(ALL_AUDIENCE)) continue;
    const blind = room.organisations.map(String).filter((org) => !doc.audience.includes(orgAudience(org)));
    if (blind.length === 0) continue;
    const names = await Promise.all(blind.map(async (org) => (await repos.organisations.find(org))?.name ?? org));
    throw new HttpError(
      'forbidden',
      `attachments: document ${id} is not visible to ${names.join(', ')}, an organisation of this room; share it with them first.`,
    );
  }
  return unique;
}
