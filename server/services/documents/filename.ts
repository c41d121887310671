import { DOCUMENT_FILENAME_MAX_LENGTH } from '../../../shared/schemas/documents.js';
import { DOCUMENT_TYPES, type DocumentContentType } from '../../../shared/documentTypes.js';

// Controls (C0, DEL, C1) and the bidirectional overrides and isolates that make "cod.exe" read as
// "exe.doc"; both are removed from stored names.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The name a document keeps: the client's file name without any directory part or unsafe
 * characters, NFC, at most 255 characters; `document.<ext>` when nothing is left.
 */
export function cleanFilename(given: string, contentType: DocumentContentType): string {
  const base = given.split(/[\\/]/).pop() ?? '';
  const cleaned = base.normalize('NFC').replace(UNSAFE, '').trim();
  const name = [...cleaned].slice(0, DOCUMENT_FILENAME_MAX_LENGTH).join('');
  if (name && name !== '.' && name !== '..') return name;
  const extension = DOCUMENT_TYPES.find((t) => t.contentType === contentType)?.extension ?? 'bin';
  return `document.${extension}`;
}
