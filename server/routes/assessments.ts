import { Router, type Request } from 'express';
import {
  CountryParams,
  CreateAssessmentBody,
  CreateCommentBody,
  ListAssessmentsQuery,
  PublishAssessmentBody,
  UpdateAssessmentBody,
  VersionParams,
} from '../../shared/schemas/assessments.js';
import { IdParams, NamesQuery, PageQuery } from '../../shared/schemas/common.js';
import { auth, principalOf } from '../auth/passport.js';
import type { Domain } from '../domain.js';
import { notFound } from '../http/errors.js';
import { input, validate } from '../http/validate.js';
import { canCreateAssessment, canReadAssessment, deleteAssessmentVerdict, editAssessmentVerdict, readAssessmentVerdict } from '../policies/assessment.js';
import { authorize } from '../policies/helpers.js';
import {
  addComment,
  countryOverview,
  listAssessments,
  listComments,
  listVersions,
  readAssessment,
  readVersion,
  recordBulkRead,
  riskMap,
} from '../services/assessments/queries.js';
import { createAssessment, deleteAssessment, discardRevision, findAssessment, publishAssessment, updateAssessment } from '../services/assessments/commands.js';
import { contextOf } from '../services/context.js';
import { assessmentCard } from '../services/handling/cards.js';
import { isCountryCode } from '../services/countries.js';
import { withAuthorNames } from '../services/users/names.js';

const signed = (req: Request) => ({ ...contextOf(req), principal: principalOf(req) });

/**
 * Records a bulk read without holding its answer back (§9 v2; recordBulkRead says what that risks);
 * a failed append is logged, never an unhandled rejection.
 */
function auditBulkRead(req: Request, action: string, target: { type: string; id: string | null; organisationId: string | null }, ids: string[]): void {
  recordBulkRead(signed(req), action, target, ids).catch((error: unknown) => req.log?.error({ err: error, action }, 'bulk read audit record failed'));
}

/** Loads the assessment of `:id` and applies a verdict of the assessment policy (404 / 403). */
async function load(domain: Domain, req: Request, verdict: typeof readAssessmentVerdict) {
  const doc = await findAssessment(domain, input(req, 'params', IdParams).id);
  authorize(verdict(principalOf(req), doc), 'assessment');
  return doc;
}

/** `/api/assessments` (§6). */
export function assessmentsRouter(domain: Domain): Router {
  const router = Router();
  router.use(auth());

  router.get('/', validate({ query: ListAssessmentsQuery }), async (req, res) => {
    const { json, ids } = await listAssessments(domain, principalOf(req), input(req, 'query', ListAssessmentsQuery));
    auditBulkRead(req, 'assessment.list', { type: 'assessment', id: null, organisationId: null }, ids);
    res.type('json').send(json);
  });

  router.post('/', validate({ body: CreateAssessmentBody }), async (req, res) => {
    authorize({ visible: true, allowed: canCreateAssessment(principalOf(req)) }, 'assessment');
    res.status(201).json(await createAssessment(domain, signed(req), input(req, 'body', CreateAssessmentBody)));
  });

  router.get('/:id', validate({ params: IdParams, query: NamesQuery }), async (req, res) => {
    const doc = await findAssessment(domain, input(req, 'params', IdParams).id);
    // Those who may not read a discoverable assessment read its card (§13); its content stays 404.
    const card = assessmentCard(doc, canReadAssessment(principalOf(req), doc));
    if (card) {
      res.json(card);
      return;
    }
    authorize(readAssessmentVerdict(principalOf(req), doc), 'assessment');
    const answer = await readAssessment(signed(req), doc);
    res.json(input(req, 'query', NamesQuery).names === '1' ? await withAuthorNames(domain, answer) : answer);
  });

  router.patch('/:id', validate({ params: IdParams, body: UpdateAssessmentBody }), async (req, res) => {
    const doc = await load(domain, req, editAssessmentVerdict);
    res.json(await updateAssessment(domain, signed(req), doc, input(req, 'body', UpdateAssessmentBody)));
  });

  router.post('/:id/publish', validate({ params: IdParams, body: PublishAssessmentBody }), async (req, res) => {
    res.json(await publishAssessment(domain, signed(req), await load(domain, req, editAssessmentVerdict)));
  });

  router.post('/:id/discard', validate({ params: IdParams, body: PublishAssessmentBody }), async (req, res) => {
    res.json(await discardRevision(domain, signed(req), await load(domain, req, editAssessmentVerdict)));
  });

  router.delete('/:id', validate({ params: IdParams }), async (req, res) => {
    await deleteAssessment(domain, signed(req), await load(domain, req, deleteAssessmentVerdict));
    res.status(204).end();
  });

  router.get('/:id/versions', validate({ params: IdParams }), async (req, res) => {
    res.json(listVersions(principalOf(req), await load(domain, req, readAssessmentVerdict)));
  });

  router.get('/:id/versions/:version', validate({ params: VersionParams }), async (req, res) => {
    const doc = await load(domain, req, readAssessmentVerdict);
    res.json(await readVersion(domain, signed(req), doc, input(req, 'params', VersionParams).version));
  });

  router.get('/:id/comments', validate({ params: IdParams, query: PageQuery }), async (req, res) => {
    const doc = await load(domain, req, readAssessmentVerdict);
    const page = await listComments(domain, principalOf(req), doc, input(req, 'query', PageQuery));
    auditBulkRead(
      req,
      'comment.list',
      { type: 'assessment', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
      page.items.map((c) => c.id),
    );
    res.json(page);
  });

  router.post('/:id/comments', validate({ params: IdParams, body: CreateCommentBody }), async (req, res) => {
    const doc = await load(domain, req, readAssessmentVerdict);
    res.status(201).json(await addComment(domain, signed(req), doc, input(req, 'body', CreateCommentBody).body));
  });

  return router;
}

/** `/api/countries/:code/overview` (§6) and the risk map. */
export function countryOverviewRouter(domain: Domain): Router {
  const router = Router();
  router.use(auth());

  router.get('/risk-map', async (req, res) => {
    res.json(await riskMap(domain, principalOf(req)));
  });

  router.get('/:code/overview', validate({ params: CountryParams }), async (req, res) => {
    const { code } = input(req, 'params', CountryParams);
    if (!isCountryCode(code)) throw notFound('country');
    const { json, ids } = await countryOverview(domain, principalOf(req), code);
    auditBulkRead(req, 'country.overview', { type: 'country', id: code, organisationId: null }, ids);
    res.type('json').send(json);
  });

  return router;
}
