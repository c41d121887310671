/** A one-time message carried to the next page ("Published", "Deleted"), shown there once. */
import type { MessageKey } from './i18n.svelte.js';

export interface FlashMessage {
  key: MessageKey;
  params?: Record<string, string | number>;
  tone: 'success' | 'info';
}

/** Holds at most one message until a page takes it. */
export class Flash {
  #message: FlashMessage | null = null;

  /** Leaves a message for the next page. */
  set(message: FlashMessage): void {
    this.#message = message;
  }

  /** Takes the waiting message (once). */
  take(): FlashMessage | null {
    const message = this.#message;
    this.#message = null;
    return message;
  }
}

export const flash = new Flash();
