import { io, type Socket } from 'socket.io-client';

/** Where one client connects, as which user, and the rooms it joins. */
export interface Seat {
  url: string;
  /** Index of the user (clients of one user share the per-user message limit). */
  user: number;
  token: string;
  rooms: string[];
}

/** What one client saw of one room: how often each seq arrived, and arrivals below a higher seq. */
interface Stream {
  counts: Map<number, number>;
  highest: number;
  outOfOrder: number;
}

interface Client {
  seat: Seat;
  socket: Socket;
  streams: Map<string, Stream>;
  disconnected?: { at: number; reason: string };
}

/** Per minute of the soak (by send time): what was sent and how long it took. */
export interface Minute {
  sent: number;
  stored: number;
  refused: number;
  unanswered: number;
  /** ms from `emit` to the acknowledgement. */
  acks: number[];
  /** ms from `emit` to each member socket's `message:new`. */
  deliveries: number[];
}

/** The soak's verdict on delivery: every stored message to every member socket exactly once, in seq order. */
export interface Delivery {
  sockets: number;
  socketRooms: number;
  /** Socket-room pairs that received every stored message of the room exactly once, in seq order. */
  complete: number;
  expected: number;
  missing: number;
  duplicates: number;
  outOfOrder: number;
  /** Arrivals of a seq the room never stored (or a message that is not what was stored under it). */
  unknown: number;
  disconnects: { at: number; reason: string; url: string }[];
  /** Stored messages that reached none of their room's connected sockets (never published, or lost on the way to all). */
  reachedNobody: number;
  /** Rooms where some stream missed a message: how many streams missed, and the first missing seqs. */
  lossesByRoom: { roomId: string; streams: number; of: number; seqs: number[] }[];
}

const BODY = 'Field update from the northern districts: two convoys reached the camps this morning; the market stays closed.';
const ACK_TIMEOUT_MS = 10_000;

