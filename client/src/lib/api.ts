/** The one typed client of the hub's HTTP API (contract §2–§10). Components never call fetch. */
import type { ActionListItem, Alert, AlertAction, CreateActionBody, CreateAlertBody, UpdateActionBody, UpdateAlertBody } from '../../../shared/alerts.js';
import type { ErrorCode } from '../../../shared/errors.js';
import type { Locale } from '../../../shared/limits.js';
import type { OrganisationKind, Role } from '../../../shared/roles.js';
import type { LoginAnswer, MeAnswer, MfaEnableAnswer, MfaSetupAnswer, TokenSet, UpdateMeAnswer } from '../../../shared/schemas/account.js';
import type {
  Assessment,
  AssessmentComment,
  AssessmentVersion,
  AssessmentVersionItem,
  AssessmentWithVersions,
  CountryOverview,
  CreateAssessmentBody,
  RiskMapItem,
} from '../../../shared/schemas/assessments.js';
import type { AuditRecord, AuditVerification } from '../../../shared/schemas/audit.js';
import type { Page } from '../../../shared/schemas/common.js';
import type { DocumentLimits, DocumentWithVersions, HubDocument } from '../../../shared/schemas/documents.js';
import type { CountryItem, RiskFactorView } from '../../../shared/schemas/framework.js';
import type { Health } from '../../../shared/schemas/health.js';
import type { z } from 'zod';
import type { EmailCadence, EmailGroup, Notification, NotificationSummary, PreferencesAnswer, WatchAnswer } from '../../../shared/schemas/notifications.js';
import type { Organisation, User } from '../../../shared/schemas/organisations.js';
import type { MessageMatch, Room, RoomMembers, RoomMessage, RoomReads } from '../../../shared/schemas/rooms.js';
import type { Classification, Sharing, TlpLevel } from '../../../shared/sharing.js';
import type { ApiKey, CreatedApiKey } from '../../../shared/schemas/apiKeys.js';
import type { AccessRequest, ItemCard } from '../../../shared/schemas/handling.js';
import type { ImportReport } from '../../../shared/schemas/assessmentImport.js';
import type { Webhook, WebhookDelivery } from '../../../shared/schemas/webhooks.js';
import type { OpenApiDocument } from './openapi.js';
import { TokenKeeper } from './tokens.js';

// The answers' types come from the response schemas in shared/schemas (what the server's presenters are
// typed against); they are re-exported so components import the API's types from this one module.
export type {
  AccessRequest,
  ItemCard,
  Assessment,
  AssessmentComment,
  AssessmentVersion,
  AssessmentVersionItem,
  AuditRecord,
  AuditVerification,
  CountryItem,
  CountryOverview,
  DocumentWithVersions,
  HubDocument,
  Notification,
  NotificationSummary,
  Organisation,
  Page,
  RiskFactorView,
  RiskMapItem,
  MessageMatch,
  Room,
  RoomMembers,
  RoomMessage,
  RoomReads,
  User,
};
export type { ActionListItem, Alert, AlertAction, CreateAlertBody } from '../../../shared/alerts.js';
export type { RiskFactorEntry } from '../../../shared/schemas/assessments.js';
export type { RiskReading } from '../../../shared/schemas/assessments.js';
export type { DocumentVersion } from '../../../shared/schemas/documents.js';
export type { MfaSetupAnswer };

export type AssessmentStatus = Assessment['status'];

/** Whether a list item is a discoverable item's card (§13): the reader sees no content, only that it exists. */
export const isCard = (item: object): item is ItemCard => 'restricted' in item;

/** The editable content of an assessment, as POST takes it (PATCH takes it without `country`). */
export type AssessmentContent = Omit<CreateAssessmentBody, 'country' | 'periodStart' | 'periodEnd'> & { periodStart: string | null; periodEnd: string | null };

/** What proves an MFA call is the account holder's (§3 v2). */
export type MfaProof = { currentPassword: string; enrolmentToken?: undefined } | { enrolmentToken: string; currentPassword?: undefined };

const proofBody = (proof: MfaProof) => (proof.currentPassword === undefined ? {} : { currentPassword: proof.currentPassword });

