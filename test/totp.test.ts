import { expect } from 'chai';
import { base32Decode, base32Encode, hotp, verifyTotp } from '../server/auth/totp.js';

describe('TOTP (RFC 6238)', () => {
  const secret = Buffer.from('12345678901234567890');

  it('matches the RFC 6238 SHA-1 test vectors', () => {
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
    ];
    for (const [seconds, code] of vectors) expect(hotp(secret, Math.floor(seconds / 30), 8)).to.equal(code);
  });

  it('base32 round-trips', () => {
    expect(base32Encode(secret)).to.equal('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').equals(secret)).to.equal(true);
  });

  it('accepts one step of drift either way, never an older or already used step', () => {
    const b32 = base32Encode(secret);
    const now = 1_700_000_000_000;
    const step = Math.floor(now / 30_000);
    expect(verifyTotp(b32, hotp(secret, step), 0, now)).to.equal(step);
    expect(verifyTotp(b32, hotp(secret, step - 1), 0, now)).to.equal(step - 1);
    expect(verifyTotp(b32, hotp(secret, step + 1), 0, now)).to.equal(step + 1);
    expect(verifyTotp(b32, hotp(secret, step - 2), 0, now)).to.equal(null);
    expect(verifyTotp(b32, hotp(secret, step), step, now)).to.equal(null);
  });
});
