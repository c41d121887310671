import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { HttpError } from './http/errors.js';
import { dbState } from './db/connection.js';
import type { HubServer } from './realtime/types.js';

const DRAINING_MESSAGE = 'This server is shutting down; retry on another.';
// How long a request cut mid-way may take to clean up after its connection is gone.
const UNWIND_MS = 2000;

/** Counts work in flight and resolves waiters once none is left. */
class InFlight {
  private count = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  begin(): void {
    this.count++;
  }

  end(): void {
    this.count--;
    if (this.count > 0) return;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** True once nothing is in flight, false if `deadline` (epoch ms) comes first; without one, waits as long as it takes. */
  settled(deadline?: number): Promise<boolean> {
    if (this.count <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = deadline === undefined ? undefined : setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

/**
 * The hub's graceful stop: once `start()` is called, new HTTP requests answer 503 `unavailable` with
 * `Connection: close` (health says `draining`), new socket calls answer `unavailable`, and the
 * requests and acknowledged socket calls already running are counted until they finish.
 */
export class Drain {
  draining = false;
  readonly requests = new InFlight();
  readonly socketCalls = new InFlight();
  private readonly open = new Set<Response>();
  private readonly connections = new Set<Socket>();
  private readonly unwinding = new Map<Request, () => void>();
  private readonly failed = new WeakSet<Request>();

  constructor(private readonly version: string) {}

  /** Mounted before every route: counts the request and, while draining, refuses it. */
  readonly middleware: RequestHandler = (req, res, next) => {
    this.requests.begin();
    this.open.add(res);
    let counted = true;
    const end = () => {
      if (!counted) return;
      counted = false;
      this.unwinding.delete(req);
      this.requests.end();
    };
    res.once('close', () => {
      this.open.delete(res);
      if (res.writableFinished || this.failed.has(req)) return end();
      // Cut before its answer was written: its handler is still cleaning up (an upload removes its
      // temporary file) until its error reaches the error middleware; a handler that never says so is let go.
      this.unwinding.set(req, end);
      setTimeout(end, UNWIND_MS).unref();
    });
    if (!this.draining) return next();
    res.setHeader('Connection', 'close');
    if (req.path === '/api/health') {
      res.status(503).setHeader('Cache-Control', 'no-store');
      res.json({ status: 'draining', db: dbState.up ? 'ok' : 'down', version: this.version });
      return;
    }
    next(new HttpError('unavailable', DRAINING_MESSAGE));
  };

  /** Error middleware (before the one that answers): a failed request's handler has finished unwinding. */
  readonly unwound: ErrorRequestHandler = (error, req, _res, next) => {
    this.failed.add(req);
    this.unwinding.get(req)?.();
    next(error);
  };

  /** Stops taking work; answers still to be written close their connection after them. */
  start(): void {
    this.draining = true;
    // Without this a keep-alive connection would outlive the request and hold the stop until its idle timeout.
    for (const res of this.open) if (!res.headersSent) res.setHeader('Connection', 'close');
  }

  /** Remembers every connection of `server`, upgraded websockets included, so a stop can cut the last ones. */
  trackConnections(server: Server): void {
    server.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
  }

  /** Cuts whatever connection is still open (past the deadline, or a peer that does not answer a close). */
  cutConnections(): void {
    for (const socket of this.connections) socket.destroy();
  }

  /** Counts every acknowledged socket call until it answers; refuses new ones while draining. */
  watchSockets(io: HubServer): void {
    io.on('connection', (socket) => {
      const unanswered = new Set<() => void>();
      // A handler that never answers must not hold the stop: the socket's end releases its calls.
      socket.once('disconnect', () => {
        for (const release of [...unanswered]) release();
      });
      socket.use((event, next) => {
        const last = event.length - 1;
        const ack = event[last] as unknown;
        if (this.draining) {
          // Unacknowledged events (typing) are dropped; the client retries the others after it reconnects.
          if (typeof ack === 'function') ack({ ok: false, error: { code: 'unavailable', message: DRAINING_MESSAGE } });
          return;
        }
        if (typeof ack !== 'function') return next();
        this.socketCalls.begin();
        const release = () => {
          if (!unanswered.delete(release)) return;
          this.socketCalls.end();
        };
        unanswered.add(release);
        event[last] = (...args: unknown[]) => {
          release();
          (ack as (...answer: unknown[]) => void)(...args);
        };
        next();
      });
    });
  }
}
