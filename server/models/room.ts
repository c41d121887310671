import mongoose, { Schema, type Types } from 'mongoose';
import { DEFAULT_TLP, TLP_LEVELS } from '../../shared/sharing.js';

/** A situation room as stored. */
export interface RoomDoc {
  _id: Types.ObjectId;
  name: string;
  country: string | null;
  organisations: Types.ObjectId[];
  createdBy: Types.ObjectId;
  createdByOrganisation: Types.ObjectId;
  createdAt: Date;
  archived: boolean;
  /** §13; absent on rooms stored before v2 (`amber`). */
  tlp?: string;
}

const roomSchema = new Schema<RoomDoc>(
  {
    name: { type: String, required: true },
    country: { type: String, default: null },
    // Members are all users of these organisations; the creator's organisation is always one of them.
    organisations: { type: [Schema.Types.ObjectId], required: true, index: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdByOrganisation: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    archived: { type: Boolean, required: true, default: false },
    tlp: { type: String, enum: TLP_LEVELS, default: DEFAULT_TLP },
  },
  { strict: 'throw', versionKey: false },
);

/** A joint situation room between the Office and partner organisations. */
export const Room = mongoose.model<RoomDoc>('Room', roomSchema);

const roomHeadSchema = new Schema(
  {
    // The room's id. A hint of the room's last seq, kept apart from the room so that a message never
    // rewrites the room (FerretDB updates are read-then-write: a racing rename would be lost).
    _id: { type: String, required: true },
    lastSeq: { type: Number, required: true, default: 0 },
  },
  { strict: 'throw', versionKey: false },
);

/** Where each room's messages ended when last seen (a hint; the messages themselves are the truth). */
export const RoomHead = mongoose.model('RoomHead', roomHeadSchema);

const readMarkerSchema = new Schema(
  {
    // `<roomId>:<userId>`
    _id: { type: String, required: true },
    seq: { type: Number, required: true, default: 0 },
  },
  { strict: 'throw', versionKey: false },
);

/** How far a user has read in a room. */
export const ReadMarker = mongoose.model('ReadMarker', readMarkerSchema);

const organisationReadSchema = new Schema(
  {
    // `<roomId>:<organisationId>`
    _id: { type: String, required: true },
    seq: { type: Number, required: true, default: 0 },
  },
  { strict: 'throw', versionKey: false },
);

/** How far any user of an organisation has read in a room (§8 v2 `/reads`): the furthest of their markers. */
export const OrganisationRead = mongoose.model('OrganisationRead', organisationReadSchema);
