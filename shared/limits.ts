/** Named limits shared by the server's validation and the web app's forms. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
export const NAME_MAX_LENGTH = 120;
export const EMAIL_MAX_LENGTH = 254;
export const ORGANISATION_NAME_MAX_LENGTH = 200;
export const SLUG_PATTERN = /^[a-z][a-z0-9-]{1,31}$/;
export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 100;
export const JSON_BODY_LIMIT = '1mb';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_DAYS = 14;
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const OTP_DIGITS = 6;
export const OTP_PERIOD_SECONDS = 30;
export const LOCALES = ['en', 'fr', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];
