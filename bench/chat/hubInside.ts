// What the hub itself saw during a step, from its Prometheus metrics (METRICS_PORT): how long its message
// inserts took and how late its event loop ran. Scraping resets the event-loop histogram (prom-client),
// so a scrape before a step and one after give that step's figures.

/** Cumulative buckets and counters read from one scrape. */
interface Snapshot {
  insertBuckets: Map<number, number>;
  inserts: number;
  stored: number;
  gcSeconds: number;
  loopP99: number;
  loopMax: number;
  /** hub_database_commands_total by `command collection`. */
  commands: Map<string, number>;
}

/** The hub's own view of one step. */
export interface Inside {
  inserts: number;
  messagesPerInsert: number;
  /** Upper bounds of the histogram buckets holding the 50th and 99th percentile insert, ms. */
  insertP50Ms: number;
  insertP99Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  /** Garbage collection, ms per second of the step. */
  gcMsPerSecond: number;
  /** Database commands the hub sent per stored message, all together and the largest kinds. */
  commandsPerMessage: number;
  topCommands: [string, number][];
}

const number = (text: string, name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? 0);

/** Reads the metrics the step report needs. */
export async function scrapeHub(url: string): Promise<Snapshot> {
  const text = await (await fetch(url)).text();
  const insertBuckets = new Map<number, number>();
  for (const [, le, value] of text.matchAll(/^hub_message_insert_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)) {
    insertBuckets.set(le === '+Inf' ? Infinity : Number(le), Number(value));
  }
  const commands = new Map<string, number>();
  for (const [, command, collection, value] of text.matchAll(/^hub_database_commands_total\{command="([^"]*)",collection="([^"]*)"\} (\S+)$/gm)) {
    commands.set(`${command} ${collection}`.trim(), Number(value));
  }
  let gcSeconds = 0;
  for (const [, value] of text.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*\} (\S+)$/gm)) gcSeconds += Number(value);
  return {
    insertBuckets,
    inserts: number(text, 'hub_message_insert_seconds_count'),
    stored: number(text, 'hub_messages_stored_total'),
    gcSeconds,
    loopP99: number(text, 'nodejs_eventloop_lag_p99_seconds'),
    loopMax: number(text, 'nodejs_eventloop_lag_max_seconds'),
    commands,
  };
}

/** The bucket bound (ms) under which fraction `q` of the step's inserts fell. */
function percentile(before: Snapshot, after: Snapshot, q: number): number {
  const total = after.inserts - before.inserts;
  for (const [le, count] of [...after.insertBuckets].sort(([a], [b]) => a - b)) {
    if (count - (before.insertBuckets.get(le) ?? 0) >= q * total) return le * 1000;
  }
  return Infinity;
}

/** The step between two scrapes, `seconds` long. */
export function insideBetween(before: Snapshot, after: Snapshot, seconds: number): Inside {
  const inserts = after.inserts - before.inserts;
  const stored = Math.max(1, after.stored - before.stored);
  const perMessage = [...after.commands]
    .map(([key, value]): [string, number] => [key, (value - (before.commands.get(key) ?? 0)) / stored])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return {
    inserts,
    messagesPerInsert: inserts > 0 ? (after.stored - before.stored) / inserts : 0,
    insertP50Ms: percentile(before, after, 0.5),
    insertP99Ms: percentile(before, after, 0.99),
    loopP99Ms: after.loopP99 * 1000,
    loopMaxMs: after.loopMax * 1000,
    gcMsPerSecond: ((after.gcSeconds - before.gcSeconds) * 1000) / seconds,
    commandsPerMessage: perMessage.reduce((sum, [, n]) => sum + n, 0),
    topCommands: perMessage.slice(0, 4),
  };
}
