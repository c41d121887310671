import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import mongoose from 'mongoose';
import { readEmbeddedAddress } from '../server/db/embeddedAddress.js';
import { createBackup } from '../server/ops/backup.js';
import { BackupFileError, readBackup, type BackupEntry } from '../server/ops/format.js';
import { restoreBackup, RestoreRefused } from '../server/ops/restore.js';
import { createBlobStore, type BlobStore } from '../server/services/blobs/index.js';
import { assessmentBody } from './helpers/factories.js';
import { documentFields, download, filesUnder, sampleFiles, sha256, uploadDocument, uploadVersion, type TestFile } from './helpers/documents.js';
import { freshDatabaseUri } from './helpers/hub.js';
import { PROCESS_ADMIN_EMAIL, PROCESS_ADMIN_PASSWORD, spawnHub, type HubProcess } from './helpers/process.js';

// Issue 7, item 4: `npm run backup` of a hub started as `npm start` starts it (embedded FerretDB under
// DATA_DIR), `npm run restore` into an empty DATA_DIR, and a hub started on the result finds
// everything; a damaged file, another master key or a filled database is refused with nothing written.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command as an operator would, with only `env` configuring it (the runner's hub variables cleared). */
function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  const cleared = ['MONGODB_URI', 'TEST_MONGODB_URI', 'REDIS_URL', 'HUB_MASTER_KEY', 'JWT_SECRET', 'HUB_DEMO', 'DATA_DIR'];
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...Object.fromEntries(cleared.map((name) => [name, ''])), LOG_LEVEL: 'warn', ...env },
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
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const npmRun = (script: 'backup' | 'restore', file: string, env: Record<string, string>) => run('npm', ['run', script, '--', file], env);
const cli = (script: 'backup' | 'restore', args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], env);

