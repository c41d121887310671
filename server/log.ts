import { pino, type Logger } from 'pino';

/** Paths never written to a log: credentials, tokens, one-time passwords and secrets. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.otp',
  '*.secret',
  '*.auth',
  'password',
  'token',
];

/** Creates the hub's structured logger. */
export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'partner-hub' } });
}
