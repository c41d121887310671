import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { OTP_DIGITS, OTP_PERIOD_SECONDS } from '../../shared/limits.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Encodes bytes as RFC 4648 base32 without padding (what authenticator apps expect). */
export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes RFC 4648 base32 (case-insensitive, padding and spaces ignored). */
export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=]/g, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new 160-bit TOTP secret in base32. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/** The HOTP value (RFC 4226) of `secret` at `counter`, as a zero-padded string. */
export function hotp(secret: Buffer, counter: number, digits = OTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac('sha1', secret).update(message).digest();
  const offset = digest[digest.length - 1]! & 0x0f;
  const code = (digest.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return code.toString().padStart(digits, '0');
}

/** The TOTP time step (RFC 6238, 30 s) of a moment. */
export function totpStep(now = Date.now()): number {
  return Math.floor(now / 1000 / OTP_PERIOD_SECONDS);
}

/**
 * Checks `code` against the steps around now (one step of clock drift either way) and returns the
 * matching step, or null. Steps at or before `lastStep` are refused so a code is never accepted twice.
 */
export function verifyTotp(secretBase32: string, code: string, lastStep: number, now = Date.now()): number | null {
  const secret = base32Decode(secretBase32);
  const current = totpStep(now);
  for (const step of [current - 1, current, current + 1]) {
    if (step <= lastStep) continue;
    const expected = Buffer.from(hotp(secret, step));
    const given = Buffer.from(code);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return step;
  }
  return null;
}

/** The otpauth:// URL an authenticator app reads from a QR code. */
export function otpauthUrl(secretBase32: string, account: string, issuer = 'Partner Hub'): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  const params = new URLSearchParams({ secret: secretBase32, issuer, algorithm: 'SHA1', digits: String(OTP_DIGITS), period: String(OTP_PERIOD_SECONDS) });
  return `otpauth://totp/${label}?${params.toString()}`;
}
