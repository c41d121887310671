import { io, type Socket } from 'socket.io-client';
import { percentile } from './report.js';

/** One connected client: a user's socket, joined to the room, recording what it receives. */
interface Client {
  socket: Socket;
  /** Received `message:new` in arrival order: clientMsgId, seq and arrival time (ms, performance.now()). */
  received: { id: string; seq: number; at: number }[];
}

/** Where a client connects, and as whom. */
export interface Seat {
  url: string;
  token: string;
}

/** What one phase (one send rate for a while) measured. */
export interface PhaseResult {
  label: string;
  rate: number;
  seconds: number;
  senders: number;
  clients: number;
  sent: number;
  stored: number;
  refused: Record<string, number>;
  unanswered: number;
  /** Deliveries of stored messages that never arrived (over all clients). */
  missing: number;
  duplicates: number;
  /** Deliveries that arrived after a higher seq of the same phase. */
  outOfOrder: number;
  /** Clients that got every stored message exactly once, in seq order. */
  completeClients: number;
  deliveries: number;
  deliveredPerSecond: number;
  ackP50: number;
  ackP99: number;
  p50: number;
  p99: number;
  max: number;
}

const BODY = 'Field update from the northern districts: two convoys reached the camps this morning; the market stays closed.';
const CONNECT_TIMEOUT_MS = 60_000;
const ACK_TIMEOUT_MS = 10_000;
const DRAIN_MS = 5_000;

let phaseNumber = 0;

