import { z } from 'zod';

/** Most rows one import takes. */
export const IMPORT_MAX_ROWS = 500;

/** `POST /api/assessments/import?dryRun=` (§14). */
export const ImportAssessmentsQuery = z.strictObject({ dryRun: z.enum(['true', 'false', '1', '0']).optional() });

/** A JSON import: one assessment (the fields of `POST /api/assessments`) per item. */
export const ImportAssessmentsJson = z.array(z.record(z.string(), z.unknown())).max(IMPORT_MAX_ROWS);

/** What is wrong with one row: `row` counts data rows from 1. */
export const ImportError = z.object({ row: z.number().int().min(1), field: z.string(), message: z.string() });

/** The answer: how many were (or, on a dry run, would be) created, and every row's problems. */
export const ImportReport = z.object({ created: z.number().int().min(0), errors: z.array(ImportError) });
export type ImportReport = z.infer<typeof ImportReport>;
