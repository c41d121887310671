import mongoose from 'mongoose';
import type { Principal } from '../../auth/principal.js';
import { domainEvents } from '../../events.js';
import { HttpError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/paging.js';
import { Organisation } from '../../models/organisation.js';
import { Room, type RoomDoc } from '../../models/room.js';
import { memberRoomsFilter } from '../../policies/room.js';
import { presentRoom } from '../../presenters/room.js';
import { recordAudit } from '../audit.js';
import { actorOf, type ActionContext } from '../context.js';
import { isCountryCode } from '../countries.js';
import { lastSeq } from './messageStore.js';
import { advanceReadMarker, readMarkerOf } from './readMarkers.js';

type Signed = ActionContext & { principal: Principal };

/** The room with this id, or null when there is none (or the id cannot be one); database errors go up. */
export async function roomOrNull(id: string): Promise<RoomDoc | null> {
  if (!mongoose.isValidObjectId(id)) return null;
  return Room.findById(id).lean();
}

/** Loads a room or answers 404. */
export async function findRoom(id: string): Promise<RoomDoc> {
  const room = await roomOrNull(id);
  if (!room) throw notFound('room');
  return room;
}

/** Checks the organisations of a room: existing and active; the creator's is always added. */
async function roomOrganisations(ids: string[], creatorOrganisation: string): Promise<mongoose.Types.ObjectId[]> {
  const unique = [...new Set([creatorOrganisation, ...ids])];
  const found = await Promise.all(unique.map((id) => Organisation.findById(id, { active: 1 }).lean()));
  const bad = unique.find((_, i) => !found[i]?.active);
  if (bad) throw new HttpError('invalid_request', `organisations: ${bad} is not an active organisation.`);
  return unique.map((id) => new mongoose.Types.ObjectId(id));
}

/** The unread count of `userId` in a room that ends at `last`. */
async function unreadOf(roomId: string, userId: string, last: number): Promise<number> {
  return Math.max(0, last - (await readMarkerOf(roomId, userId)));
}

/** `GET /api/rooms`: the rooms of the user's organisation, each with the user's unread count. */
export async function listRooms(p: Principal, query: { limit: number; cursor?: string }) {
  const filter: Record<string, unknown> = memberRoomsFilter(p);
  if (query.cursor) {
    const [after] = decodeCursor(query.cursor, ['string']);
    if (!mongoose.isValidObjectId(after)) throw new HttpError('invalid_request', 'cursor: is not a cursor this list gave out.');
    filter._id = mongoose.trusted({ $lt: new mongoose.Types.ObjectId(String(after)) });
  }
  const rows = await Room.find(filter).sort({ _id: -1 }).limit(query.limit + 1).lean();
  const page = toPage(rows, query.limit, (r) => [r._id.toString()], (r) => r);
  const userId = p.user._id.toString();
  const items = await Promise.all(page.items.map(async (room) => {
    const last = await lastSeq(room._id.toString());
    return presentRoom(room, last, await unreadOf(room._id.toString(), userId, last));
  }));
  return { items, nextCursor: page.nextCursor };
}

/** `GET /api/rooms/:id`. */
export async function describeRoom(p: Principal, room: RoomDoc) {
  const last = await lastSeq(room._id.toString());
  return presentRoom(room, last, await unreadOf(room._id.toString(), p.user._id.toString(), last));
}

function notifyAdded(room: RoomDoc, organisationIds: string[]): void {
  if (organisationIds.length === 0) return;
  domainEvents.publish('notification', {
    organisationIds,
    payload: { type: 'room.added', roomId: room._id.toString(), name: room.name, country: room.country ?? null },
  });
}

/** `POST /api/rooms`: a room for a situation; the creator's organisation is always a member. */
export async function createRoom(ctx: Signed, body: { name: string; country?: string | null; organisations: string[] }) {
  const p = ctx.principal;
  if (body.country && !isCountryCode(body.country)) throw new HttpError('invalid_request', `country: ${body.country} is not an ISO 3166-1 alpha-3 country code.`);
  const creatorOrganisation = p.organisation._id.toString();
  const organisations = await roomOrganisations(body.organisations, creatorOrganisation);
  const room = (await Room.create({
    name: body.name, country: body.country ?? null, organisations, createdBy: p.user._id,
    createdByOrganisation: p.organisation._id, createdAt: new Date(), archived: false,
  })).toObject();
  await recordAudit({
    actor: actorOf(ctx), action: 'room.create', ip: ctx.ip, outcome: 'success',
    target: { type: 'room', id: room._id.toString(), organisationId: creatorOrganisation },
    details: { organisations: organisations.length },
  });
  notifyAdded(room, organisations.map(String).filter((id) => id !== creatorOrganisation));
  return presentRoom(room, 0, 0);
}

/**
 * `PATCH /api/rooms/:id`: rename, change organisations, archive. Organisations taken out lose the
 * room at once: their sockets leave it (`room:removed`) on every process.
 */
export async function updateRoom(ctx: Signed, room: RoomDoc, change: { name?: string; organisations?: string[]; archived?: boolean }) {
  const set: Partial<RoomDoc> = {};
  if (change.name !== undefined) set.name = change.name;
  if (change.archived !== undefined) set.archived = change.archived;
  const before = room.organisations.map(String);
  const creatorOrganisation = room.createdByOrganisation.toString();
  if (change.organisations !== undefined) set.organisations = await roomOrganisations(change.organisations, creatorOrganisation);
  const updated = await Room.findByIdAndUpdate(room._id, { $set: set }, { new: true }).lean();
  if (!updated) throw notFound('room');
  const after = updated.organisations.map(String);
  const removed = before.filter((id) => !after.includes(id));
  const added = after.filter((id) => !before.includes(id));
  await recordAudit({
    actor: actorOf(ctx), action: 'room.update', ip: ctx.ip, outcome: 'success',
    target: { type: 'room', id: room._id.toString(), organisationId: creatorOrganisation },
    details: { added: added.join(','), removed: removed.join(','), archived: updated.archived, renamed: change.name !== undefined },
  });
  domainEvents.publish('room.changed', { roomId: room._id.toString() });
  if (removed.length > 0) domainEvents.publish('room.removed', { roomId: room._id.toString(), organisationIds: removed });
  notifyAdded(updated, added);
  return describeRoom(ctx.principal, updated);
}

/** `POST /api/rooms/:id/read`: the user has read up to `seq` (markers only move forward). */
export async function markRead(p: Principal, room: RoomDoc, seq: number): Promise<void> {
  const last = await lastSeq(room._id.toString());
  await advanceReadMarker(room._id.toString(), p.user._id.toString(), Math.min(seq, last));
}
