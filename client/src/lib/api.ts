/** The one typed client of the hub's HTTP API (contract §2–§4, §9, §10). Components never call fetch. */
import type { ErrorCode } from '../../../shared/errors.js';
import type { Locale } from '../../../shared/limits.js';
import type { OrganisationKind, Role } from '../../../shared/roles.js';
import type { Page } from '../../../shared/schemas/common.js';
import { TokenKeeper, type TokenSet } from './tokens.js';

export type { Page };

/** A user as the hub presents it (§3). */
export interface User {
  id: string;
  email: string;
  name: string;
  organisationId: string;
  role: Role;
  active: boolean;
  locale: Locale;
  mfaEnabled: boolean;
}

/** An organisation (§4). */
export interface Organisation {
  id: string;
  slug: string;
  name: string;
  kind: OrganisationKind;
  parentId: string | null;
  active: boolean;
}

export interface LoginAnswer extends TokenSet {
  user: User;
}

export interface Me {
  user: User;
  organisation: Organisation;
}

export interface MfaSetup {
  secret: string;
  otpauthUrl: string;
}

/** One record of the audit trail (§9). */
export interface AuditRecord {
  id: string;
  at: string;
  actor: { userId: string | null; organisationId: string | null } | null;
  action: string;
  target: { type: string; id: string | null; organisationId: string | null } | null;
  ip: string | null;
  outcome: string;
  details?: Record<string, string | number | boolean | null>;
  hash: string;
  prevHash: string | null;
}

export interface AuditVerify {
  ok: boolean;
  checked: number;
  firstBrokenId: string | null;
}

export interface AuditQuery {
  action?: string;
  actor?: string;
  target?: string;
  after?: string;
  before?: string;
  limit?: number;
  cursor?: string;
}

export interface Health {
  status: string;
  db: string;
  version?: string;
}

/** Why a call failed: a contract error code, or `network` when the hub could not be reached. */
export type ApiErrorCode = ErrorCode | 'network';

/** The single error type of the client: the contract's `code`, the HTTP `status` (0 offline) and `message`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | undefined>;

interface RequestOptions {
  body?: unknown;
  query?: Query;
  /** Send the access token and refresh it on 401 (every call but sign-in and refresh). */
  auth?: boolean;
}

const TIMEOUT_MS = 30_000;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function send(method: string, path: string, body: unknown, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw new ApiError(0, 'network', 'The hub could not be reached.');
  }
}

async function parse<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text().catch(() => '');
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (res.ok) return data as T;
  const error = (data as { error?: { code?: ApiErrorCode; message?: string; details?: { path: string; message: string }[] } } | undefined)?.error;
  throw new ApiError(res.status, error?.code ?? fallbackCode(res.status), error?.message ?? res.statusText, error?.details ?? []);
}

function fallbackCode(status: number): ApiErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 502 || status === 504) return 'unavailable';
  return status >= 500 ? 'internal' : 'invalid_request';
}

/** Typed calls of the contract, with silent refresh and one retry after a 401. */
export class ApiClient {
  constructor(readonly tokens: TokenKeeper) {
    tokens.useRefresher(async (refreshToken) => {
      const res = await send('POST', '/api/auth/refresh', { refreshToken }, null);
      if (res.status === 401) return null;
      // Anything else that is not 200 (503, 500) is "try again later", not "signed out".
      if (!res.ok) throw new ApiError(res.status, fallbackCode(res.status), res.statusText);
      return parse<TokenSet>(res);
    });
  }

  /** One HTTP call; on 401 it refreshes (once, shared with concurrent callers) and retries once. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = withQuery(path, options.query);
    if (options.auth === false) return parse<T>(await send(method, url, options.body, null));
    if (this.tokens.stale && this.tokens.canResume) await this.tokens.refresh();
    const used = this.tokens.access;
    const res = await send(method, url, options.body, used);
    if (res.status !== 401) return parse<T>(res);
    // Another call may already have refreshed while this one was in flight: use its token.
    const outcome = this.tokens.access && this.tokens.access !== used ? 'ok' : await this.tokens.refresh();
    if (outcome !== 'ok') return parse<T>(res);
    return parse<T>(await send(method, url, options.body, this.tokens.access));
  }

  /** POST /api/auth/login; a 401 `mfa_required` means: ask for the code and call again with `otp`. */
  login(email: string, password: string, otp?: string): Promise<LoginAnswer> {
    return this.request('POST', '/api/auth/login', { body: otp ? { email, password, otp } : { email, password }, auth: false });
  }

