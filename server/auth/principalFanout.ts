import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import { ConfigError, type Config } from '../../config/index.js';
import type { PrincipalCache, PrincipalChange } from './principalCache.js';

type RedisClient = ReturnType<typeof createClient>;

// How long a change waits for the other processes' acknowledgements before it answers anyway (a process
// that missed the notice stops trusting its copies within DEAF_AFTER_MS, or they age out).
const ACK_TIMEOUT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 10_000;
// Each process hears its own heartbeat through Redis every BEAT_MS. A subscription that still looks
// ready but carries nothing (a frozen Redis, a half-dead connection) is noticed once no beat came back
// for DEAF_AFTER_MS: the process then trusts no copy, as when its subscription is down.
const BEAT_MS = 1_000;
const DEAF_AFTER_MS = 3_000;

interface Notice {
  from: string;
  id: string;
  change: PrincipalChange;
}

/**
 * Carries principal changes between the hub's processes through Redis, and makes the changer wait for
 * them: each notice is acknowledged by every process subscribed (itself included), and PUBLISH says how
 * many that is. A process whose subscription is down trusts no copy (the cache reads the database),
 * and drops them all when it is back, since it may have missed notices. Returns the function that stops it.
 */
export async function sharePrincipalChanges(
  config: Pick<Config, 'redisUrl' | 'jwtSecret'>,
  principals: PrincipalCache,
  log: Logger,
): Promise<() => Promise<void>> {
  const pub: RedisClient = createClient({ url: config.redisUrl!, socket: { reconnectStrategy: (retries: number) => Math.min(100 * (retries + 1), 2000) } });
  const sub = pub.duplicate();
  // A digest of the hub's secret: hubs sharing one Redis (the tests') never hear each other.
  const channel = `hub:principals:${createHash('sha256').update(`partner-hub principals ${config.jwtSecret}`).digest('hex').slice(0, 16)}`;
  const self = randomUUID();
  const acks = new Map<string, () => void>();
  let healthy = true;
  pub.on('error', () => undefined); // a command's failure is handled where it is awaited
  sub.on('error', (error: Error) => {
    if (healthy) log.warn({ err: error.message }, 'principal notices: Redis lost; cached principals unused until it is back');
    healthy = false;
  });
  // Back after an outage (resubscribed): notices sent meanwhile were missed, so every copy goes.
  sub.on('ready', () => {
    healthy = true;
    principals.forget('all');
  });

  const onNotice = (message: string) => {
    const notice = JSON.parse(message) as Notice;
    if (notice.from !== self) principals.forget(notice.change);
    pub.publish(`${channel}:ack:${notice.from}`, notice.id).catch((error: unknown) => {
      log.warn({ err: (error as Error).message }, 'principal notices: an acknowledgement was not sent');
    });
  };
  const onAck = (id: string) => acks.get(id)?.();
  let lastBeat = performance.now();
  let deaf = false;
  const onBeat = () => {
    lastBeat = performance.now();
    // Notices may have been lost while nothing came through: every copy goes.
    if (deaf) principals.forget('all');
    deaf = false;
  };
  const hearing = () => {
    if (performance.now() - lastBeat > DEAF_AFTER_MS && !deaf) {
      deaf = true;
      log.warn('principal notices: no heartbeat through Redis; cached principals unused until it is back');
    }
    return sub.isReady && !deaf;
  };

  const announce = async (change: PrincipalChange): Promise<void> => {
    const id = randomUUID();
    let received = 0;
    let expected = Infinity;
    let done!: () => void;
    const all = new Promise<void>((resolve) => {
      done = resolve;
    });
    acks.set(id, () => {
      if (++received >= expected) done();
    });
    // PUBLISH answers how many subscribers it reached; their acknowledgements may come before it does.
    const publishing = pub.publish(channel, JSON.stringify({ from: self, id, change } satisfies Notice)).then((count) => {
      expected = count;
      if (received >= count) done();
    });
    const timer = setTimeout(done, ACK_TIMEOUT_MS); // a queued PUBLISH (Redis away) waits no longer either
    try {
      await Promise.race([publishing.then(() => all), all]);
      if (received < expected) log.warn({ received, expected }, 'principal notices: not every process acknowledged in time');
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'principal notices: Redis refused the notice; other processes keep their copies up to the cache TTL');
    } finally {
      clearTimeout(timer);
      acks.delete(id);
    }
  };

  const connected = Promise.all([pub.connect(), sub.connect()]).then(() =>
    Promise.all([sub.subscribe(channel, onNotice), sub.subscribe(`${channel}:ack:${self}`, onAck), sub.subscribe(`${channel}:beat:${self}`, onBeat)]),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
  });
  let uninstall: (() => void) | undefined;
  let beating: NodeJS.Timeout | undefined;
  const stop = async () => {
    clearInterval(beating);
    uninstall?.();
    await Promise.all([pub, sub].map((client) => (client.isOpen ? client.disconnect().catch(() => undefined) : undefined)));
  };
  connected.catch(() => undefined); // past the timeout, its failure is the timeout's
  try {
    await Promise.race([connected, timeout]);
  } catch (error) {
    await stop();
    throw new ConfigError('REDIS_URL', `cannot reach Redis for principal notices (${(error as Error).message})`);
  } finally {
    clearTimeout(timer);
  }
  lastBeat = performance.now();
  beating = setInterval(() => {
    if (pub.isReady) pub.publish(`${channel}:beat:${self}`, '').catch(() => undefined);
  }, BEAT_MS);
  beating.unref();
  uninstall = principals.useFanout({ announce, listening: hearing });
  return stop;
}
