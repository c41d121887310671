import { base32Decode, hotp, totpStep } from '../../server/auth/totp.js';
import { uploadDocument, uploadVersion } from '../helpers/documents.js';
import { assessmentBody } from '../helpers/factories.js';
import { call, get, post, type Answer } from '../helpers/http.js';
import {
  actionReaders,
  actionRelation,
  actionUpdaters,
  admins,
  anyUser,
  editors,
  firstVersionReaders,
  isMember,
  isOfficeAdmin,
  machineAccessManagers,
  messageAuthors,
  messageDeleters,
  messageReactors,
  messageRelation,
  officeAdmins,
  organisationManagers,
  organisationRelation,
  organisationUserManagers,
  ownerAdmins,
  ownerEditors,
  ownerOnly,
  readers,
  cardReaders,
  seesCardOnly,
  relation,
  roomExporters,
  roomManagers,
  roomMembers,
  roomRelation,
  sees,
  userManagers,
  type Verdict,
} from './model.js';
import {
  adminOf,
  EARLY_COMMENT_MARK,
  makeAction,
  makeAlert,
  makeAssessment,
  makeDocument,
  makeMessage,
  makeRevision,
  makeRoom,
  makeTarget,
  editorOf,
  ORG_SPECS,
  REVISION_MARK,
  type ActionSpec,
  type Actor,
  type Built,
  type MessageSpec,
  type OrgKey,
  type RoomSpec,
  type SharedSpec,
  type UserSpec,
  type World,
} from './world.js';

/** What one cell sends: the caller, the subject (a private copy when the write is expected to succeed) and a unique tag. */
export interface Cell<S> {
  world: World;
  actor: Actor;
  subject: Built<S>;
  tag: string;
  expectOk: boolean;
}

/** A kind of subject: the fixtures a row runs against, how a caller stands to one, and how to copy one. */
interface Subjects<S> {
  all: (w: World) => Built<S>[];
  relation: (a: Actor, spec: S) => string;
  copy?: (w: World, subject: Built<S>) => Promise<Built<S>>;
}

const NONE: Subjects<null> = { all: () => [{ spec: null, id: '', name: '', version: 0 }], relation: () => '' };
const ASSESSMENTS: Subjects<SharedSpec> = { all: (w) => w.assessments, relation, copy: (w, s) => makeAssessment(w, s.spec) };
const DRAFTS: Subjects<SharedSpec> = { ...ASSESSMENTS, copy: (w, s) => makeAssessment(w, s.spec, true) };
const REVISIONS: Subjects<SharedSpec> = { ...ASSESSMENTS, copy: (w, s) => makeRevision(w, s.spec) };
/** Discoverable assessments (§13), for access requests. */
const DISCOVERABLE: Subjects<SharedSpec> = {
  all: (w) => w.assessments.filter((s) => s.spec.discoverable),
  relation,
  copy: (w, s) => makeAssessment(w, s.spec),
};
const DOCUMENTS: Subjects<SharedSpec> = { all: (w) => w.documents, relation, copy: (w, s) => makeDocument(w, s.spec) };
/** Read-only rows: the documents, and those whose version 1 had another audience. */
const DOCUMENT_VERSIONS: Subjects<SharedSpec> = { all: (w) => [...w.documents, ...w.documentHistories], relation };
const ROOMS: Subjects<RoomSpec> = { all: (w) => w.rooms, relation: roomRelation, copy: (w, s) => makeRoom(w, s.spec) };
const MESSAGES: Subjects<MessageSpec> = {
  all: (w) => w.messages,
  relation: messageRelation,
  copy: async (w, s) => makeMessage(w, s.spec, (await makeRoom(w, s.spec.room)).id),
};
const ALERTS: Subjects<SharedSpec> = { all: (w) => w.alerts, relation, copy: (w, s) => makeAlert(w, s.spec) };
const ACTIONS: Subjects<ActionSpec> = { all: (w) => w.actions, relation: actionRelation, copy: (w, s) => makeAction(w, s.spec) };
const ORGANISATIONS: Subjects<OrgKey> = {
  all: (w) => ORG_SPECS.map((org) => ({ spec: org, id: w.orgIds[org], name: w.orgNames[org], version: 0 })),
  relation: organisationRelation,
};
// A receiver nobody listens on (the matrix hub allows loopback targets), for a type the matrix never fires:
// only the allowed test events are posted (and fail, and are retried), so the hub stays idle for later tests.
const webhookBody = (tag: string) => ({ url: `http://127.0.0.1:9/${tag}`, events: ['action.due'], secret: `secret-of-${tag}` });
/** The active organisations: their admins can make a key or webhook to act on. */
const ACTIVE_ORGANISATIONS: Subjects<OrgKey> = { ...ORGANISATIONS, all: (w) => ORGANISATIONS.all(w).filter((o) => o.spec !== 'D') };
const TARGETS: Subjects<UserSpec> = { all: (w) => w.targets, relation: (a, u) => organisationRelation(a, u.org), copy: (w, s) => makeTarget(w, s.spec) };

