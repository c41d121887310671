import type { Principal } from '../../auth/principal.js';
import { kindOfContentType, typeOfKind, type DocumentKind } from '../../../shared/documentTypes.js';
import type { ListDocumentsQuery } from '../../../shared/schemas/documents.js';
import { matchesQuery, searchWords } from '../../../shared/search.js';
import type { Domain } from '../../domain.js';
import { decodeCursor, toPage } from '../../http/paging.js';
import type { DocumentDoc } from '../../models/document.js';
import { canReadDocument } from '../../policies/document.js';
import { presentDocument, presentDocumentWithVersions } from '../../presenters/document.js';
import { recordAudit } from '../audit.js';
import { actorOf } from '../context.js';
import type { Signed } from './commands.js';

/** `GET /api/documents`: what `p` may read, filtered, newest `updatedAt` first, paged. */
export async function listDocuments(domain: Domain, p: Principal, query: ListDocumentsQuery) {
  const words = query.q ? searchWords(query.q) : [];
  const contentType = query.type
    ? (kindOfContentType(query.type) ? query.type : typeOfKind(query.type as DocumentKind).contentType)
    : undefined;
  let after: [number, string] | undefined;
  if (query.cursor) {
    const [time, id] = decodeCursor(query.cursor, ['number', 'string']);
    after = [time as number, id as string];
  }
  const rows: DocumentDoc[] = [];
  for (const d of await domain.repos.documents.live()) {
    if (after) {
      const t = d.updatedAt.getTime();
      if (t > after[0] || (t === after[0] && d._id.toString() >= after[1])) continue;
    }
    if (!canReadDocument(p, d)) continue;
    if (query.country && d.country !== query.country) continue;
    if (query.organisation && d.organisationId.toString() !== query.organisation) continue;
    if (contentType && d.contentType !== contentType) continue;
    if (words.length > 0 && !matchesQuery(d.words, words)) continue;
    rows.push(d);
    if (rows.length > query.limit) break;
  }
  return toPage(rows, query.limit, (d) => [d.updatedAt.getTime(), d._id.toString()], presentDocument);
}

/** `GET /api/documents/:id`: the document and its versions; the read is on the audit trail. */
export async function readDocument(ctx: Signed, doc: DocumentDoc) {
  await recordAudit({
    actor: actorOf(ctx), action: 'document.read',
    target: { type: 'document', id: doc._id.toString(), organisationId: doc.organisationId.toString() },
    ip: ctx.ip, outcome: 'success', details: { version: doc.version },
  });
  return presentDocumentWithVersions(doc);
}
