import type { TLP_LEVELS } from './sharing.js';

/** The one type whose downloads are stamped (§13). */
export const STAMPED_CONTENT_TYPE = 'application/pdf';

/** The TLP labels (§13) whose PDFs are stamped, whatever their classification. */
const STAMPED_TLP: readonly string[] = ['amber+strict', 'red'] satisfies (typeof TLP_LEVELS)[number][];

/**
 * Whether downloads of a document's PDFs are stamped with the downloader (§13): strictly confidential,
 * or at TLP `amber+strict` or `red`. `tlp` is optional so the rule reads documents with or without it.
 */
export function needsStamp(document: { classification: string; tlp?: string | null }): boolean {
  return document.classification === 'strictly-confidential' || STAMPED_TLP.includes(document.tlp ?? '');
}

/** Whether a download of this file of this document is stamped: a PDF that needs it. */
export function isStampedDownload(document: { classification: string; tlp?: string | null }, contentType: string): boolean {
  return contentType === STAMPED_CONTENT_TYPE && needsStamp(document);
}
