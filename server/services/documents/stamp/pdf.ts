import { degrees, EncryptedPDFError, PDFDict, PDFDocument, PDFHexString, PDFName, PDFString, type PDFPage } from 'pdf-lib';
import { renderStampLine, type StampFonts } from './line.js';

/** Why a PDF could not be stamped: it is encrypted, or pdf-lib cannot make sense of it. */
export class StampRefused extends Error {
  constructor(
    readonly reason: 'encrypted' | 'malformed' | 'too-large',
    message: string,
  ) {
    super(message);
  }
}

const MARGIN = 6;

/** Draws the stamp at the bottom of what the reader sees of `page` (its crop box, turned as it is shown). */
function drawOn(page: PDFPage, stamp: Awaited<ReturnType<PDFDocument['embedPdf']>>[number]): void {
  const box = page.getCropBox();
  const turn = ((page.getRotation().angle % 360) + 360) % 360;
  const across = turn === 90 || turn === 270 ? box.height : box.width;
  const scale = Math.min(1, (across - 2 * MARGIN) / stamp.width);
  const w = stamp.width * scale;
  const h = stamp.height * scale;
  // The page is shown turned clockwise by `turn`: the stamp starts at the corner then seen bottom-left and
  // is turned with the page, so it reads left to right along the seen foot (pdf-lib turns anticlockwise).
  const placement = {
    0: { x: box.x + MARGIN, y: box.y + MARGIN, rotate: 0 },
    90: { x: box.x + box.width - MARGIN, y: box.y + MARGIN, rotate: 90 },
    180: { x: box.x + box.width - MARGIN, y: box.y + box.height - MARGIN, rotate: 180 },
    270: { x: box.x + MARGIN, y: box.y + box.height - MARGIN, rotate: 270 },
  }[turn as 0 | 90 | 180 | 270] ?? { x: box.x + MARGIN, y: box.y + MARGIN, rotate: 0 };
  page.drawPage(stamp, { x: placement.x, y: placement.y, width: w, height: h, rotate: degrees(placement.rotate) });
}

/**
 * `pdf` with `line` drawn at the foot of every page (one shared form XObject, so the file grows by
 * a few KiB whatever its page count). Throws StampRefused for an encrypted or unreadable PDF.
 */
export async function stampPdf(pdf: Uint8Array, line: string, fonts: StampFonts): Promise<Uint8Array> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { updateMetadata: false, throwOnInvalidObject: true });
  } catch (error) {
    if (error instanceof EncryptedPDFError) throw new StampRefused('encrypted', 'the PDF is encrypted');
    throw new StampRefused('malformed', `the PDF cannot be read (${(error as Error).message.slice(0, 200)})`);
  }
  const pages = doc.getPages();
  if (pages.length === 0) throw new StampRefused('malformed', 'the PDF has no pages');
  const [stamp] = await doc.embedPdf(await renderStampLine(line, fonts));
  try {
    for (const page of pages) drawOn(page, stamp!);
  } catch (error) {
    throw new StampRefused('malformed', `a page cannot be stamped (${(error as Error).message.slice(0, 200)})`);
  }
  // The line in the document information too (uncompressed), for tools that read metadata, not pages.
  const printable = /^[\x20-\x7e]*$/.test(line) && !/[()\\]/.test(line);
  const { context } = doc;
  const info = context.trailerInfo.Info ? context.lookupMaybe(context.trailerInfo.Info, PDFDict) : undefined;
  const dict = info ?? context.obj({});
  dict.set(PDFName.of('PartnerHubStamp'), printable ? PDFString.of(line) : PDFHexString.fromText(line));
  if (!info) context.trailerInfo.Info = context.register(dict);
  return doc.save({ useObjectStreams: false });
}
