import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Role } from '../../shared/roles.js';
import { uploadDocument, uploadVersion } from '../helpers/documents.js';
import { asOfficeAdmin, assessmentBody, createOrganisation, createUser, type TestUser } from '../helpers/factories.js';
import { get, patch, post } from '../helpers/http.js';

/** The organisations of the matrix: the Office, the callers' partner A, B (which shares with A), C (which shares with nobody), D (deactivated). */
export type OrgKey = 'O' | 'A' | 'B' | 'C' | 'D';
export type Scope = 'organisation' | 'office' | 'selected' | 'all';

/** Who calls: each role of the Office and of partner A, and those who must get 401. */
export type ActorKey =
  | 'O.admin'
  | 'O.analyst'
  | 'O.member'
  | 'A.admin'
  | 'A.analyst'
  | 'A.member'
  | 'deactivated user'
  | 'user of a deactivated organisation'
  | 'garbage token'
  | 'no token';
export const SIGNED_IN: ActorKey[] = ['O.admin', 'O.analyst', 'O.member', 'A.admin', 'A.analyst', 'A.member'];
export const ACTORS: ActorKey[] = [...SIGNED_IN, 'deactivated user', 'user of a deactivated organisation', 'garbage token', 'no token'];

/** A caller: a signed-in user, or (org and role null) one whose token must not count. */
export interface Actor {
  key: ActorKey;
  org: OrgKey | null;
  role: Role | null;
  token?: string;
  user?: TestUser;
  /** The TOTP secret once the matrix turned the caller's second factor on. */
  mfaSecret?: string;
}

/** An assessment or document: whose it is and who it is shared with (§5). */
export interface SharedSpec {
  key: string;
  owner: OrgKey;
  scope: Scope;
  selected: OrgKey[];
  draft: boolean;
  /** Assessments: published, then edited into a draft revision (§6 v2) that only the owner may see. */
  revised?: boolean;
  /** Assessments: published with this scope first, commented on by the owner, then widened to `scope`. */
  widenedFrom?: Scope;
  /** A document with two versions: the sharing while version 1 was the latest (then version 2, then `scope`/`selected`). */
  first?: { scope: Scope; selected: OrgKey[] };
  /** §13: its card is shown to every organisation that may not read it (once published). */
  discoverable?: boolean;
  /** §13: organisations of `selected` whose share has already expired. */
  expired?: OrgKey[];
}
export interface RoomSpec {
  key: string;
  creator: OrgKey;
  orgs: OrgKey[];
}
/** A recommended action (§12) of an alert shared as `alert` says, owned by `owner` (an organisation of its audience). */
export interface ActionSpec {
  key: string;
  alert: SharedSpec;
  owner: OrgKey;
}
export interface MessageSpec {
  key: string;
  room: RoomSpec;
  author: string; // a key of World.users
}
export interface UserSpec {
  key: string;
  org: OrgKey;
}

/** A fixture built from a spec: its id, plus what requests about it need. */
export interface Built<S> {
  spec: S;
  id: string;
  name: string;
  version: number;
}

const shared = (key: string, owner: OrgKey, scope: Scope, selected: OrgKey[] = [], draft = false): SharedSpec => ({ key, owner, scope, selected, draft });

/** One item per sharing scope and owner relation: own, the Office's (shared or not), a partner's (shared or not), a draft. */
export const SHARED_SPECS: SharedSpec[] = [
  shared('A.organisation', 'A', 'organisation'),
  shared('O.organisation', 'O', 'organisation'),
  shared('O.selected[A]', 'O', 'selected', ['A']),
  shared('B.office', 'B', 'office'),
  shared('B.selected[A]', 'B', 'selected', ['A']),
  shared('B.all', 'B', 'all'),
  shared('C.organisation', 'C', 'organisation'),
  { ...shared('C.organisation, discoverable', 'C', 'organisation'), discoverable: true },
  { ...shared('B.selected[A], expired for A', 'B', 'selected', ['A']), expired: ['A'] },
];
export const DRAFT_SPEC = shared('B.all (draft)', 'B', 'all', [], true);
/** Assessments only (§5, §6 v2): draft revisions of the Office's and of a partner's, and one widened after a comment. */
export const AUDIENCE_SPECS: SharedSpec[] = [
  { ...shared('O.selected[A] (revised)', 'O', 'selected', ['A']), revised: true },
  { ...shared('B.all (revised)', 'B', 'all'), revised: true },
  { ...shared('B.office, widened to all', 'B', 'all'), widenedFrom: 'office' },
];
/** In the title of a draft revision and the body of a comment written before widening: never shown to those outside. */
export const REVISION_MARK = 'draftrevisiontext';
export const EARLY_COMMENT_MARK = 'commentbeforewidening';

