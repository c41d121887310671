import type { Principal } from '../../auth/principal.js';
import { RISK_FACTORS } from '../../../shared/framework/index.js';
import type { CreateAssessmentBody, UpdateAssessmentBody } from '../../../shared/schemas/assessments.js';
import { searchWords } from '../../../shared/search.js';
import type { Classification } from '../../../shared/sharing.js';
import type { Domain } from '../../domain.js';
import { HttpError, notFound } from '../../http/errors.js';
import type { AssessmentDoc } from '../../models/assessment.js';
import { audienceOf, orgAudience } from '../../policies/sharing.js';
import { presentCurrent } from '../../presenters/assessment.js';
import { contentOf } from '../../repositories/assessments.js';
import { newId } from '../../repositories/ids.js';
import { recordAudit } from '../audit.js';
import { actorOf, type ActionContext } from '../context.js';
import { isCountryCode } from '../countries.js';
import { checkSharing, grantedSharing, toStoredSharing } from '../sharing.js';
import { presentSharing } from '../../presenters/sharing.js';
import { announceAssessment } from './notify.js';
import { publicView } from './views.js';

type Signed = ActionContext & { principal: Principal };
type Content = Omit<CreateAssessmentBody, 'country'>;
type Details = Record<string, string | number | boolean>;

const INDICATORS = new Map(RISK_FACTORS.map((f) => [f.number, new Set(f.indicators.map((i) => i.code))]));

/** Checks what zod cannot see alone: factor numbers once each, indicators of their factor, period order. */
export function checkContent(content: Partial<Content>): void {
  const seen = new Set<number>();
  for (const [i, factor] of (content.riskFactors ?? []).entries()) {
    if (seen.has(factor.number)) throw new HttpError('invalid_request', `riskFactors.${i}.number: factor ${factor.number} appears twice.`);
    seen.add(factor.number);
    const known = INDICATORS.get(factor.number)!;
    const unknown = factor.indicators.find((code) => !known.has(code));
    if (unknown) throw new HttpError('invalid_request', `riskFactors.${i}.indicators: ${unknown} is not an indicator of risk factor ${factor.number}.`);
    if (new Set(factor.indicators).size !== factor.indicators.length) {
      throw new HttpError('invalid_request', `riskFactors.${i}.indicators: an indicator appears twice.`);
    }
  }
  if (content.periodStart && content.periodEnd && content.periodStart > content.periodEnd) {
    throw new HttpError('invalid_request', 'periodEnd: must not be before periodStart.');
  }
}

/** A live assessment as of every write that finished before this call; deleted or unknown ones are 404. */
export async function findAssessment(domain: Domain, id: string): Promise<AssessmentDoc> {
  const doc = await domain.repos.assessments.find(id);
  if (!doc) throw notFound('assessment');
  return doc;
}

