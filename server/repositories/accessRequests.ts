import mongoose from 'mongoose';
import { AccessRequest, AccessRequestClaim, type AccessRequestDoc } from '../models/accessRequest.js';
import { claim } from '../store/claim.js';

const pendingKey = (r: Pick<AccessRequestDoc, 'kind' | 'itemId' | 'organisationId'>) =>
  `pending:${r.kind}:${r.itemId.toString()}:${r.organisationId.toString()}`;
const decidedKey = (id: mongoose.Types.ObjectId) => `decided:${id.toString()}`;

/** What a list of requests is narrowed to: the caller's organisation on one side or both. */
export interface AccessRequestFilter {
  organisationId: string;
  direction?: 'incoming' | 'outgoing';
  status?: AccessRequestDoc['status'];
  before?: string;
  limit: number;
}

/** Access requests (§13): one pending per organisation and item, one decision per request. */
export class AccessRequestRepository {
  /** Stores a new pending request; false when the organisation already has one pending for the item. */
  async create(request: AccessRequestDoc): Promise<boolean> {
    if (!(await claim(() => AccessRequestClaim.create({ _id: pendingKey(request) })))) return false;
    try {
      await AccessRequest.create(request);
    } catch (error) {
      await AccessRequestClaim.deleteOne({ _id: pendingKey(request) });
      throw error;
    }
    return true;
  }

  /** One request, or null. */
  find(id: string): Promise<AccessRequestDoc | null> {
    if (!mongoose.isValidObjectId(id)) return Promise.resolve(null);
    return AccessRequest.findById(id).lean<AccessRequestDoc>().exec();
  }

  /** Claims the one decision of a request: true for exactly one caller. */
  claimDecision(request: AccessRequestDoc): Promise<boolean> {
    return claim(() => AccessRequestClaim.create({ _id: decidedKey(request._id) }));
  }

  /** Gives back a claimed decision that could not be carried out (the item went away). */
  async releaseDecision(request: AccessRequestDoc): Promise<void> {
    await AccessRequestClaim.deleteOne({ _id: decidedKey(request._id) });
  }

  /** Stores the decision, then frees the organisation to ask again. */
  async decide(
    request: AccessRequestDoc,
    decision: Pick<AccessRequestDoc, 'status' | 'decidedBy' | 'decidedAt' | 'note' | 'expiresAt'>,
  ): Promise<AccessRequestDoc> {
    await AccessRequest.updateOne({ _id: request._id }, { $set: decision });
    await AccessRequestClaim.deleteOne({ _id: pendingKey(request) });
    return { ...request, ...decision };
  }

  /** A page of the requests an organisation made or received, newest first, before the id `before`. */
  list(filter: AccessRequestFilter): Promise<AccessRequestDoc[]> {
    const org = new mongoose.Types.ObjectId(filter.organisationId);
    const query: Record<string, unknown> =
      filter.direction === 'incoming'
        ? { ownerOrganisationId: org }
        : filter.direction === 'outgoing'
          ? { organisationId: org }
          : { $or: [{ ownerOrganisationId: org }, { organisationId: org }] };
    if (filter.status) query.status = filter.status;
    if (filter.before) query._id = mongoose.trusted({ $lt: new mongoose.Types.ObjectId(filter.before) });
    return AccessRequest.find(query)
      .sort({ _id: -1 })
      .limit(filter.limit + 1)
      .lean<AccessRequestDoc[]>()
      .exec();
  }
}
