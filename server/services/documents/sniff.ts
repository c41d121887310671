import { Transform, type TransformCallback } from 'node:stream';
import type { DocumentKind } from '../../../shared/documentTypes.js';
import { HttpError } from '../../http/errors.js';
import { MarkupScanner } from './markup.js';
import { readCentralDirectory, readEndOfCentralDirectory, readFirstStoredEntry, ZIP_TAIL_LENGTH, type ZipEntry } from './zip.js';

// The rules that decide a document's type from its bytes (§7). Names and declared types are never
// trusted, except that a valid text file named *.csv is CSV.
//
//   PDF   starts with "%PDF-", no markup before its first object "N G obj" (an HTML/PDF polyglot)
//                                             PNG  starts with the 8-byte PNG signature
//   JPEG  starts with FF D8 FF                ZIP  starts with a local file header "PK\3\4", then
//   DOCX / XLSX / PPTX  the central directory names [Content_Types].xml and exactly one of
//         word/document.xml, xl/workbook.xml, ppt/presentation.xml (and no vbaProject.bin: macros)
//   ODT / ODS  the first entry, at offset 0 and stored, is `mimetype` holding
//         application/vnd.oasis.opendocument.text / .spreadsheet (and no Basic/ or Scripts/: macros)
//   text  everything else that is valid UTF-8 with no NUL or other C0 control but TAB, LF, VT, FF,
//         CR and ESC; that does not start (after a BOM and white space) with "<" — HTML, SVG, XML —
//         nor carry HTML or XML markup anywhere (markup.ts); and that is not a script ("#!") or a
//         DOS/Windows executable ("MZ")
//   CSV   text named *.csv, or whose first lines (at least two, within 64 KiB) all hold the same
//         number (one or more) of commas outside double quotes
//
// Everything else — executables, archives, HTML, SVG, other images — is refused with 415, as soon
// as the first bytes tell (a ZIP only at its end, where its central directory is).

const HEAD_LENGTH = 4096;
const MARKUP_WINDOW = 1024;
const CSV_WINDOW = 64 * 1024;
const CSV_MAX_LINES = 50;
const CD_MAX_LENGTH = 8 * 1024 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ODF_TYPES: Record<string, DocumentKind> = { 'application/vnd.oasis.opendocument.text': 'odt', 'application/vnd.oasis.opendocument.spreadsheet': 'ods' };
const OOXML_PARTS: [string, DocumentKind][] = [
  ['word/document.xml', 'docx'],
  ['xl/workbook.xml', 'xlsx'],
  ['ppt/presentation.xml', 'pptx'],
];
// C0 controls other than TAB, LF, VT, FF, CR and ESC, and DEL: what text documents do not contain.
const BINARY_CHARACTER = /[\u0000-\u0008\u000E-\u001A\u001C-\u001F\u007F]/;
// A PDF's first object; what comes before it is the header and its comment lines.
const PDF_OBJECT = /(?:^|[^0-9])\d{1,10}[\0\t\n\f\r ]+\d{1,5}[\0\t\n\f\r ]+obj(?![A-Za-z0-9])/;
const PDF_OBJECT_CARRY = 40;
// A real PDF's first object follows its header within a few hundred bytes. Past this many bytes without
// one the scan stops: a browser sniffs only a file's first bytes as HTML, and an unbounded scan would let
// any upload starting with `%PDF-` cost seconds of CPU per GB on the main thread.
const PDF_HEADER_SCAN_MAX = 1024 * 1024;

type Mode = 'pending' | 'pdf' | 'png' | 'jpeg' | 'zip' | 'text';

/** Reads `length` plaintext bytes at `offset` of the file being stored (the ZIP central directory). */
export type RangeReader = (offset: number, length: number) => Promise<Buffer>;

/** 415 with the reason the bytes were refused. */
export function unsupported(reason: string): HttpError {
  return new HttpError('unsupported_media_type', `file: ${reason}; accepted are PDF, DOCX, XLSX, PPTX, ODT, ODS, UTF-8 text, CSV, PNG and JPEG.`);
}