export interface AuditQuery {
  action?: string;
  actor?: string;
  target?: string;
  after?: string;
  before?: string;
  limit?: number;
  cursor?: string;
}

export interface AssessmentQuery {
  country?: string;
  organisation?: string;
  status?: AssessmentStatus;
  minRisk?: number;
  q?: string;
  limit?: number;
  cursor?: string;
}

export interface DocumentQuery {
  country?: string;
  organisation?: string;
  type?: string;
  q?: string;
  limit?: number;
  cursor?: string;
}

/** The e-mail cadence of each group of notifications (§11). */
export type EmailPreferences = Record<EmailGroup, EmailCadence>;

/** Why a call failed: a contract error code, or `network` when the hub could not be reached. */
export type ApiErrorCode = ErrorCode | 'network';

/** The single error type of the client: the contract's `code`, the HTTP `status` (0 offline) and `message`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details: { path: string; message: string }[] = [],
    /** The token of a 403 `mfa_enrolment_required`, good only for MFA set-up and enable (§3 v2). */
    readonly enrolmentToken: string | null = null,
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
  /** Send this token instead (an enrolment token), never refreshed. */
  bearer?: string;
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

/** A request body sent as it is, with its media type (a CSV import), instead of as JSON. */
export class RawBody {
  constructor(
    readonly type: string,
    readonly text: string,
  ) {}
}

