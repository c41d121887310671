import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { AuditHead } from '../server/models/auditHead.js';
import { auditCollections, auditLog, legacyAuditRecords, type AuditRecordDoc } from '../server/repositories/audit.js';
import { BLOCK_SIZE as AUDIT_BLOCK_SIZE, blockOf as auditBlockOf } from '../server/store/blockLog.js';
import { hashAuditRecord, recordAudit, verifyAuditTrail, type AuditEntry, type HashedFields } from '../server/services/audit.js';
import { asOfficeAdmin, createTenant, type TestUser } from './helpers/factories.js';
import { testConfig } from './helpers/hub.js';
import { get } from './helpers/http.js';

// The service tests share the mongoose connection (and so the database) of the in-process test hub.
/** The collection that holds the record at `seq` (its block). */
const records = (seq: number) => auditLog.block(auditBlockOf(seq));
/** Every record matching `filter`, from every audit collection. */
async function stored(filter: Record<string, unknown> = {}): Promise<AuditRecordDoc[]> {
  const { legacy, blocks } = await auditCollections();
  const collections = [...(legacy ? [legacyAuditRecords()] : []), ...blocks.map((block) => auditLog.block(block))];
  return (await Promise.all(collections.map((c) => c.find(filter).toArray()))).flat();
}
const WRITER = fileURLToPath(new URL('./helpers/auditWriter.ts', import.meta.url));
const LEGACY = fileURLToPath(new URL('./helpers/auditLegacy.ts', import.meta.url));

const tag = () => `test.audit${randomBytes(4).toString('hex')}`;

function entry(action: string, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    actor: { userId: null, organisationId: null },
    action,
    target: { type: 'test', id: null, organisationId: null },
    ip: '127.0.0.1',
    outcome: 'success',
    ...extra,
  };
}

/** Every seq of the trail, in order. */
async function allSeqs(): Promise<number[]> {
  return (await stored()).map((doc) => doc.seq).sort((a, b) => a - b);
}

async function seqsOf(action: string): Promise<number[]> {
  return (await stored({ action })).map((doc) => doc.seq);
}

/** Appends `count` entries from `callers` concurrent callers, each awaiting its own appends in turn. */
async function appendFromCallers(action: string, count: number, callers: number): Promise<void> {
  let next = 0;
  const caller = async () => {
    while (next < count) {
      const i = next++;
      await recordAudit(entry(action, { details: { i } }));
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
}

/** Starts test/helpers/auditWriter.ts against the hub's database; resolves once it is connected. */
async function startWriter(action: string, count: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER], {
    env: { ...process.env, AUDIT_WRITER_URI: testConfig().mongodbUri, AUDIT_WRITER_ACTION: action, AUDIT_WRITER_COUNT: String(count) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    });
    void exited.then((code) => reject(new Error(`audit writer exited (${code}) before it was ready: ${err}`)));
  });
  return { done: exited.then((code) => ({ code, out, err })) };
}

