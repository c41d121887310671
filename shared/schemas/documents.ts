import { z } from 'zod';
import { DOCUMENT_CONTENT_TYPES, DOCUMENT_KINDS } from '../documentTypes.js';
import { CLASSIFICATIONS, Sharing, Tlp } from '../sharing.js';
import { AuthorNames, Id, IsoTime, PageQuery } from './common.js';

export const DOCUMENT_TITLE_MAX_LENGTH = 200;
export const DOCUMENT_FILENAME_MAX_LENGTH = 255;
/** Longest text of one multipart field (the sharing JSON is the largest). */
export const DOCUMENT_FIELD_MAX_BYTES = 16 * 1024;

const Title = z.string().trim().min(1).max(DOCUMENT_TITLE_MAX_LENGTH);
const Country = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code such as KEN');

/** `sharing` sent as JSON text in a multipart field, parsed then checked like a JSON body's. */
export const SharingJson = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON such as {"scope":"organisation","organisations":[]}' });
      return z.NEVER;
    }
  })
  .pipe(Sharing);

/**
 * The text fields of `POST /api/documents` (multipart, before `file`): strict like every body, so an
 * unknown field is a 400. An empty `country` (a form's unselected option) means none.
 */
export const CreateDocumentFields = z.strictObject({
  title: Title,
  classification: z.enum(CLASSIFICATIONS),
  sharing: SharingJson,
  country: z.preprocess((v) => (v === '' ? undefined : v), Country.optional()),
  tlp: Tlp.default('amber'),
  discoverable: z.enum(['true', 'false']).default('false'),
});
export type CreateDocumentFields = z.infer<typeof CreateDocumentFields>;

/** `POST /api/documents/:id/versions` takes the file alone. */
export const NewVersionFields = z.strictObject({});

/** `PATCH /api/documents/:id`: metadata and sharing; `country: null` removes the country. */
export const UpdateDocumentBody = z.strictObject({
  title: Title.optional(),
  classification: z.enum(CLASSIFICATIONS).optional(),
  sharing: Sharing.optional(),
  country: Country.nullable().optional(),
  tlp: Tlp.optional(),
  discoverable: z.boolean().optional(),
});
export type UpdateDocumentBody = z.infer<typeof UpdateDocumentBody>;

/** `GET /api/documents?country=&organisation=&type=&q=`; `type` is a kind (`pdf`) or a content type. */
export const ListDocumentsQuery = PageQuery.extend({
  country: Country.optional(),
  organisation: Id.optional(),
  type: z.enum([...DOCUMENT_KINDS, ...DOCUMENT_CONTENT_TYPES]).optional(),
  q: z.string().trim().max(200).optional(),
});
export type ListDocumentsQuery = z.infer<typeof ListDocumentsQuery>;

export const DocumentVersionParams = z.strictObject({ id: Id, version: z.coerce.number().int().min(1).max(1_000_000) });

/** A document as the API shows it (§7); `kind` and `updatedBy` are extras for the web app. */
export const HubDocument = z.object({
  id: Id,
  organisationId: Id,
  title: z.string(),
  filename: z.string(),
  contentType: z.enum(DOCUMENT_CONTENT_TYPES),
  kind: z.enum(DOCUMENT_KINDS).nullable(),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  country: Country.nullable(),
  classification: z.enum(CLASSIFICATIONS),
  sharing: Sharing,
  tlp: Tlp,
  discoverable: z.boolean(),
  version: z.number().int().min(1),
  createdBy: Id,
  updatedBy: Id,
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type HubDocument = z.infer<typeof HubDocument>;

/** One stored version of a document (§7). */
export const DocumentVersion = z.object({
  version: z.number().int().min(1),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdBy: Id,
  createdAt: IsoTime,
});
export type DocumentVersion = z.infer<typeof DocumentVersion>;

/** `GET /api/documents/:id`: the document with its versions, oldest first. */
export const DocumentWithVersions = HubDocument.extend({ versions: z.array(DocumentVersion), names: AuthorNames.optional() });
export type DocumentWithVersions = z.infer<typeof DocumentWithVersions>;

/** `GET /api/documents/limits`: what the web app checks a chosen file against (the hub checks the bytes again). */
export const DocumentLimits = z.object({ maxFileBytes: z.number().int().min(1), extensions: z.array(z.string()) });
export type DocumentLimits = z.infer<typeof DocumentLimits>;
