import type { Principal } from '../auth/principal.js';
import type { RoomDoc } from '../models/room.js';
import { isEditor, isOfficeAdmin, sameOrganisation } from './helpers.js';

/** Is `p` a member of the room? Members are all users of its organisations. */
export function isRoomMember(p: Principal, room: Pick<RoomDoc, 'organisations'>): boolean {
  return room.organisations.some((id) => sameOrganisation(p, id));
}

/** Is this organisation one of the room's (so its users are members)? */
export function isRoomOrganisation(organisationId: { toString(): string }, room: Pick<RoomDoc, 'organisations'>): boolean {
  return room.organisations.some((id) => id.toString() === organisationId.toString());
}

/** The filter of the rooms `p` belongs to (equality on an array field). */
export function memberRoomsFilter(p: Principal) {
  return { organisations: p.organisation._id };
}

/** May `p` create rooms? Admins and analysts. */
export const canCreateRoom = (p: Principal): boolean => isEditor(p);

/** Reading a room and its messages, sending, marking read: members (others: 404). */
export function roomMemberVerdict(p: Principal, room: RoomDoc) {
  const member = isRoomMember(p, room);
  return { visible: member, allowed: member };
}

/**
 * Changing a room (name, organisations, archive): admins and analysts of the creator organisation,
 * and the Office admin. Office admins see every room they change; others must be members to see it.
 */
export function manageRoomVerdict(p: Principal, room: RoomDoc) {
  const manager = isOfficeAdmin(p) || (sameOrganisation(p, room.createdByOrganisation) && isEditor(p));
  return { visible: isRoomMember(p, room) || isOfficeAdmin(p), allowed: manager };
}

/** Editing a message: its author only. */
export const canEditMessage = (p: Principal, authorId: string): boolean => p.user._id.toString() === authorId;

/** Deleting a message: its author, or an admin of the author's organisation. */
export function canDeleteMessage(p: Principal, author: { id: string; organisationId: string }): boolean {
  return canEditMessage(p, author.id) || (p.user.role === 'admin' && sameOrganisation(p, author.organisationId));
}

/** The transcript (§8 v2): an admin of an organisation of the room, or the Office admin; other members 403, others 404. */
export function exportRoomVerdict(p: Principal, room: RoomDoc) {
  const member = isRoomMember(p, room);
  return { visible: member || isOfficeAdmin(p), allowed: isOfficeAdmin(p) || (member && p.user.role === 'admin') };
}