/**
 * A pass-through stream that watches the bytes go by and decides their type: it fails with 415 as
 * soon as the bytes cannot be an accepted type, and `decide()` gives the type once they have all
 * passed. It keeps at most the first 4 KiB, the last 64 KiB + 22 bytes (for a ZIP) and the first
 * 64 KiB of text (for CSV), whatever the file's size.
 */
export class TypeSniffer extends Transform {
  private mode: Mode = 'pending';
  private head = Buffer.alloc(0);
  private tail: Buffer[] = [];
  private tailLength = 0;
  private total = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private textStart = '';
  private startChecked = false;
  private readonly markup = new MarkupScanner();
  private readonly pdfMarkup = new MarkupScanner({ declarations: false, encodedValues: false });
  // The last characters of a PDF's header not yet scanned (an object's start may be split); null once its first object is seen.
  private pdfCarry: string | null = '';
  private pdfScanned = 0;

  constructor(private readonly filename: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.total += chunk.length;
      if (this.head.length < HEAD_LENGTH) this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_LENGTH - this.head.length)]);
      if (this.mode === 'pending') {
        // Until 8 bytes are in, `head` holds every byte so far: classify, then check them all.
        if (this.head.length >= 8) this.start(this.head.length === this.total ? this.head : null, chunk);
      } else {
        this.watch(chunk);
      }
      callback(null, chunk);
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.mode === 'pending' && this.total > 0) this.start(this.head, null);
      if (this.mode === 'text') this.checkText(Buffer.alloc(0), true);
      if (this.mode === 'pdf') this.checkPdfHeader(Buffer.alloc(0), true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  // `all` is every byte so far when the head holds them all; otherwise the earlier bytes are
  // head[0 .. total - chunk.length) and `chunk` is the rest.
  private start(all: Buffer | null, chunk: Buffer | null): void {
    this.mode = this.classify(this.head);
    const earlier = all ?? this.head.subarray(0, this.total - chunk!.length);
    if (all) this.watch(all);
    else {
      this.watch(earlier);
      this.watch(chunk!);
    }
  }

  private watch(bytes: Buffer): void {
    if (this.mode === 'zip') this.keepTail(bytes);
    if (this.mode === 'text') this.checkText(bytes, false);
    if (this.mode === 'pdf') this.checkPdfHeader(bytes, false);
  }

  /** The type of the bytes that passed (call after the stream ended); 415 if none is accepted. */
  async decide(readRange: RangeReader): Promise<DocumentKind> {
    switch (this.mode) {
      case 'pdf':
      case 'png':
      case 'jpeg':
        return this.mode;
      case 'zip':
        return this.decideZip(readRange);
      case 'text':
        return this.looksLikeCsv() ? 'csv' : 'text';
      default:
        throw unsupported('the file is empty or too short to be a document');
    }
  }

  private classify(head: Buffer): Mode {
    if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
    if (head.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
    if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
    if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
    const start = head.subarray(0, 2).toString('latin1');
    if (start === 'MZ' || head.subarray(0, 4).toString('latin1') === '\x7fELF') throw unsupported('the file is an executable');
    if (start === 'PK') throw unsupported('the file is an archive');
    if (start === '#!') throw unsupported('the file is a script');
    return 'text';
  }

  private keepTail(chunk: Buffer): void {
    this.tail.push(chunk);
    this.tailLength += chunk.length;
    while (this.tailLength - this.tail[0]!.length >= ZIP_TAIL_LENGTH) this.tailLength -= this.tail.shift()!.length;
  }

  private checkText(chunk: Buffer, end: boolean): void {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: !end });
    } catch {
      throw unsupported('the file is binary data (not UTF-8 text)');
    }
    if (BINARY_CHARACTER.test(text)) throw unsupported('the file is binary data (control characters)');
    if (this.textStart.length < CSV_WINDOW) this.textStart += text.slice(0, CSV_WINDOW - this.textStart.length);
    if (!this.startChecked && (this.textStart.length >= MARKUP_WINDOW || end)) {
      this.startChecked = true;
      if (
        this.textStart
          .slice(0, MARKUP_WINDOW)
          .replace(/^\uFEFF/, '')
          .trimStart()
          .startsWith('<')
      ) {
        throw unsupported('the file is HTML, SVG or XML markup');
      }
    }
    this.markup.feed(text);
    const found = end ? this.markup.finish() : this.markup.markup;
    if (found) throw unsupported(`the file carries HTML or XML markup (${found.slice(0, 24)})`);
  }

  /** Scans a PDF's bytes for markup until its first object: markup there makes an HTML/PDF polyglot. */
  private checkPdfHeader(chunk: Buffer, end: boolean): void {
    if (this.pdfCarry === null) return;
    const text = this.pdfCarry + chunk.toString('latin1');
    const object = PDF_OBJECT.exec(text);
    const upTo = object ? object.index : end ? text.length : Math.max(0, text.length - PDF_OBJECT_CARRY);
    this.pdfMarkup.feed(text.slice(0, upTo));
    this.pdfScanned += upTo;
    const done = object !== null || end || this.pdfScanned >= PDF_HEADER_SCAN_MAX;
    const found = done ? this.pdfMarkup.finish() : this.pdfMarkup.markup;
    if (found) throw unsupported(`the file is a PDF carrying HTML or XML markup before its first object (${found.slice(0, 24)})`);
    this.pdfCarry = done ? null : text.slice(upTo);
  }

  private looksLikeCsv(): boolean {
    if (/\.csv$/i.test(this.filename)) return true;
    const lines = this.textStart.split(/\r?\n/);
    // The window may end inside a line: only complete lines count.
    if (this.textStart.length >= CSV_WINDOW) lines.pop();
    const counts = lines
      .filter((line) => line.trim() !== '')
      .slice(0, CSV_MAX_LINES)
      .map(commasOutsideQuotes);
    return counts.length >= 2 && counts[0]! > 0 && counts.every((n) => n === counts[0]);
  }

  private async decideZip(readRange: RangeReader): Promise<DocumentKind> {
    const tailBytes = Buffer.concat(this.tail);
    const tail = tailBytes.subarray(Math.max(0, tailBytes.length - ZIP_TAIL_LENGTH));
    const end = tail.length >= 22 ? readEndOfCentralDirectory(tail, this.total) : null;
    if (!end || end.entries === 0) throw unsupported('the file is an archive (not an office document)');
    if (end.size > CD_MAX_LENGTH) throw unsupported('the file is an archive with too many entries');
    if (end.size < 46 * end.entries) throw unsupported('the file is a damaged archive');
    const tailStart = this.total - tail.length;
    const cd = end.offset >= tailStart ? tail.subarray(end.offset - tailStart, end.offset - tailStart + end.size) : await readRange(end.offset, end.size);
    const entries = readCentralDirectory(cd, end.entries, end.offset);
    if (!entries) throw unsupported('the file is a damaged archive');
    const kind = this.officeKind(entries);
    if (!kind) throw unsupported('the file is an archive (not an office document)');
    return kind;
  }

  private officeKind(entries: ZipEntry[]): DocumentKind | null {
    const names = new Set(entries.map((e) => e.name));
    if (entries.some((e) => /(^|\/)vbaProject\.bin$/i.test(e.name) || /^(Basic|Scripts)\/./.test(e.name))) {
      throw unsupported('the file is an office document with macros');
    }
    if (names.has('[Content_Types].xml')) {
      const kinds = OOXML_PARTS.filter(([part]) => names.has(part)).map(([, kind]) => kind);
      if (kinds.length === 1) return kinds[0]!;
    }
    const first = entries[0];
    if (first?.name === 'mimetype' && first.localOffset === 0 && first.method === 0) {
      const stored = readFirstStoredEntry(this.head);
      if (stored?.name === 'mimetype') return ODF_TYPES[stored.content.toString('latin1')] ?? null;
    }
    return null;
  }
}

function commasOutsideQuotes(line: string): number {
  let quoted = false;
  let commas = 0;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) commas++;
  }
  return commas;
}
