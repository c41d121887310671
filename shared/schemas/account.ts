import { z } from 'zod';
import { Organisation, User } from './organisations.js';

// The answers of the signed-in person's own calls (§3); the request bodies are in auth.ts.

/** `POST /api/auth/refresh`: a new pair of tokens (the refresh token used is spent). */
export const TokenSet = z.object({ accessToken: z.string(), refreshToken: z.string(), expiresIn: z.number().int() });
export type TokenSet = z.infer<typeof TokenSet>;

/** `POST /api/auth/login`. */
export const LoginAnswer = TokenSet.extend({ user: User });
export type LoginAnswer = z.infer<typeof LoginAnswer>;

/** `GET /api/me`. */
export const MeAnswer = z.object({ user: User, organisation: Organisation });
export type MeAnswer = z.infer<typeof MeAnswer>;

/** `PATCH /api/me`. */
export const UpdateMeAnswer = z.object({ user: User });
export type UpdateMeAnswer = z.infer<typeof UpdateMeAnswer>;

/** `POST /api/me/mfa/setup`: the secret to enter in an authenticator app. */
export const MfaSetupAnswer = z.object({ secret: z.string(), otpauthUrl: z.string() });
export type MfaSetupAnswer = z.infer<typeof MfaSetupAnswer>;

/** `POST /api/me/mfa/enable`: the ten recovery codes, shown this once (§3 v2). */
export const MfaEnableAnswer = z.object({ recoveryCodes: z.array(z.string()).length(10) });
export type MfaEnableAnswer = z.infer<typeof MfaEnableAnswer>;
