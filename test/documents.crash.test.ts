import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { pdf } from '../server/demo/documentFiles.js';
import { documentFields, download, uploadDocument } from './helpers/documents.js';
import { freshDatabaseUri } from './helpers/hub.js';
import { PROCESS_ADMIN_EMAIL, PROCESS_ADMIN_PASSWORD, spawnHub, type HubProcess } from './helpers/process.js';

// Issue 7, item 3: a hub killed (SIGKILL) while a large upload streams into it leaves nothing behind
// once it is started again on the same data directory and database.

const isUnfinished = (name: string) => name.startsWith('.part-');

async function login(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: PROCESS_ADMIN_EMAIL, password: PROCESS_ADMIN_PASSWORD }),
  });
  expect(res.status).to.equal(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** Starts a multipart upload of `totalBytes` that streams as fast as the hub takes it; it never finishes here. */
function startLargeUpload(port: number, token: string, totalBytes: number): void {
  const boundary = `----crash${Date.now()}`;
  const fields = Object.entries(documentFields({ title: 'Killed mid-upload' }))
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${typeof value === 'string' ? value : JSON.stringify(value)}\r\n`,
    )
    .join('');
  const head = Buffer.from(`${fields}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="large.pdf"\r\n\r\n%PDF-1.7\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const req = request({
    host: '127.0.0.1',
    port,
    path: '/api/documents',
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + totalBytes + tail.length),
    },
  });
  req.on('error', () => undefined); // the hub dies under it
  req.write(head);
  const chunk = randomBytes(256 * 1024);
  let sent = 9; // the PDF header
  const pump = () => {
    while (sent < totalBytes && !req.destroyed) {
      const part = chunk.subarray(0, Math.min(chunk.length, totalBytes - sent));
      sent += part.length;
      if (!req.write(part)) return void req.once('drain', pump);
    }
  };
  pump();
}

describe('documents: a hub killed mid-upload (its own process)', function () {
  this.timeout(180_000);
  let dataDir: string;
  let env: Record<string, string>;
  let hub: HubProcess | undefined;
  const blobsDir = () => path.join(dataDir, 'blobs');
  const blobFiles = () => readdirSync(blobsDir()).sort();

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'hub-docs-crash-'));
    env = { DATA_DIR: dataDir, MONGODB_URI: freshDatabaseUri('docscrash'), HUB_MAX_UPLOAD_MB: '1024' };
    hub = await spawnHub(env);
  });
  after(async () => {
    await hub?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("after a restart on the same data directory and database, only the stored documents' blobs are left and nothing half-stored is listed", async () => {
    let token = await login(hub!.port);
    const keptBytes = pdf(['Stored before the crash', 'Kept']);
    const kept = await uploadDocument(token, { name: 'kept.pdf', bytes: keptBytes }, documentFields({ title: 'Kept' }), `http://127.0.0.1:${hub!.port}`);
    expect(kept.status, JSON.stringify(kept.body)).to.equal(201);

    startLargeUpload(hub!.port, token, 800 * 1000 * 1000);
    // Killed once the upload is well under way: several MiB sealed into its unfinished blob file.
    const deadline = Date.now() + 60_000;
    let unfinished: string | undefined;
    while (Date.now() < deadline) {
      unfinished = blobFiles().find((name) => isUnfinished(name) && statSync(path.join(blobsDir(), name)).size > 8 * 1024 * 1024);
      if (unfinished) break;
      await sleep(20);
    }
    expect(unfinished, 'the upload reached the blob store').to.be.a('string');
    process.kill(hub!.pid, 'SIGKILL');
    await hub!.stop();
    expect(blobFiles(), 'the crash left the unfinished write').to.include(unfinished);

    // An unfinished write of a process that is still running (here: this test's) is not touched.
    const host = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
    const living = `.part-${host}-${process.pid}-${randomBytes(16).toString('hex')}`;
    writeFileSync(path.join(blobsDir(), living), 'still being written');

    hub = await spawnHub(env);
    const settle = Date.now() + 10_000;
    while (blobFiles().includes(unfinished!) && Date.now() < settle) await sleep(50);

    const client = new mongoose.mongo.MongoClient(env.MONGODB_URI!);
    try {
      const db = client.db();
      const versions = await db.collection('documentversions').find({}).toArray();
      const documents = await db.collection('documents').find({}).toArray();
      expect(documents.map((d) => String(d._id))).to.deep.equal([kept.body.id]);
      expect(versions.map((v) => String(v.documentId))).to.deep.equal([kept.body.id]);
      expect(blobFiles()).to.deep.equal([String(versions[0]!.blobId), living].sort());
    } finally {
      await client.close();
    }
    rmSync(path.join(blobsDir(), living));

    token = await login(hub.port);
    const list = await fetch(`http://127.0.0.1:${hub.port}/api/documents`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await list.json()) as { items: { id: string }[] }).items.map((d) => d.id)).to.deep.equal([kept.body.id]);
    const got = await download(token, `/api/documents/${kept.body.id}/content`, `http://127.0.0.1:${hub.port}`);
    expect(got.bytes?.equals(keptBytes)).to.equal(true);
  });
});
