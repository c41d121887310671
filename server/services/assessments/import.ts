import { parse } from 'csv-parse/sync';
import { IMPORT_MAX_ROWS, type ImportReport } from '../../../shared/schemas/assessmentImport.js';
import { CreateAssessmentBody } from '../../../shared/schemas/assessments.js';
import type { Domain } from '../../domain.js';
import { HttpError } from '../../http/errors.js';
import { findUnsafeKey } from '../../http/validate.js';
import { recordAudit } from '../audit.js';
import { actorOf, type ActionContext } from '../context.js';
import { isCountryCode } from '../countries.js';
import { checkSharing } from '../sharing.js';
import { checkContent, createAssessment } from './commands.js';

type Signed = Parameters<typeof createAssessment>[1] & ActionContext;
type Problem = ImportReport['errors'][number];

// CSV cells are text: these columns hold JSON, these numbers; an empty optional cell means "not given".
const JSON_COLUMNS = ['riskFactors', 'sharing'];
const NUMBER_COLUMNS = ['overallRisk'];
const OPTIONAL_COLUMNS = ['periodStart', 'periodEnd'];

/** The rows of a CSV text (a header of field names, then one assessment a line); 400 when it is not CSV. */
export function csvRows(text: string): Record<string, unknown>[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: false }) as Record<string, string>[];
  } catch (error) {
    throw new HttpError('invalid_request', `body: not CSV as expected (${(error as Error).message.slice(0, 200)})`);
  }
  return records.map((record) => {
    const row: Record<string, unknown> = {};
    for (const [column, cell] of Object.entries(record)) {
      if (OPTIONAL_COLUMNS.includes(column) && cell.trim() === '') continue;
      row[column] = cell;
      if (NUMBER_COLUMNS.includes(column) && /^-?\d+$/.test(cell.trim())) row[column] = Number(cell);
      if (JSON_COLUMNS.includes(column)) {
        try {
          row[column] = JSON.parse(cell) as unknown;
        } catch {
          row[column] = { __notJson: cell };
        }
      }
    }
    return row;
  });
}

/** Checks one row as `POST /api/assessments` would; answers its problems (none: the body to create). */
async function checkRow(
  domain: Domain,
  ownerId: string,
  raw: Record<string, unknown>,
  row: number,
): Promise<{ body?: CreateAssessmentBody; problems: Problem[] }> {
  for (const column of JSON_COLUMNS) {
    const value = raw[column] as { __notJson?: string } | undefined;
    if (value && typeof value === 'object' && '__notJson' in value) return { problems: [{ row, field: column, message: 'must be JSON text' }] };
  }
  const unsafe = findUnsafeKey(raw);
  if (unsafe) return { problems: [{ row, field: unsafe, message: 'this key is not allowed' }] };
  const parsed = CreateAssessmentBody.safeParse(raw);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => ({
        row,
        field: issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.map(String).join('.') || 'row',
        message: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message,
      })),
    };
  }
  const body = parsed.data;
  try {
    if (!isCountryCode(body.country)) throw new HttpError('invalid_request', `country: ${body.country} is not an ISO 3166-1 alpha-3 country code.`);
    checkContent(body);
    await checkSharing(domain, body.sharing, body.classification, ownerId);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const [field, ...rest] = error.message.split(': ');
    return { problems: [{ row, field: rest.length > 0 ? field! : 'row', message: rest.length > 0 ? rest.join(': ') : error.message }] };
  }
  return { body, problems: [] };
}

/**
 * `POST /api/assessments/import` (§14): every row is checked first, as `POST /api/assessments` checks a
 * body; only when none is wrong (and not on a dry run) are they all created, as drafts.
 */
export async function importAssessments(domain: Domain, ctx: Signed, rows: Record<string, unknown>[], dryRun: boolean): Promise<ImportReport> {
  if (rows.length === 0) throw new HttpError('invalid_request', 'body: no rows to import.');
  if (rows.length > IMPORT_MAX_ROWS) throw new HttpError('invalid_request', `body: at most ${IMPORT_MAX_ROWS} rows at once.`);
  const ownerId = ctx.principal.organisation._id.toString();
  const checked = [];
  for (const [i, raw] of rows.entries()) checked.push(await checkRow(domain, ownerId, raw, i + 1));
  const errors = checked.flatMap((c) => c.problems);
  if (errors.length > 0 || dryRun) return { created: errors.length > 0 ? 0 : rows.length, errors };
  const ids: string[] = [];
  for (const { body } of checked) ids.push((await createAssessment(domain, ctx, body!)).id);
  await recordAudit({
    actor: actorOf(ctx),
    action: 'assessment.import',
    target: { type: 'assessment', id: null, organisationId: ownerId },
    ip: ctx.ip,
    outcome: 'success',
    details: { count: ids.length, ids: ids.slice(0, 100) },
  });
  return { created: ids.length, errors: [] };
}
