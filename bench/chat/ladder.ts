import type { ChatClients, PhaseResult } from './clients.js';
import { sustained } from './clients.js';
import { cpuDuring } from './cpu.js';
import { fmt, step } from './report.js';

/** A phase with the CPU each process used during it (100 = one core). */
export type Measured = PhaseResult & { cpu: Record<string, number>; waiting: Record<string, number> };

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
  reset?: () => Promise<void>;
}

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
}

/** How many clients send at `rate`: at least `minSenders`, enough to stay under the per-sender rate. */
function sendersFor(rate: number, o: LadderOptions): number {
  const needed = Number.isFinite(o.perSenderRate) ? Math.ceil(rate / o.perSenderRate) : o.minSenders;
  return Math.min(o.maxSenders, o.target.clients.size, Math.max(o.minSenders, needed));
}

async function run(o: LadderOptions, label: string, rate: number, seconds: number): Promise<Measured> {
  const { result, cpu, waiting } = await cpuDuring(o.target.pids, () => o.target.clients.phase(label, rate, seconds, sendersFor(rate, o)));
  const held = sustained(result, o.p99LimitMs) ? 'held' : 'did not hold';
  step(`${o.server} ${rate} msg/s × ${seconds} s (${result.senders} senders): ${result.deliveredPerSecond.toFixed(0)} deliveries/s, `
    + `ack p50 ${fmt(result.ackP50)} ms, delivery p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms, missing ${result.missing}, out of order ${result.outOfOrder}, `
    + `refused ${JSON.stringify(result.refused)}, unanswered ${result.unanswered}; CPU ${Object.entries(cpu).map(([k, v]) => `${k} ${v.toFixed(0)} %`).join(', ')}; `
    + `waiting for a core ${Object.entries(waiting).map(([k, v]) => `${k} ${v.toFixed(0)} %`).join(', ')} — ${held}`);
  return { ...result, cpu, waiting };
}

/** After a phase whose sends timed out, waits for the server to work through them, or restarts it. */
async function recover(o: LadderOptions, r: Measured): Promise<number> {
  if (r.unanswered === 0) return 0;
  if (await o.target.clients.settle()) return 0;
  if (!o.target.reset) return 0;
  step(`${o.server}: still working through timed-out sends; restarting it`);
  await o.target.reset();
  return 1;
}

/**
 * The steady phase (the issue's 50 msg/s for 30 s), then the send rate raised by half each step
 * until p99 passes the limit or a message is lost (or refused, or the time is up). If the steady
 * rate itself does not hold, the rate first falls (to what the server managed to store, or by
 * half) until one holds, then rises again from there.
 */
export async function climb(o: LadderOptions): Promise<Ladder> {
  const steady = await run(o, 'steady', o.steadyRate, o.steadySeconds);
  let restarts = await recover(o, steady);
  const ramp: Measured[] = [];
  let holds = sustained(steady, o.p99LimitMs);
  let sustainable = holds ? o.steadyRate : 0;
  let failedAt = holds ? Infinity : o.steadyRate;
  let stoppedBy = '';
  let rate = o.steadyRate;
  let last = steady;
  for (;;) {
    // Down: half the rate, or at once what the server managed to store per second if that is less.
    const managed = Math.floor((last.stored / last.seconds) * 0.8);
    const next = holds ? Math.min(Math.round(rate * 1.5), failedAt - 1) : Math.max(1, Math.min(Math.floor(rate * 0.5), managed));
    if (next <= sustainable || next === rate || next < 1) { stoppedBy = holds ? `p99 over ${o.p99LimitMs} ms or a lost message just above` : 'no rate held'; break; }
    rate = next;
    if (performance.now() + (o.stepSeconds + 6) * 1000 > o.deadline) { stoppedBy = 'the time budget'; break; }
    if (Number.isFinite(o.perSenderRate) && rate > o.maxSenders * o.perSenderRate) { stoppedBy = `the per-user limit (${o.maxSenders} sending users)`; break; }
    last = await run(o, 'ramp', rate, o.stepSeconds);
    ramp.push(last);
    restarts += await recover(o, last);
    if (sustained(last, o.p99LimitMs)) {
      sustainable = Math.max(sustainable, rate);
      holds = true;
    } else if (holds) {
      // Rising: the first rate that fails ends the ladder.
      failedAt = rate;
      stoppedBy = last.missing > 0 || last.unanswered > 0 ? 'a lost or late message' : last.p99 > o.p99LimitMs ? `p99 over ${o.p99LimitMs} ms` : 'refused sends';
      if (sustainable > 0) break;
    }
  }
  return { server: o.server, steady, ramp, sustainable, stoppedBy, restarts };
}