/** Documents whose version 1 was written for another audience than today's (§7 v2): widened, narrowed, the Office's own. */
const DOCUMENT_HISTORY_SPECS: SharedSpec[] = [
  { ...shared('B.selected[A], v1 organisation-only', 'B', 'selected', ['A']), first: { scope: 'organisation', selected: [] } },
  { ...shared('B.office, v1 shared with all', 'B', 'office'), first: { scope: 'all', selected: [] } },
  { ...shared('O.selected[A], v1 office-only', 'O', 'selected', ['A']), first: { scope: 'office', selected: [] } },
];

const sharedSpec = (key: string) => SHARED_SPECS.find((s) => s.key === key)!;
/** Alerts (§12) are shared like assessments (no drafts); each action belongs to an alert of its own. */
export const ACTION_SPECS: ActionSpec[] = [
  { key: 'action of A on an alert of O.selected[A]', alert: sharedSpec('O.selected[A]'), owner: 'A' },
  { key: 'action of O on an alert of O.selected[A]', alert: sharedSpec('O.selected[A]'), owner: 'O' },
  { key: 'action of B on an alert of B.selected[A]', alert: sharedSpec('B.selected[A]'), owner: 'B' },
  { key: 'action of C on an alert of B.all', alert: sharedSpec('B.all'), owner: 'C' },
  { key: 'action of O on an alert of B.office', alert: sharedSpec('B.office'), owner: 'O' },
  { key: 'action of A on an alert of A.organisation', alert: sharedSpec('A.organisation'), owner: 'A' },
  { key: 'action of C on an alert of C.organisation', alert: sharedSpec('C.organisation'), owner: 'C' },
];

export const ROOM_SPECS: RoomSpec[] = [
  { key: 'room A', creator: 'A', orgs: ['A'] },
  { key: 'room O', creator: 'O', orgs: ['O'] },
  { key: 'room B+A', creator: 'B', orgs: ['B', 'A'] },
  { key: 'room B+O', creator: 'B', orgs: ['B', 'O'] },
  { key: 'room C', creator: 'C', orgs: ['C'] },
];
const room = (key: string) => ROOM_SPECS.find((r) => r.key === key)!;

/** Each signed-in caller has a message of its own; others' messages are a colleague's, a partner's or out of reach. */
export const MESSAGE_SPECS: MessageSpec[] = [
  ...['A.admin', 'A.analyst', 'A.member'].map((author) => ({ key: `${author}'s message in room B+A`, room: room('room B+A'), author })),
  ...['O.admin', 'O.analyst', 'O.member'].map((author) => ({ key: `${author}'s message in room B+O`, room: room('room B+O'), author })),
  { key: "B.analyst's message in room B+A", room: room('room B+A'), author: 'B.analyst' },
  { key: "B.analyst's message in room B+O", room: room('room B+O'), author: 'B.analyst' },
  { key: "C.analyst's message in room C", room: room('room C'), author: 'C.analyst' },
];

export const ORG_SPECS: OrgKey[] = ['O', 'A', 'B', 'C', 'D'];
export const USER_SPECS: UserSpec[] = (['O', 'A', 'B', 'C'] as OrgKey[]).map((org) => ({ key: `a member of ${org}`, org }));

