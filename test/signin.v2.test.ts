import { expect } from 'chai';
import { base32Decode, hotp, totpStep } from '../server/auth/totp.js';
import { User } from '../server/models/user.js';
import { asOfficeAdmin, createOrganisation, createTenant, createUser, login, type TestUser } from './helpers/factories.js';
import { get, patch, post, type Answer } from './helpers/http.js';
import { connectError, connectSocket, record, untilSeen } from './helpers/sockets.js';

const WRONG = 'wrong-password-123';
const code = (secret: string) => hotp(base32Decode(secret), totpStep());
/** A valid-looking code that is not the current one (nor its neighbours). */
const wrongCode = (secret: string) => String((Number(code(secret)) + 500_000) % 1_000_000).padStart(6, '0');
const statuses = (answers: Answer[]) => answers.map((a) => a.status);
const count = (answers: Answer[], status: number) => answers.filter((a) => a.status === status).length;

/** Turns MFA on for `user` through the API; answers the secret and the recovery codes. */
async function enrol(user: TestUser, token = user.token, proof: { currentPassword?: string } = { currentPassword: user.password }) {
  const setup = await post('/api/me/mfa/setup', proof, token);
  expect(setup.status, JSON.stringify(setup.body)).to.equal(200);
  const enable = await post('/api/me/mfa/enable', { otp: code(setup.body.secret), ...proof }, token);
  expect(enable.status, JSON.stringify(enable.body)).to.equal(200);
  return { secret: setup.body.secret as string, recoveryCodes: enable.body.recoveryCodes as string[] };
}

