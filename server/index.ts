import 'dotenv/config';
import { ConfigError, loadConfig } from '../config/index.js';
import { createLogger } from './log.js';
import { startHub } from './hub.js';

/** Entry point of `npm start`: one clear line and exit code 1 for anything that stops the start. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    return fail(error);
  }
  const log = createLogger(config.logLevel);
  let hub;
  try {
    hub = await startHub(config, log);
  } catch (error) {
    return fail(error);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    hub.close().then(() => process.exit(0), (error: unknown) => {
      log.error({ err: error }, 'stop failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function fail(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`Partner Hub cannot start: ${error.message}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Partner Hub cannot start: ${message.split('\n')[0]}\n`);
  }
  process.exit(1);
}

void main();
