import 'dotenv/config';
import { ConfigError, loadConfig } from '../config/index.js';
import { createLogger } from './log.js';
import { startHub, type Hub } from './hub.js';

// After the drain deadline, closing Redis, the database and the embedded FerretDB may take this long.
const STOP_AFTER_DRAIN_MS = 10_000;

/** Entry point of `npm start`: one clear line and exit code 1 for anything that stops the start. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    return fail(error);
  }
  const log = createLogger(config.logLevel);
  // Listening from the start: a SIGTERM during start-up waits for it, then stops cleanly (the default
  // action would end the process without stopping the embedded FerretDB).
  let starting: Promise<Hub> | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, drainSeconds: config.drainMs / 1000 }, 'stopping');
    setTimeout(() => {
      log.error('the stop did not finish in time; exiting');
      process.exit(1);
    }, config.drainMs + STOP_AFTER_DRAIN_MS).unref();
    try {
      const hub = await starting;
      await hub?.close();
    } catch (error) {
      log.error({ err: error }, 'stop failed');
      process.exit(1);
    }
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  starting = startHub(config, log);
  try {
    await starting;
  } catch (error) {
    return fail(error);
  }
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
