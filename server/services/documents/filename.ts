import { DOCUMENT_FILENAME_MAX_LENGTH } from '../../../shared/schemas/documents.js';
import { DOCUMENT_TYPES, type DocumentContentType } from '../../../shared/documentTypes.js';

// Controls (C0, DEL, C1) and the bidirectional overrides and isolates that make "cod.exe" read as
// "exe.doc"; both are removed from stored names.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// Other spellings of a type's extension that a name may already end in.
const ALSO: Partial<Record<DocumentContentType, string[]>> = { 'image/jpeg': ['jpeg'] };

/**
 * The name a document keeps: the client's file name without any directory part or unsafe
 * characters, NFC, at most 255 characters, ending in the detected type's extension (§7 v2);
 * `document.<ext>` when nothing is left.
 */
export function cleanFilename(given: string, contentType: DocumentContentType): string {
  const base = given.split(/[\\/]/).pop() ?? '';
  const cleaned = base.normalize('NFC').replace(UNSAFE, '').trim();
  const name = [...cleaned].slice(0, DOCUMENT_FILENAME_MAX_LENGTH).join('');
  if (name && name !== '.' && name !== '..') return withTypeExtension(name, contentType);
  const extension = DOCUMENT_TYPES.find((t) => t.contentType === contentType)?.extension ?? 'bin';
  return `document.${extension}`;
}

/**
 * `name` ending in the extension of the type detected from the bytes (§7 v2), so a file opens as what
 * it is: a text file named `report.html` is `report.html.txt`; `report.PDF` of a PDF stays as it is.
 * A name left too long loses the end of its stem, never the extension.
 */
export function withTypeExtension(name: string, contentType: string): string {
  const type = DOCUMENT_TYPES.find((t) => t.contentType === contentType);
  if (!type) return name;
  const lower = name.toLowerCase();
  if ([type.extension, ...(ALSO[type.contentType] ?? [])].some((ext) => lower.endsWith(`.${ext}`))) return name;
  const suffix = `.${type.extension}`;
  return [...name].slice(0, DOCUMENT_FILENAME_MAX_LENGTH - suffix.length).join('') + suffix;
}
