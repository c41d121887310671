const COMMA = Buffer.from(',');

// For answers built from items whose JSON is cached (presenters/assessment.ts presentCurrentJson):
// the cached bytes are copied together, not serialised again.

/** The JSON bytes of an array of items already serialised. */
export function jsonArray(items: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from('[')];
  items.forEach((item, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(item);
  });
  parts.push(Buffer.from(']'));
  return Buffer.concat(parts);
}

/** The JSON bytes of a page, `{items, nextCursor}`, of items already serialised. */
export function jsonPage(items: readonly Buffer[], nextCursor: string | null): Buffer {
  return Buffer.concat([Buffer.from('{"items":'), jsonArray(items), Buffer.from(`,"nextCursor":${JSON.stringify(nextCursor)}}`)]);
}
