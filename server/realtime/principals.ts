import type { Principal } from '../auth/principal.js';
import { cachedPrincipal, forgetPrincipals } from '../auth/principalCache.js';
import { HttpError } from '../http/errors.js';
import type { HubSocket } from './types.js';

// A socket's principal comes from the process's principal cache (auth/principalCache.ts), the one HTTP
// reads use: kept a few seconds, dropped on every process before a change of the user, their organisation
// or their sessions is answered. Ending a session and deactivating a user or an organisation also
// disconnect the sockets at once (domainEvents.ts).

/** A user whose principal changed (`user:changed` from another process): their next event reads it again. */
export function forgetPrincipalsOf(userId: string): void {
  forgetPrincipals({ userId });
}

/** The socket's principal, read again every few seconds; an ended session disconnects the socket. */
export async function principalOf(socket: HubSocket): Promise<Principal> {
  const { userId, sessionId } = socket.data.principal;
  const principal = await cachedPrincipal({ sub: userId, sid: sessionId });
  if (!principal) {
    socket.disconnect(true);
    throw new HttpError('unauthenticated', 'This session has ended.');
  }
  return principal;
}
