import { z } from 'zod';
import { CLASSIFICATIONS, Sharing, Tlp } from '../sharing.js';
import { AuthorNames, Id, IsoTime, PageQuery } from './common.js';

export const ASSESSMENT_TITLE_MAX_LENGTH = 200;
export const ASSESSMENT_SUMMARY_MAX_LENGTH = 10_000;
export const FACTOR_NOTES_MAX_LENGTH = 4_000;
export const COMMENT_MAX_LENGTH = 4_000;
export const RISK_FACTOR_COUNT = 14;
export const TRENDS = ['improving', 'stable', 'deteriorating'] as const;
export const ASSESSMENT_STATUSES = ['draft', 'published'] as const;

/** A level of risk: 0 none, 1 low, 2 moderate, 3 high, 4 very high. */
export const RiskLevel = z.number().int().min(0).max(4);

/** `YYYY-MM-DD`, or a full ISO date-time whose UTC date is kept. */
export const PeriodDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).transform((value) => new Date(value).toISOString().slice(0, 10));

export const RiskFactorEntry = z.strictObject({
  number: z.number().int().min(1).max(RISK_FACTOR_COUNT),
  level: RiskLevel,
  trend: z.enum(TRENDS),
  indicators: z
    .array(z.string().regex(/^\d{1,2}\.\d{1,2}$/, 'must be an indicator code such as 8.7'))
    .max(40)
    .default([]),
  notes: z.string().max(FACTOR_NOTES_MAX_LENGTH).default(''),
});
export type RiskFactorEntry = z.infer<typeof RiskFactorEntry>;

const content = {
  title: z.string().trim().min(1).max(ASSESSMENT_TITLE_MAX_LENGTH),
  summary: z.string().max(ASSESSMENT_SUMMARY_MAX_LENGTH),
  periodStart: PeriodDate.nullable(),
  periodEnd: PeriodDate.nullable(),
  overallRisk: RiskLevel,
  riskFactors: z.array(RiskFactorEntry).max(RISK_FACTOR_COUNT),
  classification: z.enum(CLASSIFICATIONS),
  sharing: Sharing,
  tlp: Tlp,
  discoverable: z.boolean(),
};

export const CreateAssessmentBody = z.strictObject({
  country: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code such as KEN'),
  ...content,
  periodStart: content.periodStart.optional(),
  periodEnd: content.periodEnd.optional(),
  tlp: content.tlp.default('amber'),
  discoverable: content.discoverable.default(false),
});
export type CreateAssessmentBody = z.infer<typeof CreateAssessmentBody>;

export const UpdateAssessmentBody = z.strictObject({
  version: z.number().int().min(1),
  title: content.title.optional(),
  summary: content.summary.optional(),
  periodStart: content.periodStart.optional(),
  periodEnd: content.periodEnd.optional(),
  overallRisk: content.overallRisk.optional(),
  riskFactors: content.riskFactors.optional(),
  classification: content.classification.optional(),
  sharing: content.sharing.optional(),
  tlp: content.tlp.optional(),
  discoverable: content.discoverable.optional(),
});
export type UpdateAssessmentBody = z.infer<typeof UpdateAssessmentBody>;

export const PublishAssessmentBody = z.strictObject({});

export const ListAssessmentsQuery = PageQuery.extend({
  country: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code')
    .optional(),
  organisation: Id.optional(),
  status: z.enum(ASSESSMENT_STATUSES).optional(),
  minRisk: z.coerce.number().int().min(0).max(4).optional(),
  q: z.string().trim().max(200).optional(),
});
export type ListAssessmentsQuery = z.infer<typeof ListAssessmentsQuery>;

export const VersionParams = z.strictObject({ id: Id, version: z.coerce.number().int().min(1).max(1_000_000) });
export const CountryParams = z.strictObject({ code: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code') });

export const CreateCommentBody = z.strictObject({ body: z.string().trim().min(1).max(COMMENT_MAX_LENGTH) });

const AlphaThree = z.string().regex(/^[A-Z]{3}$/);

/** An assessment as it was at one of its versions (`GET /api/assessments/:id/versions/:version`, §6). */
export const AssessmentVersion = z.object({
  id: Id,
  organisationId: Id,
  country: AlphaThree,
  title: z.string(),
  summary: z.string(),
  periodStart: z.iso.date().nullable(),
  periodEnd: z.iso.date().nullable(),
  overallRisk: RiskLevel,
  riskFactors: z.array(RiskFactorEntry),
  status: z.enum(ASSESSMENT_STATUSES),
  classification: z.enum(CLASSIFICATIONS),
  sharing: Sharing,
  tlp: Tlp,
  discoverable: z.boolean(),
  version: z.number().int().min(1),
  createdBy: Id,
  updatedBy: Id,
  createdAt: IsoTime,
  updatedAt: IsoTime,
  publishedAt: IsoTime.nullable(),
});
export type AssessmentVersion = z.infer<typeof AssessmentVersion>;

/**
 * An assessment as the API shows it (§6): the version this reader sees, with the number of its last
 * published version (null before the first publication; with `status: draft` the owner reads a draft revision).
 */
export const Assessment = AssessmentVersion.extend({ publishedVersion: z.number().int().min(1).nullable() });
export type Assessment = z.infer<typeof Assessment>;

/** One item of `GET /api/assessments/:id/versions`: who saved that version, when and as what. */
export const AssessmentVersionItem = z.object({
  version: z.number().int().min(1),
  /** What the version was saved as; null for versions stored before drafted revisions (v2). */
  status: z.enum(ASSESSMENT_STATUSES).nullable(),
  updatedBy: Id,
  updatedAt: IsoTime,
});
export type AssessmentVersionItem = z.infer<typeof AssessmentVersionItem>;

/** `GET /api/assessments/:id`: the current version with its version list (an extra for the web app). */
export const AssessmentWithVersions = Assessment.extend({ versions: z.array(AssessmentVersionItem), names: AuthorNames.optional() });
export type AssessmentWithVersions = z.infer<typeof AssessmentWithVersions>;

/** A comment on an assessment (§6). */
export const AssessmentComment = z.object({
  id: Id,
  assessmentId: Id,
  author: z.object({ id: Id, name: z.string(), organisationId: Id }),
  body: z.string(),
  createdAt: IsoTime,
});
export type AssessmentComment = z.infer<typeof AssessmentComment>;

/** One published reading of a country's overall risk (`history` of the overview). */
export const RiskReading = z.object({ assessmentId: Id, organisationId: Id, publishedAt: IsoTime, overallRisk: RiskLevel });
export type RiskReading = z.infer<typeof RiskReading>;

/** `GET /api/countries/:code/overview`. */
export const CountryOverview = z.object({ country: AlphaThree, latest: z.array(Assessment), history: z.array(RiskReading) });
export type CountryOverview = z.infer<typeof CountryOverview>;

/** One item of `GET /api/countries/risk-map`: the latest visible published overall risk of one country. */
export const RiskMapItem = RiskReading.extend({ country: AlphaThree });
export type RiskMapItem = z.infer<typeof RiskMapItem>;
