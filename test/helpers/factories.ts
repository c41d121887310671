import { randomBytes } from 'node:crypto';
import type { Role } from '../../shared/roles.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './hub.js';
import { post } from './http.js';

/** An organisation as the API presents it. */
export interface Org {
  id: string;
  slug: string;
  name: string;
  kind: string;
  parentId: string | null;
  active: boolean;
}

/** A user the test created, with what it needs to act as them. */
export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
  organisationId: string;
  token: string;
  refreshToken: string;
}

let officeAdmin: { token: string; organisationId: string; id: string; renewAt: number } | undefined;

const unique = () => randomBytes(4).toString('hex');

/** Signs in and returns the login answer; throws if the login does not succeed. */
export async function login(email: string, password: string, otp?: string) {
  const res = await post('/api/auth/login', otp ? { email, password, otp } : { email, password });
  if (res.status !== 200) throw new Error(`login of ${email} answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { accessToken: string; refreshToken: string; expiresIn: number; user: { id: string; organisationId: string } };
}

/**
 * The bootstrap Office admin, signed in once and again before its access token expires: on a slow,
 * shared machine the suite can outlast one token (15 minutes), and every later test would see 401.
 */
export async function asOfficeAdmin() {
  if (!officeAdmin || Date.now() >= officeAdmin.renewAt) {
    const res = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const renewAt = Date.now() + (res.expiresIn * 1000) / 2;
    officeAdmin = { token: res.accessToken, organisationId: res.user.organisationId, id: res.user.id, renewAt };
  }
  return officeAdmin;
}

/** Creates a partner organisation owned by the calling test. */
export async function createOrganisation(options: { kind?: string; parentId?: string; name?: string } = {}): Promise<Org> {
  const admin = await asOfficeAdmin();
  const slug = `org-${unique()}`;
  const body: Record<string, unknown> = { slug, name: options.name ?? `Test organisation ${slug}`, kind: options.kind ?? 'regional' };
  if (options.parentId) body.parentId = options.parentId;
  const res = await post('/api/organisations', body, admin.token);
  if (res.status !== 201) throw new Error(`creating an organisation answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Org;
}

/** Creates a user in `organisationId` (through the Office admin) and signs them in. */
export async function createUser(organisationId: string, role: Role = 'analyst'): Promise<TestUser> {
  const admin = await asOfficeAdmin();
  const email = `user-${unique()}@hub.test`;
  const password = `password-${unique()}-long`;
  const res = await post(`/api/organisations/${organisationId}/users`, { email, name: `Test ${role} ${email}`, role, password }, admin.token);
  if (res.status !== 201) throw new Error(`creating a user answered ${res.status} ${JSON.stringify(res.body)}`);
  const session = await login(email, password);
  return { id: res.body.id, email, password, role, organisationId, token: session.accessToken, refreshToken: session.refreshToken };
}

/** A new organisation with one signed-in user of each role. */
export async function createTenant(kind = 'regional') {
  const organisation = await createOrganisation({ kind });
  const [admin, analyst, member] = await Promise.all([
    createUser(organisation.id, 'admin'),
    createUser(organisation.id, 'analyst'),
    createUser(organisation.id, 'member'),
  ]);
  return { organisation, admin, analyst, member };
}

/** A valid assessment body for `country`, with two factors filled in; `overrides` replace fields. */
export function assessmentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    country: 'KEN',
    title: 'Quarterly assessment',
    summary: 'Tensions around the coming elections; incitement on local radio.',
    periodStart: '2026-07-01',
    periodEnd: '2026-09-30',
    overallRisk: 2,
    riskFactors: [
      { number: 1, level: 2, trend: 'stable', indicators: ['1.1'], notes: 'Localised clashes.' },
      { number: 8, level: 3, trend: 'deteriorating', indicators: ['8.7', '8.8'], notes: 'Elections in March.' },
    ],
    classification: 'confidential',
    sharing: { scope: 'organisation', organisations: [] },
    ...overrides,
  };
}

/** Creates an assessment as `user` (a draft unless `publish`); returns the API's answer. */
export async function createAssessment(user: TestUser, overrides: Record<string, unknown> = {}, publish = false) {
  const res = await post('/api/assessments', assessmentBody(overrides), user.token);
  if (res.status !== 201) throw new Error(`creating an assessment answered ${res.status} ${JSON.stringify(res.body)}`);
  if (!publish) return res.body;
  const published = await post(`/api/assessments/${res.body.id}/publish`, {}, user.token);
  if (published.status !== 200) throw new Error(`publishing answered ${published.status} ${JSON.stringify(published.body)}`);
  return published.body;
}
