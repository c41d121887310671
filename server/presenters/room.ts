import type { REACTIONS, Room, RoomMessage, TranscriptLine } from '../../shared/schemas/rooms.js';
import type { StoredMessage } from '../repositories/messages.js';
import type { RoomDoc } from '../repositories/rooms.js';
import { presentTlp } from './sharing.js';
import { toIso } from './user.js';

type Reaction = (typeof REACTIONS)[number];

/** A room as the API shows it (§8). */
export function presentRoom(room: RoomDoc, lastSeq: number, unread?: number, activity?: { lastMessageAt: Date | null; mentioned: boolean }): Room {
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
    ...(activity ? { lastMessageAt: toIso(activity.lastMessageAt), mentioned: activity.mentioned } : {}),
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
    replyTo: m.replyTo ?? null,
    mentions: m.deleted ? [] : [...(m.mentions ?? [])],
    reactions: m.deleted ? [] : (m.reactions ?? []).filter((r) => r.userIds.length > 0).map((r) => ({ emoji: r.emoji as Reaction, userIds: [...r.userIds] })),
  };
}

/** One line of a room's transcript (§8 v2): deleted messages included, with the earlier bodies of edited ones. */
export function presentTranscriptLine(m: StoredMessage): TranscriptLine {
  return {
    seq: m.seq,
    author: { id: m.author.id, name: m.author.name, organisationId: m.author.organisationId },
    createdAt: toIso(m.createdAt),
    body: m.deleted ? '' : m.body,
    edits: m.deleted ? [] : (m.edits ?? []).map((e) => ({ body: e.body, at: toIso(e.at) })),
    deleted: m.deleted,
  };
}

/** A message as presented (what events and room writers carry). */
export type MessageView = RoomMessage;
