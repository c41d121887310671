/** The socket.io connection of the signed-in person: notifications (§11), session revocation and situation rooms (§8). */
import { io, type Socket } from 'socket.io-client';
import { tokens } from './api.js';
import { startRooms, stopRooms } from './roomsRuntime.js';
import { notifications } from './state/notifications.svelte.js';
import { session } from './state/session.svelte.js';

let socket: Socket | null = null;

/** Opens the socket with the current access token; a renewed token is used on every reconnection. */
export function connectRealtime(): void {
  if (socket) return;
  const current = io({ path: '/socket.io', auth: (cb) => cb({ token: tokens.access ?? '' }), reconnectionDelayMax: 30_000 });
  current.on('session:revoked', () => {
    disconnectRealtime();
    session.end('session_revoked');
  });
  let refusals = 0;
  current.on('connect', () => {
    refusals = 0;
  });
  current.on('connect_error', async () => {
    // Still `active`: a network failure the client retries by itself. Otherwise the hub refused the
    // handshake (an expired token, say) and the client will not retry: renew the token once, then retry.
    if (current.active || refusals >= 2) return;
    refusals += 1;
    const outcome = await tokens.refresh();
    if (outcome === 'ok' && socket === current) current.connect();
  });
  current.on('disconnect', async (reason) => {
    // The hub closed the socket (deactivation, password change elsewhere): see whether we still may be here.
    if (reason !== 'io server disconnect' || socket !== current) return;
    const outcome = await tokens.refresh();
    if (outcome === 'ok' && socket === current) current.connect();
  });
  socket = current;
  startRooms(current, session.user?.id ?? null);
  notifications.start(session.user?.id ?? null);
}

/** Closes the socket (sign-out). */
export function disconnectRealtime(): void {
  notifications.stop();
  stopRooms();
  socket?.removeAllListeners();
  socket?.disconnect();
  socket = null;
}
