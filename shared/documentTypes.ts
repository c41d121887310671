/**
 * The document types the hub accepts (§7), each decided from the bytes, never from the name or the
 * client's declared type. `kind` is the short name the web app filters by; `contentType` is what a
 * document records and a download carries.
 */
export const DOCUMENT_TYPES = [
  { kind: 'pdf', contentType: 'application/pdf', extension: 'pdf' },
  { kind: 'docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' },
  { kind: 'xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx' },
  { kind: 'pptx', contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extension: 'pptx' },
  { kind: 'odt', contentType: 'application/vnd.oasis.opendocument.text', extension: 'odt' },
  { kind: 'ods', contentType: 'application/vnd.oasis.opendocument.spreadsheet', extension: 'ods' },
  { kind: 'text', contentType: 'text/plain', extension: 'txt' },
  { kind: 'csv', contentType: 'text/csv', extension: 'csv' },
  { kind: 'png', contentType: 'image/png', extension: 'png' },
  { kind: 'jpeg', contentType: 'image/jpeg', extension: 'jpg' },
] as const;

export type DocumentKind = (typeof DOCUMENT_TYPES)[number]['kind'];
export type DocumentContentType = (typeof DOCUMENT_TYPES)[number]['contentType'];

export const DOCUMENT_KINDS = DOCUMENT_TYPES.map((t) => t.kind) as [DocumentKind, ...DocumentKind[]];
export const DOCUMENT_CONTENT_TYPES = DOCUMENT_TYPES.map((t) => t.contentType) as [DocumentContentType, ...DocumentContentType[]];

/** The accepted type of a kind. */
export function typeOfKind(kind: DocumentKind) {
  return DOCUMENT_TYPES.find((t) => t.kind === kind)!;
}

/** The short kind of a content type (undefined for a type the hub does not accept). */
export function kindOfContentType(contentType: string): DocumentKind | undefined {
  return DOCUMENT_TYPES.find((t) => t.contentType === contentType)?.kind;
}
