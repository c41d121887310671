import { z } from 'zod';
import { IdParams, NamesQuery, pageOf } from '../../shared/schemas/common.js';
import {
  CreateDocumentFields,
  DocumentVersionParams,
  DocumentLimits,
  DocumentWithVersions,
  HubDocument,
  ListDocumentsQuery,
  UpdateDocumentBody,
} from '../../shared/schemas/documents.js';
import { ItemCard } from '../../shared/schemas/handling.js';
import { DocumentContentQuery } from '../../shared/schemas/stamping.js';
import type { RouteDoc } from '../openapi/routeDoc.js';

const tag = 'documents';
const File = z.string().meta({ format: 'binary', description: 'The file, last field of the form' });
const bytes = { description: 'The file', schema: z.string().meta({ format: 'binary' }), type: 'application/octet-stream' };

/** §7: documents (documents.ts). */
export const documentsDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/documents/limits',
    tag,
    summary: 'Accepted file types and the largest upload',
    answers: { 200: { description: 'Limits', schema: DocumentLimits } },
  },
  {
    method: 'get',
    path: '/api/documents',
    tag,
    summary: 'Visible documents',
    query: ListDocumentsQuery,
    answers: { 200: { description: 'Page', schema: pageOf(z.union([HubDocument, ItemCard])) } },
  },
  {
    method: 'post',
    path: '/api/documents',
    tag,
    summary: 'Upload (multipart)',
    bodyTypes: { 'multipart/form-data': CreateDocumentFields.extend({ file: File }) },
    answers: { 201: { description: 'Created', schema: HubDocument }, 413: { description: 'Too large' }, 415: { description: 'Type not accepted' } },
  },
  {
    method: 'get',
    path: '/api/documents/{id}',
    tag,
    summary: "Read a document (names=1: with its authors' names)",
    params: IdParams,
    query: NamesQuery,
    answers: { 200: { description: 'Document', schema: z.union([DocumentWithVersions, ItemCard]) } },
  },
  {
    method: 'patch',
    path: '/api/documents/{id}',
    tag,
    summary: 'Change title, classification or sharing',
    params: IdParams,
    body: UpdateDocumentBody,
    answers: { 200: { description: 'Changed', schema: HubDocument } },
  },
  { method: 'delete', path: '/api/documents/{id}', tag, summary: 'Delete', params: IdParams, answers: { 204: { description: 'Deleted' } } },
  {
    method: 'get',
    path: '/api/documents/{id}/content',
    tag,
    summary: "Download the latest version (sensitive PDFs stamped; ?original=true: the owner's stored file)",
    params: IdParams,
    query: DocumentContentQuery,
    answers: { 200: bytes },
  },
  {
    method: 'post',
    path: '/api/documents/{id}/versions',
    tag,
    summary: 'Upload a new version (multipart)',
    params: IdParams,
    bodyTypes: { 'multipart/form-data': z.object({ file: File }) },
    answers: { 201: { description: 'New version', schema: HubDocument } },
  },
  {
    method: 'get',
    path: '/api/documents/{id}/versions/{version}/content',
    tag,
    summary: 'Download one version',
    params: DocumentVersionParams,
    query: DocumentContentQuery,
    answers: { 200: bytes },
  },
];
