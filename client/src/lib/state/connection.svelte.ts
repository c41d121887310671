/** The state of the realtime link as the person should see it: connected, reconnecting or offline. */
import { isConnected, listen, reconnectNow } from '../roomLink.js';

/** `offline`: the browser has no network; `reconnecting`: it has, but the hub is not (yet) reached. */
export type LinkState = 'connected' | 'reconnecting' | 'offline';

/** Follows the socket and the browser's online/offline events. */
export class Connection {
  state = $state<LinkState>('reconnecting');
  /** When the link last went down (null while connected). */
  downSince = $state<string | null>(null);
  #started = false;

  /** Starts following the link (once per page load). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    listen('connect', () => this.#update());
    listen('disconnect', () => this.#update());
    window.addEventListener('offline', () => this.#update());
    window.addEventListener('online', () => {
      this.#update();
      // Without this the client may wait out a long back-off step after the network came back.
      reconnectNow();
    });
    this.#update();
  }

  #update(): void {
    const next: LinkState = isConnected() ? 'connected' : navigator.onLine === false ? 'offline' : 'reconnecting';
    if (next === 'connected') this.downSince = null;
    else if (this.state === 'connected' || this.downSince === null) this.downSince = new Date().toISOString();
    this.state = next;
  }
}

export const connection = new Connection();
