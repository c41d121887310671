import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { testEnv } from './helpers/hub.js';
import type { Answer } from './helpers/http.js';
import { checkHealth, freePort } from './helpers/process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FICTIONAL = ['Fictional demo data —', 'Données fictives —', 'بيانات تجريبية خيالية —'];

/** A hub process whose stdout is kept (spawnHub discards it, and the demo logins are printed there). */
interface DemoHub {
  port: number;
  stdout(): string;
  stop(): Promise<void>;
}

/** Starts the real entry point with HUB_DEMO=1 and waits until `/api/health` answers. */
async function startDemoHub(env: Record<string, string>): Promise<DemoHub> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: root,
    env: { ...process.env, TEST_MONGODB_URI: '', REDIS_URL: '', HUB_MASTER_KEY: '', JWT_SECRET: '', ...env, PORT: String(port), HUB_DEMO: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const hub: DemoHub = {
    port,
    stdout: () => stdout,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(force);
    },
  };
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the demo hub exited: ${stderr.trim()}`);
    if ((await checkHealth(port, 1000)).status === 200) return hub;
    await sleep(250);
  }
  await hub.stop();
  throw new Error(`the demo hub was not ready in time: ${stderr.trim()}`);
}

/** One call to the demo hub (the shared `call` helper talks to the in-process test hub). */
async function call(hub: DemoHub, method: string, url: string, token?: string, body?: unknown): Promise<Omit<Answer, 'headers'>> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`http://127.0.0.1:${hub.port}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

async function signIn(hub: DemoHub, email: string): Promise<{ token: string; organisationId: string }> {
  const res = await call(hub, 'POST', '/api/auth/login', undefined, { email, password: 'partner-hub-demo' });
  expect(res.status, `login of ${email}`).to.equal(200);
  return { token: res.body.accessToken, organisationId: res.body.user.organisationId };
}

