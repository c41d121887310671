import type { Logger } from 'pino';
import type { WebhookEvent } from '../../../shared/schemas/webhooks.js';
import type { SecretBox } from '../../auth/secretBox.js';
import type { DeliveryDoc } from '../../models/webhook.js';
import type { WebhookRepository } from '../../repositories/webhooks.js';
import { post } from './sender.js';

const POLL_MS = 1_000;
const RETRY_FOR_MS = 24 * 3600_000;
const RETRY_MAX_MS = 3600_000;
// An attempt claimed this long ago and still not recorded was lost with its process (a post times out in 10 s).
const LOST_AFTER_MS = 60_000;

/** What the worker needs of the hub's configuration. */
export interface WebhookSettings {
  allowPrivate: boolean;
  firstRetryMs: number;
}

/**
 * Posts webhook deliveries (§14), in every process: each attempt is claimed by insert
 * (`<delivery>#<n>`) before it is made, so no try is made twice; a failure is retried with doubling
 * backoff (firstRetryMs, then ×2, at most an hour apart) until 24 hours after the event.
 */
export class WebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly secrets: SecretBox,
    private readonly settings: WebhookSettings,
    private readonly log: Logger,
  ) {}

  /** Queues `event` for every webhook of `organisationIds` listening to its type (once per webhook and event). */
  async enqueue(event: WebhookEvent, organisationIds: string[]): Promise<void> {
    const hooks = await this.webhooks.listening(organisationIds, event.type);
    await this.enqueueTo(
      hooks.map((h) => h._id),
      event,
    );
  }

  /** Queues `event` for these webhooks and wakes the worker. */
  async enqueueTo(webhookIds: DeliveryDoc['webhookId'][], event: WebhookEvent): Promise<void> {
    const body = JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt, subject: event.subject });
    const giveUpAt = new Date(Date.now() + RETRY_FOR_MS);
    for (const webhookId of webhookIds) await this.webhooks.enqueue({ webhookId, eventId: event.id, type: event.type, body, giveUpAt });
    if (webhookIds.length > 0) this.wake();
  }

  /** Polls for due deliveries (other processes' events, retries). */
  start(): void {
    this.timer ??= setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
  }

  /** Stops polling and waits for the attempts in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runDue()
      .catch((error: unknown) => this.log.error({ err: error }, 'webhook deliveries failed; retried on the next pass'))
      .finally(() => {
        this.running = undefined;
        if (this.again && this.timer) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async runDue(): Promise<void> {
    const due = await this.webhooks.due(new Date());
    await Promise.all(due.map((delivery) => this.attempt(delivery)));
  }

  private async attempt(delivery: DeliveryDoc): Promise<void> {
    const n = delivery.attempts.length + 1;
    if (!(await this.webhooks.claimAttempt(delivery._id, n))) return this.recoverLost(delivery, n);
    const hook = await this.webhooks.find(delivery.webhookId);
    const attempts = [...delivery.attempts];
    if (!hook || hook.deletedAt) {
      attempts.push({ at: new Date(), status: null, error: 'the webhook was removed', durationMs: 0 });
      return this.webhooks.recordAttempt(delivery._id, attempts, 'failed', null);
    }
    const result = await post(
      hook.url,
      delivery.body,
      { secret: this.secrets.open(hook.secretSealed), deliveryId: delivery._id, event: delivery.type },
      this.settings.allowPrivate,
    );
    attempts.push({ at: new Date(), ...result });
    if (result.error === null) return this.webhooks.recordAttempt(delivery._id, attempts, 'delivered', null);
    this.log.warn({ webhookId: hook._id.toString(), attempt: n, error: result.error }, 'webhook delivery failed');
    await this.retryLater(delivery, attempts, n);
  }

  /**
   * Attempt `n` was claimed but never recorded: after LOST_AFTER_MS its process is taken to have stopped
   * mid-attempt, and one process (claimed) records it as failed and schedules the next, so no delivery
   * waits for ever on a claim nobody will finish.
   */
  private async recoverLost(delivery: DeliveryDoc, n: number): Promise<void> {
    const claimedAt = await this.webhooks.attemptClaimedAt(delivery._id, n);
    if (!claimedAt || Date.now() - claimedAt.getTime() < LOST_AFTER_MS) return;
    if (!(await this.webhooks.claimLostAttempt(delivery._id, n))) return;
    const attempts = [
      ...delivery.attempts,
      { at: claimedAt, status: null, error: 'the attempt was lost (its hub process stopped before recording it)', durationMs: 0 },
    ];
    this.log.warn({ deliveryId: delivery._id, attempt: n }, 'webhook attempt lost; retrying');
    await this.retryLater(delivery, attempts, n);
  }

  /** Records failed attempt `n` and the next try with doubling backoff, or gives up after 24 hours. */
  private async retryLater(delivery: DeliveryDoc, attempts: DeliveryDoc['attempts'], n: number): Promise<void> {
    const next = new Date(Date.now() + Math.min(this.settings.firstRetryMs * 2 ** (n - 1), RETRY_MAX_MS));
    const giveUp = next.getTime() > delivery.giveUpAt.getTime();
    await this.webhooks.recordAttempt(delivery._id, attempts, giveUp ? 'failed' : 'pending', giveUp ? null : next);
  }
}
