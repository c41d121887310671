import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { testEnv } from './helpers/hub.js';
import { signInAt } from './helpers/hubPair.js';
import { freePort, processesMentioning, runHub, spawnHub, type HubProcess } from './helpers/process.js';

/** One HTTP/1.1 answer read off a raw connection. */
interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * An HTTP/1.1 connection driven byte by byte, so a test can hold a request half-sent across a SIGTERM
 * (fetch would neither send half a request nor say when the server took it).
 */
class RawConnection {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Waits until the server has closed the connection. */
  async untilClosed(ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed) await this.more(deadline);
  }

  /** Reads the next answer (a `100 Continue` included), whose body has a Content-Length. */
  async read(ms = 10_000): Promise<RawAnswer> {
    const deadline = Date.now() + ms;
    let end: number;
    while ((end = this.buffer.indexOf('\r\n\r\n')) < 0) await this.more(deadline);
    const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(
      lines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      }),
    );
    const length = Number(headers['content-length'] ?? 0);
    while (this.buffer.length < end + 4 + length) await this.more(deadline);
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  }

  private more(deadline: number): Promise<void> {
    if (this.closed) throw new Error(`the connection closed; unread: ${this.buffer.toString('latin1')}`);
    if (Date.now() > deadline) throw new Error(`no answer in time; unread: ${this.buffer.toString('latin1')}`);
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A multipart document upload of `content`, split where the file's bytes begin (to send them later). */
function uploadParts(token: string, content: Buffer): { head: string; file: Buffer; tail: string } {
  const boundary = `----shutdown${randomBytes(8).toString('hex')}`;
  const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const preamble =
    field('title', 'Uploaded across a SIGTERM') +
    field('classification', 'confidential') +
    field('sharing', JSON.stringify({ scope: 'organisation', organisations: [] })) +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.txt"\r\nContent-Type: text/plain\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const length = Buffer.byteLength(preamble) + content.length + Buffer.byteLength(tail);
  const head =
    'POST /api/documents HTTP/1.1\r\nHost: hub.test\r\n' +
    `Authorization: Bearer ${token}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
    `Content-Length: ${length}\r\nExpect: 100-continue\r\n\r\n${preamble}`;
  return { head, file: content, tail };
}

/** Starts an upload and returns once the hub has taken the request (its `100 Continue`) and half the file. */
async function startUpload(hub: HubProcess, token: string, content: Buffer) {
  const connection = await RawConnection.open(hub.port);
  const parts = uploadParts(token, content);
  const [headers, preamble] = [parts.head.slice(0, parts.head.indexOf('\r\n\r\n') + 4), parts.head.slice(parts.head.indexOf('\r\n\r\n') + 4)];
  connection.write(headers);
  expect((await connection.read()).status, 'the hub took the request').to.equal(100);
  const half = Math.floor(content.length / 2);
  connection.write(preamble);
  connection.write(content.subarray(0, half));
  return { connection, finish: () => connection.write(Buffer.concat([content.subarray(half), Buffer.from(parts.tail)])) };
}

/** Resolves once a new connection to `port` is refused. */
async function untilRefused(port: number, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    if (refused) return;
    await sleep(20);
  }
  throw new Error(`port ${port} still accepts connections`);
}

/** The parent pid of `pid` (Linux /proc). */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

const DRAIN_SECONDS = 5;

describe('graceful stop on SIGTERM (issue 7)', function () {
  this.timeout(60_000);
  let hub: HubProcess | undefined;
  const opened: Array<RawConnection | ClientSocket> = [];

  afterEach(async () => {
    for (const connection of opened.splice(0)) connection.close();
    await hub?.stop();
    hub = undefined;
  });

  let dataDir = '';

  async function startHubProcess(extra: Record<string, string> = {}): Promise<HubProcess> {
    const { PORT: _port, ...env } = testEnv({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', HUB_DRAIN_SECONDS: String(DRAIN_SECONDS), ...extra });
    dataDir = env.DATA_DIR!;
    hub = await spawnHub(env);
    return hub;
  }

  /** Files in the hub's blob store (stored blobs and the temporary files of uploads being written). */
  const blobFiles = () => (existsSync(path.join(dataDir, 'blobs')) ? readdirSync(path.join(dataDir, 'blobs'), { recursive: true }) : []);

  it('finishes the upload in flight, refuses new work, sends sockets to reconnect and exits 0', async () => {
    const running = await startHubProcess();
    const { accessToken } = await signInAt(running);

    const socket = io(`http://127.0.0.1:${running.port}`, {
      auth: { token: accessToken },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 60_000,
    });
    opened.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));

    // Requests whose headers are still arriving when the stop begins: they are new work.
    const late = await RawConnection.open(running.port);
    const lateHealth = await RawConnection.open(running.port);
    opened.push(late, lateHealth);
    late.write(`GET /api/me HTTP/1.1\r\nHost: hub.test\r\nAuthorization: Bearer ${accessToken}\r\n`);
    lateHealth.write('GET /api/health HTTP/1.1\r\nHost: hub.test\r\n');

    const content = Buffer.from('Situation notes line after line.\n'.repeat(20_000));
    const upload = await startUpload(running, accessToken, content);
    opened.push(upload.connection);

    const signalled = Date.now();
    process.kill(running.pid, 'SIGTERM');
    await untilRefused(running.port);

    late.write('\r\n');
    const refused = await late.read();
    expect(refused.status).to.equal(503);
    expect(JSON.parse(refused.body)).to.have.nested.property('error.code', 'unavailable');
    expect(refused.headers.connection).to.equal('close');
    await late.untilClosed();

    lateHealth.write('\r\n');
    const health = await lateHealth.read();
    expect(health.status).to.equal(503);
    expect(JSON.parse(health.body)).to.include({ status: 'draining' });

    expect(await disconnected, 'a disconnect the client retries').to.equal('transport close');
    expect(socket.active, 'the client will reconnect').to.equal(true);

    upload.finish();
    const stored = await upload.connection.read();
    expect(stored.status, stored.body).to.equal(201);
    expect(JSON.parse(stored.body)).to.include({ size: content.length, contentType: 'text/plain' });
    expect(stored.headers.connection).to.equal('close');

    const code = await running.stop();
    expect(code, running.stderr()).to.equal(0);
    expect(Date.now() - signalled, 'it stopped once the upload was done, before the deadline').to.be.below(DRAIN_SECONDS * 1000);
  });

  it('cuts a request still running at the deadline and still exits 0', async () => {
    const running = await startHubProcess({ HUB_DRAIN_SECONDS: '1' });
    const { accessToken } = await signInAt(running);
    const upload = await startUpload(running, accessToken, Buffer.from('never finished\n'.repeat(10_000)));
    opened.push(upload.connection);

    const signalled = Date.now();
    process.kill(running.pid, 'SIGTERM');
    await upload.connection.untilClosed();
    const code = await running.stop();
    expect(code, running.stderr()).to.equal(0);
    const elapsed = Date.now() - signalled;
    expect(elapsed, 'it waited for the deadline').to.be.at.least(1000);
    expect(elapsed, 'then stopped promptly').to.be.below(6000);
    expect(blobFiles(), 'the cut upload left nothing in the blob store').to.deep.equal([]);
  });

  it('stops cleanly when SIGTERM comes during start-up, leaving no embedded FerretDB behind', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hub-shutdown-'));
    const { MONGODB_URI: _uri, ...env } = testEnv({ DATA_DIR: dataDir, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn' });
    const exited = runHub({ ...env, PORT: String(await freePort()) }, 45_000);
    // The embedded FerretDB names the data directory on its command line; its parent is the hub.
    let hubPid: number | undefined;
    const deadline = Date.now() + 30_000;
    while (!hubPid && Date.now() < deadline) {
      const ferretdb = processesMentioning(dataDir)[0];
      if (ferretdb) hubPid = parentOf(ferretdb);
      else await sleep(10);
    }
    expect(hubPid, 'the hub started its FerretDB').to.be.a('number');
    process.kill(hubPid!, 'SIGTERM');
    const { code, stderr } = await exited;
    expect(code, stderr).to.equal(0);
    expect(processesMentioning(dataDir), 'no FerretDB left').to.deep.equal([]);
  });
});
