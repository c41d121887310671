import { z } from 'zod';
import { LoginAnswer, MeAnswer, MfaEnableAnswer, MfaSetupAnswer, TokenSet, UpdateMeAnswer } from '../../shared/schemas/account.js';
import { ChangePasswordBody, LoginBody, MfaCodeBody, MfaSetupBody, RefreshBody, UpdateMeBody } from '../../shared/schemas/auth.js';
import { Health } from '../../shared/schemas/health.js';
import { PreferencesAnswer, PreferencesBody, WatchAnswer, WatchBody } from '../../shared/schemas/notifications.js';
import type { RouteDoc } from '../openapi/routeDoc.js';

const done = { 204: { description: 'Done' } };

/** §3 and §10: sign-in, the caller's own account, health (auth.ts, me.ts, health.ts). */
export const authDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/health',
    tag: 'health',
    summary: 'Whether the hub and its database answer',
    auth: false,
    answers: { 200: { description: 'Up', schema: Health }, 503: { description: 'The database is down', schema: Health } },
  },
  {
    method: 'post',
    path: '/api/auth/login',
    tag: 'auth',
    summary: 'Sign in',
    auth: false,
    body: LoginBody,
    answers: { 200: { description: 'Signed in', schema: LoginAnswer } },
  },
  {
    method: 'post',
    path: '/api/auth/refresh',
    tag: 'auth',
    summary: 'Rotate a refresh token',
    auth: false,
    body: RefreshBody,
    answers: { 200: { description: 'New tokens', schema: TokenSet } },
  },
  { method: 'post', path: '/api/auth/logout', tag: 'auth', summary: 'End the session of a refresh token', auth: false, body: RefreshBody, answers: done },
  {
    method: 'get',
    path: '/api/me',
    tag: 'me',
    summary: 'The caller and their organisation',
    answers: { 200: { description: 'The caller', schema: MeAnswer } },
  },
  {
    method: 'patch',
    path: '/api/me',
    tag: 'me',
    summary: 'Change name or language',
    body: UpdateMeBody,
    answers: { 200: { description: 'Changed', schema: UpdateMeAnswer } },
  },
  { method: 'post', path: '/api/me/password', tag: 'me', summary: 'Change password (other sessions end)', body: ChangePasswordBody, answers: done },
  {
    method: 'post',
    path: '/api/me/mfa/setup',
    tag: 'me',
    summary: 'Start TOTP set-up',
    body: MfaSetupBody,
    answers: { 200: { description: 'Secret', schema: MfaSetupAnswer } },
  },
  {
    method: 'post',
    path: '/api/me/mfa/enable',
    tag: 'me',
    summary: 'Turn TOTP on',
    body: MfaCodeBody,
    answers: { 200: { description: 'Recovery codes, shown once', schema: MfaEnableAnswer } },
  },
  { method: 'post', path: '/api/me/mfa/disable', tag: 'me', summary: 'Turn TOTP off', body: MfaCodeBody, answers: done },
  {
    method: 'get',
    path: '/api/me/preferences',
    tag: 'me',
    summary: 'Email preferences',
    answers: { 200: { description: 'Preferences', schema: PreferencesAnswer } },
  },
  {
    method: 'patch',
    path: '/api/me/preferences',
    tag: 'me',
    summary: 'Change email preferences',
    body: PreferencesBody,
    answers: { 200: { description: 'Preferences', schema: PreferencesAnswer } },
  },
  { method: 'get', path: '/api/me/watch', tag: 'me', summary: 'Watched countries', answers: { 200: { description: 'Countries', schema: WatchAnswer } } },
  {
    method: 'put',
    path: '/api/me/watch',
    tag: 'me',
    summary: 'Replace watched countries',
    body: WatchBody,
    answers: { 200: { description: 'Countries', schema: WatchAnswer } },
  },
];

/** The OpenAPI description itself (§14). */
export const openApiDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/openapi.json',
    tag: 'meta',
    summary: 'This description (OpenAPI 3.1)',
    auth: false,
    answers: { 200: { description: 'OpenAPI 3.1', schema: z.looseObject({ openapi: z.string() }) } },
  },
];