/** One row of the matrix: an HTTP route, who may call it (the contract's rule) and how to call it. */
export interface HttpRow<S = unknown> {
  route: string;
  /** A second row of one route (another version, say): named in the test title. */
  variant?: string;
  subjects: Subjects<S>;
  verdict: (a: Actor, spec: S) => Verdict;
  /** The status of success. */
  ok: number;
  /** No token needed: every caller, signed in or not, gets `ok`. */
  open?: boolean;
  /** A write: when allowed it acts on a private copy of the subject, so the shared fixtures must never change. */
  writes?: boolean;
  send: (c: Cell<S>) => Promise<Answer>;
  /** A list: the subject must be in it exactly when the caller may see it. */
  lists?: { visible: (a: Actor, spec: S) => boolean; ids: (body: unknown) => string[] };
  /** What the answer itself must not show the caller (null: nothing wrong). */
  inspect?: (c: Cell<S>, body: unknown) => string | null;
  /** A create: where to look afterwards for what the cell may have stored. */
  landed?: (c: Cell<S>, lookup: Lookup) => Promise<boolean>;
}

/** One row for a client socket event. Events without an acknowledgement (`typing`) say whether they were relayed. */
export interface SocketRow<S = unknown> {
  event: string;
  subjects: Subjects<S>;
  verdict: (a: Actor, spec: S) => Verdict;
  writes?: boolean;
  acknowledged: boolean;
  payload: (c: Cell<S>) => unknown;
}

/** Cached, paged reads the `landed` probes share. */
export type Lookup = (key: string, read: () => Promise<unknown[]>) => Promise<unknown[]>;

const row = <S>(r: HttpRow<S>) => r as unknown as HttpRow;
const event = <S>(r: SocketRow<S>) => r as unknown as SocketRow;

const token = (c: { actor: Actor }) => ({ token: c.actor.token });
const json =
  (method: string, path: string, body?: unknown) =>
  <S>(c: Cell<S>) =>
    call(method, path, body, token(c));
const itemIds = (body: unknown) => ((body as { items?: { id: string }[] }).items ?? []).map((i) => i.id);
const text = (bytes: string) => ({ name: 'note.txt', bytes: Buffer.from(bytes) });
const code = (secret: string) => hotp(base32Decode(secret), totpStep());
/** The organisation whose lists would hold what a caller created (the deactivated user's is A). */
const homeOf = (a: Actor): OrgKey => a.org ?? 'A';

/** What only the owner organisation may see in an answer (a draft revision's text, a comment from before widening). */
function ownerOnlyText(c: Cell<SharedSpec>, body: unknown): string | null {
  if (c.actor.org === c.subject.spec.owner) return null;
  const text = JSON.stringify(body);
  if (text.includes(REVISION_MARK)) return 'shows a draft revision to another organisation';
  if (text.includes(EARLY_COMMENT_MARK) && c.actor.org !== 'O') return 'shows a comment written before the caller could see the assessment';
  return null;
}

/** A card (§13) must be all a card-only caller reads: restricted, no title of a classified item, no content. */
function cardOnlyProblem(c: Cell<SharedSpec>, body: unknown): string | null {
  const card = body as Record<string, unknown>;
  if (!seesCardOnly(c.actor, c.subject.spec)) return card.restricted ? 'shows a card to a caller who may read the item' : null;
  if (card.restricted !== true) return 'shows more than the card';
  if (card.title !== null) return 'shows the title of a classified item on its card';
  const leaked = ['summary', 'riskFactors', 'sharing', 'versions', 'filename', 'sha256'].filter((k) => k in card);
  return leaked.length > 0 ? `shows ${leaked.join(', ')} on a card` : null;
}

