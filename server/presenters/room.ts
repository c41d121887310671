import type { Room, RoomMessage } from '../../shared/schemas/rooms.js';
import type { StoredMessage } from '../repositories/messages.js';
import type { RoomDoc } from '../repositories/rooms.js';
import { presentTlp } from './sharing.js';
import { toIso } from './user.js';

/** A room as the API shows it (§8). */
export function presentRoom(room: RoomDoc, lastSeq: number, unread?: number): Room {
  return {
    id: room._id.toString(),
    name: room.name,
    country: room.country ?? null,
    organisations: room.organisations.map(String),
    createdBy: room.createdBy.toString(),
    createdByOrganisation: room.createdByOrganisation.toString(),
    createdAt: toIso(room.createdAt),
    archived: room.archived,
    tlp: presentTlp(room.tlp),
    lastSeq,
    ...(unread === undefined ? {} : { unread }),
  };
}

/** A message as the API shows it (§8); a deleted message keeps its seq but not its text. */
export function presentMessage(m: StoredMessage): RoomMessage {
  return {
    id: `${m.roomId}:${m.seq}`,
    roomId: m.roomId,
    seq: m.seq,
    author: { id: m.author.id, name: m.author.name, organisationId: m.author.organisationId },
    body: m.deleted ? '' : m.body,
    attachments: m.deleted ? [] : [...m.attachments],
    clientMsgId: m.clientMsgId,
    createdAt: toIso(m.createdAt),
    editedAt: toIso(m.editedAt),
    deleted: m.deleted,
  };
}

/** A message as presented (what events and room writers carry). */
export type MessageView = RoomMessage;
