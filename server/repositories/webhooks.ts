import mongoose from 'mongoose';
import { AttemptClaimModel, DeliveryModel, WebhookModel, type AttemptDoc as Attempt, type DeliveryDoc, type WebhookDoc } from '../models/webhook.js';
import { claim } from '../store/claim.js';

const DUE_BATCH = 50;

/** The SecretBox purpose webhook signing secrets are sealed for (under HUB_MASTER_KEY). */
export const WEBHOOK_SECRETS = 'webhook-secrets';

/** Webhooks, their deliveries and the claims of delivery attempts (§14). */
export class WebhookRepository {
  /** Stores a webhook. */
  async create(fields: { organisationId: string; url: string; events: string[]; secretSealed: string; createdBy: string }): Promise<WebhookDoc> {
    return (await WebhookModel.create(fields)).toObject() as WebhookDoc;
  }

  /** One webhook (deleted ones too), or null. */
  find(id: string | mongoose.Types.ObjectId): Promise<WebhookDoc | null> {
    return WebhookModel.findById(id).lean<WebhookDoc>().exec();
  }

  /** An organisation's webhooks, oldest first. */
  listOf(organisationId: string): Promise<WebhookDoc[]> {
    return WebhookModel.find({ organisationId: new mongoose.Types.ObjectId(organisationId), deletedAt: null })
      .sort({ createdAt: 1 })
      .lean<WebhookDoc[]>()
      .exec();
  }

  /** The webhooks of these organisations listening to `type`. */
  async listening(organisationIds: string[], type: string): Promise<WebhookDoc[]> {
    if (organisationIds.length === 0) return [];
    const ids = organisationIds.map((id) => new mongoose.Types.ObjectId(id));
    const hooks = await WebhookModel.find({ organisationId: mongoose.trusted({ $in: ids }), deletedAt: null })
      .lean<WebhookDoc[]>()
      .exec();
    return hooks.filter((hook) => hook.events.includes(type));
  }

  /** Every webhook, deleted ones too, with its sealed secret (master-key rotation). */
  all(): Promise<WebhookDoc[]> {
    return WebhookModel.find({}).lean<WebhookDoc[]>().exec();
  }

  /** Replaces a webhook's sealed secret (the same secret, sealed under a new master key). */
  async reseal(id: mongoose.Types.ObjectId, secretSealed: string): Promise<void> {
    await WebhookModel.updateOne({ _id: id }, { $set: { secretSealed } });
  }

  /** Marks a webhook deleted: nothing more is posted to it. */
  async remove(id: string): Promise<void> {
    await WebhookModel.updateOne({ _id: id }, { $set: { deletedAt: new Date() } });
  }

  /** Queues a delivery; false when this event already has one for this webhook. */
  enqueue(delivery: { webhookId: mongoose.Types.ObjectId; eventId: string; type: string; body: string; giveUpAt: Date }): Promise<boolean> {
    const _id = `${delivery.webhookId.toString()}:${delivery.eventId}`;
    return claim(() => DeliveryModel.create({ _id, ...delivery, status: 'pending', nextAttemptAt: new Date() }));
  }

  /** Deliveries whose next attempt is due. */
  due(now: Date): Promise<DeliveryDoc[]> {
    return DeliveryModel.find({ status: 'pending', nextAttemptAt: mongoose.trusted({ $lte: now }) })
      .limit(DUE_BATCH)
      .lean<DeliveryDoc[]>()
      .exec();
  }

  /** Claims attempt `n` of a delivery; false when another process has it. */
  claimAttempt(deliveryId: string, n: number): Promise<boolean> {
    return claim(() => AttemptClaimModel.create({ _id: `${deliveryId}#${n}`, at: new Date() }));
  }

  /** When attempt `n` of a delivery was claimed, or null when it never was. */
  async attemptClaimedAt(deliveryId: string, n: number): Promise<Date | null> {
    const found = await AttemptClaimModel.findById(`${deliveryId}#${n}`).lean<{ at: Date }>().exec();
    return found?.at ?? null;
  }

  /** Claims the recording of attempt `n` as lost (its claimant stopped before recording it); false when another process has. */
  claimLostAttempt(deliveryId: string, n: number): Promise<boolean> {
    return claim(() => AttemptClaimModel.create({ _id: `${deliveryId}#${n}:lost`, at: new Date() }));
  }

  /** Records an attempt and what comes next: delivered, failed for good, or another try at `nextAttemptAt`. */
  async recordAttempt(deliveryId: string, attempts: Attempt[], status: DeliveryDoc['status'], nextAttemptAt: Date | null): Promise<void> {
    await DeliveryModel.updateOne({ _id: deliveryId }, { $set: { attempts, status, nextAttemptAt } });
  }

  /** A webhook's deliveries, newest first. */
  deliveriesOf(webhookId: string, limit: number): Promise<DeliveryDoc[]> {
    return DeliveryModel.find({ webhookId: new mongoose.Types.ObjectId(webhookId) })
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<DeliveryDoc[]>()
      .exec();
  }
}
