import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from './process.js';

/** A message as Mailpit's list shows it. */
export interface MailSummary {
  ID: string;
  Subject: string;
  To: Array<{ Name: string; Address: string }>;
}

/** One message whole: its text and HTML bodies. */
export interface MailMessage extends MailSummary {
  Text: string;
  HTML: string;
}

/** A Mailpit the test run started: SMTP for the hub, the HTTP API to read what arrived. */
export interface Mailpit {
  smtpUrl: string;
  /** Every message received since the last `clear()`, newest first. */
  messages(): Promise<MailSummary[]>;
  /** One message with its bodies. */
  message(id: string): Promise<MailMessage>;
  /** The messages to `address` once at least `count` arrived (fails after `timeoutMs`). */
  waitFor(address: string, count?: number, timeoutMs?: number): Promise<MailMessage[]>;
  /** Messages to `address` now. */
  to(address: string): Promise<MailMessage[]>;
  clear(): Promise<void>;
  /** Stops the server (the ports stay reserved for `start()`). */
  stop(): Promise<void>;
  /** Starts it again on the same ports. */
  start(): Promise<void>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the installer put Mailpit (`scripts/install-mailpit.mjs`), or MAILPIT_BIN. */
export function mailpitBin(): string {
  const bin = process.env.MAILPIT_BIN || path.join(root, '.tools', 'mailpit', 'mailpit');
  if (!existsSync(bin)) throw new Error(`Mailpit is not installed at ${bin}: run node scripts/install-mailpit.mjs`);
  return bin;
}

/** Starts Mailpit on free loopback ports (no auth, nothing kept on disk) and waits until it answers. */
export async function startMailpit(): Promise<Mailpit> {
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const api = `http://127.0.0.1:${httpPort}/api/v1`;
  let child: ChildProcess | undefined;

  const start = async () => {
    const output: string[] = [];
    child = spawn(
      mailpitBin(),
      ['--smtp', `127.0.0.1:${smtpPort}`, '--listen', `127.0.0.1:${httpPort}`, '--disable-version-check', '--smtp-disable-rdns', '--quiet', '--max', '5000'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`Mailpit exited with ${child.exitCode}: ${output.join('')}`);
      try {
        if ((await fetch(`${api}/info`)).ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`Mailpit did not answer on ${api} within 15 s: ${output.join('')}`);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await Promise.race([exited, sleep(5000).then(() => running.kill('SIGKILL'))]);
    await exited;
  };
  const json = async <T>(url: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(url, init);
    if (!res.ok) throw new Error(`Mailpit answered ${res.status} to ${url}`);
    return (await res.json()) as T;
  };
  const messages = async () => (await json<{ messages: MailSummary[] }>(`${api}/messages?limit=1000`)).messages;
  const message = (id: string) => json<MailMessage>(`${api}/message/${encodeURIComponent(id)}`);
  const to = async (address: string) => {
    const mine = (await messages()).filter((m) => m.To.some((t) => t.Address.toLowerCase() === address.toLowerCase()));
    return Promise.all(mine.map((m) => message(m.ID)));
  };

  await start();
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    messages,
    message,
    to,
    async waitFor(address, count = 1, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = await to(address);
        if (found.length >= count) return found;
        if (Date.now() > deadline) throw new Error(`${found.length} of ${count} mails to ${address} arrived within ${timeoutMs} ms`);
        await sleep(100);
      }
    },
    async clear() {
      await fetch(`${api}/messages`, { method: 'DELETE' });
    },
    stop,
    start,
  };
}
