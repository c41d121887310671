import mongoose, { Schema, type Types } from 'mongoose';
import { ACCESS_REQUEST_KINDS, ACCESS_REQUEST_STATUSES } from '../../shared/schemas/handling.js';

/** An access request as stored (§13). */
export interface AccessRequestDoc {
  _id: Types.ObjectId;
  kind: (typeof ACCESS_REQUEST_KINDS)[number];
  itemId: Types.ObjectId;
  ownerOrganisationId: Types.ObjectId;
  organisationId: Types.ObjectId;
  requestedBy: { id: Types.ObjectId; name: string };
  reason: string;
  status: (typeof ACCESS_REQUEST_STATUSES)[number];
  createdAt: Date;
  // What the item was when asked for: shown beside the request (the title only as the card allows).
  item: { country: string | null; classification: string; tlp: string; title: string };
  decidedBy: { id: Types.ObjectId; name: string } | null;
  decidedAt: Date | null;
  note: string | null;
  expiresAt: Date | null;
}

const personSchema = { id: { type: Schema.Types.ObjectId, required: true }, name: { type: String, required: true } };

const accessRequestSchema = new Schema<AccessRequestDoc>(
  {
    kind: { type: String, required: true, enum: ACCESS_REQUEST_KINDS },
    itemId: { type: Schema.Types.ObjectId, required: true, index: true },
    ownerOrganisationId: { type: Schema.Types.ObjectId, required: true, index: true },
    organisationId: { type: Schema.Types.ObjectId, required: true, index: true },
    requestedBy: { type: new Schema(personSchema, { _id: false, strict: 'throw' }), required: true },
    reason: { type: String, required: true },
    status: { type: String, required: true, enum: ACCESS_REQUEST_STATUSES },
    createdAt: { type: Date, required: true },
    item: {
      type: new Schema({ country: { type: String, default: null }, classification: String, tlp: String, title: String }, { _id: false, strict: 'throw' }),
      required: true,
    },
    decidedBy: { type: new Schema(personSchema, { _id: false, strict: 'throw' }), default: null },
    decidedAt: { type: Date, default: null },
    note: { type: String, default: null },
    expiresAt: { type: Date, default: null },
  },
  { strict: 'throw', versionKey: false },
);

/** Requests by one organisation for access to another's discoverable item. */
export const AccessRequest = mongoose.model<AccessRequestDoc>('AccessRequest', accessRequestSchema);

// `pending:<kind>:<itemId>:<organisationId>` while a request is pending (one per organisation and item),
// `decided:<requestId>` once decided (one decision): claimed by insert, as FerretDB's conditional
// updates let several writers win (store/claim.ts).
const accessRequestClaimSchema = new Schema({ _id: { type: String, required: true } }, { strict: 'throw', versionKey: false });

/** The claims that keep access requests single: one pending per organisation and item, one decision each. */
export const AccessRequestClaim = mongoose.model('AccessRequestClaim', accessRequestClaimSchema);
