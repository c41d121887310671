import { HttpError } from './errors.js';

type CursorValue = string | number;

/** Makes an opaque cursor from the sort key of the last item of a page. */
export function encodeCursor(key: CursorValue[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Reads a cursor made by encodeCursor; a forged or garbled one is a 400, never a database query. */
export function decodeCursor(cursor: string, shape: ('string' | 'number')[]): CursorValue[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const ok = Array.isArray(key) && key.length === shape.length && key.every((v, i) => typeof v === shape[i] && (typeof v !== 'string' || v.length <= 64));
  if (!ok) throw new HttpError('invalid_request', 'cursor: is not a cursor this list gave out.');
  return key as CursorValue[];
}

/**
 * Cuts a page from `docs` fetched with `limit + 1` rows: the extra row only tells that more exist.
 * `keyOf` gives the sort key the next page starts after.
 */
export function toPage<D, T>(docs: D[], limit: number, keyOf: (doc: D) => CursorValue[], present: (doc: D) => T) {
  const more = docs.length > limit;
  const rows = more ? docs.slice(0, limit) : docs;
  const last = rows[rows.length - 1];
  return { items: rows.map(present), nextCursor: more && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
