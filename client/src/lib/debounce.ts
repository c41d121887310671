/** Calls coalesced into one: a burst of live events makes one refetch, not fifty. */

/** A debounced call: `run()` asks for it, `cancel()` forgets a pending one. */
export interface Debounced {
  run(): void;
  cancel(): void;
}

/**
 * Runs `action` once `quietMs` pass without a new request, and at the latest `maxWaitMs` after the first
 * one, so a steady stream of events still refreshes now and then.
 */
export function debounce(action: () => void, quietMs = 400, maxWaitMs = 3_000): Debounced {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let first = 0;
  const fire = () => {
    timer = null;
    first = 0;
    action();
  };
  return {
    run() {
      const now = Date.now();
      if (!first) first = now;
      if (timer) clearTimeout(timer);
      timer = setTimeout(fire, Math.max(0, Math.min(quietMs, first + maxWaitMs - now)));
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      first = 0;
    },
  };
}