describe('sign-in under attack (§3 v2)', () => {
  it('of 100 simultaneous wrong logins at most 5 are checked; the right password in the same burst is 429 and clears nothing', async () => {
    const org = await createOrganisation();
    const user = await createUser(org.id);
    const burst = Array.from({ length: 100 }, () => post('/api/auth/login', { email: user.email, password: WRONG }));
    const right = post('/api/auth/login', { email: user.email, password: user.password });
    const wrong = await Promise.all(burst);
    const checked = count(wrong, 401);
    expect(checked, String(statuses(wrong))).to.be.within(1, 5);
    expect(count(wrong, 429)).to.equal(100 - checked);
    const locked = await right;
    expect(locked.status).to.equal(429);
    expect(locked.body.error.code).to.equal('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).to.be.within(1, 900);
    // Nothing was cleared: the right password stays refused for the window.
    expect((await post('/api/auth/login', { email: user.email, password: user.password })).status).to.equal(429);
    // Unknown emails are limited the same way, so the answers do not tell which accounts exist.
    const ghost = `nobody-${Date.now()}@hub.test`;
    const unknown = await Promise.all(Array.from({ length: 20 }, () => post('/api/auth/login', { email: ghost, password: WRONG })));
    expect(count(unknown, 401)).to.be.within(1, 5);
    expect(count(unknown, 401) + count(unknown, 429)).to.equal(20);
  });

  it('of 20 simultaneous wrong one-time codes at most 5 are checked, then even the right code is 429', async () => {
    const org = await createOrganisation();
    const user = await createUser(org.id);
    const { secret } = await enrol(user);
    const bad = wrongCode(secret);
    const answers = await Promise.all(Array.from({ length: 20 }, () => post('/api/auth/login', { email: user.email, password: user.password, otp: bad })));
    expect(count(answers, 401), String(statuses(answers))).to.be.within(1, 5);
    expect(answers.filter((a) => a.status === 401).every((a) => a.body.error.code === 'mfa_required')).to.equal(true);
    expect(count(answers, 429)).to.equal(20 - count(answers, 401));
    expect((await post('/api/auth/login', { email: user.email, password: user.password, otp: code(secret) })).status).to.equal(429);
  });

  it('MFA calls need the current password: missing or wrong is 400 and counts as a failed sign-in', async () => {
    const org = await createOrganisation();
    const user = await createUser(org.id);
    const missing = await post('/api/me/mfa/setup', {}, user.token);
    expect([missing.status, missing.body.error.code]).to.deep.equal([400, 'invalid_request']);
    expect((await post('/api/me/mfa/setup', { currentPassword: WRONG }, user.token)).status).to.equal(400);
    expect((await User.findById(user.id).lean())!.mfaPendingSecret).to.equal(null);
    // Two failures so far: three wrong logins make five, and then the right password is refused too.
    for (let i = 0; i < 3; i++) expect((await post('/api/auth/login', { email: user.email, password: WRONG })).status).to.equal(401);
    expect((await post('/api/auth/login', { email: user.email, password: user.password })).status).to.equal(429);
    expect((await post('/api/me/mfa/setup', { currentPassword: user.password }, user.token)).status).to.equal(429);
  });

  it('enable answers 10 recovery codes (stored only as hashes, each good once) and ends every other session and its socket', async () => {
    const org = await createOrganisation();
    const user = await createUser(org.id);
    const other = await login(user.email, user.password);
    const socket = await connectSocket(other.accessToken);
    const seen = record(socket);
    const { recoveryCodes } = await enrol(user);
    expect(recoveryCodes).to.have.length(10);
    expect(new Set(recoveryCodes).size).to.equal(10);
    await untilSeen(seen, 'disconnect');
    expect((await get('/api/me', other.accessToken)).status).to.equal(401);
    expect((await post('/api/auth/refresh', { refreshToken: other.refreshToken })).status).to.equal(401);
    expect((await get('/api/me', user.token)).status).to.equal(200);
    const stored = JSON.stringify(await User.findById(user.id).lean());
    for (const c of recoveryCodes) expect(stored).to.not.contain(c).and.not.contain(c.replace(/-/g, ''));

    const [first, second] = recoveryCodes as [string, string];
    expect((await post('/api/auth/login', { email: user.email, password: user.password, otp: first.toUpperCase() })).status).to.equal(200);
    const reused = await post('/api/auth/login', { email: user.email, password: user.password, otp: first });
    expect([reused.status, reused.body.error.code]).to.deep.equal([401, 'mfa_required']);
    // Two sign-ins racing with one code: exactly one gets through.
    const race = await Promise.all([0, 1].map(() => post('/api/auth/login', { email: user.email, password: user.password, otp: second })));
    expect(statuses(race).sort()).to.deep.equal([200, 401]);
  });

  it('requireMfa: its admin switches it on; a user without MFA gets an enrolment token that opens only setup and enable', async () => {
    const { organisation, admin, analyst } = await createTenant();
    const stranger = await createTenant();
    expect((await patch(`/api/organisations/${organisation.id}`, { requireMfa: true }, stranger.admin.token)).status).to.equal(404);
    expect((await patch(`/api/organisations/${organisation.id}`, { requireMfa: true }, analyst.token)).status).to.equal(403);
    expect((await patch(`/api/organisations/${organisation.id}`, { requireMfa: true, name: 'Renamed' }, admin.token)).status).to.equal(403);
    const on = await patch(`/api/organisations/${organisation.id}`, { requireMfa: true }, admin.token);
    expect([on.status, on.body.requireMfa, on.body.name]).to.deep.equal([200, true, organisation.name]);
    expect((await get('/api/me', analyst.token)).body.organisation.requireMfa).to.equal(true);

    const refused = await post('/api/auth/login', { email: analyst.email, password: analyst.password });
    expect([refused.status, refused.body.error.code]).to.deep.equal([403, 'mfa_enrolment_required']);
    const enrolment = refused.body.enrolmentToken as string;
    expect(enrolment).to.be.a('string');
    // The token is good for nothing else, on HTTP or the socket handshake.
    expect((await get('/api/me', enrolment)).status).to.equal(401);
    expect((await get('/api/assessments', enrolment)).status).to.equal(401);
    expect((await post('/api/me/mfa/disable', { otp: '123456' }, enrolment)).status).to.equal(401);
    expect((await connectError({ token: enrolment })).message).to.equal('unauthenticated');

    const { secret } = await enrol(analyst, enrolment, {});
    expect((await post('/api/me/mfa/setup', {}, enrolment)).status).to.equal(401);
    const needsCode = await post('/api/auth/login', { email: analyst.email, password: analyst.password });
    expect([needsCode.status, needsCode.body.error.code]).to.deep.equal([401, 'mfa_required']);
    expect((await post('/api/auth/login', { email: analyst.email, password: analyst.password, otp: code(secret) })).status).to.equal(200);
  });

  it("an organisation's admin sees IP addresses only of its own organisation's actors; the Office admin sees all", async () => {
    const { organisation, admin } = await createTenant();
    const office = await asOfficeAdmin();
    const trail = await get(`/api/audit?limit=100`, admin.token);
    expect(trail.status).to.equal(200);
    const items = trail.body.items as { id: string; ip: string | null; actor: { organisationId: string | null } }[];
    const foreign = items.filter((r) => r.actor.organisationId !== organisation.id);
    const own = items.filter((r) => r.actor.organisationId === organisation.id);
    expect(foreign.length, 'the Office created this organisation and its users').to.be.greaterThan(0);
    expect(own.length, "the admin's own sign-in").to.be.greaterThan(0);
    expect(foreign.every((r) => r.ip === null)).to.equal(true);
    expect(own.every((r) => typeof r.ip === 'string' && r.ip.length > 0)).to.equal(true);
    const seenByOffice = await get(`/api/audit?action=user.create&limit=100`, office.token);
    const created = (seenByOffice.body.items as { id: string; ip: string | null }[]).filter((r) => foreign.some((f) => f.id === r.id));
    expect(created.length).to.be.greaterThan(0);
    expect(created.every((r) => typeof r.ip === 'string')).to.equal(true);
  });
});
