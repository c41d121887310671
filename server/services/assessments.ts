import { isDuplicateKey } from '../store/claim.js';
import mongoose from 'mongoose';
import type { Principal } from '../auth/principal.js';
import { RISK_FACTORS } from '../../shared/framework/index.js';
import type { CreateAssessmentBody, UpdateAssessmentBody } from '../../shared/schemas/assessments.js';
import { searchWords } from '../../shared/search.js';
import type { Classification, Sharing } from '../../shared/sharing.js';
import { domainEvents } from '../events.js';
import { HttpError, notFound } from '../http/errors.js';
import { Assessment, type AssessmentContent, type AssessmentDoc } from '../models/assessment.js';
import { AssessmentVersion, versionKey } from '../models/assessmentVersion.js';
import { audienceOf, keptVisible, newlyVisible, orgAudience } from '../policies/sharing.js';
import { presentCurrent } from '../presenters/assessment.js';
import { ASSESSMENT_FEED, assessmentCatalog } from './assessmentCatalog.js';
import { publicView } from './assessmentViews.js';
import { recordAudit } from './audit.js';
import { publishChange } from '../store/changeFeed.js';
import { checkSharing } from './sharing.js';
import { actorOf, type ActionContext } from './context.js';
import { isCountryCode } from './countries.js';
import { activeOrganisationIds, officeOrganisationId } from './office.js';

type Signed = ActionContext & { principal: Principal };
type Content = Omit<CreateAssessmentBody, 'country'>;

const INDICATORS = new Map(RISK_FACTORS.map((f) => [f.number, new Set(f.indicators.map((i) => i.code))]));

