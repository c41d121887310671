import type { Principal } from '../../auth/principal.js';
import type { ListAssessmentsQuery } from '../../../shared/schemas/assessments.js';
import { matchesQuery, searchWords } from '../../../shared/search.js';
import type { Domain } from '../../domain.js';
import { notFound } from '../../http/errors.js';
import { decodeCursor, toPage } from '../../http/paging.js';
import type { AssessmentDoc } from '../../models/assessment.js';
import { assessmentReader } from '../../policies/assessment.js';
import { sameOrganisation } from '../../policies/helpers.js';
import { principalAudience } from '../../policies/sharing.js';
import { presentComment, presentCurrent, presentCurrentJson, presentVersion } from '../../presenters/assessment.js';
import { jsonArray, jsonPage } from '../../presenters/json.js';
import { toIso } from '../../presenters/user.js';
import { isId } from '../../repositories/ids.js';
import { queueAudit, recordAudit } from '../audit.js';
import { actorOf, actorView, type ActionContext } from '../context.js';
import { assessmentSubject } from './notify.js';
import { publicView, readerView, versionReader } from './views.js';
import { assessmentCard, cardMatches } from '../handling/cards.js';

type Signed = ActionContext & { principal: Principal };

const auditRead = (ctx: Signed, doc: AssessmentDoc, version: number, action = 'assessment.read') =>
  recordAudit({
    actor: actorOf(ctx),
    action,
    target: { type: 'assessment', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
    ip: ctx.ip,
    outcome: 'success',
    details: { version },
  });

/** What a bulk read answers: the JSON bytes, and the ids of the items in it (for the audit record). */
export interface BulkAnswer {
  json: Buffer;
  ids: string[];
}

/** The order of the list and its cursors: the time of what other organisations read. */
const listedAt = (a: AssessmentDoc) => (publicView(a) ?? a).updatedAt.getTime();

/**
 * `GET /api/assessments`: what `p` may read (the owner's working version, others' the published
 * view: filters apply to what the reader sees), filtered, newest first, paged; answered as JSON
 * bytes built from each view's cached JSON. The order is that of the published view, so a draft
 * revision does not move an assessment in anyone's list (its owner's included).
 */
export async function listAssessments(domain: Domain, p: Principal, query: ListAssessmentsQuery): Promise<BulkAnswer> {
  const words = query.q ? searchWords(query.q) : [];
  let after: [number, string] | undefined;
  if (query.cursor) {
    const [time, id] = decodeCursor(query.cursor, ['number', 'string']);
    after = [time as number, id as string];
  }
  const canRead = assessmentReader(p);
  const rows: { doc: AssessmentDoc; json: () => Buffer }[] = [];
  for (const a of await domain.repos.assessments.live(query.country)) {
    if (after) {
      const t = listedAt(a);
      if (t > after[0] || (t === after[0] && a._id.toString() >= after[1])) continue;
    }
    // Cheap equality filters first (the country chose the catalog's group); visibility before the word search.
    if (query.organisation && a.organisationId.toString() !== query.organisation) continue;
    if (!canRead(a)) {
      // A discoverable one shows its card (§13): filtered only by what the card shows.
      const card = assessmentCard(a, false);
      if (!card || query.minRisk !== undefined || query.status === 'draft') continue;
      if (words.length > 0 && !cardMatches(card, (title) => matchesQuery(searchWords(title), words))) continue;
      rows.push({ doc: a, json: () => Buffer.from(JSON.stringify(card)) });
    } else {
      const view = readerView(p, a);
      if (!view) continue;
      if (query.status && view.status !== query.status) continue;
      if (query.minRisk !== undefined && view.overallRisk < query.minRisk) continue;
      if (words.length > 0 && !matchesQuery(view.words, words)) continue;
      rows.push({ doc: view, json: () => presentCurrentJson(view) });
    }
    if (rows.length > query.limit) break;
  }
  const page = toPage(
    rows,
    query.limit,
    (row) => [listedAt(row.doc), row.doc._id.toString()],
    (row) => row,
  );
  return {
    json: jsonPage(
      page.items.map((row) => row.json()),
      page.nextCursor,
    ),
    ids: page.items.map((row) => row.doc._id.toString()),
  };
}

/** The versions of `doc` that `p` may read, oldest first (§5 v2). */
function visibleVersions(p: Principal, doc: AssessmentDoc) {
  const canRead = versionReader(p, doc);
  return doc.versions
    .filter(canRead)
    .map((v) => ({ version: v.version, status: v.status ?? null, updatedBy: v.updatedBy.toString(), updatedAt: toIso(v.updatedAt) }));
}

/** `GET /api/assessments/:id`: what the caller reads of it (§6 v2), its read on the audit trail. */
export async function readAssessment(ctx: Signed, doc: AssessmentDoc) {
  const view = readerView(ctx.principal, doc);
  if (!view) throw notFound('assessment');
  await auditRead(ctx, doc, view.version);
  return { ...presentCurrent(view), versions: visibleVersions(ctx.principal, doc) };
}

/** `GET /api/assessments/:id/versions`: the versions the caller may read, oldest first. */
export function listVersions(p: Principal, doc: AssessmentDoc) {
  return { items: visibleVersions(p, doc) };
}

/** `GET /api/assessments/:id/versions/:version`: the assessment as it was; 404 for a version the caller may not read. */
export async function readVersion(domain: Domain, ctx: Signed, doc: AssessmentDoc, version: number) {
  const entry = doc.versions.find((v) => v.version === version);
  if (!entry || !versionReader(ctx.principal, doc)(entry)) throw notFound('version');
  const stored = await domain.repos.assessments.version(doc._id, version);
  if (!stored) throw notFound('version');
  await auditRead(ctx, doc, version, 'assessment.read_version');
  return presentVersion(stored);
}

/**
 * `GET /api/assessments/:id/comments`: oldest first, paged; to other organisations only the comments
 * written while the assessment's audience held them (§5 v2; the route checked they see it now).
 * A comment stored before v2 has no audience and reaches the owner organisation only.
 */
export async function listComments(domain: Domain, p: Principal, doc: AssessmentDoc, query: { limit: number; cursor?: string }) {
  let after: string | undefined;
  if (query.cursor) {
    [after] = decodeCursor(query.cursor, ['string']) as string[];
    if (!isId(after)) throw notFound('cursor');
  }
  const audience = sameOrganisation(p, doc.organisationId) ? undefined : principalAudience(p);
  const rows = await domain.repos.assessments.comments(doc._id, { audience, after, limit: query.limit + 1 });
  return toPage(rows, query.limit, (c) => [c._id.toString()], presentComment);
}

/** `POST /api/assessments/:id/comments`: by anyone who can see it; the owner organisation hears of it. */
export async function addComment(domain: Domain, ctx: Signed, doc: AssessmentDoc, body: string) {
  const p = ctx.principal;
  const comment = await domain.repos.assessments.addComment({
    assessmentId: doc._id,
    body,
    createdAt: new Date(),
    audience: doc.audience,
    author: { id: p.user._id, name: p.user.name, organisationId: p.organisation._id },
  });
  await recordAudit({
    actor: actorOf(ctx),
    action: 'assessment.comment',
    target: { type: 'assessment', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
    ip: ctx.ip,
    outcome: 'success',
    details: { commentId: comment._id.toString() },
  });
  const presented = presentComment(comment);
  // The owner organisation and earlier commenters who can see the comment (checked again as it is written).
  const earlier = await domain.repos.assessments.commenters(doc._id);
  await domain.notifications.request({
    type: 'assessment.comment',
    actor: actorView(p),
    subject: assessmentSubject(doc),
    organisationIds: [doc.organisationId.toString()],
    userIds: earlier,
    // Widened before the fan-out runs: the new organisations do not see this comment.
    audience: doc.audience,
  });
  return presented;
}

/**
 * The readings of a country `p` sees: every visible published view, oldest publication first, and the
 * latest per organisation (what the country page and the country brief show).
 */
export async function countryReadings(domain: Domain, p: Principal, country: string) {
  const canRead = assessmentReader(p);
  const published = (await domain.repos.assessments.live(country))
    .filter((a) => canRead(a))
    .map(publicView)
    .filter((a): a is AssessmentDoc => a !== null && a.publishedAt !== null)
    .sort((a, b) => a.publishedAt!.getTime() - b.publishedAt!.getTime());
  const latest = new Map<string, AssessmentDoc>();
  for (const a of published) latest.set(a.organisationId.toString(), a);
  return { published, latest };
}

/**
 * `GET /api/countries/:code/overview`: per organisation the latest visible published assessment, and
 * the risk over time; answered as JSON bytes, the assessments from their cached JSON. Everyone, the
 * owner too, sees the published view here: a draft revision is not a reading.
 */
export async function countryOverview(domain: Domain, p: Principal, country: string): Promise<BulkAnswer> {
  const { published, latest } = await countryReadings(domain, p, country);
  const history = published.map((a) => ({
    assessmentId: a._id.toString(),
    organisationId: a.organisationId.toString(),
    publishedAt: toIso(a.publishedAt),
    overallRisk: a.overallRisk,
  }));
  const json = Buffer.concat([
    Buffer.from(`{"country":${JSON.stringify(country)},"latest":`),
    jsonArray([...latest.values()].map(presentCurrentJson)),
    Buffer.from(`,"history":${JSON.stringify(history)}}`),
  ]);
  return { json, ids: history.map((h) => h.assessmentId) };
}

/** The latest published overall risk per country that `p` can see (for the map). */
export async function riskMap(domain: Domain, p: Principal) {
  const canRead = assessmentReader(p);
  const latest = new Map<string, AssessmentDoc>();
  for (const live of await domain.repos.assessments.live()) {
    const a = canRead(live) ? publicView(live) : null;
    if (!a || !a.publishedAt) continue;
    const seen = latest.get(a.country);
    if (!seen || seen.publishedAt!.getTime() < a.publishedAt.getTime()) latest.set(a.country, a);
  }
  return {
    items: [...latest.values()].map((a) => ({
      country: a.country,
      overallRisk: a.overallRisk,
      publishedAt: toIso(a.publishedAt),
      assessmentId: a._id.toString(),
      organisationId: a.organisationId.toString(),
    })),
  };
}

/**
 * Records a bulk read (§9 v2): one record per answer, naming the first 100 items and their number.
 * Queued, not awaited: records of this process go in together within a second (a crash can lose that
 * second's list records); `/api/audit` and shutdown first store this process's queue.
 */
export function recordBulkRead(
  ctx: Signed,
  action: string,
  target: { type: string; id: string | null; organisationId: string | null },
  ids: string[],
): Promise<void> {
  return queueAudit({ actor: actorOf(ctx), action, target, ip: ctx.ip, outcome: 'success', details: { ids: ids.slice(0, 100), count: ids.length } });
}
