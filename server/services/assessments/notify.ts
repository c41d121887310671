import type { Notification } from '../../../shared/schemas/notifications.js';
import type { Domain } from '../../domain.js';
import { domainEvents } from '../../events.js';
import type { AssessmentDoc } from '../../models/assessment.js';
import { keptVisible, newlyVisible } from '../../policies/sharing.js';
import type { Principal } from '../../auth/principal.js';
import { actorView } from '../context.js';
import { publicView } from './views.js';

/** The highest overall risk (§6): publishing at it always escalates (§11). */
const TOP_RISK = 4;

/** A notification's subject for an assessment: what others read of it (the title only when unclassified). */
export function assessmentSubject(doc: AssessmentDoc): Notification['subject'] {
  const view = publicView(doc) ?? doc;
  return {
    kind: 'assessment',
    id: doc._id.toString(),
    country: doc.country,
    title: view.classification === 'unclassified' ? view.title : null,
    classification: view.classification as Notification['subject']['classification'],
  };
}

/**
 * After a change of an assessment (`previous`: as it was, null when new): `assessment.changed` to the
 * sockets of every organisation that saw it before or sees it now; `assessment.shared` to organisations
 * that newly see it; `assessment.updated` (when `revised`: a revision was published) to the others that
 * still see it; `risk.escalation` to watchers when a reading is published above the previous one.
 */
export async function announceAssessment(
  domain: Domain,
  p: Principal,
  doc: AssessmentDoc,
  previous: AssessmentDoc | null,
  revised: boolean,
  action: string,
): Promise<void> {
  const before = previous?.audience ?? [];
  const active = before.includes('all') || doc.audience.includes('all') ? await domain.repos.organisations.activeIds() : [];
  const id = doc._id.toString();
  const owner = doc.organisationId.toString();
  // A draft revision (or its discard) changes nothing others read: only the owner's lists hear of it, so
  // other organisations cannot tell when the owner is drafting.
  const seenByOthers =
    !previous ||
    doc.deletedAt ||
    publicView(previous)?.publishedAt?.getTime() !== publicView(doc)?.publishedAt?.getTime() ||
    before.join() !== doc.audience.join();
  const told = seenByOthers ? newlyVisible([], [...before, ...doc.audience], active) : [owner];
  domainEvents.publish('item.changed', { kind: 'assessment', id, organisationIds: told });
  if (doc.deletedAt) return;
  const others = (ids: string[]) => ids.filter((orgId) => orgId !== owner);
  const base = { actor: actorView(p), subject: assessmentSubject(doc) };
  await domain.notifications.request({ ...base, type: 'assessment.shared', organisationIds: others(newlyVisible(before, doc.audience, active)) });
  if (revised) await domain.notifications.request({ ...base, type: 'assessment.updated', organisationIds: others(keptVisible(before, doc.audience, active)) });
  // Only a publication is a new reading: a discard stores the published content again and must not re-alert watchers.
  if (action === 'assessment.publish' && previous && doc.status === 'published' && previous.status !== 'published') await escalate(domain, p, doc, previous);
}

/** `risk.escalation` (§11): a reading above the organisation's previous published one for the country, or at the top. */
async function escalate(domain: Domain, p: Principal, doc: AssessmentDoc, previous: AssessmentDoc): Promise<void> {
  const owner = doc.organisationId.toString();
  const earlier = [
    publicView(previous),
    ...(await domain.repos.assessments.live(doc.country)).filter((a) => a.organisationId.toString() === owner && !a._id.equals(doc._id)).map(publicView),
  ]
    .filter((a): a is AssessmentDoc => !!a?.publishedAt)
    .sort((a, b) => b.publishedAt!.getTime() - a.publishedAt!.getTime())[0];
  if (doc.overallRisk < TOP_RISK && (!earlier || doc.overallRisk <= earlier.overallRisk)) return;
  const watchers = await domain.repos.watches.watchersOf(doc.country);
  await domain.notifications.request({ type: 'risk.escalation', actor: actorView(p), subject: assessmentSubject(doc), userIds: watchers });
}
