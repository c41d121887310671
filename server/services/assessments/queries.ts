import type { Principal } from '../../auth/principal.js';
import type { ListAssessmentsQuery } from '../../../shared/schemas/assessments.js';
import { matchesQuery, searchWords } from '../../../shared/search.js';
import type { Domain } from '../../domain.js';
import { domainEvents } from '../../events.js';
import { notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/paging.js';
import type { AssessmentDoc } from '../../models/assessment.js';
import { assessmentReader } from '../../policies/assessment.js';
import { presentComment, presentCurrent, presentCurrentJson, presentVersion } from '../../presenters/assessment.js';
import { jsonArray, jsonPage } from '../../presenters/json.js';
import { toIso } from '../../presenters/user.js';
import { isId } from '../../repositories/ids.js';
import { recordAudit } from '../audit.js';
import { actorOf, type ActionContext } from '../context.js';

type Signed = ActionContext & { principal: Principal };

const auditRead = (ctx: Signed, doc: AssessmentDoc, version: number, action = 'assessment.read') => recordAudit({
  actor: actorOf(ctx), action,
  target: { type: 'assessment', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
  ip: ctx.ip, outcome: 'success', details: { version },
});

/**
 * `GET /api/assessments`: what `p` may read, filtered, newest `updatedAt` first, paged; answered as
 * JSON bytes built from each assessment's cached JSON.
 */
export async function listAssessments(domain: Domain, p: Principal, query: ListAssessmentsQuery): Promise<Buffer> {
  const words = query.q ? searchWords(query.q) : [];
  let after: [number, string] | undefined;
  if (query.cursor) {
    const [time, id] = decodeCursor(query.cursor, ['number', 'string']);
    after = [time as number, id as string];
  }
  const canRead = assessmentReader(p);
  const rows: AssessmentDoc[] = [];
  for (const a of await domain.repos.assessments.live(query.country)) {
    if (after) {
      const t = a.updatedAt.getTime();
      if (t > after[0] || (t === after[0] && a._id.toString() >= after[1])) continue;
    }
    // Cheap equality filters first (the country chose the catalog's group); visibility before the word search.
    if (query.status && a.status !== query.status) continue;
    if (query.minRisk !== undefined && a.overallRisk < query.minRisk) continue;
    if (query.organisation && a.organisationId.toString() !== query.organisation) continue;
    if (!canRead(a)) continue;
    if (words.length > 0 && !matchesQuery(a.words, words)) continue;
    rows.push(a);
    if (rows.length > query.limit) break;
  }
  const page = toPage(rows, query.limit, (a) => [a.updatedAt.getTime(), a._id.toString()], presentCurrentJson);
  return jsonPage(page.items, page.nextCursor);
}

/** `GET /api/assessments/:id`: the current version, its read on the audit trail. */
export async function readAssessment(ctx: Signed, doc: AssessmentDoc) {
  await auditRead(ctx, doc, doc.version);
  return { ...presentCurrent(doc), versions: doc.versions.map((v) => ({ version: v.version, updatedBy: v.updatedBy.toString(), updatedAt: toIso(v.updatedAt) })) };
}

/** `GET /api/assessments/:id/versions`: every version, oldest first. */
export function listVersions(doc: AssessmentDoc) {
  return { items: doc.versions.map((v) => ({ version: v.version, updatedBy: v.updatedBy.toString(), updatedAt: toIso(v.updatedAt) })) };
}

/** `GET /api/assessments/:id/versions/:version`: the assessment as it was. */
export async function readVersion(domain: Domain, ctx: Signed, doc: AssessmentDoc, version: number) {
  if (version > doc.version) throw notFound('version');
  const stored = await domain.repos.assessments.version(doc._id, version);
  if (!stored) throw notFound('version');
  await auditRead(ctx, doc, version, 'assessment.read_version');
  return presentVersion(stored);
}

/** `GET /api/assessments/:id/comments`: oldest first, paged. */
export async function listComments(domain: Domain, doc: AssessmentDoc, query: { limit: number; cursor?: string }) {
  let after: string | undefined;
  if (query.cursor) {
    [after] = decodeCursor(query.cursor, ['string']) as string[];
    if (!isId(after)) throw notFound('cursor');
  }
  const rows = await domain.repos.assessments.comments(doc._id, { after, limit: query.limit + 1 });
  return toPage(rows, query.limit, (c) => [c._id.toString()], presentComment);
}

/** `POST /api/assessments/:id/comments`: by anyone who can see it; the owner organisation hears of it. */
export async function addComment(domain: Domain, ctx: Signed, doc: AssessmentDoc, body: string) {
  const p = ctx.principal;
  const comment = await domain.repos.assessments.addComment({
    assessmentId: doc._id, body, createdAt: new Date(),
    author: { id: p.user._id, name: p.user.name, organisationId: p.organisation._id },
  });
  await recordAudit({
    actor: actorOf(ctx), action: 'assessment.comment',
    target: { type: 'assessment', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
    ip: ctx.ip, outcome: 'success', details: { commentId: comment._id.toString() },
  });
  const presented = presentComment(comment);
  domainEvents.publish('notification', {
    organisationIds: [doc.organisationId.toString()],
    payload: { type: 'assessment.comment', assessmentId: doc._id.toString(), title: doc.title, comment: presented },
  });
  return presented;
}

/**
 * `GET /api/countries/:code/overview`: per organisation the latest visible published assessment, and
 * the risk over time; answered as JSON bytes, the assessments from their cached JSON.
 */
export async function countryOverview(domain: Domain, p: Principal, country: string): Promise<Buffer> {
  const canRead = assessmentReader(p);
  const published = (await domain.repos.assessments.live(country))
    .filter((a) => a.status === 'published' && a.publishedAt && canRead(a))
    .sort((a, b) => a.publishedAt!.getTime() - b.publishedAt!.getTime());
  const latest = new Map<string, AssessmentDoc>();
  for (const a of published) latest.set(a.organisationId.toString(), a);
  const history = published.map((a) => ({
    assessmentId: a._id.toString(), organisationId: a.organisationId.toString(), publishedAt: toIso(a.publishedAt), overallRisk: a.overallRisk,
  }));
  return Buffer.concat([
    Buffer.from(`{"country":${JSON.stringify(country)},"latest":`),
    jsonArray([...latest.values()].map(presentCurrentJson)),
    Buffer.from(`,"history":${JSON.stringify(history)}}`),
  ]);
}

/** The latest overall risk per country that `p` can see (for the map). */
export async function riskMap(domain: Domain, p: Principal) {
  const canRead = assessmentReader(p);
  const latest = new Map<string, AssessmentDoc>();
  for (const a of await domain.repos.assessments.live()) {
    if (a.status !== 'published' || !a.publishedAt || !canRead(a)) continue;
    const seen = latest.get(a.country);
    if (!seen || seen.publishedAt!.getTime() < a.publishedAt.getTime()) latest.set(a.country, a);
  }
  return { items: [...latest.values()].map((a) => ({ country: a.country, overallRisk: a.overallRisk, publishedAt: toIso(a.publishedAt), assessmentId: a._id.toString(), organisationId: a.organisationId.toString() })) };
}