/** Everything the matrix acts on, built once. */
export interface World {
  /** A word only this run's fixtures carry (lists are searched with it). */
  word: string;
  country: string;
  orgIds: Record<OrgKey, string>;
  orgNames: Record<OrgKey, string>;
  officeAdmin: { token: string };
  actors: Record<ActorKey, Actor>;
  /** Users by key: the signed-in actors, and the partners' own people (`B.admin`, `B.analyst`, `C.admin`, `C.analyst`). */
  users: Record<string, TestUser>;
  loginUser: TestUser;
  /** The deactivated caller's account: its refused calls must not change it either. */
  deactivatedId: string;
  assessments: Built<SharedSpec>[];
  documents: Built<SharedSpec>[];
  /** Documents of DOCUMENT_HISTORY_SPECS (two versions each). */
  documentHistories: Built<SharedSpec>[];
  rooms: Built<RoomSpec>[];
  alerts: Built<SharedSpec>[];
  actions: Built<ActionSpec>[];
  messages: Built<MessageSpec>[];
  targets: Built<UserSpec>[];
}

const letters = (n: number) => [...randomBytes(n)].map((b) => String.fromCharCode(97 + (b % 26))).join('');

/** The analyst of `org` who creates that organisation's fixtures (the Office's and A's are callers too). */
export function editorOf(world: World, org: OrgKey): TestUser {
  return world.users[`${org}.analyst`]!;
}
/** A user who may read and manage everything `org` owns (for snapshots). */
export const adminOf = (world: World, org: OrgKey): TestUser => world.users[`${org}.admin`]!;

const sharingOf = (world: World, spec: SharedSpec) => ({
  scope: spec.scope,
  organisations: spec.selected.map((o) => world.orgIds[o]),
  ...(spec.expired ? { expires: Object.fromEntries(spec.expired.map((o) => [world.orgIds[o], '2020-01-01T00:00:00Z'])) } : {}),
});

/** Creates an assessment as `spec` says (published unless a draft); also used for per-cell copies. */
export async function makeAssessment(world: World, spec: SharedSpec, draft = spec.draft): Promise<Built<SharedSpec>> {
  const token = editorOf(world, spec.owner).token;
  const title = `Matrix ${world.word} ${spec.key}`;
  const first = spec.widenedFrom ? { scope: spec.widenedFrom, organisations: [] } : sharingOf(world, spec);
  const res = await post('/api/assessments', assessmentBody({ country: world.country, title, sharing: first, discoverable: !!spec.discoverable }), token);
  expect(res.status, `creating ${spec.key}: ${JSON.stringify(res.body)}`).to.equal(201);
  const id = res.body.id as string;
  if (draft) return { spec, id, name: title, version: 1 };
  const published = await post(`/api/assessments/${id}/publish`, {}, token);
  expect(published.status, `publishing ${spec.key}`).to.equal(200);
  let version = published.body.version as number;
  const edit = async (change: Record<string, unknown>, publish: boolean) => {
    const edited = await patch(`/api/assessments/${id}`, { version, ...change }, token);
    expect(edited.status, `editing ${spec.key}`).to.equal(200);
    version = edited.body.version;
    if (!publish) return;
    const republished = await post(`/api/assessments/${id}/publish`, {}, token);
    expect(republished.status, `publishing ${spec.key} again`).to.equal(200);
    version = republished.body.version;
  };
  if (spec.widenedFrom) {
    expect((await post(`/api/assessments/${id}/comments`, { body: `Matrix ${EARLY_COMMENT_MARK}` }, token)).status).to.equal(201);
    await edit({ sharing: sharingOf(world, spec) }, true);
  }
  if (spec.revised) await edit({ title: `${title} ${REVISION_MARK}` }, false);
  return { spec, id, name: title, version };
}

/** Assessments: a copy of `spec` with a draft revision (for discard). */
export const makeRevision = (world: World, spec: SharedSpec) => makeAssessment(world, { ...spec, revised: true }, false);

/** Uploads a small text document as `spec` says. */
export async function makeDocument(world: World, spec: SharedSpec): Promise<Built<SharedSpec>> {
  const title = `Matrix ${world.word} ${spec.key}`;
  const res = await uploadDocument(
    editorOf(world, spec.owner).token,
    { name: 'note.txt', bytes: Buffer.from(`matrix note ${spec.key}\n`) },
    { title, classification: 'confidential', sharing: sharingOf(world, spec), country: world.country, discoverable: String(!!spec.discoverable) },
  );
  expect(res.status, `uploading ${spec.key}: ${JSON.stringify(res.body)}`).to.equal(201);
  return { spec, id: res.body.id, name: title, version: 1 };
}

