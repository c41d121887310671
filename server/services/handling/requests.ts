import type { Principal } from '../../auth/principal.js';
import type { AccessRequestKind, CreateAccessRequestBody, DecideAccessRequestBody, ListAccessRequestsQuery } from '../../../shared/schemas/handling.js';
import type { Domain } from '../../domain.js';
import { HttpError, notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/paging.js';
import type { AccessRequestDoc } from '../../models/accessRequest.js';
import type { AssessmentDoc } from '../../models/assessment.js';
import type { DocumentDoc } from '../../models/document.js';
import { canReadAssessment } from '../../policies/assessment.js';
import { decideAccessVerdict, requestAccessVerdict } from '../../policies/discovery.js';
import { canReadDocument } from '../../policies/document.js';
import { authorize } from '../../policies/helpers.js';
import { accessRequestSubject, presentAccessRequest } from '../../presenters/handling.js';
import { isId, newId } from '../../repositories/ids.js';
import { grantAssessmentAccess } from '../assessments/commands.js';
import { publicView } from '../assessments/views.js';
import { recordAudit } from '../audit.js';
import { actorOf, actorView, type ActionContext } from '../context.js';
import { grantDocumentAccess } from '../documents/commands.js';
import { assessmentCard, documentCard } from './cards.js';

type Signed = ActionContext & { principal: Principal };
type Item = { kind: 'assessment'; doc: AssessmentDoc } | { kind: 'document'; doc: DocumentDoc };

/** The live item a request names, or null. */
async function findItem(domain: Domain, kind: AccessRequestKind, id: string): Promise<Item | null> {
  if (kind === 'assessment') {
    const doc = await domain.repos.assessments.find(id);
    return doc ? { kind, doc } : null;
  }
  const doc = await domain.repos.documents.load(id);
  return doc && !doc.deletedAt ? { kind, doc } : null;
}

/** Whether `p` reads the item whole, and whether it sees its card. */
function accessTo(p: Principal, item: Item): { readable: boolean; cardOnly: boolean } {
  if (item.kind === 'assessment') {
    const readable = canReadAssessment(p, item.doc);
    return { readable, cardOnly: assessmentCard(item.doc, readable) !== null };
  }
  const readable = canReadDocument(p, item.doc);
  return { readable, cardOnly: documentCard(item.doc, readable) !== null };
}

/** What a request keeps of its item: what others read of it (an assessment's published view). */
function snapshotOf(item: Item): AccessRequestDoc['item'] {
  const view = item.kind === 'assessment' ? (publicView(item.doc) ?? item.doc) : item.doc;
  return { country: item.doc.country ?? null, classification: view.classification, tlp: view.tlp ?? 'amber', title: view.title };
}

const auditRequest = (ctx: Signed, r: AccessRequestDoc, action: string, details: Record<string, string | boolean | null>) =>
  recordAudit({
    actor: actorOf(ctx),
    action,
    target: { type: r.kind, id: r.itemId.toString(), organisationId: r.ownerOrganisationId.toString() },
    ip: ctx.ip,
    outcome: 'success',
    details: { requestId: r._id.toString(), organisationId: r.organisationId.toString(), ...details },
  });

/**
 * `POST /api/access-requests` (§13): by an admin or analyst of an organisation that sees only the
 * item's card; one pending request per organisation and item (409); the owner's admins and analysts
 * are notified.
 */
export async function requestAccess(domain: Domain, ctx: Signed, body: CreateAccessRequestBody) {
  const p = ctx.principal;
  const item = await findItem(domain, body.kind, body.id);
  if (!item) throw notFound(body.kind);
  const access = accessTo(p, item);
  authorize(requestAccessVerdict(p, access.cardOnly, access.readable), body.kind);
  if (access.readable) throw new HttpError('conflict', `Your organisation already sees this ${body.kind}.`);
  const request: AccessRequestDoc = {
    _id: newId(),
    kind: body.kind,
    itemId: item.doc._id,
    ownerOrganisationId: item.doc.organisationId,
    organisationId: p.organisation._id,
    requestedBy: { id: p.user._id, name: p.user.name },
    reason: body.reason,
    status: 'pending',
    createdAt: new Date(),
    item: snapshotOf(item),
    decidedBy: null,
    decidedAt: null,
    note: null,
    expiresAt: null,
  };
  if (!(await domain.repos.accessRequests.create(request))) {
    throw new HttpError('conflict', `Your organisation already has a pending request for this ${body.kind}.`);
  }
  await auditRequest(ctx, request, 'access.request', { kind: body.kind });
  const owners = await domain.repos.users.activeEditorsOf(request.ownerOrganisationId.toString());
  await domain.notifications.request({ type: 'access.requested', actor: actorView(p), subject: accessRequestSubject(request), userIds: owners });
  return presentAccessRequest(request, p);
}

/** `GET /api/access-requests?direction=&status=`: the caller's organisation's, newest first, paged. */
export async function listAccessRequests(domain: Domain, p: Principal, query: ListAccessRequestsQuery) {
  let before: string | undefined;
  if (query.cursor) {
    [before] = decodeCursor(query.cursor, ['string']) as string[];
    if (!isId(before)) throw new HttpError('invalid_request', 'cursor: is not a cursor this list gave out.');
  }
  const rows = await domain.repos.accessRequests.list({
    organisationId: p.organisation._id.toString(),
    direction: query.direction,
    status: query.status,
    before,
    limit: query.limit,
  });
  return toPage(
    rows,
    query.limit,
    (r) => [r._id.toString()],
    (r) => presentAccessRequest(r, p),
  );
}

/**
 * `POST /api/access-requests/:id/decide` (§13): the owner's admins and analysts approve — the
 * requesting organisation joins the item's sharing at once, until `expiresAt` when given — or decline
 * with a note. Once only (409 after); the requester's admins and analysts are notified.
 */
export async function decideAccess(domain: Domain, ctx: Signed, id: string, body: DecideAccessRequestBody) {
  const p = ctx.principal;
  const { accessRequests } = domain.repos;
  const request = await accessRequests.find(id);
  if (!request) throw notFound('access request');
  authorize(decideAccessVerdict(p, request), 'access request');
  if (request.status !== 'pending') throw new HttpError('conflict', `This request was already ${request.status}.`);
  const expiresAt = body.approve && body.expiresAt ? new Date(body.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) throw new HttpError('invalid_request', 'expiresAt: must be in the future.');
  if (!(await accessRequests.claimDecision(request))) throw new HttpError('conflict', 'This request was already decided.');
  try {
    if (body.approve) {
      const item = await findItem(domain, request.kind, request.itemId.toString());
      if (!item) throw notFound(request.kind);
      const org = request.organisationId.toString();
      if (item.kind === 'assessment') await grantAssessmentAccess(domain, ctx, item.doc, org, expiresAt);
      else await grantDocumentAccess(domain, ctx, item.doc, org, expiresAt);
    }
  } catch (error) {
    await accessRequests.releaseDecision(request);
    throw error;
  }
  const decided = await accessRequests.decide(request, {
    status: body.approve ? 'approved' : 'declined',
    decidedBy: { id: p.user._id, name: p.user.name },
    decidedAt: new Date(),
    note: body.note || null,
    expiresAt,
  });
  await auditRequest(ctx, decided, 'access.decide', { approved: body.approve, expiresAt: expiresAt?.toISOString() ?? null });
  const requesters = await domain.repos.users.activeEditorsOf(decided.organisationId.toString());
  await domain.notifications.request({ type: 'access.decided', actor: actorView(p), subject: accessRequestSubject(decided), userIds: requesters });
  return presentAccessRequest(decided, p);
}
