import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { base32Decode, hotp, totpStep } from '../server/auth/totp.js';
import { testConfig } from './helpers/hub.js';
import { get, patch, post } from './helpers/http.js';
import { asOfficeAdmin, createOrganisation, createTenant, createUser, login } from './helpers/factories.js';

/** The current code of a base32 TOTP secret, as an authenticator app shows it. */
function currentCode(secret: string, offsetSteps = 0): string {
  return hotp(base32Decode(secret), totpStep() + offsetSteps);
}

describe('authentication (§3)', () => {
  describe('POST /api/auth/login', () => {
    it('signs in with email and password and answers tokens and the user', async () => {
      const org = await createOrganisation();
      const user = await createUser(org.id, 'analyst');
      const res = await post('/api/auth/login', { email: user.email.toUpperCase(), password: user.password });
      expect(res.status).to.equal(200);
      expect(res.body).to.include.keys('accessToken', 'refreshToken', 'expiresIn', 'user');
      expect(res.body.expiresIn).to.be.within(1, 900);
      expect(res.body.user).to.include({
        id: user.id,
        email: user.email,
        organisationId: org.id,
        role: 'analyst',
        active: true,
        locale: 'en',
        mfaEnabled: false,
      });
      expect(res.body.user).to.not.have.any.keys('passwordHash', 'mfaSecret', 'mfaPendingSecret');
      const claims = jwt.decode(res.body.accessToken, { complete: true })!;
      expect(claims.header.alg).to.equal('HS256');
      const payload = claims.payload as jwt.JwtPayload;
      expect(payload.exp! - payload.iat!).to.be.at.most(900);
    });

    it('answers the same 401 for an unknown email and a wrong password, in about the same time', async () => {
      const org = await createOrganisation();
      const user = await createUser(org.id);
      const timed = async (email: string) => {
        const t0 = performance.now();
        const res = await post('/api/auth/login', { email, password: 'wrong-password-123' });
        return { res, ms: performance.now() - t0 };
      };
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const unknown: number[] = [];
      const wrong: number[] = [];
      for (let i = 0; i < 3; i++) {
        const u = await timed(`nobody-${i}-${Date.now()}@hub.test`);
        const w = await timed(user.email);
        expect(u.res.status).to.equal(401);
        expect(w.res.status).to.equal(401);
        expect(u.res.body).to.deep.equal(w.res.body);
        expect(u.res.body.error.code).to.equal('unauthenticated');
        unknown.push(u.ms);
        wrong.push(w.ms);
      }
      // Both paths compute one argon2id hash: neither answers much faster than the other.
      const [mu, mw] = [median(unknown), median(wrong)];
      expect(mu / mw, `unknown ${mu.toFixed(0)} ms, wrong password ${mw.toFixed(0)} ms`).to.be.within(0.4, 2.5);
    });

    it('locks an account after 5 failures in 15 minutes, even for the right password', async () => {
      const org = await createOrganisation();
      const user = await createUser(org.id);
      for (let i = 0; i < 5; i++) {
        expect((await post('/api/auth/login', { email: user.email, password: 'wrong-password-123' })).status).to.equal(401);
      }
      const locked = await post('/api/auth/login', { email: user.email, password: user.password });
      expect(locked.status).to.equal(429);
      expect(locked.body.error.code).to.equal('rate_limited');
      // Another account is not affected.
      const other = await createUser(org.id);
      expect((await post('/api/auth/login', { email: other.email, password: other.password })).status).to.equal(200);
    });

    it('refuses deactivated users and users of deactivated organisations like a wrong password', async () => {
      const admin = await asOfficeAdmin();
      const org = await createOrganisation();
      const user = await createUser(org.id);
      await patch(`/api/users/${user.id}`, { active: false }, admin.token);
      const res = await post('/api/auth/login', { email: user.email, password: user.password });
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('unauthenticated');

      const org2 = await createOrganisation();
      const user2 = await createUser(org2.id);
      await patch(`/api/organisations/${org2.id}`, { active: false }, admin.token);
      const res2 = await post('/api/auth/login', { email: user2.email, password: user2.password });
      expect(res2.status).to.equal(401);
      expect((await get('/api/me', user2.token)).status).to.equal(401);
    });

    it('rejects bad bodies with 400 naming the field', async () => {
      for (const body of [
        {},
        { email: 'a@b.c' },
        { email: 'a@b.c', password: 'x', extra: 1 },
        { email: { $gt: '' }, password: 'x' },
        { email: 'a@b.c', password: { $ne: null } },
      ]) {
        const res = await post('/api/auth/login', body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.error.code).to.equal('invalid_request');
      }
      const res = await post('/api/auth/login', { email: 'a@b.c' });
      expect(res.body.error.message).to.contain('password');
    });
  });

  describe('access tokens', () => {
    it('401 without a token, with garbage, with another secret, with alg none, expired, or of another type', async () => {
      const org = await createOrganisation();
      const user = await createUser(org.id);
      const claims = jwt.decode(user.token) as jwt.JwtPayload;
      const secret = testConfig().jwtSecret;
      const base = { sub: claims.sub, sid: claims.sid, typ: 'access' };
      const opts = { issuer: 'partner-hub', audience: 'partner-hub-api' };
      const forged = [
        undefined,
        'garbage',
        jwt.sign(base, 'another-secret-another-secret-another', { ...opts, expiresIn: 60 }),
        jwt.sign(base, '', { ...opts, algorithm: 'none' } as jwt.SignOptions),
        jwt.sign({ ...base, iat: Math.floor(Date.now() / 1000) - 3600 }, secret, { ...opts, expiresIn: 60 }),
        jwt.sign({ ...base, typ: 'refresh' }, secret, { ...opts, expiresIn: 60 }),
        jwt.sign(base, secret, { issuer: 'someone-else', audience: 'partner-hub-api', expiresIn: 60 }),
        jwt.sign(base, secret, { algorithm: 'HS512', ...opts, expiresIn: 60 }),
      ];
      for (const token of forged) {
        const res = await get('/api/me', token);
        expect(res.status, String(token)).to.equal(401);
        expect(res.body.error.code).to.equal('unauthenticated');
      }
      expect((await get('/api/me', user.token)).status).to.equal(200);
    });
  });

  describe('refresh tokens', () => {
    it('rotate: the used token is spent, the new pair works', async () => {
      const org = await createOrganisation();
      const user = await createUser(org.id);
      const first = await post('/api/auth/refresh', { refreshToken: user.refreshToken });
      expect(first.status).to.equal(200);
      expect(first.body).to.have.keys('accessToken', 'refreshToken', 'expiresIn');
      expect(first.body.refreshToken).to.not.equal(user.refreshToken);
      expect((await get('/api/me', first.body.accessToken)).status).to.equal(200);
      const second = await post('/api/auth/refresh', { refreshToken: first.body.refreshToken });
      expect(second.status).to.equal(200);
    });

    it('reuse of a spent token answers 401 and ends every session descended from that login', async () => {
      const org = await createOrganisation();
      const user = await createUser(org.id);
      const other = await login(user.email, user.password); // a second, unrelated login
      const rotated = await post('/api/auth/refresh', { refreshToken: user.refreshToken });
      expect(rotated.status).to.equal(200);
      const reuse = await post('/api/auth/refresh', { refreshToken: user.refreshToken });
      expect(reuse.status).to.equal(401);
      // Everything of that family is dead: the newest refresh token and the access tokens.
      expect((await post('/api/auth/refresh', { refreshToken: rotated.body.refreshToken })).status).to.equal(401);
      expect((await get('/api/me', rotated.body.accessToken)).status).to.equal(401);
      expect((await get('/api/me', user.token)).status).to.equal(401);
      // The other login is untouched.
      expect((await get('/api/me', other.accessToken)).status).to.equal(200);
      expect((await post('/api/auth/refresh', { refreshToken: other.refreshToken })).status).to.equal(200);
    });

    it('an unknown refresh token is 401; a malformed body is 400', async () => {
      expect((await post('/api/auth/refresh', { refreshToken: 'not-a-token' })).status).to.equal(401);
      expect((await post('/api/auth/refresh', { refreshToken: { $ne: null } })).status).to.equal(400);
      expect((await post('/api/auth/refresh', {})).status).to.equal(400);
    });
  });

  describe('POST /api/auth/logout', () => {
    it('ends the session: 204, then its access and refresh tokens are refused', async () => {
      const org = await createOrganisation();
      const user = await createUser(org.id);
      const res = await post('/api/auth/logout', { refreshToken: user.refreshToken });
      expect(res.status).to.equal(204);
      expect((await get('/api/me', user.token)).status).to.equal(401);
      expect((await post('/api/auth/refresh', { refreshToken: user.refreshToken })).status).to.equal(401);
      expect((await post('/api/auth/logout', { refreshToken: user.refreshToken })).status).to.equal(204);
    });
  });

  describe('password change', () => {
    it('ends every other session at once but keeps the current one; the new password works', async () => {
      const org = await createOrganisation();
      const user = await createUser(org.id);
      const other = await login(user.email, user.password);
      const res = await post('/api/me/password', { currentPassword: user.password, newPassword: 'a-brand-new-password' }, user.token);
      expect(res.status).to.equal(204);
      expect((await get('/api/me', user.token)).status).to.equal(200);
      expect((await get('/api/me', other.accessToken)).status).to.equal(401);
      expect((await post('/api/auth/refresh', { refreshToken: other.refreshToken })).status).to.equal(401);
      expect((await post('/api/auth/login', { email: user.email, password: user.password })).status).to.equal(401);
      expect((await post('/api/auth/login', { email: user.email, password: 'a-brand-new-password' })).status).to.equal(200);
    });

    it('400 for a wrong current password or a short new one, and nothing changes', async () => {
      const org = await createOrganisation();
      const user = await createUser(org.id);
      const wrong = await post('/api/me/password', { currentPassword: 'not-my-password', newPassword: 'a-brand-new-password' }, user.token);
      expect(wrong.status).to.equal(400);
      const short = await post('/api/me/password', { currentPassword: user.password, newPassword: 'short' }, user.token);
      expect(short.status).to.equal(400);
      expect(short.body.error.message).to.contain('newPassword');
      expect((await post('/api/auth/login', { email: user.email, password: user.password })).status).to.equal(200);
      expect((await post('/api/me/password', { currentPassword: user.password, newPassword: 'a-brand-new-password' })).status).to.equal(401);
    });
  });

  describe('TOTP MFA', () => {
    it('setup, enable, then login needs the code (mfa_required), accepts it once, and disable turns it off', async () => {
      const org = await createOrganisation();
      const user = await createUser(org.id);
      const currentPassword = user.password;
      const setup = await post('/api/me/mfa/setup', { currentPassword }, user.token);
      expect(setup.status).to.equal(200);
      expect(setup.body.secret).to.match(/^[A-Z2-7]{32}$/);
      expect(setup.body.otpauthUrl)
        .to.match(/^otpauth:\/\/totp\//)
        .and.contain(`secret=${setup.body.secret}`);
      expect(
        (await post('/api/me/mfa/enable', { otp: '000000' === currentCode(setup.body.secret) ? '111111' : '000000', currentPassword }, user.token)).status,
      ).to.equal(400);
      expect((await post('/api/me/mfa/enable', { otp: currentCode(setup.body.secret), currentPassword }, user.token)).status).to.equal(200);
      expect((await get('/api/me', user.token)).body.user.mfaEnabled).to.equal(true);

      const without = await post('/api/auth/login', { email: user.email, password: user.password });
      expect(without.status).to.equal(401);
      expect(without.body.error.code).to.equal('mfa_required');
      const wrong = await post('/api/auth/login', { email: user.email, password: user.password, otp: '12345x' });
      expect(wrong.status).to.equal(400);
      const code = currentCode(setup.body.secret);
      const ok = await post('/api/auth/login', { email: user.email, password: user.password, otp: code });
      expect(ok.status).to.equal(200);
      // The same code never opens a second session.
      const replay = await post('/api/auth/login', { email: user.email, password: user.password, otp: code });
      expect(replay.status).to.equal(401);
      expect(replay.body.error.code).to.equal('mfa_required');

      expect((await post('/api/me/mfa/disable', { otp: currentCode(setup.body.secret), currentPassword }, ok.body.accessToken)).status).to.equal(204);
      expect((await post('/api/auth/login', { email: user.email, password: user.password })).status).to.equal(200);
    });

    it('a wrong password with MFA still answers unauthenticated, never mfa_required', async () => {
      const org = await createOrganisation();
      const user = await createUser(org.id);
      const setup = await post('/api/me/mfa/setup', { currentPassword: user.password }, user.token);
      await post('/api/me/mfa/enable', { otp: currentCode(setup.body.secret), currentPassword: user.password }, user.token);
      const res = await post('/api/auth/login', { email: user.email, password: 'wrong-password-123' });
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('unauthenticated');
    });
  });

  describe('deactivation', () => {
    it('takes effect on the very next request for access and refresh tokens', async () => {
      const { admin, member } = await createTenant();
      expect((await get('/api/me', member.token)).status).to.equal(200);
      expect((await patch(`/api/users/${member.id}`, { active: false }, admin.token)).status).to.equal(200);
      expect((await get('/api/me', member.token)).status).to.equal(401);
      expect((await post('/api/auth/refresh', { refreshToken: member.refreshToken })).status).to.equal(401);
      // Reactivated: an old session stays ended, a new login works.
      expect((await patch(`/api/users/${member.id}`, { active: true }, admin.token)).status).to.equal(200);
      expect((await get('/api/me', member.token)).status).to.equal(401);
      expect((await post('/api/auth/login', { email: member.email, password: member.password })).status).to.equal(200);
    });
  });
});
