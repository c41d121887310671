import type { ChatClients, PhaseResult } from './clients.js';
import { sustained } from './clients.js';
import { cpuDuring } from './cpu.js';
import { insideBetween, scrapeHub, type Inside } from './hubInside.js';
import { fmt, step } from './report.js';

/** A phase with the CPU each process used during it (100 = one core). */
export type Measured = PhaseResult & { cpu: Record<string, number>; waiting: Record<string, number>; inside?: Inside };

/** All phases against one server: the steady one first, then the ramp. */
export interface Ladder {
  server: string;
  steady: Measured;
  ramp: Measured[];
  /** The highest send rate that held (msg/s), or 0 if none did. */
  sustainable: number;
  /** Why the ramp stopped. */
  stoppedBy: string;
  /** How often the server had to be restarted to drop a backlog of timed-out sends. */
  restarts: number;
}

/** What a ladder runs against; `reset` restarts the server(s) and replaces clients and pids. */
export interface Target {
  clients: ChatClients;
  pids: Record<string, number>;
  /** The hub's Prometheus endpoint, when it serves one: each step then reports what the hub saw. */
  metricsUrl?: string;
  reset?: () => Promise<void>;
}

/** How one server is measured: its target, the steady phase, the step length, the limits and the deadline. */
export interface LadderOptions {
  server: string;
  target: Target;
  steadyRate: number;
  steadySeconds: number;
  stepSeconds: number;
  p99LimitMs: number;
  /** The most messages a second a sending client may send (the hub's per-user limit, with a margin); Infinity for none. */
  perSenderRate: number;
  minSenders: number;
  /** Distinct users among the clients: no more can send without sharing a user's limit. */
  maxSenders: number;
  /** performance.now() by which the ramp must have ended. */
  deadline: number;
  /** Where to look first if the steady rate does not hold (e.g. what one hub process sustained). */
  hint?: number;
}

/** How many clients send at `rate`: at least `minSenders`, enough to stay under the per-sender rate. */
function sendersFor(rate: number, o: LadderOptions): number {
  const needed = Number.isFinite(o.perSenderRate) ? Math.ceil(rate / o.perSenderRate) : o.minSenders;
  return Math.min(o.maxSenders, o.target.clients.senderCount, Math.max(o.minSenders, needed));
}

async function run(o: LadderOptions, label: string, rate: number, seconds: number): Promise<Measured> {
  const url = o.target.metricsUrl;
  const before = url ? await scrapeHub(url) : undefined;
  const { result, cpu, waiting } = await cpuDuring(o.target.pids, () => o.target.clients.phase(label, rate, seconds, sendersFor(rate, o)));
  const inside = url && before ? insideBetween(before, await scrapeHub(url), seconds) : undefined;
  const held = sustained(result, o.p99LimitMs) ? 'held' : 'did not hold';
  step(
    `${o.server} ${rate} msg/s × ${seconds} s (${result.senders} senders): ${result.deliveredPerSecond.toFixed(0)} deliveries/s, ` +
      `ack p50 ${fmt(result.ackP50)} ms, delivery p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms, missing ${result.missing}, out of order ${result.outOfOrder}, ` +
      `refused ${JSON.stringify(result.refused)}, unanswered ${result.unanswered}; CPU ${Object.entries(cpu)
        .map(([k, v]) => `${k} ${v.toFixed(0)} %`)
        .join(', ')}; ` +
      `waiting for a core ${Object.entries(waiting)
        .map(([k, v]) => `${k} ${v.toFixed(0)} %`)
        .join(', ')} — ${held}` +
      (inside
        ? `; inside the hub: ${inside.inserts} inserts (${fmt(inside.messagesPerInsert)} messages each), insert p50 ≤ ${fmt(inside.insertP50Ms)} ms, ` +
          `p99 ≤ ${fmt(inside.insertP99Ms)} ms, event loop p99 ${fmt(inside.loopP99Ms)} ms, max ${fmt(inside.loopMaxMs)} ms, GC ${fmt(inside.gcMsPerSecond)} ms/s, ` +
          `${fmt(inside.commandsPerMessage)} database commands per message (${inside.topCommands.map(([k, n]) => `${k} ${fmt(n)}`).join(', ')})`
        : ''),
  );
  return { ...result, cpu, waiting, inside };
}