/** Opens one socket as the web app does: websocket only, no compression; no reconnection (a drop is a finding). */
function open(seat: Seat): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(seat.url, {
      auth: { token: seat.token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      perMessageDeflate: false as unknown as { threshold: number },
      timeout: 60_000,
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/**
 * The soak's socket.io clients, each joined to a few rooms, in this process so one clock times every
 * send and every arrival. Sends go at a steady rate per room, round-robin over the room's users, and
 * every arrival is counted per socket and room for the exactly-once, in-order check at the end.
 */
export class SoakSockets {
  private clients: Client[] = [];
  private readonly sentAt = new Map<string, number>();
  /** clientMsgId → seq, of every acknowledged message. */
  readonly acked = new Map<string, { roomId: string; seq: number }>();
  readonly refusedCodes: Record<string, number> = {};
  readonly minutes: Minute[] = [];
  private start = 0;
  private pending: Promise<void>[] = [];

  /** Connects a client per seat, a few at a time, then joins each to its rooms. */
  static async connect(seats: Seat[], concurrency = 20): Promise<SoakSockets> {
    const group = new SoakSockets();
    for (let i = 0; i < seats.length; i += concurrency) {
      const slice = seats.slice(i, i + concurrency);
      const sockets = await Promise.all(slice.map(open));
      sockets.forEach((socket, k) => group.track(slice[k]!, socket));
    }
    for (let i = 0; i < group.clients.length; i += concurrency) {
      await Promise.all(
        group.clients.slice(i, i + concurrency).flatMap(({ socket, seat }) =>
          seat.rooms.map(async (roomId) => {
            const answer = (await socket.timeout(60_000).emitWithAck('room:join', roomId)) as { ok: boolean };
            if (!answer.ok) throw new Error(`room:join answered ${JSON.stringify(answer)}`);
          }),
        ),
      );
    }
    return group;
  }

  private track(seat: Seat, socket: Socket): void {
    const client: Client = { seat, socket, streams: new Map(seat.rooms.map((id) => [id, { counts: new Map(), highest: 0, outOfOrder: 0 }])) };
    socket.on('message:new', (m: { roomId: string; seq: number; clientMsgId: string | null }) => {
      const at = performance.now();
      const stream = client.streams.get(m.roomId);
      if (!stream) return;
      stream.counts.set(m.seq, (stream.counts.get(m.seq) ?? 0) + 1);
      if (m.seq < stream.highest) stream.outOfOrder++;
      stream.highest = Math.max(stream.highest, m.seq);
      const sent = m.clientMsgId ? this.sentAt.get(m.clientMsgId) : undefined;
      if (sent !== undefined) this.minute(sent).deliveries.push(at - sent);
    });
    socket.on('disconnect', (reason) => {
      client.disconnected ??= { at: performance.now(), reason };
    });
    this.clients.push(client);
  }

  get size(): number {
    return this.clients.length;
  }

  /** Clients still connected. */
  get connected(): number {
    return this.clients.filter((c) => c.socket.connected).length;
  }

  private minute(at: number): Minute {
    const index = Math.max(0, Math.floor((at - this.start) / 60_000));
    while (this.minutes.length <= index) this.minutes.push({ sent: 0, stored: 0, refused: 0, unanswered: 0, acks: [], deliveries: [] });
    return this.minutes[index]!;
  }

  /**
   * The senders of each room: one client of each user joined to it, in turn. Answers the highest
   * messages/s any one user is asked to send at `perRoomRate` (the contract allows 2).
   */
  senders(perRoomRate: number): { byRoom: Map<string, Client[]>; busiestUserRate: number } {
    const byRoom = new Map<string, Client[]>();
    for (const client of this.clients) {
      for (const roomId of client.seat.rooms) {
        const list = byRoom.get(roomId) ?? [];
        if (!list.some((c) => c.seat.user === client.seat.user)) list.push(client);
        byRoom.set(roomId, list);
      }
    }
    const perUser = new Map<number, number>();
    for (const list of byRoom.values()) for (const c of list) perUser.set(c.seat.user, (perUser.get(c.seat.user) ?? 0) + perRoomRate / list.length);
    return { byRoom, busiestUserRate: Math.max(0, ...perUser.values()) };
  }

  /**
   * Sends `perRoomRate` messages a second into every room for `seconds`, paced by the clock and
   * staggered between rooms; `onSecond` runs once a second (for the caller's sampling). Then waits for
   * every acknowledgement.
   */
  async run(perRoomRate: number, seconds: number, onSecond: (elapsedS: number) => void): Promise<void> {
    const { byRoom } = this.senders(perRoomRate);
    const rooms = [...byRoom.entries()];
    const sentPerRoom = rooms.map(() => 0);
    this.start = performance.now();
    let second = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const elapsed = (performance.now() - this.start) / 1000;
        const ending = elapsed >= seconds;
        rooms.forEach(([roomId, senders], r) => {
          // Room r starts r/rooms of an interval late, so the rooms' sends interleave rather than burst.
          const due = ending ? Math.floor(seconds * perRoomRate) : Math.max(0, Math.floor((elapsed - r / rooms.length / perRoomRate) * perRoomRate) + 1);
          while (sentPerRoom[r]! < Math.min(due, Math.floor(seconds * perRoomRate))) {
            const n = sentPerRoom[r]!++;
            this.send(roomId, senders[n % senders.length]!, `s${r}-${n}`);
          }
        });
        while (second < Math.floor(elapsed)) onSecond(++second);
        if (ending) {
          clearInterval(timer);
          resolve();
        }
      };
      const timer = setInterval(tick, 5);
    });
    await Promise.all(this.pending);
  }

  private send(roomId: string, client: Client, clientMsgId: string): void {
    const at = performance.now();
    this.sentAt.set(clientMsgId, at);
    const minute = this.minute(at);
    minute.sent++;
    const ack = client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', { roomId, body: `${BODY} ${clientMsgId}`, clientMsgId }) as Promise<{
      ok: boolean;
      message?: { seq: number };
      error?: { code: string };
    }>;
    this.pending.push(
      ack.then(
        (answer) => {
          minute.acks.push(performance.now() - at);
          if (answer.ok && answer.message) {
            minute.stored++;
            this.acked.set(clientMsgId, { roomId, seq: answer.message.seq });
          } else {
            minute.refused++;
            const code = answer.error?.code ?? 'unknown';
            this.refusedCodes[code] = (this.refusedCodes[code] ?? 0) + 1;
          }
        },
        () => {
          minute.unanswered++;
        },
      ),
    );
  }

  /** Arrivals so far over every client and room. */
  private arrivals(): number {
    let n = 0;
    for (const c of this.clients) for (const stream of c.streams.values()) for (const count of stream.counts.values()) n += count;
    return n;
  }

  /**
   * After the load: waits until every connected client has every seq up to the room's last (asked
   * again through `lastSeqs` every few seconds, as a backlog may still be being stored), or until nothing
   * new arrived for `quietMs`, or `maxMs` passed. Answers the seconds it waited.
   */
  async drain(lastSeqs: () => Promise<Map<string, number>>, quietMs: number, maxMs: number): Promise<number> {
    const started = performance.now();
    let last = await lastSeqs();
    let asked = performance.now();
    let seen = this.arrivals();
    let quietSince = performance.now();
    const done = () =>
      this.clients.every((c) => !c.socket.connected || [...c.streams.entries()].every(([roomId, s]) => s.counts.size >= (last.get(roomId) ?? 0)));
    while (performance.now() - started < maxMs && performance.now() - quietSince < quietMs) {
      if (done()) {
        // Complete against what was stored when last asked: ask once more, in case more was stored since.
        const again = await lastSeqs();
        const grew = [...again].some(([id, seq]) => seq > (last.get(id) ?? 0));
        last = again;
        if (!grew && done()) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = this.arrivals();
      if (now !== seen) {
        seen = now;
        quietSince = performance.now();
      }
      if (performance.now() - asked > 5000) {
        last = await lastSeqs();
        asked = performance.now();
      }
    }
    return (performance.now() - started) / 1000;
  }

  /**
   * Checks every client's stream of every room it joined against what the room stored (`stored`: the
   * room's seqs 1..n, read back from the database after the run; every client joined before the first send).
   */
  verify(stored: Map<string, Map<number, string | null>>): Delivery {
    const result: Delivery = {
      sockets: this.clients.length,
      socketRooms: 0,
      complete: 0,
      expected: 0,
      missing: 0,
      duplicates: 0,
      outOfOrder: 0,
      unknown: 0,
      disconnects: [],
      reachedNobody: 0,
      lossesByRoom: [],
    };
    // roomId → seq → streams that missed it; and how many connected streams each room has.
    const missedBy = new Map<string, Map<number, number>>();
    const streamsOf = new Map<string, number>();
    for (const client of this.clients) {
      if (client.disconnected)
        result.disconnects.push({ at: (client.disconnected.at - this.start) / 1000, reason: client.disconnected.reason, url: client.seat.url });
      for (const [roomId, stream] of client.streams) {
        const seqs = stored.get(roomId) ?? new Map<number, string | null>();
        result.socketRooms++;
        result.expected += seqs.size;
        let missing = 0;
        let duplicates = 0;
        const missed = missedBy.get(roomId) ?? new Map<number, number>();
        missedBy.set(roomId, missed);
        if (!client.disconnected) streamsOf.set(roomId, (streamsOf.get(roomId) ?? 0) + 1);
        for (const seq of seqs.keys()) {
          const count = stream.counts.get(seq) ?? 0;
          if (count === 0) {
            missing++;
            if (!client.disconnected) missed.set(seq, (missed.get(seq) ?? 0) + 1);
          } else {
            duplicates += count - 1;
          }
        }
        const unknown = [...stream.counts.keys()].filter((seq) => !seqs.has(seq)).length;
        result.missing += missing;
        result.duplicates += duplicates;
        result.outOfOrder += stream.outOfOrder;
        result.unknown += unknown;
        if (missing === 0 && duplicates === 0 && unknown === 0 && stream.outOfOrder === 0) result.complete++;
      }
    }
    for (const [roomId, missed] of missedBy) {
      const of = streamsOf.get(roomId) ?? 0;
      result.reachedNobody += [...missed.values()].filter((n) => n === of).length;
      if (missed.size === 0) continue;
      const streams = Math.max(...missed.values());
      result.lossesByRoom.push({ roomId, streams, of, seqs: [...missed.keys()].sort((x, y) => x - y) });
    }
    return result;
  }

  /** Acknowledged messages that the room did not store under the acknowledged seq. */
  ackedButNotStored(stored: Map<string, Map<number, string | null>>): number {
    let wrong = 0;
    for (const [clientMsgId, { roomId, seq }] of this.acked) if (stored.get(roomId)?.get(seq) !== clientMsgId) wrong++;
    return wrong;
  }

  /** Closes every socket. */
  close(): void {
    for (const { socket } of this.clients) socket.close();
  }
}