/** Every page of a paged list. */
export async function allPages(path: string, tokenValue: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: Answer = await get(`${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, tokenValue);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

type Page = { items: Record<string, unknown>[] };
type Org = { organisationId: string | null };
const contains = (items: unknown[], test: (item: Record<string, unknown>) => boolean) => items.some((i) => test(i as Record<string, unknown>));

/** The permission matrix: one row per route the hub mounts. */
export const HTTP_ROWS: HttpRow[] = [
  row({ route: 'GET /api/health', subjects: NONE, verdict: anyUser, ok: 200, open: true, send: json('GET', '/api/health') }),
  row({ route: 'GET /api/openapi.json', subjects: NONE, verdict: anyUser, ok: 200, open: true, send: json('GET', '/api/openapi.json') }),
  row({
    route: 'POST /api/auth/login',
    subjects: NONE,
    verdict: anyUser,
    ok: 200,
    open: true,
    send: (c) => call('POST', '/api/auth/login', { email: c.world.loginUser.email, password: c.world.loginUser.password }, token(c)),
  }),
  row({
    route: 'POST /api/auth/refresh',
    subjects: NONE,
    verdict: anyUser,
    ok: 200,
    open: true,
    send: async (c) => {
      const signedIn = await post('/api/auth/login', { email: c.world.loginUser.email, password: c.world.loginUser.password });
      return call('POST', '/api/auth/refresh', { refreshToken: signedIn.body.refreshToken }, token(c));
    },
  }),
  row({
    route: 'POST /api/auth/logout',
    subjects: NONE,
    verdict: anyUser,
    ok: 204,
    open: true,
    send: async (c) => {
      const signedIn = await post('/api/auth/login', { email: c.world.loginUser.email, password: c.world.loginUser.password });
      return call('POST', '/api/auth/logout', { refreshToken: signedIn.body.refreshToken }, token(c));
    },
  }),

  row({ route: 'GET /api/me', subjects: NONE, verdict: anyUser, ok: 200, send: json('GET', '/api/me') }),
  row({ route: 'PATCH /api/me', subjects: NONE, verdict: anyUser, ok: 200, send: json('PATCH', '/api/me', { locale: 'en' }) }),
  row({
    route: 'POST /api/me/password',
    subjects: NONE,
    verdict: anyUser,
    ok: 204,
    // The same password again: the check and the change run, and the caller's own session stays.
    send: (c) =>
      call('POST', '/api/me/password', { currentPassword: c.actor.user?.password ?? 'x', newPassword: c.actor.user?.password ?? 'a-new-password-1' }, token(c)),
  }),
  row({
    route: 'POST /api/me/mfa/setup',
    subjects: NONE,
    verdict: anyUser,
    ok: 200,
    send: (c) => call('POST', '/api/me/mfa/setup', { currentPassword: c.actor.user?.password }, token(c)),
  }),
  row({
    route: 'POST /api/me/mfa/enable',
    subjects: NONE,
    verdict: anyUser,
    ok: 200,
    send: async (c) => {
      if (!c.expectOk) return call('POST', '/api/me/mfa/enable', { otp: '123456' }, token(c));
      const currentPassword = c.actor.user?.password;
      const setup = await post('/api/me/mfa/setup', { currentPassword }, c.actor.token);
      c.actor.mfaSecret = setup.body.secret;
      return call('POST', '/api/me/mfa/enable', { otp: code(setup.body.secret), currentPassword }, token(c));
    },
  }),
  row({
    route: 'POST /api/me/mfa/disable',
    subjects: NONE,
    verdict: anyUser,
    ok: 204,
    send: async (c) => {
      if (!c.expectOk) return call('POST', '/api/me/mfa/disable', { otp: '123456' }, token(c));
      const currentPassword = c.actor.user?.password;
      if (!c.actor.mfaSecret) {
        const setup = await post('/api/me/mfa/setup', { currentPassword }, c.actor.token);
        await post('/api/me/mfa/enable', { otp: code(setup.body.secret), currentPassword }, c.actor.token);
        c.actor.mfaSecret = setup.body.secret as string;
      }
      return call('POST', '/api/me/mfa/disable', { otp: code(c.actor.mfaSecret), currentPassword }, token(c));
    },
  }),

  row({ route: 'GET /api/me/watch', subjects: NONE, verdict: anyUser, ok: 200, send: json('GET', '/api/me/watch') }),
  row({ route: 'PUT /api/me/watch', subjects: NONE, verdict: anyUser, ok: 200, send: json('PUT', '/api/me/watch', { countries: ['SDN'] }) }),
  row({ route: 'GET /api/me/preferences', subjects: NONE, verdict: anyUser, ok: 200, send: json('GET', '/api/me/preferences') }),
  row({
    route: 'PATCH /api/me/preferences',
    subjects: NONE,
    verdict: anyUser,
    ok: 200,
    send: json('PATCH', '/api/me/preferences', { email: { rooms: 'daily' } }),
  }),
  row({ route: 'GET /api/notifications', subjects: NONE, verdict: anyUser, ok: 200, send: json('GET', '/api/notifications?limit=5') }),
  row({ route: 'GET /api/access-requests', subjects: NONE, verdict: anyUser, ok: 200, send: json('GET', '/api/access-requests?limit=5') }),
  row<SharedSpec>({
    route: 'POST /api/access-requests',
    subjects: DISCOVERABLE,
    verdict: editors,
    ok: 201,
    writes: true,
    send: (c) => call('POST', '/api/access-requests', { kind: 'assessment', id: c.subject.id, reason: `matrix ${c.tag}` }, token(c)),
  }),
  row({
    route: 'POST /api/access-requests/:id/decide',
    subjects: NONE,
    verdict: editors,
    ok: 200,
    writes: true,
    // A request of C for a new discoverable assessment of the caller's organisation, declined by the caller.
    send: async (c) => {
      const owner = editorOf(c.world, homeOf(c.actor)).token;
      const created = await post('/api/assessments', { ...assessmentBody({ country: c.world.country, discoverable: true }), title: `Asked ${c.tag}` }, owner);
      await post(`/api/assessments/${created.body.id}/publish`, {}, owner);
      const asked = await post('/api/access-requests', { kind: 'assessment', id: created.body.id, reason: 'matrix' }, adminOf(c.world, 'C').token);
      return call('POST', `/api/access-requests/${asked.body.id}/decide`, { approve: false }, token(c));
    },
  }),
  row({ route: 'GET /api/notifications/summary', subjects: NONE, verdict: anyUser, ok: 200, send: json('GET', '/api/notifications/summary') }),
  row({ route: 'POST /api/notifications/read', subjects: NONE, verdict: anyUser, ok: 204, send: json('POST', '/api/notifications/read', { all: true }) }),

  row({
    route: 'GET /api/organisations',
    subjects: NONE,
    verdict: anyUser,
    ok: 200,
    send: json('GET', '/api/organisations?includeInactive=1&limit=100'),
    inspect: (c, body) => (!isOfficeAdmin(c.actor) && (body as Page).items.some((o) => o.active === false) ? 'an inactive organisation is listed' : null),
  }),
  row({
    route: 'POST /api/organisations',
    subjects: NONE,
    verdict: officeAdmins,
    ok: 201,
    writes: true,
    send: (c) => call('POST', '/api/organisations', { slug: `m-${c.tag}`, name: `Matrix ${c.tag}`, kind: 'regional' }, token(c)),
    landed: async (c, lookup) =>
      contains(
        await lookup('organisations', () => allPages('/api/organisations?includeInactive=1', c.world.officeAdmin.token)),
        (o) => o.slug === `m-${c.tag}`,
      ),
  }),
  row<OrgKey>({
    route: 'PATCH /api/organisations/:id',
    subjects: ORGANISATIONS,
    verdict: organisationManagers,
    ok: 200,
    writes: true,
    // Allowed: the name it has (no change to the shared fixture); refused: a new name, which must not stick.
    send: (c) => call('PATCH', `/api/organisations/${c.subject.id}`, { name: c.expectOk ? c.subject.name : `Renamed ${c.tag}` }, token(c)),
  }),
  row<OrgKey>({
    route: 'PATCH /api/organisations/:id {requireMfa}',
    subjects: ORGANISATIONS,
    verdict: organisationUserManagers,
    ok: 200,
    writes: true,
    // Allowed: the value it has (no change to the shared fixture); refused: switching it on, which must not stick.
    send: (c) => call('PATCH', `/api/organisations/${c.subject.id}`, { requireMfa: !c.expectOk }, token(c)),
  }),
  row<OrgKey>({
    route: 'GET /api/organisations/:id/users',
    subjects: ORGANISATIONS,
    verdict: organisationUserManagers,
    ok: 200,
    send: (c) => call('GET', `/api/organisations/${c.subject.id}/users`, undefined, token(c)),
  }),
  row<OrgKey>({
    route: 'POST /api/organisations/:id/users',
    subjects: ORGANISATIONS,
    verdict: organisationUserManagers,
    ok: 201,
    writes: true,
    send: (c) =>
      call(
        'POST',
        `/api/organisations/${c.subject.id}/users`,
        { email: `${c.tag}@matrix.test`, name: `Matrix ${c.tag}`, role: 'member', password: 'a-long-password-1' },
        token(c),
      ),
    landed: async (c, lookup) =>
      contains(
        await lookup(`users of ${c.subject.spec}`, () => allPages(`/api/organisations/${c.subject.id}/users`, c.world.officeAdmin.token)),
        (u) => u.email === `${c.tag}@matrix.test`,
      ),
  }),
  row<UserSpec>({
    route: 'PATCH /api/users/:id',
    subjects: TARGETS,
    verdict: userManagers,
    ok: 200,
    writes: true,
    send: (c) => call('PATCH', `/api/users/${c.subject.id}`, { name: `Renamed ${c.tag}` }, token(c)),
  }),

  row({
    route: 'GET /api/audit',
    subjects: NONE,
    verdict: admins,
    ok: 200,
    send: json('GET', '/api/audit?limit=100'),
    // A partner's admin sees the records whose actor or target belongs to the partner, and no others (§9).
    inspect: (c, body) => {
      if (isOfficeAdmin(c.actor)) return null;
      const own = c.world.orgIds[c.actor.org!];
      const foreign = (body as Page).items.find((r) => (r.actor as Org).organisationId !== own && (r.target as Org).organisationId !== own);
      return foreign ? `shows a record of others: ${JSON.stringify(foreign).slice(0, 200)}` : null;
    },
  }),
  row<OrgKey>({
    route: 'GET /api/organisations/:id/api-keys',
    subjects: ORGANISATIONS,
    verdict: machineAccessManagers,
    ok: 200,
    send: (c) => call('GET', `/api/organisations/${c.subject.id}/api-keys`, undefined, token(c)),
  }),
  row<OrgKey>({
    route: 'POST /api/organisations/:id/api-keys',
    subjects: ORGANISATIONS,
    verdict: machineAccessManagers,
    ok: 201,
    writes: true,
    send: (c) => call('POST', `/api/organisations/${c.subject.id}/api-keys`, { name: c.tag, role: 'member' }, token(c)),
  }),
  row<OrgKey>({
    route: 'DELETE /api/api-keys/:id',
    subjects: ACTIVE_ORGANISATIONS,
    verdict: machineAccessManagers,
    ok: 204,
    writes: true,
    send: async (c) => {
      const made = await post(`/api/organisations/${c.subject.id}/api-keys`, { name: c.tag, role: 'member' }, adminOf(c.world, c.subject.spec).token);
      return call('DELETE', `/api/api-keys/${made.body.id}`, undefined, token(c));
    },
  }),
  row<OrgKey>({
    route: 'GET /api/organisations/:id/webhooks',
    subjects: ORGANISATIONS,
    verdict: machineAccessManagers,
    ok: 200,
    send: (c) => call('GET', `/api/organisations/${c.subject.id}/webhooks`, undefined, token(c)),
  }),
  row<OrgKey>({
    route: 'POST /api/organisations/:id/webhooks',
    subjects: ORGANISATIONS,
    verdict: machineAccessManagers,
    ok: 201,
    writes: true,
    send: (c) => call('POST', `/api/organisations/${c.subject.id}/webhooks`, webhookBody(c.tag), token(c)),
  }),
  ...(
    [
      ['DELETE /api/webhooks/:id', 'DELETE', '', 204],
      ['GET /api/webhooks/:id/deliveries', 'GET', '/deliveries', 200],
      ['POST /api/webhooks/:id/test', 'POST', '/test', 202],
    ] as const
  ).map(([route, method, suffix, ok]) =>
    row<OrgKey>({
      route,
      subjects: ACTIVE_ORGANISATIONS,
      verdict: machineAccessManagers,
      ok,
      writes: method !== 'GET',
      send: async (c) => {
        const made = await post(`/api/organisations/${c.subject.id}/webhooks`, webhookBody(c.tag), adminOf(c.world, c.subject.spec).token);
        return call(method, `/api/webhooks/${made.body.id}${suffix}`, undefined, token(c));
      },
    }),
  ),
  row({ route: 'GET /api/audit/verify', subjects: NONE, verdict: officeAdmins, ok: 200, send: json('GET', '/api/audit/verify') }),
  row({ route: 'GET /api/framework', subjects: NONE, verdict: anyUser, ok: 200, send: json('GET', '/api/framework?lang=fr') }),
  row({ route: 'GET /api/countries', subjects: NONE, verdict: anyUser, ok: 200, send: json('GET', '/api/countries') }),
  row({
    route: 'GET /api/countries/risk-map',
    subjects: NONE,
    verdict: anyUser,
    ok: 200,
    send: json('GET', '/api/countries/risk-map'),
    inspect: (c, body) => {
      const hidden = c.world.assessments.filter((a) => !sees(c.actor.org, a.spec)).map((a) => a.id);
      const shown = (body as Page).items.find((i) => hidden.includes(i.assessmentId as string));
      return shown ? `shows the risk of an assessment the caller may not see: ${JSON.stringify(shown)}` : null;
    },
  }),
  row<SharedSpec>({
    route: 'GET /api/countries/:code/overview',
    subjects: ASSESSMENTS,
    verdict: anyUser,
    ok: 200,
    send: (c) => call('GET', `/api/countries/${c.world.country}/overview`, undefined, token(c)),
    // The owner too: a draft revision is not a reading.
    inspect: (c, body) => (JSON.stringify(body).includes(REVISION_MARK) ? 'shows a draft revision' : null),
    lists: {
      visible: (a, s) => sees(a.org, s) && !s.draft,
      ids: (body) => ((body as { history?: { assessmentId: string }[] }).history ?? []).map((h) => h.assessmentId),
    },
  }),

  row<SharedSpec>({
    route: 'GET /api/assessments',
    subjects: ASSESSMENTS,
    verdict: anyUser,
    ok: 200,
    send: (c) => call('GET', `/api/assessments?organisation=${c.world.orgIds[c.subject.spec.owner]}&q=${c.world.word}&limit=100`, undefined, token(c)),
    lists: { visible: (a, s) => sees(a.org, s), ids: itemIds },
    inspect: ownerOnlyText,
  }),
  row({
    route: 'POST /api/assessments',
    subjects: NONE,
    verdict: editors,
    ok: 201,
    writes: true,
    send: (c) =>
      call(
        'POST',
        '/api/assessments',
        {
          country: c.world.country,
          title: `Created ${c.tag}`,
          summary: 'Matrix',
          overallRisk: 1,
          riskFactors: [],
          classification: 'confidential',
          sharing: { scope: 'organisation', organisations: [] },
        },
        token(c),
      ),
    landed: async (c) => (await allPages(`/api/assessments?q=${c.tag}`, adminOf(c.world, homeOf(c.actor)).token)).length > 0,
  }),
  row({
    route: 'POST /api/assessments/import',
    subjects: NONE,
    verdict: editors,
    ok: 200,
    writes: true,
    send: (c) =>
      call(
        'POST',
        '/api/assessments/import',
        [
          {
            country: c.world.country,
            title: `Imported ${c.tag}`,
            summary: 'Matrix',
            overallRisk: 1,
            riskFactors: [],
            classification: 'confidential',
            sharing: { scope: 'organisation', organisations: [] },
          },
        ],
        token(c),
      ),
    landed: async (c) => (await allPages(`/api/assessments?q=${c.tag}`, adminOf(c.world, homeOf(c.actor)).token)).length > 0,
  }),
  row<SharedSpec>({
    route: 'GET /api/assessments/:id',
    subjects: ASSESSMENTS,
    verdict: cardReaders,
    ok: 200,
    send: (c) => call('GET', `/api/assessments/${c.subject.id}`, undefined, token(c)),
    inspect: (c, body) => {
      if (seesCardOnly(c.actor, c.subject.spec)) return cardOnlyProblem(c, body);
      const status = (body as { status: string }).status;
      return (
        cardOnlyProblem(c, body) ??
        ownerOnlyText(c, body) ??
        (c.actor.org !== c.subject.spec.owner && status !== 'published' ? 'shows a draft to another organisation' : null) ??
        (c.actor.org === c.subject.spec.owner && c.subject.spec.revised && status !== 'draft' ? 'hides the draft revision from its owner' : null)
      );
    },
  }),
  row<SharedSpec>({
    route: 'PATCH /api/assessments/:id',
    subjects: ASSESSMENTS,
    verdict: ownerEditors,
    ok: 200,
    writes: true,
    send: (c) => call('PATCH', `/api/assessments/${c.subject.id}`, { version: c.subject.version, title: `Edited ${c.tag}` }, token(c)),
  }),
  row<SharedSpec>({
    route: 'POST /api/assessments/:id/publish',
    subjects: DRAFTS,
    verdict: ownerEditors,
    ok: 200,
    writes: true,
    send: (c) => call('POST', `/api/assessments/${c.subject.id}/publish`, {}, token(c)),
  }),
  row<SharedSpec>({
    route: 'POST /api/assessments/:id/discard',
    subjects: REVISIONS,
    verdict: ownerEditors,
    ok: 200,
    writes: true,
    send: (c) => call('POST', `/api/assessments/${c.subject.id}/discard`, {}, token(c)),
    inspect: (c, body) =>
      (body as { status: string }).status !== 'published' || JSON.stringify(body).includes(REVISION_MARK) ? 'the draft revision is still there' : null,
  }),
  row<SharedSpec>({
    route: 'DELETE /api/assessments/:id',
    subjects: ASSESSMENTS,
    verdict: ownerAdmins,
    ok: 204,
    writes: true,
    send: (c) => call('DELETE', `/api/assessments/${c.subject.id}`, undefined, token(c)),
  }),
  row<SharedSpec>({
    route: 'GET /api/assessments/:id/versions',
    subjects: ASSESSMENTS,
    verdict: readers,
    ok: 200,
    send: (c) => call('GET', `/api/assessments/${c.subject.id}/versions`, undefined, token(c)),
    // Others: the published versions only (§5 v2); the owner: every one.
    inspect: (c, body) => {
      const items = (body as { items: { status: string }[] }).items;
      if (c.actor.org === c.subject.spec.owner)
        return items.length === c.subject.version ? null : `lists ${items.length} of ${c.subject.version} versions to the owner`;
      return items.length > 0 && items.every((v) => v.status === 'published') ? null : `lists ${JSON.stringify(items)} to another organisation`;
    },
  }),
  row<SharedSpec>({
    // The first published version: shared as it was then (a widened one's with the first, narrower scope).
    route: 'GET /api/assessments/:id/versions/:version',
    subjects: ASSESSMENTS,
    ok: 200,
    verdict: (a, s) => (s.widenedFrom ? readers(a, { ...s, scope: s.widenedFrom }) : readers(a, s)),
    send: (c) => call('GET', `/api/assessments/${c.subject.id}/versions/${c.subject.spec.draft ? 1 : 2}`, undefined, token(c)),
  }),
  row<SharedSpec>({
    route: 'GET /api/assessments/:id/versions/:version',
    variant: 'version 1, a draft',
    subjects: ASSESSMENTS,
    verdict: ownerOnly,
    ok: 200,
    send: (c) => call('GET', `/api/assessments/${c.subject.id}/versions/1`, undefined, token(c)),
  }),
  row<SharedSpec>({
    route: 'GET /api/assessments/:id/versions/:version',
    variant: 'the latest version, a draft revision where there is one',
    subjects: ASSESSMENTS,
    verdict: (a, s) => (s.revised ? ownerOnly(a, s) : readers(a, s)),
    ok: 200,
    send: (c) => call('GET', `/api/assessments/${c.subject.id}/versions/${c.subject.version}`, undefined, token(c)),
  }),
  row<SharedSpec>({
    route: 'GET /api/assessments/:id/comments',
    subjects: ASSESSMENTS,
    verdict: readers,
    ok: 200,
    send: (c) => call('GET', `/api/assessments/${c.subject.id}/comments?limit=100`, undefined, token(c)),
    inspect: (c, body) =>
      ownerOnlyText(c, body) ??
      (c.subject.spec.widenedFrom && (c.actor.org === 'O' || c.actor.org === c.subject.spec.owner) && !JSON.stringify(body).includes(EARLY_COMMENT_MARK)
        ? 'lacks a comment the caller could see when it was written'
        : null),
  }),
  row<SharedSpec>({
    // Comments land on the shared fixtures (the snapshot leaves comments out): each must be there exactly when allowed.
    route: 'POST /api/assessments/:id/comments',
    subjects: ASSESSMENTS,
    verdict: readers,
    ok: 201,
    send: (c) => call('POST', `/api/assessments/${c.subject.id}/comments`, { body: `Comment ${c.tag}` }, token(c)),
    landed: async (c, lookup) =>
      contains(
        await lookup(`comments of ${c.subject.id}`, () => allPages(`/api/assessments/${c.subject.id}/comments`, adminOf(c.world, c.subject.spec.owner).token)),
        (comment) => comment.body === `Comment ${c.tag}`,
      ),
  }),

  row<SharedSpec>({
    route: 'GET /api/documents',
    subjects: DOCUMENTS,
    verdict: anyUser,
    ok: 200,
    send: (c) => call('GET', `/api/documents?organisation=${c.world.orgIds[c.subject.spec.owner]}&q=${c.world.word}&limit=100`, undefined, token(c)),
    lists: { visible: (a, s) => sees(a.org, s), ids: itemIds },
  }),
  row({ route: 'GET /api/documents/limits', subjects: NONE, verdict: anyUser, ok: 200, send: json('GET', '/api/documents/limits') }),
  row({
    route: 'POST /api/documents',
    subjects: NONE,
    verdict: editors,
    ok: 201,
    writes: true,
    send: (c) =>
      uploadDocument(c.actor.token, text(`created ${c.tag}\n`), {
        title: `Created ${c.tag}`,
        classification: 'confidential',
        sharing: { scope: 'organisation', organisations: [] },
      }),
    landed: async (c) => (await allPages(`/api/documents?q=${c.tag}`, adminOf(c.world, homeOf(c.actor)).token)).length > 0,
  }),
  row<SharedSpec>({
    route: 'GET /api/documents/:id',
    subjects: DOCUMENT_VERSIONS,
    verdict: cardReaders,
    ok: 200,
    send: (c) => call('GET', `/api/documents/${c.subject.id}`, undefined, token(c)),
    inspect: (c, body) => {
      if (seesCardOnly(c.actor, c.subject.spec)) return cardOnlyProblem(c, body);
      const listed = (body as { versions: { version: number }[] }).versions.map((v) => v.version).join(',');
      const expected = Array.from({ length: c.subject.version }, (_, i) => i + 1)
        .filter((n) => n > 1 || firstVersionReaders(c.actor, c.subject.spec) === 'ok')
        .join(',');
      return listed === expected ? null : `versions listed ${listed}, visible ${expected}`;
    },
  }),
  row<SharedSpec>({
    route: 'PATCH /api/documents/:id',
    subjects: DOCUMENTS,
    verdict: ownerEditors,
    ok: 200,
    writes: true,
    send: (c) => call('PATCH', `/api/documents/${c.subject.id}`, { title: `Edited ${c.tag}` }, token(c)),
  }),
  row<SharedSpec>({
    route: 'DELETE /api/documents/:id',
    subjects: DOCUMENTS,
    verdict: ownerAdmins,
    ok: 204,
    writes: true,
    send: (c) => call('DELETE', `/api/documents/${c.subject.id}`, undefined, token(c)),
  }),
  row<SharedSpec>({
    route: 'GET /api/documents/:id/content',
    subjects: DOCUMENT_VERSIONS,
    verdict: readers,
    ok: 200,
    send: (c) => call('GET', `/api/documents/${c.subject.id}/content`, undefined, token(c)),
  }),
  row<SharedSpec>({
    route: 'POST /api/documents/:id/versions',
    subjects: DOCUMENTS,
    verdict: ownerEditors,
    ok: 201,
    writes: true,
    send: (c) => uploadVersion(c.actor.token, c.subject.id, text(`version ${c.tag}\n`)),
  }),
  row<SharedSpec>({
    route: 'GET /api/documents/:id/versions/:version/content',
    subjects: DOCUMENT_VERSIONS,
    verdict: firstVersionReaders,
    ok: 200,
    send: (c) => call('GET', `/api/documents/${c.subject.id}/versions/1/content`, undefined, token(c)),
  }),

  row({
    route: 'GET /api/countries/:code/brief.pdf',
    subjects: NONE,
    verdict: anyUser,
    ok: 200,
    send: (c) => call('GET', `/api/countries/${c.world.country}/brief.pdf?lang=fr`, undefined, token(c)),
  }),
  row<SharedSpec>({
    route: 'GET /api/alerts',
    subjects: ALERTS,
    verdict: anyUser,
    ok: 200,
    send: (c) => call('GET', `/api/alerts?country=${c.world.country}&limit=100`, undefined, token(c)),
    lists: { visible: (a, s) => sees(a.org, s), ids: itemIds },
  }),
  row({
    route: 'POST /api/alerts',
    subjects: NONE,
    verdict: editors,
    ok: 201,
    writes: true,
    send: (c) =>
      call(
        'POST',
        '/api/alerts',
        {
          country: 'ISL',
          level: 'watch',
          title: `Issued ${c.tag}`,
          summary: '',
          classification: 'confidential',
          sharing: { scope: 'organisation', organisations: [] },
        },
        token(c),
      ),
    landed: async (c, lookup) =>
      contains(
        await lookup(`alerts of ${homeOf(c.actor)}`, () => allPages('/api/alerts', adminOf(c.world, homeOf(c.actor)).token)),
        (a) => a.title === `Issued ${c.tag}`,
      ),
  }),
  row<SharedSpec>({
    route: 'GET /api/alerts/:id',
    subjects: ALERTS,
    verdict: readers,
    ok: 200,
    send: (c) => call('GET', `/api/alerts/${c.subject.id}`, undefined, token(c)),
  }),
  row<SharedSpec>({
    route: 'PATCH /api/alerts/:id',
    subjects: ALERTS,
    verdict: ownerEditors,
    ok: 200,
    writes: true,
    send: (c) => call('PATCH', `/api/alerts/${c.subject.id}`, { title: `Edited ${c.tag}` }, token(c)),
  }),
  row<SharedSpec>({
    route: 'POST /api/alerts/:id/acknowledge',
    subjects: ALERTS,
    verdict: readers,
    ok: 200,
    writes: true,
    send: (c) => call('POST', `/api/alerts/${c.subject.id}/acknowledge`, {}, token(c)),
  }),
  row<SharedSpec>({
    route: 'POST /api/alerts/:id/actions',
    subjects: ALERTS,
    verdict: ownerEditors,
    ok: 201,
    writes: true,
    send: (c) =>
      call(
        'POST',
        `/api/alerts/${c.subject.id}/actions`,
        { text: `Added ${c.tag}`, ownerOrganisationId: c.world.orgIds[c.subject.spec.owner], dueDate: '2031-07-01' },
        token(c),
      ),
  }),
  row<ActionSpec>({
    route: 'GET /api/actions',
    subjects: ACTIONS,
    verdict: anyUser,
    ok: 200,
    send: json('GET', '/api/actions?limit=100'),
    lists: { visible: (a, s) => sees(a.org, s.alert), ids: itemIds },
  }),
  row<ActionSpec>({
    route: 'GET /api/actions/:id',
    subjects: ACTIONS,
    verdict: actionReaders,
    ok: 200,
    send: (c) => call('GET', `/api/actions/${c.subject.id}`, undefined, token(c)),
  }),
  row<ActionSpec>({
    route: 'PATCH /api/actions/:id',
    subjects: ACTIONS,
    verdict: actionUpdaters,
    ok: 200,
    writes: true,
    send: (c) => call('PATCH', `/api/actions/${c.subject.id}`, { status: 'in-progress', note: c.tag }, token(c)),
  }),

  row<RoomSpec>({
    route: 'GET /api/rooms',
    subjects: ROOMS,
    verdict: anyUser,
    ok: 200,
    send: json('GET', '/api/rooms?limit=100'),
    lists: { visible: isMember, ids: itemIds },
  }),
  row({
    route: 'POST /api/rooms',
    subjects: NONE,
    verdict: editors,
    ok: 201,
    writes: true,
    send: (c) => call('POST', '/api/rooms', { name: `Created ${c.tag}`, organisations: [] }, token(c)),
    landed: async (c, lookup) =>
      contains(
        await lookup(`rooms of ${homeOf(c.actor)}`, () => allPages('/api/rooms', adminOf(c.world, homeOf(c.actor)).token)),
        (r) => r.name === `Created ${c.tag}`,
      ),
  }),
  row<RoomSpec>({
    route: 'GET /api/rooms/:id',
    subjects: ROOMS,
    verdict: roomMembers,
    ok: 200,
    send: (c) => call('GET', `/api/rooms/${c.subject.id}`, undefined, token(c)),
  }),
  row<RoomSpec>({
    route: 'PATCH /api/rooms/:id',
    subjects: ROOMS,
    verdict: roomManagers,
    ok: 200,
    writes: true,
    send: (c) => call('PATCH', `/api/rooms/${c.subject.id}`, { name: `Renamed ${c.tag}` }, token(c)),
  }),
  row<RoomSpec>({
    route: 'GET /api/rooms/:id/messages',
    subjects: ROOMS,
    verdict: roomMembers,
    ok: 200,
    send: (c) => call('GET', `/api/rooms/${c.subject.id}/messages`, undefined, token(c)),
  }),
  row<RoomSpec>({
    route: 'POST /api/rooms/:id/messages',
    subjects: ROOMS,
    verdict: roomMembers,
    ok: 201,
    writes: true,
    send: (c) => call('POST', `/api/rooms/${c.subject.id}/messages`, { body: `Message ${c.tag}` }, token(c)),
  }),
  row<RoomSpec>({
    route: 'POST /api/rooms/:id/read',
    subjects: ROOMS,
    verdict: roomMembers,
    ok: 204,
    writes: true,
    send: (c) => call('POST', `/api/rooms/${c.subject.id}/read`, { seq: 1 }, token(c)),
  }),
  row<RoomSpec>({
    route: 'GET /api/rooms/:id/reads',
    subjects: ROOMS,
    verdict: roomMembers,
    ok: 200,
    send: (c) => call('GET', `/api/rooms/${c.subject.id}/reads`, undefined, token(c)),
  }),
  row<RoomSpec>({
    route: 'GET /api/rooms/:id/members',
    subjects: ROOMS,
    verdict: roomMembers,
    ok: 200,
    send: (c) => call('GET', `/api/rooms/${c.subject.id}/members`, undefined, token(c)),
  }),
  row<RoomSpec>({
    route: 'GET /api/rooms/:id/export',
    subjects: ROOMS,
    verdict: roomExporters,
    ok: 200,
    send: (c) => call('GET', `/api/rooms/${c.subject.id}/export`, undefined, token(c)),
  }),
  row({
    route: 'GET /api/messages/search',
    subjects: NONE,
    verdict: anyUser,
    ok: 200,
    send: (c) => call('GET', '/api/messages/search?q=message', undefined, token(c)),
  }),
];

/** Every client event of §8 (`shared/events.ts`). */
export const SOCKET_ROWS: SocketRow[] = [
  event<RoomSpec>({ event: 'room:join', subjects: ROOMS, verdict: roomMembers, acknowledged: true, payload: (c) => c.subject.id }),
  event<RoomSpec>({ event: 'room:leave', subjects: ROOMS, verdict: anyUser, acknowledged: true, payload: (c) => c.subject.id }),
  event<RoomSpec>({
    event: 'message:send',
    subjects: ROOMS,
    verdict: roomMembers,
    acknowledged: true,
    writes: true,
    payload: (c) => ({ roomId: c.subject.id, body: `Socket message ${c.tag}`, clientMsgId: c.tag }),
  }),
  event<MessageSpec>({
    event: 'message:edit',
    subjects: MESSAGES,
    verdict: messageAuthors,
    acknowledged: true,
    writes: true,
    payload: (c) => ({ messageId: c.subject.id, body: `Edited ${c.tag}` }),
  }),
  event<MessageSpec>({
    event: 'message:delete',
    subjects: MESSAGES,
    verdict: messageDeleters,
    acknowledged: true,
    writes: true,
    payload: (c) => ({ messageId: c.subject.id }),
  }),
  event<MessageSpec>({
    event: 'message:react',
    subjects: MESSAGES,
    verdict: messageReactors,
    acknowledged: true,
    writes: true,
    payload: (c) => ({ messageId: c.subject.id, emoji: '👀' }),
  }),
  event<RoomSpec>({
    event: 'room:history',
    subjects: ROOMS,
    verdict: roomMembers,
    acknowledged: true,
    payload: (c) => ({ roomId: c.subject.id, afterSeq: 0, limit: 10 }),
  }),
  event<RoomSpec>({ event: 'typing', subjects: ROOMS, verdict: roomMembers, acknowledged: false, payload: (c) => ({ roomId: c.subject.id }) }),
];
