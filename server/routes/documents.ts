import { Router, type Request } from 'express';
import { IdParams, NamesQuery } from '../../shared/schemas/common.js';
import { DocumentContentQuery } from '../../shared/schemas/stamping.js';
import {
  CreateDocumentFields,
  DOCUMENT_FIELD_MAX_BYTES,
  DocumentVersionParams,
  ListDocumentsQuery,
  NewVersionFields,
  UpdateDocumentBody,
} from '../../shared/schemas/documents.js';
import { auth, principalOf } from '../auth/passport.js';
import type { Domain } from '../domain.js';
import { receiveUpload } from '../http/multipart.js';
import { input, validate } from '../http/validate.js';
import {
  canCreateDocument,
  canReadDocument,
  deleteDocumentVerdict,
  editDocumentVerdict,
  readDocumentVerdict,
  readDocumentVersionVerdict,
} from '../policies/document.js';
import { authorize } from '../policies/helpers.js';
import { contextOf } from '../services/context.js';
import {
  addVersion,
  auditRefusedUpload,
  createDocument,
  deleteDocument,
  discardFile,
  findDocument,
  planNewDocument,
  storeFile,
  updateDocument,
} from '../services/documents/commands.js';
import { sendContent } from '../services/documents/content.js';
import { documentLimits, listDocuments, readDocument } from '../services/documents/queries.js';
import { withAuthorNames } from '../services/users/names.js';
import { documentCard } from '../services/handling/cards.js';

const signed = (req: Request) => ({ ...contextOf(req), principal: principalOf(req) });

/** Loads the document of `:id` and applies a verdict of the document policy (404 / 403). */
async function load(domain: Domain, req: Request, verdict: typeof readDocumentVerdict) {
  const doc = await findDocument(domain, input(req, 'params', IdParams).id);
  authorize(verdict(principalOf(req), doc), 'document');
  return doc;
}

/** `/api/documents` (§7). Uploads are multipart and streamed; everything else is JSON. */
export function documentsRouter(domain: Domain): Router {
  const limits = { maxFileBytes: domain.storage.maxUploadBytes, maxFieldBytes: DOCUMENT_FIELD_MAX_BYTES };
  const router = Router();
  router.use(auth());

  router.get('/', validate({ query: ListDocumentsQuery }), async (req, res) => {
    const onAuditFailure = (error: unknown) => req.log.error({ err: error }, 'document.list audit record failed');
    res.json(await listDocuments(domain, signed(req), input(req, 'query', ListDocumentsQuery), onAuditFailure));
  });

  router.post('/', async (req, res) => {
    const ctx = signed(req);
    authorize({ visible: true, allowed: canCreateDocument(ctx.principal) }, 'document');
    const upload = await receiveUpload(req, {
      ...limits,
      fields: CreateDocumentFields,
      handle: async (fields, file) => {
        const plan = await planNewDocument(domain, ctx, fields);
        return { plan, file: await storeFile(domain, ctx.principal.organisation._id, file) };
      },
      discard: ({ file }) => discardFile(domain, file),
    }).catch(async (error: unknown) => {
      await auditRefusedUpload(ctx, error, null);
      throw error;
    });
    res.status(201).json(await createDocument(domain, ctx, upload.plan, upload.file));
  });

  // What the web app checks a file against on choosing it, before sending anything (the hub decides again).
  router.get('/limits', (_req, res) => {
    res.json(documentLimits(limits.maxFileBytes));
  });

  router.get('/:id', validate({ params: IdParams, query: NamesQuery }), async (req, res) => {
    const doc = await findDocument(domain, input(req, 'params', IdParams).id);
    // Those who may not read a discoverable document read its card (§13); its content stays 404.
    const card = documentCard(doc, canReadDocument(principalOf(req), doc));
    if (card) {
      res.json(card);
      return;
    }
    authorize(readDocumentVerdict(principalOf(req), doc), 'document');
    const answer = await readDocument(signed(req), doc);
    res.json(input(req, 'query', NamesQuery).names === '1' ? await withAuthorNames(domain, answer) : answer);
  });

  router.patch('/:id', validate({ params: IdParams, body: UpdateDocumentBody }), async (req, res) => {
    const doc = await load(domain, req, editDocumentVerdict);
    res.json(await updateDocument(domain, signed(req), doc, input(req, 'body', UpdateDocumentBody)));
  });

  router.delete('/:id', validate({ params: IdParams }), async (req, res) => {
    await deleteDocument(domain, signed(req), await load(domain, req, deleteDocumentVerdict));
    res.status(204).end();
  });

  router.get('/:id/content', validate({ params: IdParams, query: DocumentContentQuery }), async (req, res) => {
    const doc = await load(domain, req, readDocumentVerdict);
    await sendContent(domain, signed(req), req, res, doc, doc.version, input(req, 'query', DocumentContentQuery).original);
  });

  router.post('/:id/versions', validate({ params: IdParams }), async (req, res) => {
    const ctx = signed(req);
    const doc = await load(domain, req, editDocumentVerdict);
    const file = await receiveUpload(req, {
      ...limits,
      fields: NewVersionFields,
      handle: (_fields, incoming) => storeFile(domain, doc.organisationId, incoming),
      discard: (file) => discardFile(domain, file),
    }).catch(async (error: unknown) => {
      await auditRefusedUpload(ctx, error, doc);
      throw error;
    });
    res.status(201).json(await addVersion(domain, ctx, doc, file));
  });

  router.get('/:id/versions/:version/content', validate({ params: DocumentVersionParams, query: DocumentContentQuery }), async (req, res) => {
    const doc = await load(domain, req, readDocumentVerdict);
    const { version } = input(req, 'params', DocumentVersionParams);
    authorize(readDocumentVersionVerdict(principalOf(req), doc, version), 'version');
    await sendContent(domain, signed(req), req, res, doc, version, input(req, 'query', DocumentContentQuery).original);
  });

  return router;
}
