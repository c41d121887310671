import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';
import { baseUrl } from './hub.js';

/** A test client socket, typed by the shared event maps. */
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What a socket saw, in order: server events by name (with their payload) and `disconnect` (with its reason). */
export interface SeenEvent {
  name: string;
  payload: unknown;
}

const open = new Set<ClientSocket>();
const DEFAULT_WAIT_MS = 5000;

/** Opens (without waiting) a socket the way the web app does, but websocket only, never reconnecting, on its own connection. */
export function openSocket(auth: Record<string, unknown>, url = baseUrl()): ClientSocket {
  const socket: ClientSocket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout: DEFAULT_WAIT_MS });
  open.add(socket);
  return socket;
}

/** Resolves when the socket connects; rejects with the `connect_error` (or a timeout). */
export function whenConnected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}

/** A connected socket for `token`; fails the test if the connection is refused. */
export async function connectSocket(token: string, url = baseUrl()): Promise<ClientSocket> {
  const socket = openSocket({ token }, url);
  await whenConnected(socket);
  return socket;
}

/** The `connect_error` of a connection attempt with `auth`, or a failure if it connects. */
export async function connectError(auth: Record<string, unknown>, url = baseUrl()): Promise<Error & { data?: unknown }> {
  const socket = openSocket(auth, url);
  try {
    await whenConnected(socket);
  } catch (error) {
    return error as Error & { data?: unknown };
  } finally {
    socket.close();
  }
  throw new Error('the connection was accepted but should have been refused');
}

/** Starts recording a socket's events; the array fills as they arrive. */
export function record(socket: ClientSocket): SeenEvent[] {
  const seen: SeenEvent[] = [];
  socket.onAny((name: string, payload: unknown) => seen.push({ name, payload }));
  socket.on('disconnect', (reason) => seen.push({ name: 'disconnect', payload: reason }));
  return seen;
}

/** Waits until `predicate` holds for what a socket has seen, failing after `ms`. */
export async function until(seen: SeenEvent[], predicate: (seen: SeenEvent[]) => boolean, ms = DEFAULT_WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate(seen)) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms; the socket saw ${JSON.stringify(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits for a socket to have seen an event of `name`. */
export const untilSeen = (seen: SeenEvent[], name: string, ms?: number) => until(seen, (s) => s.some((e) => e.name === name), ms);

/** Closes every socket the helpers opened (for afterEach). */
export function closeSockets(): void {
  for (const socket of open) socket.close();
  open.clear();
}