/** JSON over HTTP to one hub. */
async function api(base: string, method: string, urlPath: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${urlPath}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function expectOk(answer: Promise<{ status: number; body: any }>, status = 200) {
  const res = await answer;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function login(base: string, email: string, password: string): Promise<string> {
  return (await expectOk(api(base, 'POST', '/api/auth/login', undefined, { email, password }))).accessToken as string;
}

/** Collections of a database, and whether a blob directory holds files: what a refused restore must leave as it was. */
async function databaseCollections(uri: string): Promise<string[]> {
  const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    return (await client.db().listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  } finally {
    await client.close();
  }
}

/** Every line of a backup file, decompressed. */
const backupLines = (file: string) => gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter(Boolean);

/** A text file of several 64 KiB segments, with a marker that must never appear in clear in a backup. */
function bigText(marker: string): TestFile {
  const line = `${marker} — a line of the field report, repeated to span several encrypted segments.\n`;
  return { name: 'long-report.txt', bytes: Buffer.from(line.repeat(Math.ceil(200_000 / line.length))) };
}

describe('backup and restore (issue 7, item 4)', function () {
  this.timeout(120_000);
  const marker = `PLAINTEXT-MARKER-${randomBytes(6).toString('hex')}`;
  let hubA: HubProcess | undefined;
  let hubB: HubProcess | undefined;
  let dirA: string;
  let baseA: string;
  let backupFile: string;
  const users = { analyst: { email: '', password: '', token: '' }, admin: { email: '', password: '', token: '' } };
  const expected = {
    assessments: [] as { id: string; body: unknown; versions: unknown; comments: unknown }[],
    room: { id: '', messages: [] as unknown[] },
    documents: [] as { id: string; body: { versions: { version: number }[] }; contents: string[] }[],
    deletedDocument: '',
    auditChecked: 0,
  };

  before(async () => {
    // A hub as `npm start` runs it: no MONGODB_URI, so its embedded FerretDB under DATA_DIR, and a generated master key.
    dirA = tempDir('hub-backup-a-');
    hubA = await spawnHub({ DATA_DIR: dirA });
    baseA = `http://127.0.0.1:${hubA.port}`;
    const office = await login(baseA, PROCESS_ADMIN_EMAIL, PROCESS_ADMIN_PASSWORD);
    const org = await expectOk(
      api(baseA, 'POST', '/api/organisations', office, { slug: `bk-${randomBytes(3).toString('hex')}`, name: 'Backup test organisation', kind: 'regional' }),
      201,
    );
    for (const role of ['analyst', 'admin'] as const) {
      const user = users[role];
      user.email = `${role}-${randomBytes(3).toString('hex')}@backup.test`;
      user.password = `password-${randomBytes(4).toString('hex')}-long`;
      await expectOk(
        api(baseA, 'POST', `/api/organisations/${org.id}/users`, office, { email: user.email, name: `Backup ${role}`, role, password: user.password }),
        201,
      );
      user.token = await login(baseA, user.email, user.password);
    }
    const { analyst, admin } = users;

    // Assessments: a draft, a published one edited to version 2, a comment.
    const draft = await expectOk(api(baseA, 'POST', '/api/assessments', analyst.token, assessmentBody({ title: 'Draft kept' })), 201);
    const edited = await expectOk(api(baseA, 'POST', '/api/assessments', analyst.token, assessmentBody({ title: 'Published then edited' })), 201);
    await expectOk(api(baseA, 'POST', `/api/assessments/${edited.id}/publish`, analyst.token, {}));
    const published = await expectOk(api(baseA, 'GET', `/api/assessments/${edited.id}`, analyst.token));
    await expectOk(api(baseA, 'PATCH', `/api/assessments/${edited.id}`, analyst.token, { version: published.version, summary: 'Edited after publication.' }));
    await expectOk(api(baseA, 'POST', `/api/assessments/${edited.id}/comments`, admin.token, { body: 'Agreed; watch the coast.' }), 201);

    // A situation room with messages (stored in `roommessages_<room>_<block>` collections).
    const room = await expectOk(api(baseA, 'POST', '/api/rooms', analyst.token, { name: 'Backup room', organisations: [] }), 201);
    expected.room.id = room.id;
    for (let i = 1; i <= 12; i++) {
      const sender = i % 2 ? analyst : admin;
      await expectOk(api(baseA, 'POST', `/api/rooms/${room.id}/messages`, sender.token, { body: `message ${i} — رسالة ${i}`, clientMsgId: `bk-${i}` }), 201);
    }

    // Documents: several types, a multi-segment file, a second version, and one deleted (its blobs removed).
    const files = [
      ...sampleFiles(marker)
        .filter((s) => ['pdf', 'docx', 'png', 'csv'].includes(s.kind))
        .map((s) => s.file),
      bigText(marker),
    ];
    const uploaded: { id: string; bytes: Buffer[] }[] = [];
    for (const file of files) {
      const res = await uploadDocument(analyst.token, file, documentFields({ title: `Backup ${file.name}` }), baseA);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      uploaded.push({ id: res.body.id, bytes: [file.bytes] });
    }
    const second = Buffer.from(`Second version ${marker}\n`);
    expect((await uploadVersion(analyst.token, uploaded[0]!.id, { name: 'report-v2.txt', bytes: second }, {}, baseA)).status).to.equal(201);
    uploaded[0]!.bytes.push(second);
    const doomed = await uploadDocument(
      analyst.token,
      { name: 'doomed.txt', bytes: Buffer.from('Deleted before the backup.\n') },
      documentFields({ title: 'Doomed' }),
      baseA,
    );
    expect(doomed.status).to.equal(201);
    expect((await api(baseA, 'DELETE', `/api/documents/${doomed.body.id}`, admin.token)).status).to.equal(204);
    expected.deletedDocument = doomed.body.id;

    // What the restored hub must show the same way.
    for (const a of [draft, edited]) {
      expected.assessments.push({
        id: a.id,
        body: await expectOk(api(baseA, 'GET', `/api/assessments/${a.id}`, analyst.token)),
        versions: await expectOk(api(baseA, 'GET', `/api/assessments/${a.id}/versions`, analyst.token)),
        comments: await expectOk(api(baseA, 'GET', `/api/assessments/${a.id}/comments`, analyst.token)),
      });
    }
    expected.room.messages = (await expectOk(api(baseA, 'GET', `/api/rooms/${room.id}/messages?limit=200`, analyst.token))).items;
    expect(expected.room.messages).to.have.length(12);
    for (const doc of uploaded) {
      const body = await expectOk(api(baseA, 'GET', `/api/documents/${doc.id}`, analyst.token));
      expect(body.versions.map((v: { sha256: string }) => v.sha256)).to.deep.equal(doc.bytes.map(sha256));
      expected.documents.push({ id: doc.id, body, contents: doc.bytes.map(sha256) });
    }
    const verified = await expectOk(api(baseA, 'GET', '/api/audit/verify', office));
    expect(verified.ok).to.equal(true);
    expected.auditChecked = verified.checked;
  });

  after(async () => {
    await hubA?.stop();
    await hubB?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('backs up the running hub (its embedded database found under DATA_DIR) into one verified file, documents still encrypted', async () => {
    backupFile = path.join(tempDir('hub-backup-file-'), 'hub.backup');
    const res = await npmRun('backup', backupFile, { DATA_DIR: dirA });
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stderr).to.contain('the embedded database of the hub running on');
    expect(res.stdout)
      .to.match(/Backup written: .*hub\.backup/)
      .and.contain('every data key in it unwraps');

    const lines = backupLines(backupFile);
    const header = JSON.parse(lines[0]!);
    expect(header).to.include({ format: 'partner-hub-backup', formatVersion: 1, hubVersion: '0.1.0' });
    expect(header.collections).to.include.members(['assessments', 'documentversions', 'auditrecords_0', `roommessages_${expected.room.id}_0`]);
    const end = JSON.parse(lines.at(-1)!);
    expect(end).to.include({ type: 'end', blobs: 6, amendments: 0 });
    expect(end.missingBlobs).to.deep.equal([]);
    // The blobs are copied as stored: sealed. No document's plaintext is anywhere in the file.
    expect(lines.join('\n')).to.not.contain(marker);
    const data = lines
      .map((line) => JSON.parse(line))
      .filter((r) => r.type === 'data')
      .map((r) => Buffer.from(r.b, 'base64').toString('latin1'));
    expect(data.join('')).to.not.contain(marker);
  });

  it('restores into an empty DATA_DIR; a hub started on it finds every assessment, message and document, and a valid audit chain', async () => {
    const dirB = tempDir('hub-backup-b-');
    // The master key travels apart from the backup: the operator copies it (or sets HUB_MASTER_KEY).
    mkdirSync(path.join(dirB, 'secrets'), { mode: 0o700 });
    copyFileSync(path.join(dirA, 'secrets', 'master.key'), path.join(dirB, 'secrets', 'master.key'));
    const res = await npmRun('restore', backupFile, { DATA_DIR: dirB });
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.contain('Restored').and.contain('indexes built');
    expect(readEmbeddedAddress(dirB), 'the restore stopped the database it started').to.equal(null);
    expect(filesUnder(path.join(dirB, 'blobs'))).to.have.length(6);

    hubB = await spawnHub({ DATA_DIR: dirB });
    const baseB = `http://127.0.0.1:${hubB.port}`;
    const analyst = await login(baseB, users.analyst.email, users.analyst.password);
    for (const a of expected.assessments) {
      expect(await expectOk(api(baseB, 'GET', `/api/assessments/${a.id}`, analyst))).to.deep.equal(a.body);
      expect(await expectOk(api(baseB, 'GET', `/api/assessments/${a.id}/versions`, analyst))).to.deep.equal(a.versions);
      expect(await expectOk(api(baseB, 'GET', `/api/assessments/${a.id}/comments`, analyst))).to.deep.equal(a.comments);
    }
    const list = await expectOk(api(baseB, 'GET', '/api/assessments?limit=100', analyst));
    expect(list.items.map((a: { id: string }) => a.id)).to.include.members(expected.assessments.map((a) => a.id));

    const messages = await expectOk(api(baseB, 'GET', `/api/rooms/${expected.room.id}/messages?limit=200`, analyst));
    expect(messages.items).to.deep.equal(expected.room.messages);
    // The restored room goes on where it stopped.
    const next = await expectOk(api(baseB, 'POST', `/api/rooms/${expected.room.id}/messages`, analyst, { body: 'after the restore' }), 201);
    expect(next.seq).to.equal(13);

    for (const doc of expected.documents) {
      expect(await expectOk(api(baseB, 'GET', `/api/documents/${doc.id}`, analyst))).to.deep.equal(doc.body);
      for (const [i, version] of doc.body.versions.entries()) {
        const got = await download(analyst, `/api/documents/${doc.id}/versions/${version.version}/content`, baseB);
        expect(got.status).to.equal(200);
        expect(sha256(got.bytes!), `document ${doc.id} version ${version.version}, byte for byte`).to.equal(doc.contents[i]);
      }
    }
    expect((await api(baseB, 'GET', `/api/documents/${expected.deletedDocument}`, analyst)).status).to.equal(404);

    const office = await login(baseB, PROCESS_ADMIN_EMAIL, PROCESS_ADMIN_PASSWORD);
    const verified = await expectOk(api(baseB, 'GET', '/api/audit/verify', office));
    expect(verified).to.include({ ok: true, firstBrokenId: null });
    expect(verified.checked).to.be.greaterThan(expected.auditChecked);
  });

  it('refuses to restore under a running hub, or another master key, before writing anything', async () => {
    const uri = freshDatabaseUri('backupkey');
    const dir = tempDir('hub-backup-key-');
    const [running, otherKey] = await Promise.all([
      cli('restore', [backupFile, '--force'], { DATA_DIR: dirA }),
      cli('restore', [backupFile], { MONGODB_URI: uri, DATA_DIR: dir, HUB_MASTER_KEY: randomBytes(32).toString('base64') }),
    ]);
    expect(running.code).to.equal(1);
    expect(running.stderr).to.match(/a hub \(pid \d+\) is running on .*stop it first/);
    expect(otherKey.code).to.equal(1);
    expect(otherKey.stderr).to.contain('the master key from HUB_MASTER_KEY does not match this backup');
    expect(await databaseCollections(uri)).to.deep.equal([]);
    expect(filesUnder(path.join(dir, 'blobs'))).to.deep.equal([]);
  });

  describe('refused, with nothing written', () => {
    const masterKey = () => ({ key: Buffer.from(readFileSync(path.join(dirA, 'secrets', 'master.key'), 'utf8').trim(), 'base64'), source: 'test' });

    /** Restores `file` into a fresh database (given `seed`, a document in `users`) and blob directory; answers the error. */
    async function restoreInto(file: string, seed = false): Promise<{ error: Error; collections: string[]; blobs: string[] }> {
      const uri = freshDatabaseUri('backupbad');
      const blobDir = path.join(tempDir('hub-backup-bad-'), 'blobs');
      const client = new mongoose.mongo.MongoClient(uri);
      try {
        if (seed) await client.db().collection('users').insertOne({ email: 'someone@example.org' });
        const error = await restoreBackup({ db: client.db(), blobDir, file, masterKey: masterKey() }).then(
          () => null,
          (e: Error) => e,
        );
        if (!error) throw new Error('the restore succeeded');
        const collections = (await client.db().listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
        return { error, collections, blobs: filesUnder(blobDir) };
      } finally {
        await client.close();
      }
    }

    async function expectDamaged(file: string, why: RegExp) {
      const { error, collections, blobs } = await restoreInto(file);
      expect(error).to.be.instanceOf(BackupFileError);
      expect(error.message).to.match(why);
      expect(collections, 'no collection written').to.deep.equal([]);
      expect(blobs, 'no blob written').to.deep.equal([]);
    }

    it('a database that holds data', async () => {
      const { error, collections } = await restoreInto(backupFile, true);
      expect(error).to.be.instanceOf(RestoreRefused);
      expect(error.message).to.contain('the database holds data (users)').and.contain('--force');
      expect(collections).to.deep.equal(['users']);
    });

    it('a file cut short', async () => {
      const whole = readFileSync(backupFile);
      const cut = path.join(path.dirname(backupFile), 'cut.backup');
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.8)));
      await expectDamaged(cut, /gzip/);
    });

    it('a file cut at a line boundary (a whole gzip stream, but no end)', async () => {
      const lines = backupLines(backupFile);
      const cut = path.join(path.dirname(backupFile), 'lines.backup');
      writeFileSync(cut, gzipSync(lines.slice(0, -3).join('\n') + '\n'));
      await expectDamaged(cut, /truncated/);
    });

    it('a file altered near its end (where a restore that wrote as it read would have written most of it)', async () => {
      const lines = backupLines(backupFile);
      const at = lines.findLastIndex((line) => line.includes('"type":"doc"'));
      lines[at] = lines[at]!.replace(/"action":"[a-z.]+"/, '"action":"tampered"');
      expect(lines[at]).to.contain('tampered');
      const altered = path.join(path.dirname(backupFile), 'altered.backup');
      writeFileSync(altered, gzipSync(lines.join('\n') + '\n'));
      await expectDamaged(altered, /altered/);
    });

    it('a blob altered, its size unchanged', async () => {
      const lines = backupLines(backupFile);
      const at = lines.findIndex((line) => line.startsWith('{"type":"data"'));
      const bytes = Buffer.from(JSON.parse(lines[at]!).b as string, 'base64');
      bytes[bytes.length - 1]! ^= 1;
      lines[at] = JSON.stringify({ type: 'data', b: bytes.toString('base64') });
      const altered = path.join(path.dirname(backupFile), 'blob.backup');
      writeFileSync(altered, gzipSync(lines.join('\n') + '\n'));
      await expectDamaged(altered, /blob [0-9a-f]{32} is not the one written/);
    });
  });

  it('takes a document deleted while the backup runs as deleted (its blobs are gone by the time they are copied)', async () => {
    const { analyst, admin } = users;
    const upload = await uploadDocument(
      analyst.token,
      { name: 'late.txt', bytes: Buffer.from(`Deleted during the backup ${marker}\n`) },
      documentFields({ title: 'Deleted during the backup' }),
      baseA,
    );
    expect(upload.status).to.equal(201);
    const address = readEmbeddedAddress(dirA);
    expect(address, 'the running hub publishes its embedded database').to.not.equal(null);
    const client = new mongoose.mongo.MongoClient(address!.uri);
    const db = client.db();
    const version = await db.collection('documentversions').findOne({ documentId: new mongoose.Types.ObjectId(upload.body.id as string) });
    const store = createBlobStore(dirA);
    // The deletion lands between the backup reading the version record and copying its blob.
    const racing: BlobStore = {
      put: (source) => store.put(source),
      remove: (blobId) => store.remove(blobId),
      sweepOrphans: (known, graceMs) => store.sweepOrphans(known, graceMs),
      get: async (blobId, range) => {
        if (blobId === version!.blobId) expect((await api(baseA, 'DELETE', `/api/documents/${upload.body.id}`, admin.token)).status).to.equal(204);
        return store.get(blobId, range);
      },
    };
    const file = path.join(path.dirname(backupFile), 'racing.backup');
    try {
      const summary = await createBackup({ db, blobs: racing, file, hubVersion: 'test', masterKey: null });
      expect(summary.warnings).to.deep.equal([]);
      expect(summary.amendments).to.be.greaterThan(0);
    } finally {
      await client.close();
    }
    const entries: BackupEntry[] = [];
    for await (const entry of readBackup(file)) entries.push(entry);
    const blobIds = entries.filter((e) => e.kind === 'blob').map((e) => (e as { id: string }).id);
    expect(blobIds).to.not.include(version!.blobId);
    const amended = entries.filter((e): e is Extract<BackupEntry, { kind: 'amend' }> => e.kind === 'amend');
    const cache = amended.find((e) => e.collection === 'documents');
    expect(cache?.doc.deletedAt, 'the document is in the backup as deleted').to.be.instanceOf(Date);
    expect(amended.some((e) => e.collection === 'documentrevisions' && e.doc.deletedAt instanceof Date)).to.equal(true);
  });
});
