import mongoose, { Schema, type Types } from 'mongoose';
import { ACTION_STATUSES, ALERT_LEVELS, ALERT_STATUSES } from '../../shared/alerts.js';
import { CLASSIFICATIONS, SHARING_SCOPES, TLP_LEVELS } from '../../shared/sharing.js';

/** An early-warning alert as stored (§12); its actions, updates and acknowledgements are kept apart. */
export interface AlertDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  country: string;
  level: string;
  title: string;
  summary: string;
  classification: string;
  tlp: string;
  sharing: { scope: string; organisations: Types.ObjectId[] };
  /** Who may read it ('org:<id>' keys and 'all'), as for assessments (policies/sharing.ts). */
  audience: string[];
  links: { assessments: string[]; documents: string[]; rooms: string[] };
  status: string;
  createdBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

const alertSchema = new Schema<AlertDoc>(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true, index: true },
    country: { type: String, required: true },
    level: { type: String, required: true, enum: ALERT_LEVELS },
    title: { type: String, required: true },
    summary: { type: String, default: '' },
    classification: { type: String, required: true, enum: CLASSIFICATIONS },
    tlp: { type: String, required: true, enum: TLP_LEVELS },
    sharing: { scope: { type: String, required: true, enum: SHARING_SCOPES }, organisations: { type: [Schema.Types.ObjectId], default: [] } },
    audience: { type: [String], required: true, index: true },
    links: { assessments: { type: [String], default: [] }, documents: { type: [String], default: [] }, rooms: { type: [String], default: [] } },
    status: { type: String, required: true, enum: ALERT_STATUSES },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

/** Early-warning alerts. */
export const Alert = mongoose.model<AlertDoc>('Alert', alertSchema);

/** A recommended action of an alert as stored. */
export interface ActionDoc {
  _id: Types.ObjectId;
  alertId: Types.ObjectId;
  text: string;
  ownerOrganisationId: Types.ObjectId;
  /** `YYYY-MM-DD` (a UTC day). */
  dueDate: string;
  status: string;
  createdBy: Types.ObjectId;
  createdAt: Date;
}

const actionSchema = new Schema<ActionDoc>(
  {
    alertId: { type: Schema.Types.ObjectId, required: true, index: true },
    text: { type: String, required: true },
    ownerOrganisationId: { type: Schema.Types.ObjectId, required: true, index: true },
    dueDate: { type: String, required: true },
    status: { type: String, required: true, enum: ACTION_STATUSES },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

/** Recommended actions (their status is a cache of the latest update; the updates are the history). */
export const AlertAction = mongoose.model<ActionDoc>('AlertAction', actionSchema);

/** One status change of an action, as stored (insert-only: FerretDB's `$push` would lose racing ones). */
export interface ActionUpdateDoc {
  _id: Types.ObjectId;
  actionId: Types.ObjectId;
  alertId: Types.ObjectId;
  at: Date;
  userId: Types.ObjectId;
  status: string;
  note: string | null;
}

const actionUpdateSchema = new Schema<ActionUpdateDoc>(
  {
    actionId: { type: Schema.Types.ObjectId, required: true, index: true },
    alertId: { type: Schema.Types.ObjectId, required: true, index: true },
    at: { type: Date, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, required: true, enum: ACTION_STATUSES },
    note: { type: String, default: null },
  },
  { strict: 'throw', versionKey: false },
);

/** The status history of actions. */
export const ActionUpdate = mongoose.model<ActionUpdateDoc>('ActionUpdate', actionUpdateSchema);

/** An organisation's acknowledgement of an alert; `_id` `<alert>:<organisation>`, so inserting is what makes it once. */
export interface AcknowledgementDoc {
  _id: string;
  alertId: Types.ObjectId;
  organisationId: Types.ObjectId;
  userId: Types.ObjectId;
  userName: string;
  at: Date;
}

const acknowledgementSchema = new Schema<AcknowledgementDoc>(
  {
    _id: { type: String, required: true },
    alertId: { type: Schema.Types.ObjectId, required: true, index: true },
    organisationId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    userName: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

/** Acknowledgements of alerts, one per organisation. */
export const AlertAcknowledgement = mongoose.model<AcknowledgementDoc>('AlertAcknowledgement', acknowledgementSchema);

// `<action>:<due date>:<day>`: the `action.due` of that action on that UTC day was asked for, once hub-wide.
const dueClaimSchema = new Schema({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { strict: 'throw', versionKey: false });

/** Which `action.due` notifications were sent. */
export const ActionDueClaim = mongoose.model('ActionDueClaim', dueClaimSchema);
