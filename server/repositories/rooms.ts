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

/** A read marker to move forward: a user's or an organisation's in one room. */
export interface ReadMove {
  roomId: string;
  /** The user's id (`advanceReadMarkers`) or the organisation's (`advanceOrganisationReads`). */
  id: string;
  seq: number;
}

/** Whether every write a bulk write's error reports was refused for a duplicate key. */
function onlyDuplicateKeys(error: unknown): boolean {
  const errors = (error as { writeErrors?: unknown[] | unknown }).writeErrors;
  const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
  return list.length > 0 && list.every(isDuplicateKey);
}

// FerretDB 1.24 (SQLite and PostgreSQL alike) stops answering altogether — every later command waits —
// after an update command of 100 statements on existing documents, or three of 50 at once (found by the
// chat benchmark, then alone); parts of 10, even 30 of them at once, are answered: a bulk write goes in
// parts of 10, one after the other.
const BULK_PART = 10;

/**
 * Moves read markers forward to their seqs (never back): one bulk write per BULK_PART of them (a busy
 * room's flush moves every sender's). Two first markers racing: the loser's upsert collides on `_id`;
 * the document exists then, so its part is written again.
 */
async function advance(model: typeof ReadMarker, moves: ReadMove[]): Promise<void> {
  // Every part is tried, so that one failing part does not hold the others back; the first failure is thrown.
  let failure: unknown = null;
  for (let i = 0; i < moves.length; i += BULK_PART) await advancePart(model, moves.slice(i, i + BULK_PART)).catch((error: unknown) => (failure ??= error));
  if (failure) throw failure;
}

async function advancePart(model: typeof ReadMarker, moves: ReadMove[]): Promise<void> {
  const write = (batch: ReadMove[]) =>
    model.bulkWrite(
      batch.map((m) => ({ updateOne: { filter: { _id: markerKey(m.roomId, m.id) }, update: { $max: { seq: m.seq } }, upsert: true } })),
      { ordered: false },
    );
  if (moves.length === 0) return;
  try {
    await write(moves);
  } catch (error) {
    if (!onlyDuplicateKeys(error)) throw error;
    // The whole part again, not only the collided moves: FerretDB 1.24 leaves the rest of an unordered bulk
    // write undone after a collision (found by test/rooms.reads.test.ts); a $max applied twice changes nothing.
    await write(moves);
  }
}

/** Moves users' read markers forward (never back), in bulk writes of BULK_PART. */
export function advanceReadMarkers(moves: ReadMove[]): Promise<void> {
  return advance(ReadMarker, moves);
}

/** Moves organisations' read markers (the furthest any of their users read) forward, in bulk writes of BULK_PART. */
export function advanceOrganisationReads(moves: ReadMove[]): Promise<void> {
  return advance(OrganisationRead, moves);
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
