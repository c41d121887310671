import mongoose from 'mongoose';
import {
  ActionDueClaim,
  ActionUpdate,
  Alert,
  AlertAcknowledgement,
  AlertAction,
  type AcknowledgementDoc,
  type ActionDoc,
  type ActionUpdateDoc,
  type AlertDoc,
} from '../models/alert.js';
import { claim } from '../store/claim.js';

export type { AcknowledgementDoc, ActionDoc, ActionUpdateDoc, AlertDoc } from '../models/alert.js';

/** What an alert's answer is built from: the alert and what is kept beside it. */
export interface AlertParts {
  actions: ActionDoc[];
  updates: ActionUpdateDoc[];
  acknowledgements: AcknowledgementDoc[];
}

const objectIds = (ids: string[]) => ids.filter((id) => mongoose.isValidObjectId(id)).map((id) => new mongoose.Types.ObjectId(id));

/**
 * Alerts (§12), their actions, the actions' updates and the acknowledgements. Whatever must happen
 * once (an organisation's acknowledgement, a day's `action.due`) is claimed by insert; updates of an
 * action are inserted, never pushed, so racing updates are all kept.
 */
export class AlertRepository {
  /** The alert with this id, or null. */
  find(id: string): Promise<AlertDoc | null> {
    if (!mongoose.isValidObjectId(id)) return Promise.resolve(null);
    return Alert.findById(id).lean<AlertDoc>().exec();
  }

  /** The alerts whose audience holds one of `audience`, with optional filters, newest first. */
  visible(audience: string[], filter: { country?: string; status?: string; level?: string; ids?: string[] } = {}): Promise<AlertDoc[]> {
    const query: Record<string, unknown> = { audience: mongoose.trusted({ $in: audience }) };
    if (filter.country) query.country = filter.country;
    if (filter.status) query.status = filter.status;
    if (filter.level) query.level = filter.level;
    if (filter.ids) query._id = mongoose.trusted({ $in: objectIds(filter.ids) });
    return Alert.find(query).sort({ createdAt: -1, _id: -1 }).lean<AlertDoc[]>().exec();
  }

  /** Stores a new alert and its first actions (actions first: an alert never shows half its actions). */
  async create(alert: AlertDoc, actions: ActionDoc[]): Promise<void> {
    if (actions.length > 0) await AlertAction.insertMany(actions);
    await Alert.create(alert);
  }

  /** Changes an alert's own fields; answers it as changed (null: gone). */
  update(id: mongoose.Types.ObjectId, set: Partial<Pick<AlertDoc, 'title' | 'summary' | 'level' | 'status' | 'tlp' | 'updatedAt'>>): Promise<AlertDoc | null> {
    return Alert.findByIdAndUpdate(id, { $set: set }, { new: true }).lean<AlertDoc>().exec();
  }

  /** The actions, updates and acknowledgements of some alerts (three reads however many alerts). */
  async partsOf(alertIds: mongoose.Types.ObjectId[]): Promise<Map<string, AlertParts>> {
    const inIds = mongoose.trusted({ $in: alertIds });
    const [actions, updates, acknowledgements] = await Promise.all([
      AlertAction.find({ alertId: inIds }).sort({ _id: 1 }).lean<ActionDoc[]>().exec(),
      ActionUpdate.find({ alertId: inIds }).sort({ at: 1, _id: 1 }).lean<ActionUpdateDoc[]>().exec(),
      AlertAcknowledgement.find({ alertId: inIds }).sort({ at: 1 }).lean<AcknowledgementDoc[]>().exec(),
    ]);
    const parts = new Map<string, AlertParts>(alertIds.map((id) => [id.toString(), { actions: [], updates: [], acknowledgements: [] }]));
    for (const a of actions) parts.get(a.alertId.toString())?.actions.push(a);
    for (const u of updates) parts.get(u.alertId.toString())?.updates.push(u);
    for (const k of acknowledgements) parts.get(k.alertId.toString())?.acknowledgements.push(k);
    return parts;
  }

  /** Records an organisation's acknowledgement; false when that organisation had already acknowledged. */
  acknowledge(ack: AcknowledgementDoc): Promise<boolean> {
    return claim(() => AlertAcknowledgement.create(ack));
  }

  /** The action with this id, or null. */
  findAction(id: string): Promise<ActionDoc | null> {
    if (!mongoose.isValidObjectId(id)) return Promise.resolve(null);
    return AlertAction.findById(id).lean<ActionDoc>().exec();
  }

  /** Stores a new action. */
  async addAction(action: ActionDoc): Promise<void> {
    await AlertAction.create(action);
  }

  /** The actions of some alerts, filtered by status and owner, soonest due first. */
  actionsOf(
    alertIds: mongoose.Types.ObjectId[],
    filter: { statuses?: readonly string[]; ownerOrganisationId?: mongoose.Types.ObjectId },
  ): Promise<ActionDoc[]> {
    const query: Record<string, unknown> = { alertId: mongoose.trusted({ $in: alertIds }) };
    if (filter.statuses) query.status = mongoose.trusted({ $in: [...filter.statuses] });
    if (filter.ownerOrganisationId) query.ownerOrganisationId = filter.ownerOrganisationId;
    return AlertAction.find(query).sort({ dueDate: 1, _id: 1 }).lean<ActionDoc[]>().exec();
  }

  /** The updates of some actions, oldest first. */
  updatesOf(actionIds: mongoose.Types.ObjectId[]): Promise<ActionUpdateDoc[]> {
    return ActionUpdate.find({ actionId: mongoose.trusted({ $in: actionIds }) })
      .sort({ at: 1, _id: 1 })
      .lean<ActionUpdateDoc[]>()
      .exec();
  }

  /** Records an update of an action and makes its status the action's; answers the action as changed. */
  async updateAction(update: ActionUpdateDoc): Promise<ActionDoc | null> {
    await ActionUpdate.create(update);
    return AlertAction.findByIdAndUpdate(update.actionId, { $set: { status: update.status } }, { new: true })
      .lean<ActionDoc>()
      .exec();
  }

  /** Actions still to be done that fall due on one of `days` (`YYYY-MM-DD`). */
  pendingDueOn(days: string[], statuses: readonly string[]): Promise<ActionDoc[]> {
    return AlertAction.find({ dueDate: mongoose.trusted({ $in: days }), status: mongoose.trusted({ $in: [...statuses] }) })
      .lean<ActionDoc[]>()
      .exec();
  }

  /** Claims the `action.due` of an action for one day: true for exactly one caller hub-wide. */
  claimDue(key: string, at: Date): Promise<boolean> {
    return claim(() => ActionDueClaim.create({ _id: key, at }));
  }
}
