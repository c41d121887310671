import { HttpError } from '../../http/errors.js';
import { isRoomOrganisation } from '../../policies/room.js';
import { lastSeq } from '../../repositories/messages.js';
import type { Repositories } from '../../repositories/index.js';
import type { RoomDoc } from '../../repositories/rooms.js';

/** A reply (§8 v2) answers a message of the same room: its seq must be one the room has (400 otherwise). */
export async function checkReplyTo(room: RoomDoc, replyTo: number | null): Promise<number | null> {
  if (replyTo === null) return null;
  if (replyTo > (await lastSeq(room._id.toString()))) throw new HttpError('invalid_request', `replyTo: ${replyTo} is not a message of this room.`);
  return replyTo;
}

/** Mentions (§8 v2) name active users of the room's organisations; any other refuses the whole message (400). */
export async function checkMentions(users: Repositories['users'], room: RoomDoc, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const found = new Map((await users.findMany(unique)).map((u) => [u._id.toString(), u]));
  for (const id of unique) {
    const user = found.get(id);
    const member = !!user && user.active && isRoomOrganisation(user.organisationId, room);
    if (!member) throw new HttpError('invalid_request', `mentions: ${id} is not a member of this room.`);
  }
  return unique;
}

/** The reactions after `userId` toggled `emoji`: added when absent, taken back when present. */
export function toggleReaction(reactions: { emoji: string; userIds: string[] }[], emoji: string, userId: string) {
  const current = reactions.find((r) => r.emoji === emoji);
  if (!current) return [...reactions, { emoji, userIds: [userId] }];
  const userIds = current.userIds.includes(userId) ? current.userIds.filter((id) => id !== userId) : [...current.userIds, userId];
  return reactions.map((r) => (r === current ? { emoji, userIds } : r)).filter((r) => r.userIds.length > 0);
}
