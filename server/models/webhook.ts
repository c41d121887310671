import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { DELIVERY_STATUSES } from '../../shared/schemas/webhooks.js';

const webhookSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true, index: true },
    url: { type: String, required: true },
    events: { type: [String], required: true },
    // The signing secret, sealed under HUB_MASTER_KEY (auth/secretBox.ts): the hub must sign with it.
    secretSealed: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    deletedAt: { type: Date, default: null },
  },
  { timestamps: true, strict: 'throw' },
);
export type WebhookDoc = InferSchemaType<typeof webhookSchema> & { _id: mongoose.Types.ObjectId; createdAt: Date };
/** An organisation's webhook (§14). */
export const WebhookModel = mongoose.model('Webhook', webhookSchema);

const attemptSchema = new Schema(
  {
    at: { type: Date, required: true },
    status: { type: Number, default: null },
    error: { type: String, default: null },
    durationMs: { type: Number, required: true },
  },
  { _id: false, strict: 'throw' },
);

const deliverySchema = new Schema(
  {
    // `<webhook>:<event>`: inserting it is what makes one delivery per event and webhook.
    _id: { type: String, required: true },
    webhookId: { type: Schema.Types.ObjectId, required: true, index: true },
    eventId: { type: String, required: true },
    type: { type: String, required: true },
    // The exact bytes posted and signed, so every retry sends (and signs) the same body.
    body: { type: String, required: true },
    status: { type: String, required: true, enum: DELIVERY_STATUSES, index: true },
    attempts: { type: [attemptSchema], default: [] },
    nextAttemptAt: { type: Date, default: null },
    giveUpAt: { type: Date, required: true },
  },
  { timestamps: true, strict: 'throw' },
);
/** One try of a delivery, as stored. */
export interface AttemptDoc {
  at: Date;
  status: number | null;
  error: string | null;
  durationMs: number;
}
export type DeliveryDoc = Omit<InferSchemaType<typeof deliverySchema>, 'attempts'> & { attempts: AttemptDoc[]; createdAt: Date };
/** One event to one webhook, with its attempts. */
export const DeliveryModel = mongoose.model('WebhookDelivery', deliverySchema);

// `<delivery>#<attempt>`: the process that inserts it makes that attempt, so two processes never post one try twice.
const attemptClaimSchema = new Schema({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { strict: 'throw' });
/** Claims of delivery attempts. */
export const AttemptClaimModel = mongoose.model('WebhookAttemptClaim', attemptClaimSchema);
