import mongoose from 'mongoose';
import type { Principal } from '../auth/principal.js';
import { isAdmin, isEditor, sameOrganisation } from './helpers.js';
import { principalAudience, sharedItemReader, type StoredExpiry } from './sharing.js';

type Expiring = { expires?: StoredExpiry[] | null } | null;

/** What the assessment policy looks at. */
export interface AssessmentFacts {
  organisationId: { toString(): string };
  audience: string[];
  deletedAt?: Date | null;
  /** The working version's sharing and the published view's: share expiries (§13) count from the one others read. */
  sharing?: Expiring;
  published?: { sharing?: Expiring } | null;
}

/** May `p` read this assessment? Drafts reach their own organisation only (their audience). */
export function canReadAssessment(p: Principal, a: AssessmentFacts): boolean {
  return assessmentReader(p)(a);
}

/**
 * canReadAssessment for many assessments of one request (the list and the overview): the audience,
 * then the expiry of the caller's share (§13), decided with the time of the request.
 */
export function assessmentReader(p: Principal): (a: AssessmentFacts) => boolean {
  const visible = sharedItemReader(p);
  return (a) => !a.deletedAt && visible({ audience: a.audience, organisationId: a.organisationId, sharing: a.published?.sharing ?? a.sharing });
}

/**
 * The MongoDB filter of the assessments `p` may read: the same audience rule as canReadAssessment, as
 * a query (an equality on the denormalised audience, which MongoDB indexes); share expiries are
 * checked on what it finds.
 */
export function visibleAssessmentFilter(p: Principal) {
  return { deletedAt: null, audience: mongoose.trusted({ $in: principalAudience(p) }) };
}

/** May `p` create assessments? Admins and analysts. */
export const canCreateAssessment = (p: Principal): boolean => isEditor(p);

/** Verdict for changing an assessment (edit, publish): owner organisation's admins and analysts. */
export function editAssessmentVerdict(p: Principal, a: AssessmentFacts) {
  return { visible: canReadAssessment(p, a), allowed: sameOrganisation(p, a.organisationId) && isEditor(p) };
}

/** Verdict for deleting an assessment: the owner organisation's admins. */
export function deleteAssessmentVerdict(p: Principal, a: AssessmentFacts) {
  return { visible: canReadAssessment(p, a), allowed: sameOrganisation(p, a.organisationId) && isAdmin(p) };
}

/** Verdict for reading (and commenting on) an assessment. */
export function readAssessmentVerdict(p: Principal, a: AssessmentFacts) {
  const visible = canReadAssessment(p, a);
  return { visible, allowed: visible };
}