  /** POST /api/auth/logout: spends the refresh token. */
  logout(refreshToken: string): Promise<void> {
    return this.request('POST', '/api/auth/logout', { body: { refreshToken }, auth: false });
  }

  /** GET /api/me. */
  me(): Promise<Me> {
    return this.request('GET', '/api/me');
  }

  /** PATCH /api/me. */
  updateMe(changes: { name?: string; locale?: Locale }): Promise<{ user: User }> {
    return this.request('PATCH', '/api/me', { body: changes });
  }

  /** POST /api/me/password: ends every other session of the user. */
  changePassword(currentPassword: string, newPassword: string): Promise<void> {
    return this.request('POST', '/api/me/password', { body: { currentPassword, newPassword } });
  }

  /** POST /api/me/mfa/setup. */
  mfaSetup(): Promise<MfaSetup> {
    return this.request('POST', '/api/me/mfa/setup', { body: {} });
  }

  /** POST /api/me/mfa/enable. */
  mfaEnable(otp: string): Promise<void> {
    return this.request('POST', '/api/me/mfa/enable', { body: { otp } });
  }

  /** POST /api/me/mfa/disable. */
  mfaDisable(otp: string): Promise<void> {
    return this.request('POST', '/api/me/mfa/disable', { body: { otp } });
  }

  /** GET /api/organisations (one page). */
  organisations(query: { includeInactive?: boolean; limit?: number; cursor?: string } = {}): Promise<Page<Organisation>> {
    return this.request('GET', '/api/organisations', {
      query: { includeInactive: query.includeInactive ? '1' : undefined, limit: query.limit, cursor: query.cursor },
    });
  }

  /** Every organisation, following the pages (the hub has tens of them, not thousands). */
  async allOrganisations(includeInactive: boolean): Promise<Organisation[]> {
    const all: Organisation[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.organisations({ includeInactive, limit: 100, cursor });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }

  /** POST /api/organisations. */
  createOrganisation(body: { slug: string; name: string; kind: Exclude<OrganisationKind, 'office'>; parentId?: string }): Promise<Organisation> {
    return this.request('POST', '/api/organisations', { body });
  }

  /** PATCH /api/organisations/:id. */
  updateOrganisation(id: string, changes: { name?: string; active?: boolean }): Promise<Organisation> {
    return this.request('PATCH', `/api/organisations/${encodeURIComponent(id)}`, { body: changes });
  }

  /** GET /api/organisations/:id/users (one page). */
  users(organisationId: string, query: { limit?: number; cursor?: string } = {}): Promise<Page<User>> {
    return this.request('GET', `/api/organisations/${encodeURIComponent(organisationId)}/users`, { query });
  }

  /** POST /api/organisations/:id/users. */
  createUser(organisationId: string, body: { email: string; name: string; role: Role; password: string }): Promise<User> {
    return this.request('POST', `/api/organisations/${encodeURIComponent(organisationId)}/users`, { body });
  }

  /** PATCH /api/users/:id. */
  updateUser(id: string, changes: { name?: string; role?: Role; active?: boolean }): Promise<User> {
    return this.request('PATCH', `/api/users/${encodeURIComponent(id)}`, { body: changes });
  }

  /** GET /api/audit, newest first. */
  audit(query: AuditQuery): Promise<Page<AuditRecord>> {
    return this.request('GET', '/api/audit', { query: { ...query } });
  }

  /** GET /api/audit/verify. */
  verifyAudit(): Promise<AuditVerify> {
    return this.request('GET', '/api/audit/verify');
  }

  /** GET /api/health (no authentication). */
  health(): Promise<Health> {
    return this.request('GET', '/api/health', { auth: false });
  }
}

export const tokens = new TokenKeeper();
export const api = new ApiClient(tokens);
