import { createHash, randomBytes } from 'node:crypto';
import { base32Encode } from './totp.js';

export const RECOVERY_CODE_COUNT = 10;

/** A recovery code as the login form may receive it: any case, with or without hyphens. */
export const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]/g, '');

/**
 * The stored form of one user's recovery code. 80 random bits make a plain SHA-256 (salted with the
 * user id) as hard to reverse as the code is to guess.
 */
export function hashRecoveryCode(userId: string, code: string): string {
  return createHash('sha256')
    .update(`${userId}:${normaliseRecoveryCode(code)}`)
    .digest('hex');
}

/** Ten new codes (`xxxx-xxxx-xxxx-xxxx`, base32, 80 bits each) and their stored hashes. */
export function newRecoveryCodes(userId: string): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => base32Encode(randomBytes(10)).toLowerCase().slice(0, 16).match(/.{4}/g)!.join('-'));
  return { codes, hashes: codes.map((code) => hashRecoveryCode(userId, code)) };
}