const audit = (ctx: Signed, doc: AssessmentDoc, action: string, details: Details) =>
  recordAudit({
    actor: actorOf(ctx),
    action,
    ip: ctx.ip,
    outcome: 'success',
    details: { version: doc.version, ...details },
    target: { type: 'assessment', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
  });

/** After a change (the repository told the change feed): the audit record, then the live lists and notifications. */
async function announce(domain: Domain, ctx: Signed, doc: AssessmentDoc, previous: AssessmentDoc | null, action: string, details: Details, revised = false) {
  await audit(ctx, doc, action, details);
  await announceAssessment(domain, ctx.principal, doc, previous, revised, action);
}

/** `POST /api/assessments`: a new draft, version 1. */
export async function createAssessment(domain: Domain, ctx: Signed, body: CreateAssessmentBody) {
  const p = ctx.principal;
  if (!isCountryCode(body.country)) throw new HttpError('invalid_request', `country: ${body.country} is not an ISO 3166-1 alpha-3 country code.`);
  checkContent(body);
  const ownerId = p.organisation._id.toString();
  const stored = toStoredSharing(await checkSharing(domain, body.sharing, body.classification, ownerId));
  const now = new Date();
  const doc = {
    _id: newId(),
    organisationId: p.organisation._id,
    country: body.country,
    title: body.title,
    summary: body.summary,
    periodStart: body.periodStart ?? null,
    periodEnd: body.periodEnd ?? null,
    overallRisk: body.overallRisk,
    riskFactors: body.riskFactors,
    status: 'draft',
    classification: body.classification,
    sharing: stored,
    tlp: body.tlp,
    discoverable: body.discoverable,
    version: 1,
    createdBy: p.user._id,
    updatedBy: p.user._id,
    createdAt: now,
    updatedAt: now,
    publishedAt: null,
    audience: audienceOf({ organisationId: ownerId, sharing: stored, draft: true }, await domain.repos.organisations.officeId()),
    words: searchWords(body.title, body.summary),
    versions: [{ version: 1, updatedBy: p.user._id, updatedAt: now, status: 'draft', audience: [orgAudience(ownerId)] }],
    published: null,
    publishedVersion: null,
    deletedAt: null,
    deletedBy: null,
  } as unknown as AssessmentDoc;
  await domain.repos.assessments.create(doc);
  await announce(domain, ctx, doc, null, 'assessment.create', { country: body.country });
  return presentCurrent(doc);
}

/**
 * Stores version `current.version + 1` of an assessment: of two edits made from the same version
 * exactly one wins and the other answers 409.
 */
async function saveNextVersion(
  domain: Domain,
  ctx: Signed,
  current: AssessmentDoc,
  change: Partial<AssessmentDoc>,
  action: string,
  details: Details = {},
  revised = false,
) {
  const p = ctx.principal;
  const { assessments } = domain.repos;
  const next = await assessments.derive(
    { ...current, ...change, version: current.version + 1, updatedBy: p.user._id, updatedAt: new Date() } as AssessmentDoc,
    current,
  );
  if (!(await assessments.saveVersion(current, next))) {
    throw new HttpError('conflict', 'Someone else saved this assessment first; reload it to see their changes.');
  }
  await announce(domain, ctx, next, current, action, details, revised);
  return presentCurrent(next);
}

/** `PATCH /api/assessments/:id`: an edit of the version the editor started from (409 if stale). */
export async function updateAssessment(domain: Domain, ctx: Signed, current: AssessmentDoc, body: UpdateAssessmentBody) {
  if (body.version !== current.version) {
    throw new HttpError('conflict', `Version ${body.version} is not the latest (${current.version}); someone else saved first.`);
  }
  const { version: _v, ...change } = body;
  checkContent({ ...change, periodStart: change.periodStart ?? current.periodStart, periodEnd: change.periodEnd ?? current.periodEnd } as Partial<Content>);
  const classification = (change.classification ?? current.classification) as Classification;
  const sharingIn = change.sharing ?? presentSharing(current.sharing);
  const sharing = await checkSharing(domain, sharingIn, classification, current.organisationId.toString());
  const sharingChanged = change.sharing !== undefined || change.classification !== undefined;
  // An edit of a published assessment is a draft revision (§6 v2): others keep reading the published view.
  return saveNextVersion(
    domain,
    ctx,
    current,
    { ...change, sharing: toStoredSharing(sharing), status: 'draft' } as unknown as Partial<AssessmentDoc>,
    'assessment.update',
    sharingChanged ? { scope: sharing.scope, classification, sharingChanged: true } : {},
  );
}

/**
 * `POST /api/assessments/:id/publish`: a change like any other (version + 1); the draft (first or a
 * revision) becomes what the audience reads. Publishing what is published is 409.
 */
export async function publishAssessment(domain: Domain, ctx: Signed, current: AssessmentDoc) {
  if (current.status === 'published') throw new HttpError('conflict', 'This assessment is already published.');
  const revised = publicView(current) !== null;
  return saveNextVersion(
    domain,
    ctx,
    current,
    { status: 'published', publishedAt: new Date() },
    'assessment.publish',
    { scope: current.sharing!.scope, revision: revised },
    revised,
  );
}

/**
 * `POST /api/assessments/:id/discard`: drops the draft revision. Versions only grow (each number is
 * claimed once), so the published content is stored again as the next version, published, with its
 * publication time; 409 when there is no draft revision (a first draft is deleted, not discarded).
 */
export async function discardRevision(domain: Domain, ctx: Signed, current: AssessmentDoc) {
  const published = publicView(current);
  if (current.status !== 'draft' || !published) throw new HttpError('conflict', 'There is no draft revision to discard.');
  const { version: _v, updatedBy: _b, updatedAt: _t, ...content } = contentOf(published);
  return saveNextVersion(domain, ctx, current, content, 'assessment.discard', { discarded: current.version });
}

/**
 * `DELETE /api/assessments/:id`: gone from lists and reads, kept (with its versions) for the audit
 * trail. The deletion claims a version like an edit, retried over edits that race it.
 */
export async function deleteAssessment(domain: Domain, ctx: Signed, loaded: AssessmentDoc): Promise<void> {
  let current = loaded;
  for (let attempt = 0; ; attempt++) {
    try {
      await saveNextVersion(domain, ctx, current, { deletedAt: new Date(), deletedBy: ctx.principal.user._id }, 'assessment.delete');
      return;
    } catch (error) {
      if (!(error instanceof HttpError && error.code === 'conflict') || attempt >= 5) throw error;
      current = await findAssessment(domain, loaded._id.toString());
    }
  }
}

/**
 * An approved access request (§13): the organisation joins the sharing at once — of what others read
 * (a new published version when there is no draft revision; with one, the published view and the
 * revision both) — never as a draft revision. 409 when an edit races it.
 */
export async function grantAssessmentAccess(domain: Domain, ctx: Signed, current: AssessmentDoc, organisationId: string, expiresAt: Date | null) {
  const details = { grantedTo: organisationId, expiresAt: expiresAt?.toISOString() ?? '', sharingChanged: true };
  const sharing = grantedSharing(current.sharing, organisationId, expiresAt);
  const published = publicView(current);
  if (current.status === 'published' || !published) return saveNextVersion(domain, ctx, current, { sharing }, 'assessment.share', details);
  const { assessments } = domain.repos;
  const next = await assessments.derive(
    { ...current, sharing, version: current.version + 1, updatedBy: ctx.principal.user._id, updatedAt: new Date() } as AssessmentDoc,
    current,
  );
  next.published = { ...next.published!, sharing: grantedSharing(next.published!.sharing, organisationId, expiresAt) };
  next.audience = audienceOf(
    { organisationId: next.organisationId, sharing: next.published.sharing, draft: false },
    await domain.repos.organisations.officeId(),
  );
  const key = orgAudience(organisationId);
  next.versions = next.versions.map((v) => (v.version === next.published!.version ? { ...v, audience: [...new Set([...(v.audience ?? []), key])] } : v));
  if (!(await assessments.saveVersion(current, next))) {
    throw new HttpError('conflict', 'Someone else saved this assessment first; decide again.');
  }
  await announce(domain, ctx, next, current, 'assessment.share', details);
  return presentCurrent(next);
}
