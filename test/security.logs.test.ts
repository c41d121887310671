import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { base32Decode, hotp, totpStep } from '../server/auth/totp.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, testEnv } from './helpers/hub.js';
import { uploadDocument, documentFields } from './helpers/documents.js';
import { closeSockets, connectError, connectSocket } from './helpers/sockets.js';
import { spawnHub, type HubProcess } from './helpers/process.js';

interface Sent {
  token?: string;
  headers?: Record<string, string>;
}

describe('secrets never reach the log (issue 7 §6)', function () {
  this.timeout(60_000);
  let hub: HubProcess;
  let env: Record<string, string>;
  const url = () => `http://127.0.0.1:${hub.port}`;
  // Everything a log line must never hold; filled as the test goes.
  const secrets = new Map<string, string>();
  const keep = (what: string, value: string) => {
    secrets.set(what, value);
    return value;
  };

  async function call(method: string, route: string, body?: unknown, sent: Sent = {}) {
    const headers: Record<string, string> = { ...sent.headers };
    if (sent.token) headers.authorization = `Bearer ${sent.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url() + route, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  }

  before(async () => {
    const { PORT: _port, ...rest } = testEnv({
      LOG_LEVEL: 'trace',
      JWT_SECRET: keep('JWT secret', randomBytes(48).toString('base64url')),
      HUB_MASTER_KEY: keep('master key', randomBytes(32).toString('base64')),
    });
    env = rest;
    hub = await spawnHub(env);
  });
  after(async () => {
    closeSockets();
    await hub?.stop();
    if (env) rmSync(env.DATA_DIR!, { recursive: true, force: true });
  });

  it('logs requests across sign-in, refresh, password change, MFA, upload and failures without a credential in them', async () => {
    keep('admin password', ADMIN_PASSWORD);
    const admin = await call('POST', '/api/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(admin.status).to.equal(200);
    keep('admin access token', admin.body.accessToken);
    keep('admin refresh token', admin.body.refreshToken);
    const cookie = keep('cookie', `hub_session=${randomBytes(12).toString('hex')}`);
    const me = await call('GET', `/api/me?access_token=${admin.body.accessToken}`, undefined, { token: admin.body.accessToken, headers: { cookie } });
    expect(me.status).to.equal(200);
    const refreshed = await call('POST', '/api/auth/refresh', { refreshToken: admin.body.refreshToken });
    expect(refreshed.status).to.equal(200);
    const adminToken = keep('refreshed access token', refreshed.body.accessToken);
    keep('rotated refresh token', refreshed.body.refreshToken);

    const org = await call(
      'POST',
      '/api/organisations',
      { slug: `org-${randomBytes(4).toString('hex')}`, name: 'Logged', kind: 'regional' },
      { token: adminToken },
    );
    const email = `logged-${randomBytes(4).toString('hex')}@hub.test`;
    const password = keep('user password', `first-${randomBytes(6).toString('hex')}-pass`);
    expect(
      (await call('POST', `/api/organisations/${org.body.id}/users`, { email, name: 'Analyst', role: 'analyst', password }, { token: adminToken })).status,
    ).to.equal(201);
    const user = await call('POST', '/api/auth/login', { email, password });
    const token = keep('user access token', user.body.accessToken);
    keep('user refresh token', user.body.refreshToken);

    const newPassword = keep('new password', `second-${randomBytes(6).toString('hex')}-pass`);
    const wrongCurrent = keep('wrong current password', `wrong-${randomBytes(6).toString('hex')}-pass`);
    expect((await call('POST', '/api/me/password', { currentPassword: wrongCurrent, newPassword }, { token })).status).to.equal(400);
    expect((await call('POST', '/api/me/password', { currentPassword: password, newPassword }, { token })).status).to.equal(204);

    const setup = await call('POST', '/api/me/mfa/setup', { currentPassword: newPassword }, { token });
    expect(setup.status).to.equal(200);
    const mfaSecret = keep('TOTP secret', setup.body.secret);
    keep('otpauth URL secret', new URL(setup.body.otpauthUrl).searchParams.get('secret')!);
    const code = keep('one-time code', hotp(base32Decode(mfaSecret), totpStep()));
    expect((await call('POST', '/api/me/mfa/enable', { otp: code, currentPassword: newPassword }, { token })).status).to.equal(200);
    const wrongCode = keep('wrong one-time code', String((Number(code) + 500_000) % 1_000_000).padStart(6, '0'));
    expect((await call('POST', '/api/auth/login', { email, password: newPassword, otp: wrongCode })).status).to.equal(401);
    const withMfa = await call('POST', '/api/auth/login', { email, password: newPassword, otp: code });
    expect(withMfa.status).to.equal(200);
    const mfaToken = keep('MFA access token', withMfa.body.accessToken);
    keep('MFA refresh token', withMfa.body.refreshToken);

    const marker = keep('document text', `field report ${randomBytes(8).toString('hex')}`);
    const upload = await uploadDocument(mfaToken, { name: 'report.txt', bytes: Buffer.from(`${marker}\n`) }, documentFields(), url());
    expect(upload.status).to.equal(201);

    const wrongPassword = keep('wrong password', `guess-${randomBytes(6).toString('hex')}-pass`);
    expect((await call('POST', '/api/auth/login', { email: ADMIN_EMAIL, password: wrongPassword })).status).to.equal(401);
    expect((await call('POST', '/api/auth/login', { email: 'nobody@hub.test', password: wrongPassword })).status).to.equal(401);
    expect((await call('POST', '/api/auth/refresh', { refreshToken: admin.body.refreshToken })).status).to.equal(401); // reuse
    const forged = keep('forged bearer token', `${adminToken.split('.').slice(0, 2).join('.')}.${randomBytes(32).toString('base64url')}`);
    expect((await call('GET', '/api/me', undefined, { token: forged })).status).to.equal(401);

    await connectSocket(mfaToken, url());
    await connectError({ token: forged }, url());
    expect((await call('POST', '/api/auth/logout', { refreshToken: withMfa.body.refreshToken })).status).to.equal(204);

    closeSockets();
    await hub.stop(); // flushes the log
    const output = hub.stdout() + hub.stderr();
    // The log did record this traffic, so finding nothing in it means something.
    expect(output).to.include('"url":"/api/auth/login"').and.include('"url":"/api/me/password"').and.include('"url":"/api/documents"');
    for (const [what, value] of secrets) {
      // Short values (the 6-digit codes) count only standing alone, not inside a timestamp or an id.
      const found = value.length >= 12 ? output.includes(value) : new RegExp(`(?<![0-9A-Za-z])${value}(?![0-9A-Za-z])`).test(output);
      expect(found, `the log holds the ${what}`).to.equal(false);
      // A JWT's signature alone is enough to misuse it only with the rest, but no part of a token belongs in a log.
      if (value.split('.').length === 3) expect(output.includes(value.split('.')[2]!), `the log holds the ${what}'s signature`).to.equal(false);
    }
    expect(output).to.not.match(/authorization|cookie|bearer /i);
  });
});