/** Opens one socket the way the web app does, websocket only, no compression, no reconnection. */
function open(seat: Seat): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(seat.url, {
      auth: { token: seat.token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      // false reaches ws as is, so the client does not even offer compression (the types only know the threshold form).
      perMessageDeflate: false as unknown as { threshold: number },
      timeout: CONNECT_TIMEOUT_MS,
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

function emitWithAck<T>(socket: Socket, event: string, payload: unknown, ms = ACK_TIMEOUT_MS): Promise<T> {
  return socket.timeout(ms).emitWithAck(event, payload) as Promise<T>;
}

/**
 * 200 (or any number of) clients joined to one room, all in this process so one clock times
 * every send and every arrival. Works against the hub and the bare broadcast server alike (both
 * speak `room:join`, `message:send` and `message:new` of §8).
 */
export class ChatClients {
  private clients: Client[] = [];
  /** Who sends, one socket per distinct user: the receivers' own sockets, then sockets that only send. */
  private senders: Socket[] = [];
  /** clientMsgIds of the last phase whose acknowledgement timed out. */
  private timedOut = new Set<string>();

  private constructor(private readonly roomId: string) {}

  /**
   * Connects a client per seat (a few at a time) and joins each to the room. The first `distinct` seats
   * are distinct users, and send; `sendOnly` are further members who send without having the room open
   * (their sockets join nothing, so the room's deliveries stay those of `seats`).
   */
  static async connect(seats: Seat[], roomId: string, options: { distinct?: number; sendOnly?: Seat[] } = {}, concurrency = 20): Promise<ChatClients> {
    const group = new ChatClients(roomId);
    const sendOnly = options.sendOnly ?? [];
    for (let i = 0; i < sendOnly.length; i += concurrency) group.senders.push(...(await Promise.all(sendOnly.slice(i, i + concurrency).map(open))));
    for (let i = 0; i < seats.length; i += concurrency) {
      const sockets = await Promise.all(seats.slice(i, i + concurrency).map(open));
      for (const socket of sockets) {
        const client: Client = { socket, received: [] };
        socket.on('message:new', (m: { clientMsgId: string | null; seq: number }) => {
          client.received.push({ id: m.clientMsgId ?? '', seq: m.seq, at: performance.now() });
        });
        group.clients.push(client);
      }
    }
    group.senders.unshift(...group.clients.slice(0, options.distinct ?? seats.length).map((c) => c.socket));
    // Joined a few at a time, with a long timeout: a hub just restarted may still share its database with leftover work.
    for (let i = 0; i < group.clients.length; i += concurrency) {
      await Promise.all(
        group.clients.slice(i, i + concurrency).map(async ({ socket }) => {
          const answer = await emitWithAck<{ ok: boolean; error?: unknown }>(socket, 'room:join', roomId, 60_000);
          if (!answer.ok) throw new Error(`room:join answered ${JSON.stringify(answer)}`);
        }),
      );
    }
    return group;
  }

  get size(): number {
    return this.clients.length;
  }

  /** How many distinct users can send. */
  get senderCount(): number {
    return this.senders.length;
  }

  /**
   * After a phase whose acknowledgements timed out: waits until the server has worked through
   * those sends (their `message:new` reached the first client); false if it has not within `maxMs`.
   */
  async settle(maxMs = 15_000): Promise<boolean> {
    const first = this.clients[0];
    if (!first || this.timedOut.size === 0) return true;
    const until = performance.now() + maxMs;
    while (performance.now() < until) {
      const seen = new Set(first.received.map((r) => r.id));
      if ([...this.timedOut].every((id) => seen.has(id))) return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  }

  /** Closes every socket. */
  close(): void {
    for (const { socket } of this.clients) socket.close();
    for (const socket of this.senders) socket.close();
    this.clients = [];
    this.senders = [];
  }

  /**
   * Sends `rate` messages a second for `seconds`, round-robin over the first `senders` sending users,
   * paced by the clock (a late tick sends what is due). Then waits for every acknowledgement and
   * for every stored message to reach every client (or DRAIN_MS), and checks each client's stream.
   */
  async phase(label: string, rate: number, seconds: number, senders: number): Promise<PhaseResult> {
    const tag = `p${++phaseNumber}-`;
    const total = Math.round(rate * seconds);
    const sentAt = new Map<string, number>();
    const acks: Promise<void>[] = [];
    const ackMs: number[] = [];
    const stored: number[] = [];
    const refused: Record<string, number> = {};
    this.timedOut = new Set();
    for (const client of this.clients) client.received = [];

    const send = (i: number) => {
      const id = `${tag}${i}`;
      const socket = this.senders[i % senders]!;
      const at = performance.now();
      sentAt.set(id, at);
      acks.push(
        emitWithAck<{ ok: boolean; message?: { seq: number }; error?: { code: string } }>(socket, 'message:send', {
          roomId: this.roomId,
          body: `${BODY} #${i}`,
          clientMsgId: id,
        }).then(
          (answer) => {
            ackMs.push(performance.now() - at);
            if (answer.ok && answer.message) stored.push(answer.message.seq);
            else refused[answer.error?.code ?? 'unknown'] = (refused[answer.error?.code ?? 'unknown'] ?? 0) + 1;
          },
          () => {
            this.timedOut.add(id);
          },
        ),
      );
    };
    const start = performance.now();
    await new Promise<void>((resolve) => {
      let next = 0;
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
        while (next < due) send(next++);
        if (next >= total) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(tick, 2);
      tick();
    });
    const sendSeconds = (performance.now() - start) / 1000;
    await Promise.all(acks);

    const expected = new Set(stored);
    const drainUntil = performance.now() + DRAIN_MS;
    const arrived = (c: Client) => c.received.filter((r) => r.id.startsWith(tag)).length >= expected.size;
    while (performance.now() < drainUntil && !this.clients.every(arrived)) await new Promise((resolve) => setTimeout(resolve, 20));

    const latencies: number[] = [];
    let missing = 0;
    let duplicates = 0;
    let outOfOrder = 0;
    let completeClients = 0;
    let lastArrival = start;
    for (const client of this.clients) {
      const mine = client.received.filter((r) => r.id.startsWith(tag));
      const seen = new Set<number>();
      let dup = 0;
      let late = 0;
      let highest = -Infinity;
      for (const r of mine) {
        if (seen.has(r.seq)) dup++;
        seen.add(r.seq);
        if (r.seq < highest) late++;
        highest = Math.max(highest, r.seq);
        latencies.push(r.at - sentAt.get(r.id)!);
        lastArrival = Math.max(lastArrival, r.at);
      }
      const lost = [...expected].filter((seq) => !seen.has(seq)).length;
      missing += lost;
      duplicates += dup;
      outOfOrder += late;
      if (lost === 0 && dup === 0 && late === 0) completeClients++;
    }
    if (process.env.BENCH_DEBUG) {
      // Per 500 ms of the phase: the slowest delivery to the first client (when stalls happen).
      const slots = new Map<number, number>();
      for (const r of this.clients[0]!.received.filter((x) => x.id.startsWith(tag))) {
        const slot = Math.floor((sentAt.get(r.id)! - start) / 500);
        slots.set(slot, Math.max(slots.get(slot) ?? 0, r.at - sentAt.get(r.id)!));
      }
      process.stdout.write(`slowest per 500 ms: ${[...slots].map(([slot, ms]) => `${(slot / 2).toFixed(1)}s:${ms.toFixed(0)}`).join(' ')}\n`);
    }
    latencies.sort((a, b) => a - b);
    ackMs.sort((a, b) => a - b);
    return {
      label,
      rate,
      seconds: sendSeconds,
      senders,
      clients: this.clients.length,
      sent: total,
      stored: stored.length,
      refused,
      unanswered: this.timedOut.size,
      missing,
      duplicates,
      outOfOrder,
      completeClients,
      deliveries: latencies.length,
      deliveredPerSecond: latencies.length / Math.max(0.001, (lastArrival - start) / 1000),
      ackP50: percentile(ackMs, 0.5),
      ackP99: percentile(ackMs, 0.99),
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: latencies[latencies.length - 1] ?? NaN,
    };
  }
}

/**
 * Did a phase hold: every stored message reached every client exactly once, nothing refused or
 * unanswered, p99 within `p99Ms`? (Order is reported, not judged: a client puts messages in seq order.)
 */
export function sustained(r: PhaseResult, p99Ms: number): boolean {
  return r.missing === 0 && r.duplicates === 0 && r.unanswered === 0 && Object.keys(r.refused).length === 0 && r.stored === r.sent && r.p99 <= p99Ms;
}
