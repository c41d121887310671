import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const PROCESS_ADMIN_EMAIL = 'process-admin@hub.test';
export const PROCESS_ADMIN_PASSWORD = 'process-admin-password-1';

/** A hub started as its own process with `node --import tsx server/index.ts`. */
export interface HubProcess {
  port: number;
  pid: number;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Everything the process wrote to stdout (its log lines) so far. */
  stdout(): string;
  /** SIGTERM (SIGKILL after 15 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** How one health request was answered. */
export interface Health {
  status: number;
  body: { status?: string; db?: string } | undefined;
  ms: number;
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The environment of a hub process: the runner's own (PATH, Go, FERRETDB_BIN) with every hub variable
 * emptied, so neither the runner's environment nor a developer's .env (dotenv never overrides a set
 * variable; the hub reads '' as unset) picks the database; then `env`.
 */
function hubEnvironment(env: Record<string, string>): NodeJS.ProcessEnv {
  const cleared = [
    'MONGODB_URI',
    'TEST_MONGODB_URI',
    'REDIS_URL',
    'HUB_MASTER_KEY',
    'JWT_SECRET',
    'HUB_DEMO',
    'HUB_MAX_UPLOAD_MB',
    'TRUST_PROXY',
    'HUB_RATE_WINDOW_SECONDS',
    'HUB_RATE_WRITES',
    'HUB_RATE_AUTH_FAILURES',
  ];
  return {
    ...process.env,
    ...Object.fromEntries(cleared.map((name) => [name, ''])),
    HOST: '127.0.0.1',
    HUB_ADMIN_EMAIL: PROCESS_ADMIN_EMAIL,
    HUB_ADMIN_PASSWORD: PROCESS_ADMIN_PASSWORD,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    ...env,
  };
}

/** Starts the real entry point with `env` and returns once the process has exited. */
export function runHub(env: Record<string, string>, timeoutMs = 30_000): Promise<{ code: number | null; stderr: string }> {
  const child = startProcess(env);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.stdout?.resume(); // read and dropped, so a chatty log never fills the pipe
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the hub did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    // 'close' rather than 'exit': it waits until the last stderr bytes are read.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

function startProcess(env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/index.ts'], {
    cwd: root,
    env: hubEnvironment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Starts a hub process (PORT is picked here unless given) and waits until `/api/health` answers 200;
 * `nodeArgs` go to node before the hub's own (a benchmark's `--cpu-prof`).
 */
export async function spawnHub(env: Record<string, string>, readyTimeoutMs = 60_000, nodeArgs: string[] = []): Promise<HubProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = startProcess({ ...env, PORT: String(port) }, nodeArgs);
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exited = true;
      resolve(code);
    }),
  );
  const hub: HubProcess = {
    port,
    pid: child.pid ?? 0,
    stderr: () => stderr,
    stdout: () => stdout,
    async stop() {
      if (exited) return exit;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exit;
      clearTimeout(force);
      return code;
    },
  };
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the hub exited before it was ready: ${stderr.trim()}`);
    const health = await checkHealth(port, 1000);
    if (health.status === 200) return hub;
    await sleep(200);
  }
  await hub.stop();
  throw new Error(`the hub was not ready within ${readyTimeoutMs} ms: ${stderr.trim()}`);
}

/** One `GET /api/health`; status 0 when nothing answered within `timeoutMs`. */
export async function checkHealth(port: number, timeoutMs = 12_000): Promise<Health> {
  const started = Date.now();
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.json().catch(() => undefined)) as Health['body'];
    return { status: res.status, body, ms: Date.now() - started };
  } catch {
    return { status: 0, body: undefined, ms: Date.now() - started };
  }
}

/** Polls `/api/health` until it answers `status`; rejects after `timeoutMs` with the last answer. */
export async function waitForHealth(port: number, status: number, timeoutMs = 10_000, intervalMs = 100): Promise<Health> {
  const deadline = Date.now() + timeoutMs;
  let last: Health | undefined;
  while (Date.now() < deadline) {
    last = await checkHealth(port, Math.max(1, deadline - Date.now()));
    if (last.status === status) return last;
    await sleep(intervalMs);
  }
  throw new Error(`/api/health did not answer ${status} within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}

/** Pids of the running processes whose parent is `parentPid` and whose command name starts with `name` (Linux /proc). */
export function childPids(parentPid: number, name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // stat is "pid (comm) state ppid …"; comm may hold spaces, so split after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (comm.startsWith(name) && Number(ppid) === parentPid && state !== 'Z') pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Pids of processes whose command line mentions `text` (to prove nothing was left behind). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Whether a process with this pid still runs (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
