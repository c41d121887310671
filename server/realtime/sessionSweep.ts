import mongoose from 'mongoose';
import type { Logger } from 'pino';
import { dbState } from '../db/connection.js';
import { Organisation } from '../models/organisation.js';
import { Session } from '../models/session.js';
import { User } from '../models/user.js';
import type { HubServer } from './types.js';

// Ending a session reaches the sockets of every process through the Redis adapter at once. If Redis
// was away at that moment the notice is lost, so each process also re-checks its own sockets every
// SWEEP_MS — with one query per collection for all of them, not one per socket.
const SWEEP_MS = 30_000;

/** The sessions among `ids` that are still live: not ended or expired, their user and organisation active. */
async function liveSessions(ids: string[]): Promise<Set<string>> {
  const now = new Date();
  const sessions = (await Session.find({ _id: mongoose.trusted({ $in: ids }) }, { userId: 1, revokedAt: 1, expiresAt: 1 }).lean())
    .filter((s) => !s.revokedAt && s.expiresAt > now);
  const users = await User.find({ _id: mongoose.trusted({ $in: sessions.map((s) => s.userId) }) }, { active: 1, organisationId: 1 }).lean();
  const organisations = await Organisation.find({ _id: mongoose.trusted({ $in: users.map((u) => u.organisationId) }) }, { active: 1 }).lean();
  const activeOrganisations = new Set(organisations.filter((o) => o.active).map((o) => o._id.toString()));
  const activeUsers = new Set(users.filter((u) => u.active && activeOrganisations.has(u.organisationId.toString())).map((u) => u._id.toString()));
  return new Set(sessions.filter((s) => activeUsers.has(s.userId.toString())).map((s) => s._id.toString()));
}

/** Cuts this process's sockets whose session is no longer live; answers how many were cut. */
export async function sweepSessions(io: HubServer): Promise<number> {
  const sockets = [...io.of('/').sockets.values()];
  if (sockets.length === 0 || !dbState.up) return 0;
  const live = await liveSessions([...new Set(sockets.map((s) => s.data.principal.sessionId))]);
  const ended = sockets.filter((s) => !live.has(s.data.principal.sessionId));
  for (const socket of ended) {
    socket.emit('session:revoked', { reason: 'session_ended' });
    socket.disconnect(true);
  }
  return ended.length;
}

/** Sweeps every SWEEP_MS until the returned function is called. */
export function startSessionSweep(io: HubServer, log: Logger): () => void {
  const timer = setInterval(() => {
    sweepSessions(io).then(
      (cut) => { if (cut > 0) log.info({ cut }, 'sockets of ended sessions disconnected by the sweep'); },
      (error: unknown) => log.warn({ err: (error as Error).message }, 'session sweep failed'),
    );
  }, SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
