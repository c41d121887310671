import mongoose from 'mongoose';
import { OrganisationRead, ReadMarker, Room, type RoomDoc } from '../models/room.js';
import { isDuplicateKey } from '../store/claim.js';

export type { RoomDoc } from '../models/room.js';

// Situation rooms, who belongs to them, and how far each user has read. A room's messages are the
// messages repository's (messages.ts).

/** The room with this id, or null when there is none (or the id cannot be one); database errors go up. */
export async function roomOrNull(id: string): Promise<RoomDoc | null> {
  if (!mongoose.isValidObjectId(id)) return null;
  return Room.findById(id).lean();
}

/** The rooms among these ids (one read; ids that cannot be rooms are skipped). */
export async function roomsAmong(ids: string[]): Promise<RoomDoc[]> {
  const valid = ids.filter((id) => mongoose.isValidObjectId(id)).map((id) => new mongoose.Types.ObjectId(id));
  if (valid.length === 0) return [];
  return Room.find({ _id: mongoose.trusted({ $in: valid }) }).lean();
}

/** Whether any room was ever created (the demo rooms load only on a database without). */
export async function hasRooms(): Promise<boolean> {
  return (await Room.exists({})) !== null;
}

/**
 * A page of the rooms `members` (policies/room.ts) selects, newest first, before the room `afterId` (a
 * cursor), plus one row; null when `afterId` cannot be a room id.
 */
export async function roomsPage(members: { organisations: mongoose.Types.ObjectId }, limit: number, afterId?: string): Promise<RoomDoc[] | null> {
  const filter: Record<string, unknown> = { ...members };
  if (afterId !== undefined) {
    if (!mongoose.isValidObjectId(afterId)) return null;
    filter._id = mongoose.trusted({ $lt: new mongoose.Types.ObjectId(afterId) });
  }
  return Room.find(filter)
    .sort({ _id: -1 })
    .limit(limit + 1)
    .lean();
}

/** What a room stores when it is created (its id is given by the database). */
export type NewRoom = Omit<RoomDoc, '_id' | 'organisations' | 'createdBy' | 'createdByOrganisation'> & {
  organisations: string[];
  createdBy: mongoose.Types.ObjectId;
  createdByOrganisation: mongoose.Types.ObjectId;
};

/** Stores a new room. */
export async function insertRoom(room: NewRoom): Promise<RoomDoc> {
  const organisations = room.organisations.map((id) => new mongoose.Types.ObjectId(id));
  return (await Room.create({ ...room, organisations })).toObject();
}

/** Changes a room's name, archive flag or organisations; answers it as changed (null: it is gone). */
export function updateRoom(
  id: mongoose.Types.ObjectId,
  change: { name?: string; archived?: boolean; tlp?: string; organisations?: string[] },
): Promise<RoomDoc | null> {
  const set: Partial<RoomDoc> = {};
  if (change.tlp !== undefined) set.tlp = change.tlp;
  if (change.name !== undefined) set.name = change.name;
  if (change.archived !== undefined) set.archived = change.archived;
  if (change.organisations !== undefined) set.organisations = change.organisations.map((org) => new mongoose.Types.ObjectId(org));
  return Room.findByIdAndUpdate(id, { $set: set }, { new: true }).lean();
}

const markerKey = (roomId: string, userId: string) => `${roomId}:${userId}`;

/** Moves a read marker (a user's, or an organisation's) forward to `seq` (never back). */
async function advance(model: typeof ReadMarker, _id: string, seq: number): Promise<void> {
  // Two first markers racing: the upsert of the loser collides on `_id`, and the winner's $max stands.
  await model.updateOne({ _id }, { $max: { seq } }, { upsert: true }).catch((error: unknown) => {
    if (!isDuplicateKey(error)) throw error;
  });
}

/** Moves a user's read marker forward to `seq` (never back). */
export function advanceReadMarker(roomId: string, userId: string, seq: number): Promise<void> {
  return advance(ReadMarker, markerKey(roomId, userId), seq);
}

/** Moves an organisation's read marker (the furthest any of its users read) forward to `seq`. */
export function advanceOrganisationRead(roomId: string, organisationId: string, seq: number): Promise<void> {
  return advance(OrganisationRead, markerKey(roomId, organisationId), seq);
}

/** How far any user of each of these organisations has read in a room (0 when none has). */
export async function organisationReads(roomId: string, organisationIds: string[]): Promise<Map<string, number>> {
  const rows = await OrganisationRead.find({ _id: mongoose.trusted({ $in: organisationIds.map((id) => markerKey(roomId, id)) }) }).lean();
  return new Map(rows.map((row) => [row._id.slice(roomId.length + 1), row.seq]));
}

/** The seq a user has read up to in a room, as stored (0 when never). */
export async function readMarkerOf(roomId: string, userId: string): Promise<number> {
  const marker = await ReadMarker.findById(markerKey(roomId, userId), { seq: 1 }).lean();
  return marker?.seq ?? 0;
}
