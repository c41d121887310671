import { SecretBox } from '../server/auth/secretBox.js';
import { WebhookModel } from '../server/models/webhook.js';
import { WEBHOOK_SECRETS } from '../server/repositories/webhooks.js';
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import { base32Decode, hotp, totpStep } from '../server/auth/totp.js';
import { OrganisationKey, type OrganisationKeyDoc } from '../server/models/organisationKey.js';
import { unwrap, wrap } from '../server/services/documents/keys.js';
import { ADMIN_PASSWORD, testEnv } from './helpers/hub.js';
import { createOrganisationAt, requestAt, signInAt, urlOf } from './helpers/hubPair.js';
import { spawnHub, type HubProcess } from './helpers/process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `npm run rotate-master-key`'s script with `env`; answers its exit code and output. */
function rotate(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/rotate-master-key.ts'], {
    cwd: root,
    env: { ...process.env, REDIS_URL: '', TEST_MONGODB_URI: '', HUB_DEMO: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

async function upload(hub: HubProcess, token: string, text: string): Promise<string> {
  const form = new FormData();
  form.append('title', 'Rotation notes');
  form.append('classification', 'confidential');
  form.append('sharing', JSON.stringify({ scope: 'organisation', organisations: [] }));
  form.append('file', new Blob([text]), 'notes.txt');
  const res = await fetch(`${urlOf(hub)}/api/documents`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = (await res.json()) as { id: string };
  expect(res.status, JSON.stringify(body)).to.equal(201);
  return body.id;
}

async function content(hub: HubProcess, token: string, id: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${urlOf(hub)}/api/documents/${id}/content`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
}

describe('npm run rotate-master-key (issue 7)', function () {
  this.timeout(120_000);
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  let hub: HubProcess | undefined;

  afterEach(async () => {
    await hub?.stop();
    hub = undefined;
  });

  it('moves every organisation key and TOTP secret to the new key, resumes an interrupted run, and changes nothing the second time', async () => {
    const { PORT: _port, ...env } = testEnv({ LOG_LEVEL: 'warn', JWT_SECRET: randomBytes(48).toString('base64url') });
    hub = await spawnHub({ ...env, HUB_WEBHOOK_ALLOW_PRIVATE: '1', HUB_MASTER_KEY: oldKey.toString('base64') });
    const admin = await signInAt(hub);
    const partnerId = await createOrganisationAt(hub, admin.accessToken);
    const analystEmail = `rotation-${randomBytes(4).toString('hex')}@hub.test`;
    const analystPassword = 'rotation-analyst-password';
    const created = await requestAt(
      hub,
      'POST',
      `/api/organisations/${partnerId}/users`,
      { email: analystEmail, name: 'Rotation analyst', role: 'analyst', password: analystPassword },
      admin.accessToken,
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const analyst = { token: (await signInAt(hub, analystEmail, analystPassword)).accessToken };
    const officeDocument = await upload(hub, admin.accessToken, 'Office notes, sealed under the Office key.\n');
    const partnerDocument = await upload(hub, analyst.token, 'Partner notes, sealed under the partner key.\n');
    // The analyst turns the second factor on (mfaSecret); the admin starts and leaves it pending (mfaPendingSecret).
    const setup = await requestAt<{ secret: string }>(hub, 'POST', '/api/me/mfa/setup', { currentPassword: analystPassword }, analyst.token);
    const enabled = await requestAt(
      hub,
      'POST',
      '/api/me/mfa/enable',
      { otp: hotp(base32Decode(setup.body.secret), totpStep()), currentPassword: analystPassword },
      analyst.token,
    );
    expect(enabled.status, JSON.stringify(enabled.body)).to.equal(200);
    expect((await requestAt(hub, 'POST', '/api/me/mfa/setup', { currentPassword: ADMIN_PASSWORD }, admin.accessToken)).status).to.equal(200);
    // A partner system's webhook: its signing secret is sealed under the master key too.
    const hook = await requestAt(
      hub,
      'POST',
      `/api/organisations/${admin.user.organisationId}/webhooks`,
      { url: 'http://127.0.0.1:9/hook', events: ['action.due'], secret: 'rotation-webhook-secret' },
      admin.accessToken,
    );
    expect(hook.status, JSON.stringify(hook.body)).to.equal(201);
    expect(await hub.stop()).to.equal(0);
    hub = undefined;

    const client = new mongoose.mongo.MongoClient(env.MONGODB_URI!);
    try {
      const keys = client.db().collection<OrganisationKeyDoc>(OrganisationKey.collection.collectionName);
      expect(await keys.countDocuments()).to.equal(2);
      // A run that was interrupted after the partner's key.
      const partnerKey = (await keys.findOne({ _id: new mongoose.Types.ObjectId(partnerId) }))!;
      const rewrapped = wrap(newKey, partnerId, partnerKey.generation, unwrap(oldKey, partnerKey));
      await keys.updateOne({ _id: partnerKey._id }, { $set: { wrapped: rewrapped } });

      const rotateEnv = { ...env, HUB_MASTER_KEY: oldKey.toString('base64'), HUB_NEW_MASTER_KEY: newKey.toString('base64') };
      const first = await rotate(rotateEnv);
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stdout).to.include('organisation keys: 1 re-wrapped, 1 already under the new key');
      expect(first.stdout).to.include('TOTP secrets: 2 re-sealed, 0 already under the new key');
      expect(first.stdout).to.include('webhook secrets: 1 re-sealed, 0 already under the new key');
      const again = await rotate(rotateEnv);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.include('organisation keys: 0 re-wrapped, 2 already under the new key');
      expect(again.stdout).to.include('TOTP secrets: 0 re-sealed, 2 already under the new key');
      expect(again.stdout).to.include('webhook secrets: 0 re-sealed, 1 already under the new key');
      const sealed = (await client.db().collection<{ secretSealed: string }>(WebhookModel.collection.collectionName).findOne({}))!.secretSealed;
      expect(new SecretBox(newKey, WEBHOOK_SECRETS).open(sealed)).to.equal('rotation-webhook-secret');

      for (const doc of await keys.find().toArray()) {
        expect(() => unwrap(oldKey, doc), 'the old key opens nothing').to.throw(/does not unwrap/);
        expect(unwrap(newKey, doc)).to.have.length(32);
      }
    } finally {
      await client.close();
    }

    hub = await spawnHub({ ...env, HUB_MASTER_KEY: newKey.toString('base64') });
    const officeAdmin = await signInAt(hub);
    expect(await content(hub, officeAdmin.accessToken, officeDocument)).to.deep.equal({ status: 200, text: 'Office notes, sealed under the Office key.\n' });
    const otp = hotp(base32Decode(setup.body.secret), totpStep());
    const login = await requestAt<{ accessToken: string }>(hub, 'POST', '/api/auth/login', { email: analystEmail, password: analystPassword, otp });
    expect(login.status, JSON.stringify(login.body)).to.equal(200);
    expect(await content(hub, login.body.accessToken, partnerDocument)).to.deep.equal({ status: 200, text: 'Partner notes, sealed under the partner key.\n' });
  });

  it('rotates the key a hub generated into DATA_DIR and replaces that file only once every record is moved', async () => {
    const { PORT: _port, ...env } = testEnv();
    const keyFile = path.join(env.DATA_DIR!, 'secrets', 'master.key');
    mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, `${oldKey.toString('base64')}\n`, { mode: 0o600 });
    const organisationId = new mongoose.Types.ObjectId();
    const stranger = new mongoose.Types.ObjectId();
    const dataKey = randomBytes(32);
    const client = new mongoose.mongo.MongoClient(env.MONGODB_URI!);
    try {
      const keys = client.db().collection<OrganisationKeyDoc>(OrganisationKey.collection.collectionName);
      await keys.insertOne({
        _id: organisationId,
        generation: 1,
        algorithm: 'aes-256-gcm',
        createdAt: new Date(),
        wrapped: wrap(oldKey, organisationId.toString(), 1, dataKey),
      });
      // A key wrapped under some third master key: the run names it, exits 1 and keeps the old key file.
      await keys.insertOne({
        _id: stranger,
        generation: 1,
        algorithm: 'aes-256-gcm',
        createdAt: new Date(),
        wrapped: wrap(randomBytes(32), stranger.toString(), 1, dataKey),
      });
      const refused = await rotate({ ...env, HUB_MASTER_KEY: '', HUB_NEW_MASTER_KEY: newKey.toString('base64') });
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.include(`organisation ${stranger.toString()} opens with neither key`);
      expect(readFileSync(keyFile, 'utf8').trim()).to.equal(oldKey.toString('base64'));

      await keys.deleteOne({ _id: stranger });
      const done = await rotate({ ...env, HUB_MASTER_KEY: '', HUB_NEW_MASTER_KEY: newKey.toString('base64') });
      expect(done.code, done.stderr).to.equal(0);
      expect(done.stdout).to.include('organisation keys: 0 re-wrapped, 1 already under the new key');
      expect(readFileSync(keyFile, 'utf8').trim()).to.equal(newKey.toString('base64'));
      expect(statSync(keyFile).mode & 0o777).to.equal(0o600);
      expect(unwrap(newKey, (await keys.findOne({ _id: organisationId }))!).equals(dataKey)).to.equal(true);
    } finally {
      await client.close();
    }
  });

  it('refuses a HUB_NEW_MASTER_KEY that is not 32 bytes, naming it on one line', async () => {
    const { PORT: _port, ...env } = testEnv({ HUB_MASTER_KEY: oldKey.toString('base64'), HUB_NEW_MASTER_KEY: 'abc' });
    const { code, stderr } = await rotate(env);
    expect(code).to.equal(1);
    expect(stderr.trim().split('\n')).to.have.length(1);
    expect(stderr).to.include('HUB_NEW_MASTER_KEY');
  });
});
