import { expect } from 'chai';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config/index.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'hub-config-'));

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ DATA_DIR: dataDir(), ...env });
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('configuration (§1)', () => {
  it('has the contract defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    expect(config.port).to.equal(8080);
    expect(config.mongodbUri).to.equal(undefined);
    expect(config.maxUploadBytes).to.equal(100 * 1024 * 1024);
    expect(config.demo).to.equal(false);
    expect(config.masterKey).to.have.length(32);
    expect(config.jwtSecret.length).to.be.at.least(32);
  });

  it('generates secrets once into DATA_DIR with mode 0600 and reuses them', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.masterKey.equals(first.masterKey)).to.equal(true);
    expect(second.jwtSecret).to.equal(first.jwtSecret);
    for (const file of ['master.key', 'jwt.secret']) {
      expect(statSync(path.join(dir, 'secrets', file)).mode & 0o777).to.equal(0o600);
    }
  });

  it('names the variable of a bad value', () => {
    expect(failure({ HUB_MASTER_KEY: 'abc' }).variable).to.equal('HUB_MASTER_KEY');
    expect(failure({ HUB_MASTER_KEY: Buffer.alloc(31).toString('base64') }).variable).to.equal('HUB_MASTER_KEY');
    expect(failure({ HUB_MASTER_KEY: Buffer.alloc(33).toString('base64') }).variable).to.equal('HUB_MASTER_KEY');
    expect(failure({ MONGODB_URI: 'not a url' }).variable).to.equal('MONGODB_URI');
    expect(failure({ MONGODB_URI: 'http://localhost:27017' }).variable).to.equal('MONGODB_URI');
    expect(failure({ PORT: 'eighty' }).variable).to.equal('PORT');
    expect(failure({ PORT: '70000' }).variable).to.equal('PORT');
    expect(failure({ HUB_MAX_UPLOAD_MB: '0' }).variable).to.equal('HUB_MAX_UPLOAD_MB');
    expect(failure({ HUB_DEMO: 'yes' }).variable).to.equal('HUB_DEMO');
    expect(failure({ REDIS_URL: 'localhost' }).variable).to.equal('REDIS_URL');
    expect(failure({ JWT_SECRET: 'short' }).variable).to.equal('JWT_SECRET');
    expect(failure({ TRUST_PROXY: 'true' }).variable).to.equal('TRUST_PROXY');
    expect(failure({ TRUST_PROXY: '10.0.0.0/8, proxy.example.org' }).variable).to.equal('TRUST_PROXY');
    expect(failure({ METRICS_PORT: '8080' }).variable).to.equal('METRICS_PORT');
    expect(failure({ HUB_DRAIN_SECONDS: '0' }).variable).to.equal('HUB_DRAIN_SECONDS');
    expect(failure({ HUB_ADMIN_EMAIL: 'nope' }).variable).to.equal('HUB_ADMIN_EMAIL');
    expect(failure({ HUB_ADMIN_EMAIL: 'a@b.org', HUB_ADMIN_PASSWORD: 'short' }).variable).to.equal('HUB_ADMIN_PASSWORD');
    for (const [variable, value] of [
      ['SMTP_URL', 'mail.example.org:25'],
      ['SMTP_URL', 'http://mail.example.org'],
      ['SMTP_URL', 'smtp://'],
      ['HUB_MAIL_FROM', 'nobody'],
      ['HUB_MAIL_FROM', 'Hub <a@b.org>\r\nBcc: x@y.org'],
      ['HUB_PUBLIC_URL', 'hub.example.org'],
      ['HUB_PUBLIC_URL', 'ftp://hub.example.org'],
      ['HUB_DIGEST_HOUR', '24'],
      ['HUB_DIGEST_HOUR', '-1'],
      ['HUB_DIGEST_HOUR', 'six'],
      ['HUB_DIGEST_HOUR', '6.5'],
    ]) {
      const error = failure({ [variable!]: value! });
      expect(error.variable, `${variable}=${value}`).to.equal(variable);
      expect(error.message)
        .to.match(new RegExp(`^${variable}: `))
        .and.not.include('\n');
    }
  });

  it('has the mail defaults (§11) and takes valid mail settings', () => {
    const defaults = loadConfig({ DATA_DIR: dataDir(), PORT: '9000' });
    expect(defaults).to.include({ smtpUrl: undefined, mailFrom: 'Partner Hub <no-reply@localhost>', publicUrl: 'http://localhost:9000', digestHour: 6 });
    const set = loadConfig({
      DATA_DIR: dataDir(),
      SMTP_URL: 'smtps://hub:s3cret@relay.example.org:465',
      HUB_MAIL_FROM: 'alerts@hub.example.org',
      HUB_PUBLIC_URL: 'https://hub.example.org/',
      HUB_DIGEST_HOUR: '0',
    });
    expect(set).to.include({
      smtpUrl: 'smtps://hub:s3cret@relay.example.org:465',
      mailFrom: 'alerts@hub.example.org',
      publicUrl: 'https://hub.example.org',
      digestHour: 0,
    });
    expect(loadConfig({ DATA_DIR: dataDir(), SMTP_URL: 'smtp://127.0.0.1:1025' }).smtpUrl).to.equal('smtp://127.0.0.1:1025');
  });

  it('accepts a valid master key, MongoDB URIs and empty values as unset', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({
      DATA_DIR: dataDir(),
      HUB_MASTER_KEY: key,
      MONGODB_URI: 'mongodb://127.0.0.1:27017/hub',
      PORT: '',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    for (const trustProxy of ['1', 'loopback', '127.0.0.1, 10.0.0.0/8', '::1', '192.168.0.0/255.255.0.0']) {
      expect(loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: trustProxy }).trustProxy).to.equal(trustProxy);
    }
    expect(config.masterKey.equals(Buffer.alloc(32, 7))).to.equal(true);
    expect(config.port).to.equal(8080);
    expect(config.mongodbUri).to.equal('mongodb://127.0.0.1:27017/hub');
  });
});
