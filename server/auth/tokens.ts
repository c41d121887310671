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
    algorithm: 'HS256',
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    subject: userId,
    jwtid: randomBytes(9).toString('base64url'),
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

// An enrolment token is a JWT of its own audience and type: passport-jwt and the socket handshake
// verify the API audience and the `access` type, so it opens nothing but the MFA set-up (§3 v2).
const ENROLMENT_AUDIENCE = 'partner-hub-mfa-enrolment';
const ENROLMENT_TYPE = 'mfa-enrolment';
const ENROLMENT_TTL_SECONDS = 15 * 60;

/** Signs the 15-minute token that lets a user of an organisation requiring MFA enrol, and nothing else. */
export function signEnrolmentToken(secret: string, userId: string): string {
  return jwt.sign({ typ: ENROLMENT_TYPE }, signingKey(secret), {
    algorithm: 'HS256',
    expiresIn: ENROLMENT_TTL_SECONDS,
    issuer: JWT_ISSUER,
    audience: ENROLMENT_AUDIENCE,
    subject: userId,
    jwtid: randomBytes(9).toString('base64url'),
  });
}

/** The user id of a valid enrolment token; null for anything else (an access token included). */
export function verifyEnrolmentToken(secret: string, token: string): { sub: string; iat: number } | null {
  try {
    const p = jwt.verify(token, signingKey(secret), {
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: ENROLMENT_AUDIENCE,
      maxAge: `${ENROLMENT_TTL_SECONDS}s`,
    }) as { typ?: unknown; sub?: unknown; iat?: unknown };
    if (p.typ !== ENROLMENT_TYPE || typeof p.sub !== 'string' || !/^[0-9a-f]{24}$/.test(p.sub) || typeof p.iat !== 'number') return null;
    return { sub: p.sub, iat: p.iat };
  } catch {
    return null;
  }
}
