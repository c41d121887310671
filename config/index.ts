import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { ConnectionString } from 'mongodb-connection-string-url';
import { RateLimitEnv, rateBudgets, type RateBudgets } from './rateLimits.js';

/** A configuration problem: the process prints `message` on one line and exits with code 1. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

const optional = (s: z.ZodType) => z.preprocess((v) => (v === '' ? undefined : v), s);

const EnvSchema = z.object({
  PORT: optional(z.coerce.number().int().min(0).max(65535).default(8080)),
  HOST: optional(z.string().default('0.0.0.0')),
  MONGODB_URI: optional(z.string().refine(isMongoUri, 'is not a valid mongodb:// or mongodb+srv:// connection string').optional()),
  DATA_DIR: optional(z.string().default('./data')),
  REDIS_URL: optional(
    z
      .string()
      .url('must be a redis:// URL')
      .refine((u) => /^rediss?:\/\//.test(u), 'must be a redis:// URL')
      .optional(),
  ),
  HUB_ADMIN_EMAIL: optional(z.string().trim().toLowerCase().email('must be an email address').optional()),
  HUB_ADMIN_PASSWORD: optional(z.string().min(12, 'must be at least 12 characters').optional()),
  HUB_MASTER_KEY: optional(z.string().refine(isKey32, 'must be 32 bytes encoded in base64').optional()),
  JWT_SECRET: optional(z.string().min(32, 'must be at least 32 characters').optional()),
  HUB_MAX_UPLOAD_MB: optional(z.coerce.number().int().min(1).max(1_000_000).default(100)),
  HUB_DEMO: optional(z.enum(['0', '1']).default('0')),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  FERRETDB_BIN: optional(z.string().optional()),
  TRUST_PROXY: optional(
    z
      .string()
      .trim()
      .refine(
        isTrustProxy,
        'must be the number of proxies in front (e.g. 1) or their addresses or ranges, comma-separated; not true, which would let any client choose its address',
      )
      .optional(),
  ),
  METRICS_PORT: optional(z.coerce.number().int().min(1).max(65535).optional()),
  METRICS_HOST: optional(z.string().default('127.0.0.1')),
  HUB_DRAIN_SECONDS: optional(z.coerce.number().int().min(1).max(600).default(20)),
  SMTP_URL: optional(z.string().refine(isSmtpUrl, 'must be smtp://[user:pass@]host:port or smtps://[user:pass@]host:port').optional()),
  HUB_MAIL_FROM: optional(
    z
      .string()
      .trim()
      .refine(isMailFrom, 'must be an address such as "Partner Hub <no-reply@example.org>" or no-reply@example.org')
      .default('Partner Hub <no-reply@localhost>'),
  ),
  HUB_PUBLIC_URL: optional(z.string().refine(isHttpUrl, 'must be an http:// or https:// URL such as https://hub.example.org').optional()),
  HUB_DIGEST_HOUR: optional(
    z.coerce.number().int('must be an hour 0-23 (UTC)').min(0, 'must be an hour 0-23 (UTC)').max(23, 'must be an hour 0-23 (UTC)').default(6),
  ),
  HUB_WEBHOOK_ALLOW_PRIVATE: optional(z.enum(['0', '1']).default('0')),
  HUB_WEBHOOK_FIRST_RETRY_SECONDS: optional(z.coerce.number().min(0.1).max(3600).default(10)),
});

const FullEnvSchema = EnvSchema.extend(RateLimitEnv.shape);

/** The hub's validated configuration, read once at start. */
export interface Config {
  port: number;
  host: string;
  mongodbUri: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  masterKey: Buffer;
  jwtSecret: string;
  maxUploadBytes: number;
  demo: boolean;
  logLevel: string;
  ferretdbBin: string | undefined;
  trustProxy: string | undefined;
  /** Prometheus `/metrics` is served on its own listener only when this is set. */
  metricsPort: number | undefined;
  metricsHost: string;
  /** After SIGTERM, how long in-flight requests and socket calls may take before connections are cut. */
  drainMs: number;
  version: string;
  /** Budgets of the API's rate limits (writes, failed sign-in steps). */
  rateLimits: RateBudgets;
  /** Where notification mails go (§11); unset: nothing is mailed. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** The hub's address as users reach it, for links in mails (no trailing slash). */
  publicUrl: string;
  /** The UTC hour of the daily digest. */
  digestHour: number;
  /** Webhooks may target private, loopback and link-local addresses, and plain http (§14; tests, closed networks). */
  webhookAllowPrivate: boolean;
  /** How long after a failed webhook delivery the first retry comes (then doubling, for 24 hours). */
  webhookFirstRetryMs: number;
}

function isSmtpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '' && url.pathname.replace(/^\/$/, '') === '' && !url.search;
  } catch {
    return false;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && !url.search && !url.hash;
  } catch {
    return false;
  }
}

