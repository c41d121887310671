import { Assessment, type AssessmentDoc } from '../models/assessment.js';
import { Catalog } from '../store/catalog.js';

export const ASSESSMENT_FEED = 'assessments';

/** The process's catalog of assessments (server/services/catalog.ts says why it exists). */
export const assessmentCatalog = new Catalog<AssessmentDoc>(
  ASSESSMENT_FEED,
  (id) => Assessment.findById(id).lean<AssessmentDoc>().exec(),
  () => Assessment.find({}).lean<AssessmentDoc[]>().exec(),
  (a) => a.country,
);
