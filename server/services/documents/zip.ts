// Just enough of the ZIP format (APPNOTE 6.3) to tell office documents from other archives: the end
// of central directory record, the central directory's entry names, and the first local file header
// (where ODF keeps its uncompressed `mimetype`). Nothing is ever extracted or inflated.

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
export const EOCD_LENGTH = 22;
export const EOCD_MAX_COMMENT = 0xffff;
/** Enough of a file's end to hold the end record with the longest possible comment. */
export const ZIP_TAIL_LENGTH = EOCD_LENGTH + EOCD_MAX_COMMENT;

/** Where a ZIP's central directory is, from its end record. */
export interface EndOfCentralDirectory {
  entries: number;
  offset: number;
  size: number;
}

/** One central directory entry. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

/**
 * Finds the end record in `tail` (the last bytes of a file of `total` bytes). It must end the file
 * exactly (its comment running to the last byte), describe one disk, not be ZIP64, and its central
 * directory must end where the record starts: no data may hide between them or before the entries.
 */
export function readEndOfCentralDirectory(tail: Buffer, total: number): EndOfCentralDirectory | null {
  const maxComment = Math.min(EOCD_MAX_COMMENT, tail.length - EOCD_LENGTH);
  for (let comment = 0; comment <= maxComment; comment++) {
    const at = tail.length - EOCD_LENGTH - comment;
    if (tail.readUInt32LE(at) !== EOCD_SIGNATURE || tail.readUInt16LE(at + 20) !== comment) continue;
    const disk = tail.readUInt16LE(at + 4);
    const cdDisk = tail.readUInt16LE(at + 6);
    const onDisk = tail.readUInt16LE(at + 8);
    const entries = tail.readUInt16LE(at + 10);
    const size = tail.readUInt32LE(at + 12);
    const offset = tail.readUInt32LE(at + 16);
    const eocdAt = total - tail.length + at;
    if (disk !== 0 || cdDisk !== 0 || onDisk !== entries || entries === 0xffff) return null;
    if (size === 0xffffffff || offset === 0xffffffff || offset + size !== eocdAt) return null;
    return { entries, offset, size };
  }
  return null;
}

/** Parses a central directory of exactly `count` entries filling `cd`; null when it is malformed. */
export function readCentralDirectory(cd: Buffer, count: number, cdOffset: number): ZipEntry[] | null {
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== CENTRAL_SIGNATURE) return null;
    const flags = cd.readUInt16LE(at + 8);
    const method = cd.readUInt16LE(at + 10);
    const compressedSize = cd.readUInt32LE(at + 20);
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const localOffset = cd.readUInt32LE(at + 42);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length || localOffset >= cdOffset) return null;
    const rawName = cd.subarray(at + 46, at + 46 + nameLength);
    // Bit 11: UTF-8 names; otherwise CP437, whose ASCII range (all the names we look for) is the same.
    const name = flags & 0x800 ? rawName.toString('utf8') : rawName.toString('latin1');
    entries.push({ name, method, compressedSize, localOffset });
    at = end;
  }
  return at === cd.length ? entries : null;
}

/**
 * The name and stored content of the first local file header, at offset 0 of the file, when it
 * lies within `head` and is stored uncompressed (how ODF writes its `mimetype`).
 */
export function readFirstStoredEntry(head: Buffer): { name: string; content: Buffer } | null {
  if (head.length < 30 || head.readUInt32LE(0) !== LOCAL_SIGNATURE) return null;
  const method = head.readUInt16LE(8);
  const size = head.readUInt32LE(18);
  const nameLength = head.readUInt16LE(26);
  const extraLength = head.readUInt16LE(28);
  const start = 30 + nameLength + extraLength;
  if (method !== 0 || start + size > head.length) return null;
  return { name: head.subarray(30, 30 + nameLength).toString('latin1'), content: head.subarray(start, start + size) };
}
