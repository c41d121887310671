import { Assessment, type AssessmentDoc } from '../models/assessment.js';
import { Catalog } from '../store/catalog.js';
import { publicView } from './assessmentViews.js';

export const ASSESSMENT_FEED = 'assessments';

/** The process's catalog of assessments (server/services/catalog.ts says why it exists). */
export const assessmentCatalog = new Catalog<AssessmentDoc>(
  ASSESSMENT_FEED,
  (id) => Assessment.findById(id).lean<AssessmentDoc>().exec(),
  () => Assessment.find({}).lean<AssessmentDoc[]>().exec(),
  (a) => a.country,
  // Every reader's list in the order others read it (server/services/assessmentQueries.ts, listedAt).
  (a) => (publicView(a) ?? a).updatedAt.getTime(),
);
