// `npm run rotate-master-key`: re-wraps every organisation data key and re-seals every TOTP secret from
// the current HUB_MASTER_KEY to HUB_NEW_MASTER_KEY (server/ops/masterKey.ts). Stop every hub
// process first. Idempotent: run it again after an interruption. One line and exit code 1 on failure.
import 'dotenv/config';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config/index.js';
import { connectDatabase, disconnectDatabase } from '../server/db/connection.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../server/db/embedded.js';
import { createLogger } from '../server/log.js';
import { rotateMasterKey } from '../server/ops/masterKey.js';

function newMasterKey(value: string | undefined): Buffer {
  const text = value?.trim() ?? '';
  const key = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || key.length !== 32) {
    throw new ConfigError('HUB_NEW_MASTER_KEY', 'must be 32 bytes in base64 (make one with: openssl rand -base64 32)');
  }
  return key;
}

/** The master key a hub generated into DATA_DIR (HUB_MASTER_KEY unset). */
function masterKeyFile(file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new ConfigError('HUB_MASTER_KEY', `is unset and ${file} does not exist: there is no master key to rotate`);
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new ConfigError('HUB_MASTER_KEY', `the key in ${file} is not 32 bytes of base64`);
  return key;
}

async function main(): Promise<void> {
  const env = process.env;
  const newKey = newMasterKey(env.HUB_NEW_MASTER_KEY);
  // A command must not generate secrets as a hub start would: without a master key there is nothing to rotate.
  const envKey = env.HUB_MASTER_KEY?.trim();
  const loaded = loadConfig({ ...env, HUB_MASTER_KEY: envKey || Buffer.alloc(32).toString('base64'), JWT_SECRET: env.JWT_SECRET?.trim() || 'x'.repeat(32) });
  const keyFile = path.join(loaded.dataDir, 'secrets', 'master.key');
  const fromFile = !envKey;
  const config = { ...loaded, masterKey: fromFile ? masterKeyFile(keyFile) : loaded.masterKey };
  const log = createLogger(env.LOG_LEVEL?.trim() || 'warn');

  let embedded: EmbeddedDatabase | undefined;
  if (!config.mongodbUri) embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, ferretdbBin: config.ferretdbBin, log });
  try {
    await connectDatabase(config.mongodbUri ?? embedded!.uri, log);
    const report = await rotateMasterKey(config, newKey);
    const { organisationKeys: keys, totpSecrets: totp, webhookSecrets: hooks } = report;
    process.stdout.write(`organisation keys: ${keys.rewrapped} re-wrapped, ${keys.already} already under the new key\n`);
    process.stdout.write(`TOTP secrets: ${totp.resealed} re-sealed, ${totp.already} already under the new key\n`);
    process.stdout.write(`webhook secrets: ${hooks.resealed} re-sealed, ${hooks.already} already under the new key\n`);
    if (report.failures.length > 0) {
      for (const failure of report.failures) process.stderr.write(`${failure}\n`);
      throw new Error(`${report.failures.length} record(s) open with neither key; nothing else is left to do, the hub still uses the old key`);
    }
  } finally {
    await disconnectDatabase().catch(() => undefined);
    await embedded?.stop();
  }
  if (fromFile) {
    // Replaced only once every record is under the new key, so an interrupted run still finds the old key there.
    const next = `${keyFile}.next`;
    writeFileSync(next, `${newKey.toString('base64')}\n`, { mode: 0o600 });
    renameSync(next, keyFile);
    process.stdout.write(`${keyFile} now holds the new key; start the hub\n`);
  } else {
    process.stdout.write('every record is under the new key: set HUB_MASTER_KEY to it on every hub process, then start them\n');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`rotate-master-key: ${message.split('\n')[0]}\n`);
    process.exit(1);
  },
);