/** Runs test/helpers/auditLegacy.ts on a database of its own; answers what it printed. */
async function runLegacy(): Promise<Record<string, unknown>> {
  const uri = new URL(testConfig().mongodbUri ?? '');
  uri.pathname = `/audit_legacy_${randomBytes(4).toString('hex')}`;
  const child = spawn(process.execPath, ['--import', 'tsx', LEGACY], {
    env: { ...process.env, AUDIT_LEGACY_URI: uri.toString() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code, err).to.equal(0);
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

/** Every page of `GET /api/audit?action=…` as the Office admin: the seqs, in the order listed. */
async function listAll(action: string, limit: number): Promise<number[]> {
  const office = await asOfficeAdmin();
  const seen: number[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: { items: { seq: number }[]; nextCursor: string | null } } = await get(
      `/api/audit?action=${action}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      office.token,
    );
    expect(res.status).to.equal(200);
    seen.push(...res.body.items.map((r) => r.seq));
    cursor = res.body.nextCursor;
  } while (cursor);
  return seen;
}

/** The record at `seq`, as stored. */
async function rawAt(seq: number) {
  const doc = await records(seq).findOne({ seq });
  if (!doc) throw new Error(`no audit record with seq ${seq}`);
  return doc;
}

describe('audit trail (§9)', () => {
  describe('the hash chain', () => {
    it('stays gap-free and valid under 200 concurrent appends', async () => {
      const action = tag();
      await Promise.all(Array.from({ length: 200 }, (_, i) => recordAudit(entry(action, { details: { i } }))));
      const mine = await seqsOf(action);
      expect(new Set(mine).size).to.equal(200);
      const seqs = await allSeqs();
      expect(seqs).to.deep.equal(seqs.map((_, i) => i + 1));
      const result = await verifyAuditTrail();
      expect(result).to.include({ ok: true, firstBrokenId: null });
      expect(result.checked).to.be.at.least(seqs.length);
    });

    it('stores what it hashed: each record hashes to its hash and links to the one before', async () => {
      const action = tag();
      await recordAudit(entry(action, { details: { email: 'a@b.test', count: 3, flag: true, none: null } }));
      await recordAudit(entry(action));
      const [first, second] = (await stored({ action })).sort((x, y) => x.seq - y.seq);
      expect(first!.hash).to.match(/^[0-9a-f]{64}$/);
      expect(hashAuditRecord(first!)).to.equal(first!.hash);
      expect(second!.seq).to.equal(first!.seq + 1);
      expect(second!.prevHash).to.equal(first!.hash);
      expect(second!.details).to.deep.equal({});
    });

    it('keeps the head at the end of the chain', async () => {
      await recordAudit(entry(tag()));
      const seqs = await allSeqs();
      const head = await AuditHead.findById('audit').lean();
      const last = await rawAt(seqs[seqs.length - 1]!);
      expect(head).to.include({ seq: last.seq, hash: last.hash });
    });

    it('stays gap-free and valid while a second process appends at the same time', async function () {
      this.timeout(120_000);
      const theirs = tag();
      const ours = tag();
      const writer = await startWriter(theirs, 100);
      await appendFromCallers(ours, 100, 10);
      const { code, err } = await writer.done;
      expect(code, err).to.equal(0);
      const seqs = await Promise.all([seqsOf(theirs), seqsOf(ours)]);
      expect(seqs[0]).to.have.length(100);
      expect(seqs[1]).to.have.length(100);
      expect(new Set([...seqs[0], ...seqs[1]]).size).to.equal(200);
      const all = await allSeqs();
      expect(all).to.deep.equal(all.map((_, i) => i + 1));
      expect(await verifyAuditTrail()).to.include({ ok: true, firstBrokenId: null });
      // The other process's records were appended to the same chain this process keeps writing to.
      await recordAudit(entry(ours));
      expect((await verifyAuditTrail()).ok).to.equal(true);
    });

    it('goes on from one block to the next: linked and listed across, a removed block found', async function () {
      this.timeout(180_000);
      const before = await allSeqs();
      const last = before[before.length - 1] ?? 0;
      const action = tag();
      const count = AUDIT_BLOCK_SIZE - (last % AUDIT_BLOCK_SIZE) + 5;
      await Promise.all(Array.from({ length: count }, (_, i) => recordAudit(entry(action, { details: { i } }))));
      const boundary = auditBlockOf(last + count) * AUDIT_BLOCK_SIZE;
      const [lastOfBlock, firstOfNext] = await Promise.all([rawAt(boundary), rawAt(boundary + 1)]);
      expect(firstOfNext.prevHash).to.equal(lastOfBlock.hash);
      expect(await records(boundary).countDocuments({ seq: boundary + 1 })).to.equal(0);
      expect(await verifyAuditTrail()).to.include({ ok: true, firstBrokenId: null });

      const listed = await listAll(action, 100);
      expect(listed).to.have.length(count);
      expect(listed).to.deep.equal([...listed].sort((x, y) => y - x));
      expect(new Set(listed).size).to.equal(count);

      // The whole block emptied: the first record after it is reported.
      const removed = await records(boundary).find().toArray();
      await records(boundary).deleteMany({});
      try {
        expect(await verifyAuditTrail()).to.include({ ok: false, firstBrokenId: firstOfNext._id });
      } finally {
        await records(boundary).insertMany(removed);
      }
      expect((await verifyAuditTrail()).ok).to.equal(true);
    });

    it('reads a chain written before blocks and goes on from its end, the head lagging behind it', async function () {
      this.timeout(120_000);
      const found = await runLegacy();
      const seqs = Array.from({ length: 55 }, (_, i) => 55 - i);
      expect(found.verified).to.deep.equal({ ok: true, checked: 55, firstBrokenId: null });
      expect(found.seal).to.deep.equal({ seq: 25, hash: found.legacyHash });
      expect(found.firstInBlock).to.deep.equal({ seq: 26, prevHash: found.legacyHash });
      expect(found.inBlocks).to.equal(30);
      expect(found.listed).to.deep.equal(seqs);
      expect(found.byOrganisation).to.equal(25);
      expect(found.tampered).to.include({ ok: false, firstBrokenId: 'a000000000010' });
    });

    describe('tampering in the database', () => {
      // Each test breaks the shared chain and puts the original document back before it ends, so the
      // other tests (and test files) keep seeing a valid trail. Nothing appends while it is broken.
      let action: string;
      let seqs: number[];

      beforeEach(async () => {
        action = tag();
        for (let i = 0; i < 3; i++) await recordAudit(entry(action, { details: { i } }));
        seqs = (await seqsOf(action)).sort((a, b) => a - b);
      });

      it('finds a record whose content was altered', async () => {
        const original = await rawAt(seqs[1]!);
        await records(original.seq).updateOne({ _id: original._id }, { $set: { 'target.id': 'someone-else' } });
        try {
          const result = await verifyAuditTrail();
          expect(result).to.include({ ok: false, firstBrokenId: original._id.toString() });
          expect(result.checked).to.equal(original.seq);
        } finally {
          await records(original.seq).replaceOne({ _id: original._id }, original);
        }
        expect((await verifyAuditTrail()).ok).to.equal(true);
      });

      it('finds an altered record whose hash was recomputed, at the record after it', async () => {
        const original = await rawAt(seqs[1]!);
        const after = await rawAt(seqs[2]!);
        const forged = { ...original, outcome: 'failure' };
        await records(original.seq).replaceOne({ _id: original._id }, { ...forged, hash: hashAuditRecord(forged as unknown as HashedFields) });
        try {
          expect(await verifyAuditTrail()).to.include({ ok: false, firstBrokenId: after._id.toString() });
        } finally {
          await records(original.seq).replaceOne({ _id: original._id }, original);
        }
        expect((await verifyAuditTrail()).ok).to.equal(true);
      });

      it('finds a removed record, at the record right after the gap', async () => {
        const removed = await rawAt(seqs[1]!);
        const after = await rawAt(seqs[2]!);
        await records(removed.seq).deleteOne({ _id: removed._id });
        try {
          expect(await verifyAuditTrail()).to.include({ ok: false, firstBrokenId: after._id.toString() });
        } finally {
          await records(removed.seq).insertOne(removed);
        }
        expect((await verifyAuditTrail()).ok).to.equal(true);
      });

      it('finds a removed tail, at the last remaining record', async () => {
        const last = await rawAt(seqs[2]!);
        const before = await rawAt(seqs[1]!);
        await records(last.seq).deleteOne({ _id: last._id });
        try {
          expect(await verifyAuditTrail()).to.include({ ok: false, firstBrokenId: before._id.toString() });
        } finally {
          await records(last.seq).insertOne(last);
        }
        expect((await verifyAuditTrail()).ok).to.equal(true);
      });
    });

    it('refuses an entry it could not store as written, without failing the entries queued with it', async () => {
      const action = tag();
      const bad = [
        entry(action, { details: { $where: 'x' } }),
        entry(action, { details: { 'a.b': 1 } }),
        entry(action, { target: { type: '', id: null, organisationId: null } }),
        entry(''),
      ];
      const results = await Promise.allSettled([recordAudit(entry(action)), ...bad.map(recordAudit), recordAudit(entry(action))]);
      expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'rejected', 'rejected', 'rejected', 'fulfilled']);
      for (const result of results.slice(1, 5)) expect((result as PromiseRejectedResult).reason).to.be.instanceOf(TypeError);
      expect(await seqsOf(action)).to.have.length(2);
    });
  });

  describe('GET /api/audit', () => {
    let office: { token: string; organisationId: string };
    let a: Awaited<ReturnType<typeof createTenant>>;
    let b: Awaited<ReturnType<typeof createTenant>>;
    let action: string;

    before(async () => {
      office = await asOfficeAdmin();
      [a, b] = await Promise.all([createTenant(), createTenant()]);
      action = tag();
      // One record acted by an A user, one targeting B, one of neither.
      await recordAudit(entry(action, { actor: { userId: a.analyst.id, organisationId: a.organisation.id } }));
      await recordAudit(entry(action, { target: { type: 'user', id: b.member.id, organisationId: b.organisation.id } }));
      await recordAudit(entry(action));
    });

    const list = (query: string, user: { token: string }) => get(`/api/audit${query}`, user.token);

    it('shows the Office admin every record, newest first, in the contract shape', async () => {
      const res = await list(`?action=${action}`, office);
      expect(res.status).to.equal(200);
      expect(res.body.nextCursor).to.equal(null);
      const items = res.body.items as { seq: number; actor: { organisationId: string | null }; target: { organisationId: string | null } }[];
      expect(items).to.have.length(3);
      expect(items.map((r) => r.seq)).to.deep.equal([...items.map((r) => r.seq)].sort((x, y) => y - x));
      expect(items[2]!.actor.organisationId).to.equal(a.organisation.id);
      expect(items[1]!.target.organisationId).to.equal(b.organisation.id);
      const record = res.body.items[0];
      expect(record).to.have.all.keys('id', 'seq', 'at', 'actor', 'action', 'target', 'ip', 'outcome', 'details', 'hash', 'prevHash');
      expect(record.at).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(record.id).to.match(/^a[0-9]{12}$/);
      expect(record).to.include({ action, outcome: 'success', ip: '127.0.0.1' });
    });

    it('shows an organisation admin only the records whose actor or target is of their organisation', async () => {
      const seenByA = await list(`?action=${action}`, a.admin);
      expect(seenByA.status).to.equal(200);
      expect(seenByA.body.items).to.have.length(1);
      expect(seenByA.body.items[0].actor).to.deep.equal({ userId: a.analyst.id, organisationId: a.organisation.id });
      const seenByB = await list(`?action=${action}`, b.admin);
      expect(seenByB.body.items).to.have.length(1);
      expect(seenByB.body.items[0].target.organisationId).to.equal(b.organisation.id);
      const everything = await list('?limit=100', a.admin);
      for (const record of everything.body.items as { actor: { organisationId: string }; target: { organisationId: string } }[]) {
        expect([record.actor.organisationId, record.target.organisationId]).to.include(a.organisation.id);
      }
    });

    it('has the logins of the organisation on it', async () => {
      const res = await list(`?actor=${a.member.id}`, a.admin);
      expect(res.status).to.equal(200);
      const actions = (res.body.items as { action: string }[]).map((r) => r.action);
      expect(actions.some((name) => name.startsWith('auth.login'))).to.equal(true);
      const other = await list(`?actor=${b.member.id}`, a.admin);
      expect(other.body.items).to.deep.equal([]);
    });

    it('filters by actor, target and time', async () => {
      const byActor = await list(`?action=${action}&actor=${a.analyst.id}`, office);
      expect(byActor.body.items).to.have.length(1);
      const byTarget = await list(`?action=${action}&target=${b.member.id}`, office);
      expect(byTarget.body.items).to.have.length(1);
      const all = await list(`?action=${action}`, office);
      const oldest = all.body.items[2].at as string;
      const after = await list(`?action=${action}&after=${encodeURIComponent(oldest)}`, office);
      expect(after.body.items).to.have.length(2);
      const before = await list(`?action=${action}&before=${encodeURIComponent(oldest)}`, office);
      expect(before.body.items).to.have.length(0);
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
      expect((await list(`?action=${action}&before=${tomorrow}`, office)).body.items).to.have.length(3);
    });

    it('pages newest first with an opaque cursor', async () => {
      const paged = tag();
      for (let i = 0; i < 5; i++) await recordAudit(entry(paged, { details: { i } }));
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { status: number; body: { items: { seq: number }[]; nextCursor: string | null } } = await list(
          `?action=${paged}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          office,
        );
        expect(res.status).to.equal(200);
        expect(res.body.items.length).to.be.at.most(2);
        seen.push(...res.body.items.map((r) => r.seq));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).to.equal(3);
      expect(seen).to.have.length(5);
      expect(seen).to.deep.equal([...seen].sort((x, y) => y - x));
      expect(new Set(seen).size).to.equal(5);
    });

    it('forbids analysts and members (403) and needs a token (401)', async () => {
      for (const user of [a.analyst, a.member] as TestUser[]) {
        const res = await list('', user);
        expect(res.status).to.equal(403);
        expect(res.body.error.code).to.equal('forbidden');
      }
      const anonymous = await get('/api/audit');
      expect(anonymous.status).to.equal(401);
      expect(anonymous.body.error.code).to.equal('unauthenticated');
    });

    it('rejects bad parameters with 400', async () => {
      const bad = [
        '?unknown=1',
        '?actor=not-an-id',
        '?target=123',
        '?after=yesterday',
        '?before=2024-13-45',
        '?limit=0',
        '?limit=101',
        '?cursor=garbage',
        '?action=Auth%20login',
        '?action=auth.login&action=x',
        '?actor[$ne]=x',
        '?$where=1',
        `?cursor=${Buffer.from('[{"$gt":0}]').toString('base64url')}`,
      ];
      for (const query of bad) {
        const res = await list(query, office);
        expect(res.status, query).to.equal(400);
        expect(res.body.error.code, query).to.equal('invalid_request');
      }
    });
  });

  describe('GET /api/audit/verify', () => {
    it('answers the Office admin {ok, checked, firstBrokenId} and records the check', async () => {
      const office = await asOfficeAdmin();
      const res = await get('/api/audit/verify', office.token);
      expect(res.status).to.equal(200);
      expect(res.body).to.have.all.keys('ok', 'checked', 'firstBrokenId');
      expect(res.body).to.include({ ok: true, firstBrokenId: null });
      expect(res.body.checked).to.be.greaterThan(0);
      const trail = await get('/api/audit?action=audit.verify&limit=1', office.token);
      expect(trail.body.items[0]).to.deep.include({ action: 'audit.verify', outcome: 'success' });
      expect(trail.body.items[0].details).to.deep.include({ ok: true, checked: res.body.checked });
    });

    it('forbids everyone else (403) and needs a token (401)', async () => {
      const { admin, analyst } = await createTenant();
      for (const user of [admin, analyst]) {
        const res = await get('/api/audit/verify', user.token);
        expect(res.status).to.equal(403);
        expect(res.body.error.code).to.equal('forbidden');
      }
      expect((await get('/api/audit/verify')).status).to.equal(401);
      const office = await asOfficeAdmin();
      expect((await get('/api/audit/verify?deep=1', office.token)).status).to.equal(400);
    });
  });
});
