import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt, { type VerifyOptions } from 'jsonwebtoken';
import { ACCESS_TOKEN_TTL_SECONDS } from '../../shared/limits.js';

export const JWT_ISSUER = 'partner-hub';
export const JWT_AUDIENCE = 'partner-hub-api';
const ACCESS_TYPE = 'access';

/** The claims of an access token. */
export interface AccessClaims {
  sub: string;
  sid: string;
  typ: typeof ACCESS_TYPE;
}

const keys = new Map<string, KeyObject>();

/**
 * The signing secret as a KeyObject, made once: given a string, jsonwebtoken first tries to parse
 * it as a public key on every call (about a millisecond of CPU per request).
 */
export function signingKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

/** Verification options shared by HTTP (passport-jwt) and the socket handshake: one algorithm, pinned. */
export function verifyOptions(): VerifyOptions & { algorithms: ['HS256'] } {
  return { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE, maxAge: `${ACCESS_TOKEN_TTL_SECONDS}s` };
}

/** Signs a short-lived access token for one session of one user. */
export function signAccessToken(secret: string, userId: string, sessionId: string): string {
  const claims = { sid: sessionId, typ: ACCESS_TYPE };
  return jwt.sign(claims, signingKey(secret), {
    algorithm: 'HS256', expiresIn: ACCESS_TOKEN_TTL_SECONDS, issuer: JWT_ISSUER, audience: JWT_AUDIENCE,
    subject: userId, jwtid: randomBytes(9).toString('base64url'),
  });
}

/** Checks the claims' shape after the signature: a token of another type or shape is refused. */
export function asAccessClaims(payload: unknown): AccessClaims | null {
  const p = payload as Partial<AccessClaims> | null;
  const isId = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{24}$/.test(v);
  if (!p || p.typ !== ACCESS_TYPE || !isId(p.sub) || !isId(p.sid)) return null;
  return { sub: p.sub!, sid: p.sid!, typ: ACCESS_TYPE };
}

/** Verifies an access token's signature and claims; null when it is not a valid access token. */
export function verifyAccessToken(secret: string, token: string): AccessClaims | null {
  try {
    return asAccessClaims(jwt.verify(token, signingKey(secret), verifyOptions()));
  } catch {
    return null;
  }
}

/** A new opaque refresh token and the hash under which it is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

/** The stored form of a refresh token. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
