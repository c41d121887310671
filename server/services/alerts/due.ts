import type { Logger } from 'pino';
import { PENDING_ACTION_STATUSES, type ActionStatus } from '../../../shared/alerts.js';
import type { ActionDoc, AlertDoc } from '../../models/alert.js';
import type { Repositories } from '../../repositories/index.js';
import type { NotificationService } from '../notifications/service.js';
import { actionSubject } from './notify.js';

/** How often each process looks for actions whose day (or the day before it) has begun. */
const POLL_MS = 30_000;
const DAY_MS = 86_400_000;

/** The UTC day of a time, `YYYY-MM-DD`. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * `action.due` (§12): to the owner organisation's admins and analysts on the day before the due date
 * and on it (UTC), while the action is open or in progress — at the start of each of those days
 * (every process looks every 30 s), or at once when an action is created or reopened on one of them.
 * Each (action, due date, day) is claimed by insert, so a day's notification goes out once hub-wide.
 * `now` comes from the domain's clock; tests pass a shifted one to `run`.
 */
export class ActionDueNotifier {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private log: Logger | undefined;

  constructor(
    private readonly repos: Repositories,
    private readonly notifications: NotificationService,
    private readonly clock: () => Date,
  ) {}

  /** Starts this process's look at every poll (hub.ts). */
  start(log: Logger): void {
    this.log = log;
    this.timer = setInterval(() => this.tick(), POLL_MS);
    this.timer.unref();
    this.tick();
  }

  /** Stops looking, after the look in hand. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Sends what is due at `now` and not yet sent; answers how many notifications were asked for. */
  async run(now: Date = this.clock()): Promise<number> {
    const today = utcDay(now);
    const due = await this.repos.alerts.pendingDueOn([today, utcDay(new Date(now.getTime() + DAY_MS))], PENDING_ACTION_STATUSES);
    let sent = 0;
    for (const action of due) if (await this.notify(action, today)) sent++;
    return sent;
  }

  /** After an action was created or its status changed: its `action.due` at once if today is one of its days. */
  async check(action: ActionDoc, alert: AlertDoc, now: Date = this.clock()): Promise<void> {
    if (!PENDING_ACTION_STATUSES.includes(action.status as ActionStatus)) return;
    const today = utcDay(now);
    if (action.dueDate !== today && action.dueDate !== utcDay(new Date(now.getTime() + DAY_MS))) return;
    await this.notify(action, today, alert);
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.run()
      .catch((error: unknown) => this.log?.error({ err: error }, 'action.due pass failed; retried on the next'))
      .finally(() => {
        this.running = undefined;
      });
  }

  private async notify(action: ActionDoc, today: string, known?: AlertDoc): Promise<boolean> {
    if (!(await this.repos.alerts.claimDue(`${action._id.toString()}:${action.dueDate}:${today}`, new Date()))) return false;
    const alert = known ?? (await this.repos.alerts.find(action.alertId.toString()));
    if (!alert) return false;
    const userIds = await this.repos.users.activeEditorsOf(action.ownerOrganisationId.toString());
    await this.notifications.request({ type: 'action.due', actor: null, subject: actionSubject(alert, action), userIds });
    return true;
  }
}
