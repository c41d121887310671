import type { Logger } from 'pino';
import type { PrincipalCache } from '../auth/principalCache.js';
import { dbState } from '../db/connection.js';
import type { HubServer } from './types.js';

// Ending a session reaches the sockets of every process through the Redis adapter at once. If Redis
// was away at that moment the notice is lost, so each process also re-reads the principals of its own
// sockets every SWEEP_MS — one query per collection for all of them, not one per socket — cutting those
// whose session no longer holds and keeping the others' as fresh copies (realtime/principals.ts: a busy
// room's senders then never read their principal one by one).
export const SWEEP_MS = 30_000;

/** Renews the principals of this process's sockets and cuts those whose session no longer holds; answers how many were cut. */
export async function sweepSessions(io: HubServer, principals: PrincipalCache): Promise<number> {
  const sockets = [...io.of('/').sockets.values()];
  if (sockets.length === 0 || !dbState.up) return 0;
  const claims = [...new Map(sockets.map((s) => [s.data.principal.sessionId, { sub: s.data.principal.userId, sid: s.data.principal.sessionId }])).values()];
  const renewed = await principals.renew(claims);
  const live = new Set(claims.filter((_, i) => renewed[i]).map((c) => c.sid));
  const ended = sockets.filter((s) => !live.has(s.data.principal.sessionId));
  for (const socket of ended) {
    socket.emit('session:revoked', { reason: 'session_ended' });
    socket.disconnect(true);
  }
  return ended.length;
}

/** Sweeps every SWEEP_MS until the returned function is called. */
export function startSessionSweep(io: HubServer, principals: PrincipalCache, log: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    // A sweep still reading (a stalled database) is not joined by another.
    if (running) return;
    running = true;
    sweepSessions(io, principals)
      .then(
        (cut) => {
          if (cut > 0) log.info({ cut }, 'sockets of ended sessions disconnected by the sweep');
        },
        (error: unknown) => log.warn({ err: (error as Error).message }, 'session sweep failed'),
      )
      .finally(() => {
        running = false;
      });
  }, SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
