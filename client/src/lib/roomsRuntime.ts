/** Starts and stops what situation rooms need for the whole signed-in session, whatever page is open. */
import type { Socket } from 'socket.io-client';
import { publishSocket } from './roomLink.js';
import { connection } from './state/connection.svelte.js';
import { outbox } from './state/outbox.svelte.js';

/** Hands the new socket to the rooms and starts sending what this tab's outbox holds for `userId`. */
export function startRooms(socket: Socket, userId: string | null): void {
  publishSocket(socket);
  connection.start();
  if (userId) outbox.start(userId);
}

/** Sign-out: the rooms let go of the socket and the outbox stops sending. */
export function stopRooms(): void {
  outbox.stop();
  publishSocket(null);
}
