import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { ConfigError } from '../../config/index.js';
import { within } from '../timeouts.js';

export type RedisClient = ReturnType<typeof createClient>;

const CONNECT_TIMEOUT_MS = 10_000;
const QUIT_TIMEOUT_MS = 2_000;

/** The Redis adapter that fans socket.io out across processes, and how to let go of its clients. */
export interface RedisFanout {
  adapter: ReturnType<typeof createAdapter>;
  /** The publishing client, for the hub's own short commands (room writer leases). */
  commands: RedisClient;
  close(): Promise<void>;
}

/** Logs the first error of an outage and the recovery; without an 'error' listener a Redis error would crash the process. */
function watch(client: RedisClient, role: 'publish' | 'subscribe', log: Logger): void {
  let healthy = true;
  client.on('error', (error: Error) => {
    if (healthy) log.error({ err: error.message, role }, 'redis connection lost; socket.io events do not reach other processes until it is back');
    healthy = false;
  });
  client.on('ready', () => {
    if (!healthy) log.info({ role }, 'redis connection restored');
    healthy = true;
  });
}

type Command = (...args: unknown[]) => Promise<unknown>;

/**
 * The adapter calls these without awaiting them. Redis rejects commands in flight when its connection
 * drops (and queued ones when a client closes), so each failure is logged here instead of becoming an
 * unhandled rejection that ends the process.
 */
function guardUnawaited(client: RedisClient, methods: readonly string[], log: Logger): void {
  const commands = client as unknown as Record<string, Command>;
  for (const name of methods) {
    const original = commands[name]!.bind(client);
    commands[name] = (...args: unknown[]) =>
      original(...args).catch((error: unknown) => {
        log.warn({ err: (error as Error).message, command: name }, 'redis command failed; a socket.io event may not have reached other processes');
        return undefined;
      });
  }
}

async function closeClient(client: RedisClient): Promise<void> {
  if (!client.isOpen) return;
  if (client.isReady) {
    try {
      await within(client.quit(), QUIT_TIMEOUT_MS, 'redis QUIT');
      return;
    } catch {
      // fall through: drop the connection instead
    }
  }
  try {
    await client.disconnect();
  } catch {
    // already closed
  }
}

/** Connects a publishing client and its duplicate for subscriptions, then builds the socket.io Redis adapter. */
export async function connectRedisFanout(url: string, log: Logger): Promise<RedisFanout> {
  // Keeps retrying after an outage (capped backoff); the first connection is bounded by CONNECT_TIMEOUT_MS.
  const pub: RedisClient = createClient({ url, socket: { reconnectStrategy: (retries: number) => Math.min(100 * (retries + 1), 2000) } });
  const sub = pub.duplicate();
  watch(pub, 'publish', log);
  watch(sub, 'subscribe', log);
  guardUnawaited(pub, ['publish'], log);
  guardUnawaited(sub, ['subscribe', 'pSubscribe', 'unsubscribe', 'pUnsubscribe'], log);
  try {
    await within(Promise.all([pub.connect(), sub.connect()]), CONNECT_TIMEOUT_MS, 'Redis');
  } catch (error) {
    await Promise.all([closeClient(pub), closeClient(sub)]);
    throw new ConfigError('REDIS_URL', `cannot reach Redis at ${safeHost(url)} (${(error as Error).message})`);
  }
  log.info({ redis: safeHost(url) }, 'socket.io fans out through Redis');
  return {
    adapter: createAdapter(pub, sub),
    commands: pub,
    async close() {
      await Promise.all([closeClient(pub), closeClient(sub)]);
    },
  };
}

/** host:port of a Redis URL, never its password. */
function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'REDIS_URL';
  }
}
