import type { AckAnswer } from '../../shared/events.js';
import type { ClientSocket } from './sockets.js';

/** Emits an acknowledged event and resolves with the acknowledgement (rejects after `ms`). */
export function ask<T extends object = object>(socket: ClientSocket, event: string, payload: unknown, ms = 10_000): Promise<AckAnswer<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no acknowledgement for ${event} within ${ms} ms`)), ms);
    (socket.emit as unknown as (e: string, p: unknown, ack: (a: AckAnswer<T>) => void) => void)(event, payload, (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

/** The error code of a refused acknowledgement (undefined when it succeeded). */
export const errorCode = (answer: AckAnswer): string | undefined => (answer.ok ? undefined : answer.error.code);
