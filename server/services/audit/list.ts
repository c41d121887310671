import type { mongo } from 'mongoose';
import { decodeCursor } from '../../http/paging.js';
import { auditBlock, auditCollections, firstSeqOfAuditBlock, legacyAuditRecords, type AuditRecordDoc } from '../../models/auditRecord.js';
import type { AuditVisibility } from '../../policies/audit.js';
import type { ListAuditQuery } from '../../../shared/schemas/audit.js';

/**
 * One page (plus one row, for toPage) of the records `visible` allows, newest first: the blocks from
 * the newest down (skipping those wholly at or past the cursor), then the legacy collection, until
 * the page is full. Every value in the filter comes from the validated query.
 */
export async function findAuditRecords(visible: AuditVisibility, query: ListAuditQuery): Promise<AuditRecordDoc[]> {
  const filter: Record<string, unknown> = { ...visible };
  if (query.action) filter.action = query.action;
  if (query.actor) filter['actor.userId'] = query.actor;
  if (query.target) filter['target.id'] = query.target;
  const at: Record<string, Date> = {};
  if (query.after) at.$gt = query.after;
  if (query.before) at.$lt = query.before;
  if (query.after || query.before) filter.at = at;
  let below = Infinity;
  if (query.cursor) {
    [below] = decodeCursor(query.cursor, ['number']) as [number];
    filter.seq = { $lt: below };
  }
  const { legacy, blocks } = await auditCollections();
  const sources = [...blocks.reverse().filter((block) => firstSeqOfAuditBlock(block) < below).map(auditBlock), ...(legacy ? [legacyAuditRecords()] : [])];
  const wanted = query.limit + 1;
  const page: AuditRecordDoc[] = [];
  for (const collection of sources) {
    page.push(...await collection.find(filter as mongo.Filter<AuditRecordDoc>).sort({ seq: -1 }).limit(wanted - page.length).toArray());
    if (page.length >= wanted) break;
  }
  return page;
}