// An address, optionally behind a display name: `Name <a@b>` or `a@b`; no line breaks (header injection).
function isMailFrom(value: string): boolean {
  return /^(?:[^<>\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/.test(value);
}

function isMongoUri(value: string): boolean {
  try {
    new ConnectionString(value);
    return true;
  } catch {
    return false;
  }
}

/** Express `trust proxy` values the hub accepts: a hop count, or addresses, CIDR ranges and proxy-addr's named ranges. */
function isTrustProxy(value: string): boolean {
  if (/^\d+$/.test(value)) return true;
  return value.split(',').every((part) => {
    const item = part.trim();
    if (['loopback', 'linklocal', 'uniquelocal'].includes(item)) return true;
    const [address = '', bits, ...rest] = item.split('/');
    if (rest.length > 0 || isIP(address) === 0) return false;
    return bits === undefined || /^\d{1,3}$/.test(bits) || isIP(bits) === 4;
  });
}

function isKey32(value: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value.trim())) return false;
  return Buffer.from(value.trim(), 'base64').length === 32;
}

/** Reads (or creates once, mode 0600) a generated secret file under DATA_DIR. */
function generatedSecret(dataDir: string, name: string, make: () => string): string {
  const file = path.join(dataDir, 'secrets', name);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const value = make();
  // 'wx' fails if another process created it in between; then its value wins.
  try {
    writeFileSync(file, value + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
  chmodSync(file, 0o600);
  return value;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    // compiled into dist/config: package.json is one level further up
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  }
}

/** Validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = FullEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data as {
    PORT: number;
    HOST: string;
    MONGODB_URI?: string;
    DATA_DIR: string;
    REDIS_URL?: string;
    HUB_ADMIN_EMAIL?: string;
    HUB_ADMIN_PASSWORD?: string;
    HUB_MASTER_KEY?: string;
    JWT_SECRET?: string;
    HUB_MAX_UPLOAD_MB: number;
    HUB_DEMO: '0' | '1';
    LOG_LEVEL: string;
    FERRETDB_BIN?: string;
    TRUST_PROXY?: string;
    METRICS_PORT?: number;
    METRICS_HOST: string;
    HUB_DRAIN_SECONDS: number;
    SMTP_URL?: string;
    HUB_MAIL_FROM: string;
    HUB_PUBLIC_URL?: string;
    HUB_DIGEST_HOUR: number;
    HUB_WEBHOOK_ALLOW_PRIVATE: '0' | '1';
    HUB_WEBHOOK_FIRST_RETRY_SECONDS: number;
  };
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) {
    throw new ConfigError('METRICS_PORT', 'must differ from PORT (metrics get their own listener, so they can be firewalled)');
  }
  if (e.HUB_ADMIN_PASSWORD && !e.HUB_ADMIN_EMAIL) {
    throw new ConfigError('HUB_ADMIN_EMAIL', 'must be set when HUB_ADMIN_PASSWORD is set');
  }
  const dataDir = path.resolve(e.DATA_DIR);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ConfigError('DATA_DIR', `cannot create ${dataDir}: ${(error as Error).message}`);
  }
  const masterKey = e.HUB_MASTER_KEY ?? generatedSecret(dataDir, 'master.key', () => randomBytes(32).toString('base64'));
  if (!isKey32(masterKey)) throw new ConfigError('HUB_MASTER_KEY', `the key in ${dataDir}/secrets/master.key is not 32 bytes of base64`);
  const jwtSecret = e.JWT_SECRET ?? generatedSecret(dataDir, 'jwt.secret', () => randomBytes(48).toString('base64url'));
  return {
    port: e.PORT,
    host: e.HOST,
    mongodbUri: e.MONGODB_URI,
    dataDir,
    redisUrl: e.REDIS_URL,
    adminEmail: e.HUB_ADMIN_EMAIL,
    adminPassword: e.HUB_ADMIN_PASSWORD,
    masterKey: Buffer.from(masterKey.trim(), 'base64'),
    jwtSecret,
    maxUploadBytes: e.HUB_MAX_UPLOAD_MB * 1024 * 1024,
    demo: e.HUB_DEMO === '1',
    logLevel: e.LOG_LEVEL,
    ferretdbBin: e.FERRETDB_BIN,
    trustProxy: e.TRUST_PROXY,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    drainMs: e.HUB_DRAIN_SECONDS * 1000,
    version: packageVersion(),
    rateLimits: rateBudgets(parsed.data),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.HUB_MAIL_FROM,
    publicUrl: (e.HUB_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    digestHour: e.HUB_DIGEST_HOUR,
    webhookAllowPrivate: e.HUB_WEBHOOK_ALLOW_PRIVATE === '1',
    webhookFirstRetryMs: e.HUB_WEBHOOK_FIRST_RETRY_SECONDS * 1000,
  };
}
