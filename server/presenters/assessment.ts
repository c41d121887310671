import type { Assessment, AssessmentComment, AssessmentVersion, RiskFactorEntry } from '../../shared/schemas/assessments.js';
import type { AssessmentDoc } from '../models/assessment.js';
import type { AssessmentVersionDoc } from '../models/assessmentVersion.js';
import type { CommentDoc } from '../models/comment.js';
import { presentSharing, presentTlp } from './sharing.js';
import { toIso } from './user.js';

// What a current assessment and a stored version both hold: every presented field but the id.
type Snapshot = Pick<AssessmentDoc, Exclude<keyof AssessmentVersion, 'id'>>;

/**
 * An assessment (current or as one of its versions) as the API shows it (§6). The models type
 * enumerated fields as strings; they store only what their schemas' enums allow, hence the casts.
 */
export function presentAssessment(a: Snapshot, id: string): AssessmentVersion {
  return {
    id,
    organisationId: a.organisationId.toString(),
    country: a.country,
    title: a.title,
    summary: a.summary ?? '',
    periodStart: a.periodStart ?? null,
    periodEnd: a.periodEnd ?? null,
    overallRisk: a.overallRisk,
    riskFactors: (a.riskFactors ?? []).map((f) => ({
      number: f.number,
      level: f.level,
      trend: f.trend as RiskFactorEntry['trend'],
      indicators: [...(f.indicators ?? [])],
      notes: f.notes ?? '',
    })),
    status: a.status,
    classification: a.classification as AssessmentVersion['classification'],
    sharing: presentSharing(a.sharing),
    tlp: presentTlp(a.tlp),
    discoverable: a.discoverable ?? false,
    version: a.version,
    createdBy: a.createdBy.toString(),
    updatedBy: a.updatedBy.toString(),
    createdAt: toIso(a.createdAt),
    updatedAt: toIso(a.updatedAt),
    publishedAt: toIso(a.publishedAt),
  };
}

/**
 * The current version of an assessment as one reader sees it (the working version or the published
 * view), with the number of its last published version (null before the first publication; an
 * assessment stored before v2 has no field and is its own published version once published).
 */
export const presentCurrent = (a: AssessmentDoc): Assessment => ({
  ...presentAssessment(a, a._id.toString()),
  publishedVersion: a.publishedVersion !== undefined ? a.publishedVersion : a.status === 'published' ? a.version : null,
});

// Per catalog entry: a change replaces the entry (and bumps its version), so its bytes go with it.
const presentedJson = new WeakMap<AssessmentDoc, { version: number; json: Buffer }>();

/** presentCurrent as JSON bytes, serialised once per version of a catalog entry (lists reuse them). */
export function presentCurrentJson(a: AssessmentDoc): Buffer {
  const cached = presentedJson.get(a);
  if (cached?.version === a.version) return cached.json;
  const json = Buffer.from(JSON.stringify(presentCurrent(a)));
  presentedJson.set(a, { version: a.version, json });
  return json;
}

/** A stored version of an assessment. */
export const presentVersion = (v: AssessmentVersionDoc): AssessmentVersion => presentAssessment(v, v.assessmentId.toString());

/** A comment (§6). */
export function presentComment(c: CommentDoc): AssessmentComment {
  return {
    id: c._id.toString(),
    assessmentId: c.assessmentId.toString(),
    author: { id: c.author!.id.toString(), name: c.author!.name, organisationId: c.author!.organisationId.toString() },
    body: c.body,
    createdAt: toIso(c.createdAt),
  };
}