/** Uploads version 1 under `spec.first`, then version 2, then shares it as `spec` says. */
export async function makeDocumentHistory(world: World, spec: SharedSpec): Promise<Built<SharedSpec>> {
  const token = editorOf(world, spec.owner).token;
  const built = await makeDocument(world, { ...spec, ...spec.first! });
  const second = await uploadVersion(token, built.id, { name: 'note.txt', bytes: Buffer.from(`matrix note ${spec.key}, version 2\n`) });
  expect(second.status, `version 2 of ${spec.key}: ${JSON.stringify(second.body)}`).to.equal(201);
  const shared = await patch(`/api/documents/${built.id}`, { sharing: sharingOf(world, spec) }, token);
  expect(shared.status, `sharing ${spec.key}: ${JSON.stringify(shared.body)}`).to.equal(200);
  return { spec, id: built.id, name: built.name, version: 2 };
}

/** Issues an alert as `spec` says (with one action of `owner`, if given); the alert's id, and the action's. */
async function issueAlert(world: World, spec: SharedSpec, owner?: OrgKey): Promise<{ id: string; actionId: string | null; title: string }> {
  const title = `Matrix ${world.word} alert ${spec.key}`;
  const actions = owner ? [{ text: `Matrix action of ${owner}`, ownerOrganisationId: world.orgIds[owner], dueDate: '2020-01-01' }] : [];
  const body = { country: world.country, level: 'warning', title, summary: 'Matrix', classification: 'confidential', sharing: sharingOf(world, spec), actions };
  const res = await post('/api/alerts', body, editorOf(world, spec.owner).token);
  expect(res.status, `issuing ${spec.key}: ${JSON.stringify(res.body)}`).to.equal(201);
  return { id: res.body.id, actionId: res.body.actions[0]?.id ?? null, title };
}

/** Issues an alert as `spec` says. */
export async function makeAlert(world: World, spec: SharedSpec): Promise<Built<SharedSpec>> {
  const issued = await issueAlert(world, spec);
  return { spec, id: issued.id, name: issued.title, version: 0 };
}

/** Issues an alert with the action `spec` says. */
export async function makeAction(world: World, spec: ActionSpec): Promise<Built<ActionSpec>> {
  const issued = await issueAlert(world, spec.alert, spec.owner);
  return { spec, id: issued.actionId!, name: `${spec.key} (alert ${issued.id})`, version: 0 };
}

/** Creates a room as `spec` says. */
export async function makeRoom(world: World, spec: RoomSpec): Promise<Built<RoomSpec>> {
  const name = `Matrix ${world.word} ${spec.key}`;
  const organisations = spec.orgs.filter((o) => o !== spec.creator).map((o) => world.orgIds[o]);
  const res = await post('/api/rooms', { name, organisations }, editorOf(world, spec.creator).token);
  expect(res.status, `creating ${spec.key}: ${JSON.stringify(res.body)}`).to.equal(201);
  return { spec, id: res.body.id, name, version: 0 };
}

/** Posts a message as `spec` says, in `roomId` (the fixture's room, or a copy of it). */
export async function makeMessage(world: World, spec: MessageSpec, roomId: string): Promise<Built<MessageSpec>> {
  const body = `Matrix ${world.word} ${spec.key}`;
  const res = await post(`/api/rooms/${roomId}/messages`, { body }, world.users[spec.author]!.token);
  expect(res.status, `posting ${spec.key}: ${JSON.stringify(res.body)}`).to.equal(201);
  return { spec, id: res.body.id, name: body, version: 0 };
}

/** A member of `spec.org` whose record PATCH /api/users/:id acts on. */
export async function makeTarget(world: World, spec: UserSpec): Promise<Built<UserSpec>> {
  const user = await createUser(world.orgIds[spec.org], 'member');
  const me = await get('/api/me', user.token);
  return { spec, id: user.id, name: me.body.user.name, version: 0 };
}

async function deactivatedUser(orgId: string, officeToken: string): Promise<TestUser> {
  const user = await createUser(orgId, 'analyst');
  const res = await patch(`/api/users/${user.id}`, { active: false }, officeToken);
  expect(res.status).to.equal(200);
  return user;
}

