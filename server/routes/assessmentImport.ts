import express, { Router } from 'express';
import { ImportAssessmentsJson, ImportAssessmentsQuery } from '../../shared/schemas/assessmentImport.js';
import { JSON_BODY_LIMIT } from '../../shared/limits.js';
import { auth, principalOf } from '../auth/passport.js';
import type { Domain } from '../domain.js';
import { HttpError } from '../http/errors.js';
import { requireUtf8 } from '../http/security.js';
import { input, parseOrThrow, validate } from '../http/validate.js';
import { canCreateAssessment } from '../policies/assessment.js';
import { authorize } from '../policies/helpers.js';
import { importAssessments, csvRows } from '../services/assessments/import.js';
import { contextOf } from '../services/context.js';

/** `POST /api/assessments/import?dryRun=` (§14): CSV (text/csv) or JSON (an array), all rows or none. */
export function assessmentImportRouter(domain: Domain): Router {
  const router = Router();
  router.post(
    '/',
    auth(),
    express.text({ type: 'text/csv', limit: JSON_BODY_LIMIT, verify: requireUtf8 }),
    validate({ query: ImportAssessmentsQuery }),
    async (req, res) => {
      authorize({ visible: true, allowed: canCreateAssessment(principalOf(req)) }, 'assessment');
      const rows = req.is('text/csv')
        ? csvRows(typeof req.body === 'string' ? req.body : '')
        : req.is('application/json')
          ? parseOrThrow(ImportAssessmentsJson, req.body, 'body')
          : null;
      if (!rows) throw new HttpError('unsupported_media_type', 'Send the rows as text/csv or as a JSON array (application/json).');
      const { dryRun } = input(req, 'query', ImportAssessmentsQuery);
      res.json(await importAssessments(domain, { ...contextOf(req), principal: principalOf(req) }, rows, dryRun === 'true' || dryRun === '1'));
    },
  );
  return router;
}