/** Checks what zod cannot see alone: factor numbers once each, indicators of their factor, period order. */
function checkContent(content: Partial<Content>): void {
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

/**
 * Loads a live assessment from the catalog, brought up to date first (so a read sees every write
 * that finished before it); deleted ones are 404. On FerretDB a lookup in the catalog costs far less
 * than one by `_id` in a large collection.
 */
export async function findAssessment(id: string): Promise<AssessmentDoc> {
  await assessmentCatalog.fresh();
  const doc = assessmentCatalog.get(id);
  if (!doc || doc.deletedAt) throw notFound('assessment');
  return doc;
}

function snapshotOf(doc: AssessmentDoc) {
  const { _id, audience: _a, words: _w, versions: _v, published: _p, publishedVersion: _n, ...content } = doc;
  return { _id: versionKey(_id.toString(), doc.version), assessmentId: _id, ...content };
}

/** The content fields of a version (what the published view keeps). */
function contentOf(doc: AssessmentDoc): AssessmentContent {
  const { title, summary, periodStart, periodEnd, overallRisk, riskFactors, status, classification, sharing, version, updatedBy, updatedAt, publishedAt } = doc;
  return { title, summary, periodStart, periodEnd, overallRisk, riskFactors, status, classification, sharing, version, updatedBy, updatedAt, publishedAt };
}

/**
 * The derived fields of an assessment after a change: the published view (the new version if it is
 * published, else the previous view: a draft revision changes nothing others see), the audience (of
 * the published view: sharing in a draft revision takes effect on publish), search words, and the
 * version list with each version's own status and audience.
 */
async function derive(next: AssessmentDoc, previous: AssessmentDoc): Promise<AssessmentDoc> {
  const officeId = await officeOrganisationId();
  next.published = next.status === 'published' ? contentOf(next) : (publicView(previous) ? contentOf(publicView(previous)!) : null);
  next.publishedVersion = next.published?.version ?? null;
  next.audience = audienceOf({ organisationId: next.organisationId, sharing: next.published?.sharing ?? next.sharing, draft: !next.published }, officeId);
  next.words = searchWords(next.title, next.summary ?? '');
  const audience = audienceOf({ organisationId: next.organisationId, sharing: next.sharing, draft: next.status === 'draft' }, officeId);
  next.versions = [...(previous.versions ?? []), { version: next.version, updatedBy: next.updatedBy, updatedAt: next.updatedAt, status: next.status, audience }];
  return next;
}

/**
 * After a change: the change feed, the audit record, and the notifications — `assessment.shared` to
 * organisations that newly see it, `assessment.updated` (when `revised`: a revision was published)
 * to the other organisations that saw it before and still do.
 */
async function announce(ctx: Signed, doc: AssessmentDoc, before: string[], action: string, details: Record<string, string | number | boolean>, revised = false) {
  await publishChange(ASSESSMENT_FEED, doc._id.toString());
  await recordAudit({
    actor: actorOf(ctx), action,
    target: { type: 'assessment', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
    ip: ctx.ip, outcome: 'success', details: { version: doc.version, ...details },
  });
  const active = before.includes('all') || doc.audience.includes('all') ? await activeOrganisationIds() : [];
  const gained = newlyVisible(before, doc.audience, active);
  const owner = doc.organisationId.toString();
  const notify = (type: 'assessment.shared' | 'assessment.updated', organisationIds: string[]) => {
    if (organisationIds.length === 0) return;
    domainEvents.publish('notification', {
      organisationIds,
      payload: { type, assessmentId: doc._id.toString(), title: doc.title, country: doc.country, organisationId: owner, version: doc.version },
    });
  };
  notify('assessment.shared', gained.filter((id) => id !== owner));
  if (revised) notify('assessment.updated', keptVisible(before, doc.audience, active).filter((id) => id !== owner));
}

/** `POST /api/assessments`: a new draft, version 1. */
export async function createAssessment(ctx: Signed, body: CreateAssessmentBody) {
  const p = ctx.principal;
  if (!isCountryCode(body.country)) throw new HttpError('invalid_request', `country: ${body.country} is not an ISO 3166-1 alpha-3 country code.`);
  checkContent(body);
  const ownerId = p.organisation._id.toString();
  const sharing = await checkSharing(body.sharing, body.classification, ownerId);
  const now = new Date();
  const _id = new mongoose.Types.ObjectId();
  const doc = {
    _id, organisationId: p.organisation._id, country: body.country, title: body.title, summary: body.summary,
    periodStart: body.periodStart ?? null, periodEnd: body.periodEnd ?? null, overallRisk: body.overallRisk,
    riskFactors: body.riskFactors, status: 'draft', classification: body.classification, sharing,
    version: 1, createdBy: p.user._id, updatedBy: p.user._id, createdAt: now, updatedAt: now, publishedAt: null,
    audience: audienceOf({ organisationId: ownerId, sharing, draft: true }, await officeOrganisationId()),
    words: searchWords(body.title, body.summary),
    versions: [{ version: 1, updatedBy: p.user._id, updatedAt: now, status: 'draft', audience: [orgAudience(ownerId)] }],
    published: null, publishedVersion: null,
    deletedAt: null, deletedBy: null,
  } as unknown as AssessmentDoc;
  // The version record first: an assessment never exists without its version 1.
  await AssessmentVersion.create(snapshotOf(doc));
  await Assessment.create(doc);
  await announce(ctx, doc, [], 'assessment.create', { country: body.country });
  return presentCurrent(doc);
}

/**
 * Stores version `doc.version + 1` of an assessment. Inserting the version record claims the
 * number (its `_id` is unique), so of two edits made from the same version exactly one wins and
 * the other answers 409; the assessment itself is then updated by `_id` alone.
 */
async function saveNextVersion(ctx: Signed, current: AssessmentDoc, change: Partial<AssessmentDoc>, action: string, details: Record<string, string | number | boolean> = {}, revised = false) {
  const p = ctx.principal;
  const now = new Date();
  const merged = await derive({ ...current, ...change, version: current.version + 1, updatedBy: p.user._id, updatedAt: now } as AssessmentDoc, current);
  try {
    await AssessmentVersion.create(snapshotOf(merged));
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    await settled(current); // the winner may have died before updating the assessment: finish its work
    throw new HttpError('conflict', 'Someone else saved this assessment first; reload it to see their changes.');
  }
  const { _id, ...fields } = merged;
  await Assessment.replaceOne({ _id }, fields);
  if (merged.deletedAt) {
    await publishChange(ASSESSMENT_FEED, _id.toString());
    await recordAudit({
      actor: actorOf(ctx), action, ip: ctx.ip, outcome: 'success', details: { version: merged.version, ...details },
      target: { type: 'assessment', id: _id.toString(), organisationId: merged.organisationId.toString() },
    });
  } else {
    await announce(ctx, merged, current.audience, action, details, revised);
  }
  return presentCurrent(merged);
}

/**
 * Applies versions claimed by edits that stopped before updating the assessment (or whose write
 * a slower racing write overwrote), so the assessment always catches up with its version records.
 */
async function settled(doc: AssessmentDoc): Promise<AssessmentDoc> {
  let current = doc;
  for (;;) {
    const ahead = await AssessmentVersion.findById(versionKey(current._id.toString(), current.version + 1)).lean();
    if (!ahead) return current;
    const { _id: _key, assessmentId: _a, ...content } = ahead;
    const next = await derive({ ...current, ...content } as AssessmentDoc, current);
    const { _id, ...fields } = next;
    await Assessment.replaceOne({ _id }, fields);
    await publishChange(ASSESSMENT_FEED, _id.toString());
    current = next;
  }
}

/** `PATCH /api/assessments/:id`: an edit of the version the editor started from (409 if stale). */
export async function updateAssessment(ctx: Signed, loaded: AssessmentDoc, body: UpdateAssessmentBody) {
  const current = loaded;
  if (body.version !== current.version) {
    throw new HttpError('conflict', `Version ${body.version} is not the latest (${current.version}); someone else saved first.`);
  }
  const { version: _v, ...change } = body;
  checkContent({ ...change, periodStart: change.periodStart ?? current.periodStart, periodEnd: change.periodEnd ?? current.periodEnd } as Partial<Content>);
  const classification = (change.classification ?? current.classification) as Classification;
  const sharingIn = change.sharing ?? { scope: current.sharing!.scope as Sharing['scope'], organisations: current.sharing!.organisations.map(String) };
  const sharing = await checkSharing(sharingIn, classification, current.organisationId.toString());
  const sharingChanged = change.sharing !== undefined || change.classification !== undefined;
  // An edit of a published assessment is a draft revision (§6 v2): others keep reading the published view.
  return saveNextVersion(ctx, current, { ...change, sharing, status: 'draft' } as unknown as Partial<AssessmentDoc>, 'assessment.update',
    sharingChanged ? { scope: sharing.scope, classification, sharingChanged: true } : {});
}

/**
 * `POST /api/assessments/:id/publish`: a change like any other (version + 1); the draft (first or a
 * revision) becomes what the audience reads. Publishing what is published is 409.
 */
export async function publishAssessment(ctx: Signed, loaded: AssessmentDoc) {
  const current = loaded;
  if (current.status === 'published') throw new HttpError('conflict', 'This assessment is already published.');
  const revised = publicView(current) !== null;
  return saveNextVersion(ctx, current, { status: 'published', publishedAt: new Date() }, 'assessment.publish',
    { scope: current.sharing!.scope, revision: revised }, revised);
}

/**
 * `POST /api/assessments/:id/discard`: drops the draft revision. Versions only grow (each number is
 * claimed once), so the published content is stored again as the next version, published, with its
 * publication time; 409 when there is no draft revision (a first draft is deleted, not discarded).
 */
export async function discardRevision(ctx: Signed, loaded: AssessmentDoc) {
  const current = loaded;
  const published = publicView(current);
  if (current.status !== 'draft' || !published) throw new HttpError('conflict', 'There is no draft revision to discard.');
  const { version: _v, updatedBy: _b, updatedAt: _t, ...content } = contentOf(published);
  return saveNextVersion(ctx, current, content, 'assessment.discard', { discarded: current.version });
}

/**
 * `DELETE /api/assessments/:id`: gone from lists and reads, kept (with its versions) for the audit
 * trail. The deletion claims a version like an edit, retried over edits that race it.
 */
export async function deleteAssessment(ctx: Signed, loaded: AssessmentDoc): Promise<void> {
  let current = loaded;
  for (let attempt = 0; ; attempt++) {
    try {
      await saveNextVersion(ctx, current, { deletedAt: new Date(), deletedBy: ctx.principal.user._id }, 'assessment.delete');
      return;
    } catch (error) {
      if (!(error instanceof HttpError && error.code === 'conflict') || attempt >= 5) throw error;
      current = await findAssessment(loaded._id.toString());
    }
  }
}