/** Builds the whole world: organisations, users of each role, and every fixture, in parallel where it can. */
export async function buildWorld(): Promise<World> {
  const office = await asOfficeAdmin();
  const orgs = await Promise.all(['A', 'B', 'C', 'D'].map(() => createOrganisation()));
  const orgIds = { O: office.organisationId, A: orgs[0]!.id, B: orgs[1]!.id, C: orgs[2]!.id, D: orgs[3]!.id };
  const orgNames = { O: '', A: orgs[0]!.name, B: orgs[1]!.name, C: orgs[2]!.name, D: orgs[3]!.name };
  const people: [string, OrgKey, Role][] = [
    ['O.admin', 'O', 'admin'],
    ['O.analyst', 'O', 'analyst'],
    ['O.member', 'O', 'member'],
    ['A.admin', 'A', 'admin'],
    ['A.analyst', 'A', 'analyst'],
    ['A.member', 'A', 'member'],
    ['B.admin', 'B', 'admin'],
    ['B.analyst', 'B', 'analyst'],
    ['C.admin', 'C', 'admin'],
    ['C.analyst', 'C', 'analyst'],
    ['D.analyst', 'D', 'analyst'],
    ['login', 'C', 'member'],
  ];
  const created = await Promise.all(people.map(([, org, role]) => createUser(orgIds[org], role)));
  const users = Object.fromEntries(people.map(([key], i) => [key, created[i]!])) as Record<string, TestUser>;
  const deactivated = await deactivatedUser(orgIds.A, office.token);
  expect((await patch(`/api/organisations/${orgIds.D}`, { active: false }, office.token)).status).to.equal(200);
  const officeOrg = await get('/api/me', users['O.admin']!.token);
  orgNames.O = officeOrg.body.organisation.name;

  const actors = {} as Record<ActorKey, Actor>;
  for (const key of SIGNED_IN) {
    const user = users[key]!;
    actors[key] = { key, org: key.slice(0, 1) as OrgKey, role: user.role, token: user.token, user };
  }
  actors['deactivated user'] = { key: 'deactivated user', org: null, role: null, token: deactivated.token };
  actors['user of a deactivated organisation'] = { key: 'user of a deactivated organisation', org: null, role: null, token: users['D.analyst']!.token };
  actors['garbage token'] = { key: 'garbage token', org: null, role: null, token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' };
  actors['no token'] = { key: 'no token', org: null, role: null };

  const world: World = {
    word: `matrix${letters(8)}`,
    country: 'ISL',
    orgIds,
    orgNames,
    officeAdmin: { token: office.token },
    actors,
    users,
    loginUser: users.login!,
    deactivatedId: deactivated.id,
    assessments: [],
    documents: [],
    documentHistories: [],
    rooms: [],
    alerts: [],
    actions: [],
    messages: [],
    targets: [],
  };
  const [assessments, documents, documentHistories, rooms, targets, alerts, actions] = await Promise.all([
    Promise.all([...SHARED_SPECS, DRAFT_SPEC, ...AUDIENCE_SPECS].map((spec) => makeAssessment(world, spec))),
    Promise.all(SHARED_SPECS.map((spec) => makeDocument(world, spec))),
    Promise.all(DOCUMENT_HISTORY_SPECS.map((spec) => makeDocumentHistory(world, spec))),
    Promise.all(ROOM_SPECS.map((spec) => makeRoom(world, spec))),
    Promise.all(USER_SPECS.map((spec) => makeTarget(world, spec))),
    // Alerts take no expiry (a 400): the specs with one are not issued as alerts.
    Promise.all(SHARED_SPECS.filter((spec) => !spec.expired).map((spec) => makeAlert(world, spec))),
    Promise.all(ACTION_SPECS.map((spec) => makeAction(world, spec))),
  ]);
  Object.assign(world, { assessments, documents, documentHistories, rooms, targets, alerts, actions });
  const roomId = (spec: RoomSpec) => rooms.find((r) => r.spec === spec)!.id;
  // Sequential per room, so each room's seq order is the spec order.
  for (const spec of MESSAGE_SPECS) world.messages.push(await makeMessage(world, spec, roomId(spec.room)));
  return world;
}
