import type { Principal } from '../auth/principal.js';
import type { PrincipalCache } from '../auth/principalCache.js';
import { HttpError } from '../http/errors.js';
import type { HubSocket } from './types.js';

// A socket's principal comes from the process's principal cache (domain.principals, auth/principalCache.ts), the one HTTP
// reads use: kept a few seconds, dropped on every process before a change of the user, their organisation
// or their sessions is answered. Ending a session and deactivating a user or an organisation also
// disconnect the sockets at once (domainEvents.ts). A socket keeps its copy longer than a request does:
// every event of a busy room would otherwise re-read user, session and organisation (each a scan of its
// collection on FerretDB/SQLite) every 5 s per sender. The copy is still dropped at once on every
// change; the age only bounds a notice that never arrived, as the 30 s session sweep does for sockets.
const SOCKET_MAX_AGE_MS = 30_000;

/** The socket's principal, kept up to 30 s unless it changed; an ended session disconnects the socket. */
export async function principalOf(principals: PrincipalCache, socket: HubSocket): Promise<Principal> {
  const { userId, sessionId } = socket.data.principal;
  const principal = await principals.cached({ sub: userId, sid: sessionId }, SOCKET_MAX_AGE_MS);
  if (!principal) {
    socket.disconnect(true);
    throw new HttpError('unauthenticated', 'This session has ended.');
  }
  return principal;
}
