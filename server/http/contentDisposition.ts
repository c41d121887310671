// RFC 5987 attr-char: what may appear unencoded in `filename*`.
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

function encodeRfc5987(value: string): string {
  let out = '';
  for (const char of value) {
    if (ATTR_CHAR.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** An ASCII stand-in for `name` for clients that ignore `filename*`: accents dropped, the rest `_`. */
export function asciiFallback(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%]/g, '_');
  const dot = ascii.lastIndexOf('.');
  const stem = dot > 0 ? ascii.slice(0, dot) : ascii;
  const extension = dot > 0 ? ascii.slice(dot) : '';
  // A name that was all non-Latin script would be only underscores: say "document" instead.
  return /[A-Za-z0-9]/.test(stem) ? stem.replace(/_+/g, '_') + extension : `document${extension}`;
}

/**
 * `Content-Disposition: attachment` for a download (RFC 6266): an ASCII `filename` and the exact
 * UTF-8 name in `filename*` (RFC 5987), which every current browser prefers.
 */
export function attachmentDisposition(filename: string): string {
  return `attachment; filename="${asciiFallback(filename)}"; filename*=UTF-8''${encodeRfc5987(filename)}`;
}
