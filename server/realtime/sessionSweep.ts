import type { Logger } from 'pino';
import { dbState } from '../db/connection.js';
import type { Repositories } from '../repositories/index.js';
import type { HubServer } from './types.js';

// Ending a session reaches the sockets of every process through the Redis adapter at once. If Redis
// was away at that moment the notice is lost, so each process also re-checks its own sockets every
// SWEEP_MS — with one query per collection for all of them, not one per socket.
const SWEEP_MS = 30_000;

/** The sessions among `ids` that are still live: not ended or expired, their user and organisation active. */
async function liveSessions(repos: SweptRepositories, ids: string[]): Promise<Set<string>> {
  const now = new Date();
  const sessions = (await repos.sessions.states(ids)).filter((s) => !s.revokedAt && s.expiresAt > now);
  const users = await repos.users.states(sessions.map((s) => s.userId));
  const organisations = await repos.organisations.states(users.map((u) => u.organisationId));
  const activeOrganisations = new Set(organisations.filter((o) => o.active).map((o) => o._id.toString()));
  const activeUsers = new Set(users.filter((u) => u.active && activeOrganisations.has(u.organisationId.toString())).map((u) => u._id.toString()));
  return new Set(sessions.filter((s) => activeUsers.has(s.userId.toString())).map((s) => s._id.toString()));
}

type SweptRepositories = Pick<Repositories, 'sessions' | 'users' | 'organisations'>;

/** Cuts this process's sockets whose session is no longer live; answers how many were cut. */
export async function sweepSessions(io: HubServer, repos: SweptRepositories): Promise<number> {
  const sockets = [...io.of('/').sockets.values()];
  if (sockets.length === 0 || !dbState.up) return 0;
  const live = await liveSessions(repos, [...new Set(sockets.map((s) => s.data.principal.sessionId))]);
  const ended = sockets.filter((s) => !live.has(s.data.principal.sessionId));
  for (const socket of ended) {
    socket.emit('session:revoked', { reason: 'session_ended' });
    socket.disconnect(true);
  }
  return ended.length;
}

/** Sweeps every SWEEP_MS until the returned function is called. */
export function startSessionSweep(io: HubServer, repos: SweptRepositories, log: Logger): () => void {
  const timer = setInterval(() => {
    sweepSessions(io, repos).then(
      (cut) => {
        if (cut > 0) log.info({ cut }, 'sockets of ended sessions disconnected by the sweep');
      },
      (error: unknown) => log.warn({ err: (error as Error).message }, 'session sweep failed'),
    );
  }, SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
