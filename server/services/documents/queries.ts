import type { Principal } from '../../auth/principal.js';
import { DOCUMENT_TYPES, kindOfContentType, typeOfKind, type DocumentKind } from '../../../shared/documentTypes.js';
import type { DocumentLimits, ListDocumentsQuery } from '../../../shared/schemas/documents.js';
import { matchesQuery, searchWords } from '../../../shared/search.js';
import type { Domain } from '../../domain.js';
import { decodeCursor, toPage } from '../../http/paging.js';
import type { DocumentDoc } from '../../models/document.js';
import { canReadDocument, canReadDocumentVersion } from '../../policies/document.js';
import { presentDocument, presentDocumentWithVersions } from '../../presenters/document.js';
import { queueAudit, recordAudit } from '../audit.js';
import { actorOf } from '../context.js';
import type { Signed } from './commands.js';
import type { HubDocument } from '../../../shared/schemas/documents.js';
import type { ItemCard } from '../../../shared/schemas/handling.js';
import { cardMatches, documentCard } from '../handling/cards.js';

/** How many ids of a list answer its audit record names (§9 v2). */
const AUDITED_IDS = 100;

/**
 * `GET /api/documents`: what the caller may read, filtered, newest `updatedAt` first, paged. The answer
 * is one `document.list` audit record (§9 v2), queued before the answer leaves but not waited for:
 * the list stays as fast as it was (a burst of lists is one insert), GET /api/audit stores the queue
 * before it reads, and a failed append is logged through `onAuditFailure`.
 */
export async function listDocuments(domain: Domain, ctx: Signed, query: ListDocumentsQuery, onAuditFailure: (error: unknown) => void) {
  const p = ctx.principal;
  const page = await pageOfDocuments(domain, p, query);
  const ids = page.items.map((d) => d.id);
  queueAudit({
    actor: actorOf(ctx),
    action: 'document.list',
    target: { type: 'document', id: null, organisationId: null },
    ip: ctx.ip,
    outcome: 'success',
    details: { ids: ids.slice(0, AUDITED_IDS), count: ids.length },
  }).catch(onAuditFailure);
  return page;
}

async function pageOfDocuments(domain: Domain, p: Principal, query: ListDocumentsQuery) {
  const words = query.q ? searchWords(query.q) : [];
  const contentType = query.type ? (kindOfContentType(query.type) ? query.type : typeOfKind(query.type as DocumentKind).contentType) : undefined;
  let after: [number, string] | undefined;
  if (query.cursor) {
    const [time, id] = decodeCursor(query.cursor, ['number', 'string']);
    after = [time as number, id as string];
  }
  const rows: { doc: DocumentDoc; item: HubDocument | ItemCard }[] = [];
  for (const d of await domain.repos.documents.live()) {
    if (after) {
      const t = d.updatedAt.getTime();
      if (t > after[0] || (t === after[0] && d._id.toString() >= after[1])) continue;
    }
    if (query.country && d.country !== query.country) continue;
    if (query.organisation && d.organisationId.toString() !== query.organisation) continue;
    if (!canReadDocument(p, d)) {
      // A discoverable one shows its card (§13): filtered only by what the card shows.
      const card = documentCard(d, false);
      if (!card || contentType) continue;
      if (words.length > 0 && !cardMatches(card, (title) => matchesQuery(searchWords(title), words))) continue;
      rows.push({ doc: d, item: card });
    } else {
      if (contentType && d.contentType !== contentType) continue;
      if (words.length > 0 && !matchesQuery(d.words, words)) continue;
      rows.push({ doc: d, item: presentDocument(d) });
    }
    if (rows.length > query.limit) break;
  }
  return toPage(
    rows,
    query.limit,
    (row) => [row.doc.updatedAt.getTime(), row.doc._id.toString()],
    (row) => row.item,
  );
}

/** `GET /api/documents/limits`: the largest file the hub takes and the extensions of the types it accepts. */
export function documentLimits(maxFileBytes: number): DocumentLimits {
  return { maxFileBytes, extensions: [...new Set([...DOCUMENT_TYPES.map((t) => t.extension), 'jpeg'])] };
}

/** `GET /api/documents/:id`: the document and its versions; the read is on the audit trail. */
export async function readDocument(ctx: Signed, doc: DocumentDoc) {
  await recordAudit({
    actor: actorOf(ctx),
    action: 'document.read',
    target: { type: 'document', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
    ip: ctx.ip,
    outcome: 'success',
    details: { version: doc.version },
  });
  return presentDocumentWithVersions(doc, (v) => canReadDocumentVersion(ctx.principal, doc, v));
}
