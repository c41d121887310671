import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConnectionString } from 'mongodb-connection-string-url';
import mongoose, { type mongo } from 'mongoose';
import { destination, pino, type Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from '../../config/index.js';
import { startEmbeddedDatabase } from '../db/embedded.js';
import { readEmbeddedAddress } from '../db/embeddedAddress.js';
import { createBlobStore } from '../services/blobs/index.js';
import { BackupRefused, createBackup } from './backup.js';
import { BackupFileError } from './format.js';
import { restoreBackup, RestoreRefused } from './restore.js';
import { MasterKeyError, type MasterKey } from './verify.js';

// `npm run backup -- <file>` and `npm run restore -- <file>`: the hub's own configuration
// (config/index.ts, .env), its database — MONGODB_URI; else the embedded database of the hub running
// on DATA_DIR; else that embedded database started for the command — and its blob store. One line
// and exit code 1 for anything that goes wrong.

const PLACEHOLDER_KEY = Buffer.alloc(32).toString('base64');
const PLACEHOLDER_SECRET = 'x'.repeat(32);

/** The hub's configuration, without generating secrets as a hub start would: a command only reads the master key. */
function commandConfig(env: NodeJS.ProcessEnv): { config: Config; masterKey: MasterKey | null } {
  const envKey = env.HUB_MASTER_KEY?.trim();
  const config = loadConfig({ ...env, HUB_MASTER_KEY: envKey || PLACEHOLDER_KEY, JWT_SECRET: env.JWT_SECRET?.trim() || PLACEHOLDER_SECRET });
  if (envKey) return { config, masterKey: { key: config.masterKey, source: 'HUB_MASTER_KEY' } };
  const file = path.join(config.dataDir, 'secrets', 'master.key');
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { config, masterKey: null };
    throw error;
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new ConfigError('HUB_MASTER_KEY', `the key in ${file} is not 32 bytes of base64`);
  return { config, masterKey: { key, source: file } };
}

/** The hub's database, opened for one command. */
interface Opened {
  db: mongo.Db;
  where: string;
  close(): Promise<void>;
}

function describeUri(uri: string): string {
  const url = new ConnectionString(uri);
  return `${url.hosts.join(',')}${url.pathname}`;
}

async function openDatabase(config: Config, log: Logger, command: 'backup' | 'restore'): Promise<Opened> {
  const connect = async (uri: string, where: string, stop?: () => Promise<void>): Promise<Opened> => {
    // Not the hub's connection settings: a command has no requests to fail fast for, an index build
    // or a large batch may take longer than the hub's socket timeout, and connecting must not create
    // the models' collections (mongoose's autoCreate) in a database a restore finds empty or refuses.
    await mongoose.connect(uri, { serverSelectionTimeoutMS: 5000, socketTimeoutMS: 0, maxPoolSize: 4, autoCreate: false, autoIndex: false });
    return {
      db: mongoose.connection.db!,
      where,
      close: async () => {
        await mongoose.disconnect();
        await stop?.();
      },
    };
  };
  if (config.mongodbUri) return connect(config.mongodbUri, `MONGODB_URI (${describeUri(config.mongodbUri)})`);
  const running = readEmbeddedAddress(config.dataDir);
  if (running) {
    if (command === 'restore') {
      throw new RestoreRefused(`a hub (pid ${running.pid}) is running on ${config.dataDir}: stop it first, a restore replaces its data`);
    }
    try {
      return await connect(running.uri, `the embedded database of the hub running on ${config.dataDir} (pid ${running.pid})`);
    } catch (error) {
      throw new Error(
        `${path.join(config.dataDir, 'embedded-db.json')} says the hub with pid ${running.pid} serves its database at ${running.uri}, ` +
          `but it does not answer (${(error as Error).message.split('\n')[0]}); if no hub runs on this DATA_DIR, remove that file`,
      );
    }
  }
  const embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, ferretdbBin: config.ferretdbBin, log });
  try {
    return await connect(embedded.uri, `the embedded database of ${config.dataDir} (started for this ${command})`, () => embedded.stop());
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
const say = (line: string) => process.stderr.write(`${line}\n`);

/** Runs one command: arguments, configuration, database, Ctrl-C, the one-line failure and the exit code. */
async function runCommand(
  command: 'backup' | 'restore',
  argv: string[],
  work: (file: string, force: boolean, context: { config: Config; masterKey: MasterKey | null; opened: Opened; signal: AbortSignal }) => Promise<void>,
): Promise<never> {
  const force = argv.includes('--force');
  const files = argv.filter((arg) => arg !== '--force');
  if (files.length !== 1 || files[0]!.startsWith('-')) {
    say(`usage: npm run ${command} -- <file> [--force]`);
    process.exit(1);
  }
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    say(`${command}: stopping (Ctrl-C again to quit at once)`);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let opened: Opened | undefined;
  let code = 0;
  try {
    const { config, masterKey } = commandConfig(process.env);
    const log = pino({ level: process.env.LOG_LEVEL?.trim() || 'warn' }, destination(2));
    opened = await openDatabase(config, log, command);
    await work(path.resolve(files[0]!), force, { config, masterKey, opened, signal: controller.signal });
  } catch (error) {
    code = 1;
    const known = [ConfigError, BackupFileError, BackupRefused, RestoreRefused, MasterKeyError].some((kind) => error instanceof kind);
    const message = error instanceof BackupFileError ? `the backup file is damaged or incomplete: ${error.message}` : (error as Error).message;
    say(`Partner Hub ${command} failed: ${known ? message : message.split('\n')[0]}`);
  } finally {
    await opened?.close().catch(() => undefined);
  }
  process.exit(code);
}

/** `npm run backup -- <file> [--force]`. */
export function backupCommand(argv: string[]): Promise<never> {
  return runCommand('backup', argv, async (file, force, { config, masterKey, opened, signal }) => {
    say(`backing up ${opened.where} and ${path.join(config.dataDir, 'blobs')} to ${file}`);
    const summary = await createBackup({ db: opened.db, blobs: createBlobStore(config.dataDir), file, hubVersion: config.version, masterKey, force, signal });
    for (const warning of summary.warnings) say(`warning: ${warning}`);
    const lines = [
      `Backup written: ${summary.file} (${megabytes(summary.bytes)})`,
      `  ${summary.collections} collections, ${summary.documents} documents, ${summary.blobs} document blobs (${megabytes(summary.blobBytes)}, still encrypted), audit chain 1…${summary.auditSeq}`,
      masterKey
        ? `  Verified: read back whole, and every data key in it unwraps with the master key from ${masterKey.source}.`
        : '  Verified: read back whole. No master key was found to check the data keys against.',
      '  The backup does not hold the master key: keep HUB_MASTER_KEY (or DATA_DIR/secrets/master.key) safe and apart from it; a restore needs it.',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  });
}

/** `npm run restore -- <file> [--force]`. */
export function restoreCommand(argv: string[]): Promise<never> {
  return runCommand('restore', argv, async (file, force, { config, masterKey, opened, signal }) => {
    const blobDir = path.join(config.dataDir, 'blobs');
    say(`restoring ${file} into ${opened.where} and ${blobDir}`);
    const { header, trailer } = await restoreBackup({ db: opened.db, blobDir, file, masterKey, force, signal, progress: say });
    const lines = [
      `Restored ${file} (made ${header.createdAt} by Partner Hub ${header.hubVersion})`,
      `  ${trailer.collections} collections, ${trailer.documents} documents, ${trailer.blobs} document blobs (${megabytes(trailer.blobBytes)}); indexes built.`,
      `  Start the hub on it with the same master key${masterKey ? ` (${masterKey.source})` : ''}.`,
    ];
    if (trailer.missingBlobs.length > 0)
      lines.push(`  ${trailer.missingBlobs.length} blobs were already missing when the backup was made: ${trailer.missingBlobs.join(', ')}`);
    process.stdout.write(lines.join('\n') + '\n');
  });
}