describe('demo data (HUB_DEMO=1)', function () {
  this.timeout(300_000);
  let env: Record<string, string>;
  let hub: DemoHub | undefined;

  before(async () => {
    env = testEnv();
    hub = await startDemoHub(env);
  });

  after(async () => {
    await hub?.stop();
  });

  it('prints the demo logins', () => {
    expect(hub!.stdout()).to.include('Partner Hub demo logins (password for all: partner-hub-demo)');
    expect(hub!.stdout()).to.include('analyst@au.demo');
  });

  it('shows an analyst history from several organisations, spread over months, and only fictional content', async () => {
    const au = await signIn(hub!, 'analyst@au.demo');
    const overview = await call(hub!, 'GET', '/api/countries/KEN/overview', au.token);
    expect(overview.status).to.equal(200);
    const history = overview.body.history as { organisationId: string; publishedAt: string; overallRisk: number }[];
    expect(new Set(history.map((h) => h.organisationId)).size).to.be.at.least(3);
    const times = history.map((h) => Date.parse(h.publishedAt));
    expect(Math.max(...times) - Math.min(...times), 'published over a year or more').to.be.greaterThan(365 * 86_400_000);
    expect(Math.max(...times)).to.be.lessThan(Date.now());
    expect(overview.body.latest.length).to.be.at.least(3);

    const list = await call(hub!, 'GET', '/api/assessments?limit=100', au.token);
    expect(list.status).to.equal(200);
    expect(list.body.items.length).to.be.greaterThan(10);
    for (const item of list.body.items) {
      expect(
        FICTIONAL.some((prefix) => item.summary.startsWith(prefix)),
        item.summary,
      ).to.equal(true);
    }
    const scopes = new Set(list.body.items.map((a: { sharing: { scope: string } }) => a.sharing.scope));
    expect([...scopes]).to.include.members(['all', 'selected', 'office']);
    expect(list.body.items.some((a: { summary: string }) => a.summary.startsWith(FICTIONAL[2]!))).to.equal(true);
  });

  it('backdates every version of an assessment, not only the assessment', async () => {
    const au = await signIn(hub!, 'analyst@au.demo');
    const list = await call(hub!, 'GET', `/api/assessments?country=KEN&organisation=${au.organisationId}&status=published`, au.token);
    const latest = list.body.items[0];
    const versions = await call(hub!, 'GET', `/api/assessments/${latest.id}/versions`, au.token);
    expect(versions.body.items.length).to.be.at.least(3);
    const times = versions.body.items.map((v: { updatedAt: string }) => Date.parse(v.updatedAt));
    expect(times).to.deep.equal([...times].sort((a, b) => a - b));
    expect(times.at(-1)).to.equal(Date.parse(latest.updatedAt));
    const published = await call(hub!, 'GET', `/api/assessments/${latest.id}/versions/${versions.body.items.length}`, au.token);
    expect(published.body.publishedAt).to.equal(latest.publishedAt);
    expect(Date.now() - Date.parse(latest.publishedAt)).to.be.greaterThan(7 * 86_400_000);
  });

  it('keeps a draft to its own organisation, and selected sharing to those selected', async () => {
    const au = await signIn(hub!, 'analyst@au.demo');
    const drafts = await call(hub!, 'GET', '/api/assessments?status=draft', au.token);
    const draft = drafts.body.items.find((a: { country: string }) => a.country === 'KEN');
    expect(draft, 'the AU has a Kenya draft').to.not.equal(undefined);
    expect(draft.sharing.scope).to.equal('all');

    const igad = await signIn(hub!, 'member@igad.demo');
    expect((await call(hub!, 'GET', `/api/assessments/${draft.id}`, igad.token)).status).to.equal(404);
    const igadKenya = await call(hub!, 'GET', '/api/assessments?country=KEN&limit=100', igad.token);
    expect(igadKenya.body.items.map((a: { id: string }) => a.id)).to.not.include(draft.id);
    expect(
      igadKenya.body.items.every((a: { status: string; organisationId: string }) => a.status === 'published' || a.organisationId === igad.organisationId),
    ).to.equal(true);

    // The Office's own Kenya readings are shared with the AU only: IGAD does not see them.
    const office = await signIn(hub!, 'member@osapg.demo');
    const officeOwn = await call(hub!, 'GET', `/api/assessments?country=KEN&organisation=${office.organisationId}`, office.token);
    expect(officeOwn.body.items.length).to.be.at.least(2);
    for (const a of officeOwn.body.items) {
      expect((await call(hub!, 'GET', `/api/assessments/${a.id}`, igad.token)).status).to.equal(404);
      expect((await call(hub!, 'GET', `/api/assessments/${a.id}`, au.token)).status).to.equal(200);
    }
  });

  it('has situation rooms between the Office and partners, with invented conversations in three languages', async () => {
    const au = await signIn(hub!, 'analyst@au.demo');
    const rooms = await call(hub!, 'GET', '/api/rooms?limit=100', au.token);
    expect(rooms.status).to.equal(200);
    type DemoRoom = { id: string; name: string; country: string; organisations: string[]; lastSeq: number; unread: number };
    const byName = (name: string) => (rooms.body.items as DemoRoom[]).find((r) => r.name === name);
    const darfur = byName('Darfur — El Fasher situation');
    const sahel = byName('Sahel border incidents');
    expect(darfur, 'the AU is in the Darfur room').to.include({ country: 'SDN' });
    expect(sahel, 'the AU is in the Sahel room').to.include({ country: 'MLI' });
    expect(byName('Great Lakes hate speech monitoring'), 'the AU is not in the Great Lakes room').to.equal(undefined);
    expect(darfur!.organisations).to.have.length(4);
    expect(darfur!.unread, 'the AU analyst has not read the last messages').to.be.greaterThan(0);

    const messages = async (room: DemoRoom) =>
      (await call(hub!, 'GET', `/api/rooms/${room.id}/messages?limit=200`, au.token)).body.items as {
        seq: number;
        body: string;
        author: { organisationId: string };
        editedAt: string | null;
      }[];
    const inDarfur = await messages(darfur!);
    expect(inDarfur.map((m) => m.seq)).to.deep.equal(inDarfur.map((_, i) => i + 1));
    expect(inDarfur).to.have.length(darfur!.lastSeq);
    expect(new Set(inDarfur.map((m) => m.author.organisationId)).size).to.be.at.least(3);
    expect(inDarfur[0]!.body.startsWith(FICTIONAL[0]!)).to.equal(true);
    expect(
      inDarfur.some((m) => /[\u0600-\u06FF]/.test(m.body)),
      'Arabic',
    ).to.equal(true);
    expect(
      inDarfur.some((m) => m.editedAt !== null),
      'an edited message',
    ).to.equal(true);
    expect(
      (await messages(sahel!)).some((m) => m.body.startsWith(FICTIONAL[1]!)),
      'French',
    ).to.equal(true);

    const igad = await signIn(hub!, 'member@igad.demo');
    expect((await call(hub!, 'GET', `/api/rooms/${sahel!.id}`, igad.token)).status).to.equal(404);
  });

  it('has two alerts with actions in different states', async () => {
    const au = await signIn(hub!, 'analyst@au.demo');
    const alerts = await call(hub!, 'GET', '/api/alerts', au.token);
    expect(alerts.body.items.length).to.be.at.least(2);
    const statuses = new Set(alerts.body.items.flatMap((a: { actions: { status: string }[] }) => a.actions.map((x) => x.status)));
    expect([...statuses]).to.include.members(['open', 'in-progress', 'done', 'declined']);
    const mine = await call(hub!, 'GET', '/api/actions?assigned=mine&status=open,in-progress', au.token);
    expect(mine.body.items.length).to.be.at.least(1);
  });

  it('loads the demo assessments once: a restart adds none', async () => {
    const count = async () => {
      const au = await signIn(hub!, 'analyst@au.demo');
      return (await call(hub!, 'GET', '/api/assessments?limit=100', au.token)).body.items.length as number;
    };
    const before = await count();
    await hub!.stop();
    hub = await startDemoHub(env);
    expect(hub.stdout()).to.include('analyst@au.demo');
    expect(await count()).to.equal(before);
  });
});