/** After a phase whose sends timed out, waits for the server to work through them, or restarts it. */
async function recover(o: LadderOptions, r: Measured): Promise<number> {
  // Nothing to recover for when no further step fits: cleaning up stops the server anyway.
  if (r.unanswered === 0 || performance.now() + (o.stepSeconds + 6) * 1000 >= o.deadline) return 0;
  if (await o.target.clients.settle(5000)) return 0;
  if (!o.target.reset) return 0;
  step(`${o.server}: still working through timed-out sends; restarting it`);
  await o.target.reset();
  return 1;
}

/** Failed on latency alone: everything stored and delivered, once, but p99 over the limit (worth a second try: the machine is shared). */
const latencyOnly = (m: Measured, limit: number) => m.p99 > limit && sustained({ ...m, p99: 0 }, limit);

/**
 * The steady phase (the issue's 50 msg/s for 30 s), then the search for the sustainable rate: while
 * every step holds, the rate rises (doubling while p99 stays under half the limit, else by half);
 * while none has held yet, it falls (to the hint, else to a quarter); once one rate held and one
 * failed, it rises no further than halfway between them, until they are within 25 %. A step holds when every stored
 * message reached every client once, nothing was refused or unanswered and p99 is within the limit;
 * a step that failed on latency alone is run once more before it counts. Bounded by the deadline.
 */
export async function climb(o: LadderOptions): Promise<Ladder> {
  const ramp: Measured[] = [];
  let restarts = 0;
  let sustainable = 0;
  let failed: Measured | undefined;
  const judge = (m: Measured) => {
    if (sustained(m, o.p99LimitMs)) sustainable = Math.max(sustainable, m.rate);
    else if (!failed || m.rate < failed.rate) failed = m;
  };
  const room = () => performance.now() + (o.stepSeconds + 6) * 1000 < o.deadline;
  const attempt = async (rate: number) => {
    let m = await run(o, 'ramp', rate, o.stepSeconds);
    ramp.push(m);
    restarts += await recover(o, m);
    if (latencyOnly(m, o.p99LimitMs) && room()) {
      m = await run(o, 'ramp (again)', rate, o.stepSeconds);
      ramp.push(m);
      restarts += await recover(o, m);
    }
    judge(m);
    return m;
  };

  const steady = await run(o, 'steady', o.steadyRate, o.steadySeconds);
  restarts += await recover(o, steady);
  let last = latencyOnly(steady, o.p99LimitMs) && room() ? await attempt(o.steadyRate) : steady;
  if (last === steady) judge(steady);
  let stoppedBy = 'the time budget';
  for (;;) {
    let next: number;
    if (sustainable === 0) {
      next = ramp.length === 0 && o.hint && o.hint < last.rate ? o.hint : Math.max(1, Math.floor(last.rate / 4));
    } else {
      const up = Math.round(sustainable * (last.p99 < o.p99LimitMs / 2 ? 2 : 1.5));
      next = failed ? Math.min(up, Math.floor((sustainable + failed.rate) / 2)) : up;
    }
    if (failed && sustainable > 0 && (next <= sustainable || failed.rate - sustainable <= Math.max(1, sustainable * 0.25))) {
      stoppedBy = describe(failed, o);
      break;
    }
    if (sustainable === 0 && next === last.rate) {
      stoppedBy = 'no rate held';
      break;
    }
    if (!room()) break;
    if (Number.isFinite(o.perSenderRate) && next > o.maxSenders * o.perSenderRate) {
      stoppedBy = `the per-user limit (${o.maxSenders} sending users)`;
      break;
    }
    last = await attempt(next);
  }
  return { server: o.server, steady, ramp, sustainable, stoppedBy, restarts };
}

/** Why a step did not hold. */
function describe(m: Measured, o: LadderOptions): string {
  if (m.missing > 0 || m.unanswered > 0) return `lost or late messages at ${m.rate} msg/s`;
  if (m.p99 > o.p99LimitMs) return `p99 over ${o.p99LimitMs} ms at ${m.rate} msg/s`;
  return `refused sends at ${m.rate} msg/s`;
}
