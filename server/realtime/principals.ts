import type { Principal } from '../auth/principal.js';
import { loadPrincipal } from '../auth/principalLoader.js';
import { HttpError } from '../http/errors.js';
import type { HubSocket } from './types.js';

// A socket's principal (user, session, organisation) is kept between its events and read again when it
// is older than TTL_MS, or at once after the user changed (name, role: `forgetPrincipalsOf`, on every
// process). Ending a session and deactivating a user or an organisation disconnect the sockets at once
// (domainEvents.ts), so the delay bounds nothing but a lost cross-process notice.
const TTL_MS = 5_000;

const cached = new WeakMap<HubSocket, { principal: Principal; readAt: number }>();
const changedAt = new Map<string, number>();

/** The users whose principal changed: sockets read theirs again on their next event. */
export function forgetPrincipalsOf(userId: string): void {
  const now = performance.now();
  if (changedAt.size > 10_000) for (const [id, at] of changedAt) if (now - at > TTL_MS) changedAt.delete(id);
  changedAt.set(userId, now);
}

/** The socket's principal, read again every few seconds; an ended session disconnects the socket. */
export async function principalOf(socket: HubSocket): Promise<Principal> {
  const { userId, sessionId } = socket.data.principal;
  const hit = cached.get(socket);
  const now = performance.now();
  if (hit && now - hit.readAt < TTL_MS && hit.readAt > (changedAt.get(userId) ?? -1)) return hit.principal;
  const principal = await loadPrincipal({ sub: userId, sid: sessionId, typ: 'access' });
  if (!principal) {
    cached.delete(socket);
    socket.disconnect(true);
    throw new HttpError('unauthenticated', 'This session has ended.');
  }
  cached.set(socket, { principal, readAt: now });
  return principal;
}
