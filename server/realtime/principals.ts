import type { Principal } from '../auth/principal.js';
import type { PrincipalCache } from '../auth/principalCache.js';
import { HttpError } from '../http/errors.js';
import { SWEEP_MS } from './sessionSweep.js';
import type { HubSocket } from './types.js';

// A socket's principal comes from the process's principal cache (domain.principals, auth/principalCache.ts), the one HTTP
// reads use: dropped on every process before a change of the user, their organisation or their sessions is
// answered. Ending a session and deactivating a user or an organisation also disconnect the sockets at once
// (domainEvents.ts). A socket keeps its copy longer than a request does: the session sweep (sessionSweep.ts)
// re-reads every connected socket's principal each SWEEP_MS in one query per collection, so a busy room's
// senders never read user, session and organisation (each a scan of its collection on FerretDB/SQLite) one
// by one. The age only bounds a copy the sweep missed (a failed sweep, a notice that never arrived); past it
// the socket reads its own.
const SOCKET_MAX_AGE_MS = SWEEP_MS + 15_000;

/** The socket's principal, kept up to SOCKET_MAX_AGE_MS (renewed by the sweep) unless it changed; an ended session disconnects the socket. */
export async function principalOf(principals: PrincipalCache, socket: HubSocket): Promise<Principal> {
  const { userId, sessionId } = socket.data.principal;
  const principal = await principals.cached({ sub: userId, sid: sessionId }, SOCKET_MAX_AGE_MS);
  if (!principal) {
    socket.disconnect(true);
    throw new HttpError('unauthenticated', 'This session has ended.');
  }
  return principal;
}
