import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { checkHealth, freePort } from '../../test/helpers/process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The hub process under test. */
export interface BenchHub {
  port: number;
  /** SIGTERM (SIGKILL after 20 s); resolves with the wall-clock time it exited at. */
  stop(): Promise<number>;
}

/**
 * Starts `node [--cpu-prof] --import tsx server/index.ts` on 127.0.0.1 against `mongodbUri` (the
 * test helper's spawnHub cannot pass node flags, and the CPU profile needs one), then waits for health.
 */
export async function startHub(options: { dataDir: string; mongodbUri: string; profileDir?: string }): Promise<BenchHub> {
  const port = await freePort();
  const flags = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', 'server/index.ts'], {
    cwd: root,
    env: {
      ...process.env,
      // Emptied so neither this shell nor a .env picks anything else (the hub reads '' as unset).
      REDIS_URL: '',
      HUB_MASTER_KEY: '',
      JWT_SECRET: '',
      HUB_DEMO: '',
      TRUST_PROXY: '',
      TEST_MONGODB_URI: '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: options.dataDir,
      MONGODB_URI: options.mongodbUri,
      HUB_ADMIN_EMAIL: 'bench-admin@bench.test',
      HUB_ADMIN_PASSWORD: 'bench-admin-password-1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(Date.now())));
  const hub: BenchHub = {
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const at = await exited;
      clearTimeout(force);
      return at;
    },
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the hub exited before it was ready: ${stderr.trim()}`);
    if ((await checkHealth(port, 1000)).status === 200) return hub;
    await sleep(200);
  }
  await hub.stop();
  throw new Error(`the hub was not ready within 60 s: ${stderr.trim()}`);
}