async function send(method: string, path: string, body: unknown, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = body instanceof RawBody ? body.type : 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : body instanceof RawBody ? body.text : JSON.stringify(body),
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
  const answer = data as
    { enrolmentToken?: unknown; error?: { code?: ApiErrorCode; message?: string; details?: { path: string; message: string }[] } } | undefined;
  const error = answer?.error;
  const enrolmentToken = typeof answer?.enrolmentToken === 'string' ? answer.enrolmentToken : null;
  throw new ApiError(res.status, error?.code ?? fallbackCode(res.status), error?.message ?? res.statusText, error?.details ?? [], enrolmentToken);
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
    if (options.bearer) return parse<T>(await send(method, url, options.body, options.bearer));
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
  me(): Promise<MeAnswer> {
    return this.request('GET', '/api/me');
  }

  /** PATCH /api/me. */
  updateMe(changes: { name?: string; locale?: Locale }): Promise<UpdateMeAnswer> {
    return this.request('PATCH', '/api/me', { body: changes });
  }

  /** POST /api/me/password: ends every other session of the user. */
  changePassword(currentPassword: string, newPassword: string): Promise<void> {
    return this.request('POST', '/api/me/password', { body: { currentPassword, newPassword } });
  }

  /** POST /api/me/mfa/setup, proven with the current password or an enrolment token. */
  mfaSetup(proof: MfaProof): Promise<MfaSetupAnswer> {
    return this.request('POST', '/api/me/mfa/setup', { body: proofBody(proof), bearer: proof.enrolmentToken });
  }

  /** POST /api/me/mfa/enable: answers the ten recovery codes, shown this once; ends the other sessions. */
  mfaEnable(otp: string, proof: MfaProof): Promise<MfaEnableAnswer> {
    return this.request('POST', '/api/me/mfa/enable', { body: { otp, ...proofBody(proof) }, bearer: proof.enrolmentToken });
  }

  /** POST /api/me/mfa/disable. */
  mfaDisable(otp: string, currentPassword: string): Promise<void> {
    return this.request('POST', '/api/me/mfa/disable', { body: { otp, currentPassword } });
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
  updateOrganisation(id: string, changes: { name?: string; active?: boolean; requireMfa?: boolean }): Promise<Organisation> {
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
    return this.request('GET', '/api/audit', { query: { ...query, names: '1' } });
  }

  /** GET /api/audit/verify. */
  verifyAudit(): Promise<AuditVerification> {
    return this.request('GET', '/api/audit/verify');
  }

  /** GET /api/framework: the 14 risk factors in `lang`. */
  framework(lang: Locale): Promise<{ riskFactors: RiskFactorView[] }> {
    return this.request('GET', '/api/framework', { query: { lang } });
  }

  /** GET /api/countries: every country, names in `lang`. */
  countries(lang: Locale): Promise<{ items: CountryItem[] }> {
    return this.request('GET', '/api/countries', { query: { lang } });
  }

  /** GET /api/access-requests (§13): the organisation's incoming or outgoing requests, newest first. */
  accessRequests(query: {
    direction?: 'incoming' | 'outgoing';
    status?: AccessRequest['status'];
    limit?: number;
    cursor?: string;
  }): Promise<Page<AccessRequest>> {
    return this.request('GET', '/api/access-requests', { query: { ...query } });
  }

  /** POST /api/access-requests: asks the owner of a discoverable item for access. */
  requestAccess(body: { kind: ItemCard['kind']; id: string; reason: string }): Promise<AccessRequest> {
    return this.request('POST', '/api/access-requests', { body });
  }

  /** POST /api/access-requests/:id/decide: approve (with an optional expiry) or decline (with a note). */
  decideAccess(id: string, body: { approve: boolean; note?: string; expiresAt?: string }): Promise<AccessRequest> {
    return this.request('POST', `/api/access-requests/${encodeURIComponent(id)}/decide`, { body });
  }

  /** GET /api/assessments (one page, newest change first). */
  assessments(query: AssessmentQuery = {}): Promise<Page<Assessment | ItemCard>> {
    return this.request('GET', '/api/assessments', { query: { ...query } });
  }

  /** GET /api/assessments/:id for a page: the assessment, or its card when the reader may only discover it (§13). */
  assessmentOrCard(id: string): Promise<AssessmentWithVersions | ItemCard> {
    return this.request('GET', `/api/assessments/${encodeURIComponent(id)}`, { query: { names: '1' } });
  }

  /** GET /api/documents/:id for a page: the document, or its card when the reader may only discover it (§13). */
  documentOrCard(id: string): Promise<DocumentWithVersions | ItemCard> {
    return this.request('GET', `/api/documents/${encodeURIComponent(id)}`, { query: { names: '1' } });
  }

  /** GET /api/assessments/:id. */
  assessment(id: string): Promise<AssessmentWithVersions> {
    return this.request('GET', `/api/assessments/${encodeURIComponent(id)}`, { query: { names: '1' } });
  }

  /** POST /api/assessments: a new draft. */
  createAssessment(body: AssessmentContent & { country: string }): Promise<Assessment> {
    return this.request('POST', '/api/assessments', { body });
  }

  /** PATCH /api/assessments/:id from `version`; a stale version answers 409 `conflict`. */
  updateAssessment(id: string, version: number, changes: Partial<AssessmentContent>): Promise<Assessment> {
    return this.request('PATCH', `/api/assessments/${encodeURIComponent(id)}`, { body: { ...changes, version } });
  }

  /** POST /api/assessments/:id/publish. */
  publishAssessment(id: string): Promise<Assessment> {
    return this.request('POST', `/api/assessments/${encodeURIComponent(id)}/publish`, { body: {} });
  }

  /** POST /api/assessments/:id/discard: drops the draft revision; answers the published version. */
  discardRevision(id: string): Promise<Assessment> {
    return this.request('POST', `/api/assessments/${encodeURIComponent(id)}/discard`, { body: {} });
  }

  /** DELETE /api/assessments/:id. */
  deleteAssessment(id: string): Promise<void> {
    return this.request('DELETE', `/api/assessments/${encodeURIComponent(id)}`);
  }

  /** GET /api/assessments/:id/versions, oldest first. */
  versions(id: string): Promise<{ items: AssessmentVersionItem[] }> {
    return this.request('GET', `/api/assessments/${encodeURIComponent(id)}/versions`);
  }

  /** GET /api/assessments/:id/versions/:version: the assessment as it was. */
  assessmentVersion(id: string, version: number): Promise<AssessmentVersion> {
    return this.request('GET', `/api/assessments/${encodeURIComponent(id)}/versions/${version}`);
  }

  /** GET /api/assessments/:id/comments (one page, oldest first). */
  comments(id: string, query: { limit?: number; cursor?: string } = {}): Promise<Page<AssessmentComment>> {
    return this.request('GET', `/api/assessments/${encodeURIComponent(id)}/comments`, { query });
  }

  /** POST /api/assessments/:id/comments. */
  addComment(id: string, body: string): Promise<AssessmentComment> {
    return this.request('POST', `/api/assessments/${encodeURIComponent(id)}/comments`, { body: { body } });
  }

  /** GET /api/countries/:code/overview. */
  countryOverview(code: string): Promise<CountryOverview> {
    return this.request('GET', `/api/countries/${encodeURIComponent(code)}/overview`);
  }

  /** GET /api/countries/risk-map: the latest overall risk the person can see, per country. */
  riskMap(): Promise<{ items: RiskMapItem[] }> {
    return this.request('GET', '/api/countries/risk-map');
  }

  /** GET /api/rooms (one page): the rooms of the person's organisation with their unread counts. */
  rooms(query: { limit?: number; cursor?: string } = {}): Promise<Page<Room>> {
    return this.request('GET', '/api/rooms', { query });
  }

  /** GET /api/rooms/:id (members). */
  room(id: string): Promise<Room> {
    return this.request('GET', `/api/rooms/${encodeURIComponent(id)}`);
  }

  /** POST /api/rooms (admins, analysts); the creator's organisation is always a member. */
  createRoom(body: { name: string; country: string | null; organisations: string[]; tlp?: TlpLevel }): Promise<Room> {
    return this.request('POST', '/api/rooms', { body });
  }

  /** PATCH /api/rooms/:id: rename, change organisations, archive. */
  updateRoom(id: string, changes: { name?: string; organisations?: string[]; archived?: boolean; tlp?: TlpLevel }): Promise<Room> {
    return this.request('PATCH', `/api/rooms/${encodeURIComponent(id)}`, { body: changes });
  }

  /** GET /api/rooms/:id/messages, in seq order: `before` pages back, `after` forward. */
  roomMessages(id: string, query: { after?: number; before?: number; limit?: number }): Promise<Page<RoomMessage>> {
    return this.request('GET', `/api/rooms/${encodeURIComponent(id)}/messages`, { query });
  }

  /** GET /api/rooms/:id/messages?q=: a room's messages matching the words, newest first. */
  searchRoom(id: string, q: string, query: { limit?: number; cursor?: string } = {}): Promise<Page<MessageMatch>> {
    return this.request('GET', `/api/rooms/${encodeURIComponent(id)}/messages`, { query: { q, ...query } });
  }

  /** GET /api/rooms/:id/reads: how far each organisation of the room has read. */
  roomReads(id: string): Promise<RoomReads> {
    return this.request('GET', `/api/rooms/${encodeURIComponent(id)}/reads`);
  }

  /** GET /api/rooms/:id/members: the people of the room (whom a message may mention). */
  roomMembers(id: string): Promise<RoomMembers> {
    return this.request('GET', `/api/rooms/${encodeURIComponent(id)}/members`);
  }

  /** POST /api/rooms/:id/read: the person has read up to `seq`. */
  markRoomRead(id: string, seq: number): Promise<void> {
    return this.request('POST', `/api/rooms/${encodeURIComponent(id)}/read`, { body: { seq } });
  }

  /** GET /api/alerts (one page, newest first): the alerts the person's organisation sees (§12). */
  alerts(query: { country?: string; status?: string; level?: string; limit?: number; cursor?: string } = {}): Promise<Page<Alert>> {
    return this.request('GET', '/api/alerts', { query });
  }

  /** GET /api/alerts/:id. */
  alert(id: string): Promise<Alert> {
    return this.request('GET', `/api/alerts/${encodeURIComponent(id)}`);
  }

  /** POST /api/alerts (admins, analysts): issued at once. */
  issueAlert(body: CreateAlertBody): Promise<Alert> {
    return this.request('POST', '/api/alerts', { body });
  }

  /** PATCH /api/alerts/:id (the issuer's admins, analysts). */
  updateAlert(id: string, changes: UpdateAlertBody): Promise<Alert> {
    return this.request('PATCH', `/api/alerts/${encodeURIComponent(id)}`, { body: changes });
  }

  /** POST /api/alerts/:id/acknowledge: once per organisation. */
  acknowledgeAlert(id: string): Promise<Alert> {
    return this.request('POST', `/api/alerts/${encodeURIComponent(id)}/acknowledge`, { body: {} });
  }

  /** POST /api/alerts/:id/actions (the issuer's admins, analysts). */
  addAction(id: string, body: CreateActionBody): Promise<AlertAction> {
    return this.request('POST', `/api/alerts/${encodeURIComponent(id)}/actions`, { body });
  }

  /** PATCH /api/actions/:id: a status and a note (owner's or issuer's admins, analysts). */
  updateAction(id: string, body: UpdateActionBody): Promise<AlertAction> {
    return this.request('PATCH', `/api/actions/${encodeURIComponent(id)}`, { body });
  }

  /** GET /api/actions/:id: one action with its alert's row. */
  action(id: string): Promise<ActionListItem> {
    return this.request('GET', `/api/actions/${encodeURIComponent(id)}`);
  }

  /** GET /api/actions (one page, soonest due first; `assigned: 'mine'`: the person's organisation's). */
  actions(query: { status?: string; assigned?: 'mine'; limit?: number; cursor?: string } = {}): Promise<Page<ActionListItem>> {
    return this.request('GET', '/api/actions', { query });
  }

  /** GET /api/documents (one page, newest change first). Uploads and downloads: lib/upload.ts. */
  documents(query: DocumentQuery = {}): Promise<Page<HubDocument | ItemCard>> {
    return this.request('GET', '/api/documents', { query: { ...query } });
  }

  /** GET /api/documents/limits: the largest file the hub takes, and the accepted extensions. */
  documentLimits(): Promise<DocumentLimits> {
    return this.request('GET', '/api/documents/limits');
  }

  /** GET /api/documents/:id, with its versions. */
  document(id: string): Promise<DocumentWithVersions> {
    return this.request('GET', `/api/documents/${encodeURIComponent(id)}`, { query: { names: '1' } });
  }

  /** PATCH /api/documents/:id: title, classification, sharing, country (null removes it). */
  updateDocument(
    id: string,
    changes: { title?: string; classification?: Classification; sharing?: Sharing; country?: string | null; tlp?: TlpLevel; discoverable?: boolean },
  ): Promise<HubDocument> {
    return this.request('PATCH', `/api/documents/${encodeURIComponent(id)}`, { body: changes });
  }

  /** DELETE /api/documents/:id (owner admin). */
  deleteDocument(id: string): Promise<void> {
    return this.request('DELETE', `/api/documents/${encodeURIComponent(id)}`);
  }

  /** A current access token for calls made outside `request` (uploads with progress, downloads); refreshed first when stale. */
  async accessToken(): Promise<string | null> {
    if (this.tokens.stale && this.tokens.canResume) await this.tokens.refresh();
    return this.tokens.access;
  }

  /** After a 401 outside `request`: refreshes once; the new token, or null when the session is over. */
  async renewedToken(used: string | null): Promise<string | null> {
    if (this.tokens.access && this.tokens.access !== used) return this.tokens.access;
    return (await this.tokens.refresh()) === 'ok' ? this.tokens.access : null;
  }

  /** Turns a finished HTTP answer (status and body text) into the client's ApiError. */
  errorOf(status: number, text: string): ApiError {
    let error: { code?: ApiErrorCode; message?: string; details?: { path: string; message: string }[] } | undefined;
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error;
    } catch {
      error = undefined;
    }
    if (status === 0) return new ApiError(0, 'network', 'The hub could not be reached.');
    return new ApiError(status, error?.code ?? fallbackCode(status), error?.message ?? String(status), error?.details ?? []);
  }

  /** GET /api/notifications (one page, newest first, the caller's own). */
  notifications(query: { unread?: boolean; limit?: number; cursor?: string } = {}): Promise<Page<Notification>> {
    return this.request('GET', '/api/notifications', { query: { unread: query.unread ? 'true' : undefined, limit: query.limit, cursor: query.cursor } });
  }

  /** GET /api/notifications/summary: unread notifications and, per room, unread messages and mentions. */
  notificationSummary(): Promise<NotificationSummary> {
    return this.request('GET', '/api/notifications/summary');
  }

  /** POST /api/notifications/read: these notifications, or all of them, are read. */
  readNotifications(which: { ids: string[] } | { all: true }): Promise<void> {
    return this.request('POST', '/api/notifications/read', { body: which });
  }

  /** GET /api/me/watch: the countries the person watches (alpha-3). */
  watchedCountries(): Promise<z.infer<typeof WatchAnswer>> {
    return this.request('GET', '/api/me/watch');
  }

  /** PUT /api/me/watch: replaces the watched countries. */
  setWatchedCountries(countries: string[]): Promise<z.infer<typeof WatchAnswer>> {
    return this.request('PUT', '/api/me/watch', { body: { countries } });
  }

  /** GET /api/me/preferences: the e-mail cadence of each group. */
  preferences(): Promise<z.infer<typeof PreferencesAnswer>> {
    return this.request('GET', '/api/me/preferences');
  }

  /** PATCH /api/me/preferences: changes the cadence of some groups. */
  updatePreferences(email: Partial<EmailPreferences>): Promise<z.infer<typeof PreferencesAnswer>> {
    return this.request('PATCH', '/api/me/preferences', { body: { email } });
  }

  /** GET /api/organisations/:id/api-keys (§14, its admin). */
  apiKeys(organisationId: string): Promise<{ items: ApiKey[] }> {
    return this.request('GET', `/api/organisations/${encodeURIComponent(organisationId)}/api-keys`);
  }

  /** POST /api/organisations/:id/api-keys: the answer holds the key, shown this once. */
  createApiKey(organisationId: string, body: { name: string; role: ApiKey['role']; expiresAt?: string | null }): Promise<CreatedApiKey> {
    return this.request('POST', `/api/organisations/${encodeURIComponent(organisationId)}/api-keys`, { body });
  }

  /** DELETE /api/api-keys/:id: refused at once everywhere. */
  revokeApiKey(id: string): Promise<void> {
    return this.request('DELETE', `/api/api-keys/${encodeURIComponent(id)}`);
  }

  /** GET /api/organisations/:id/webhooks (§14, its admin). */
  webhooks(organisationId: string): Promise<{ items: Webhook[] }> {
    return this.request('GET', `/api/organisations/${encodeURIComponent(organisationId)}/webhooks`);
  }

  /** POST /api/organisations/:id/webhooks. */
  createWebhook(organisationId: string, body: { url: string; events: string[]; secret: string }): Promise<Webhook> {
    return this.request('POST', `/api/organisations/${encodeURIComponent(organisationId)}/webhooks`, { body });
  }

  /** DELETE /api/webhooks/:id. */
  deleteWebhook(id: string): Promise<void> {
    return this.request('DELETE', `/api/webhooks/${encodeURIComponent(id)}`);
  }

  /** POST /api/webhooks/:id/test: queues a `webhook.test` event. */
  testWebhook(id: string): Promise<{ deliveryId: string }> {
    return this.request('POST', `/api/webhooks/${encodeURIComponent(id)}/test`);
  }

  /** GET /api/webhooks/:id/deliveries: the latest deliveries and their attempts. */
  webhookDeliveries(id: string): Promise<{ items: WebhookDelivery[] }> {
    return this.request('GET', `/api/webhooks/${encodeURIComponent(id)}/deliveries`);
  }

  /** POST /api/assessments/import?dryRun=: a CSV text or JSON rows; the row-by-row report. */
  importAssessments(file: { type: 'csv' | 'json'; text: string }, dryRun: boolean): Promise<ImportReport> {
    const body = file.type === 'csv' ? new RawBody('text/csv', file.text) : new RawBody('application/json', file.text);
    return this.request('POST', '/api/assessments/import', { body, query: { dryRun: dryRun ? 'true' : 'false' } });
  }

  /** GET /api/openapi.json (§14, no authentication): the API's description. */
  openApi(): Promise<OpenApiDocument> {
    return this.request('GET', '/api/openapi.json', { auth: false });
  }

  /** GET /api/health (no authentication). */
  health(): Promise<Health> {
    return this.request('GET', '/api/health', { auth: false });
  }
}

export const tokens = new TokenKeeper();
export const api = new ApiClient(tokens);
