/** Lists that follow the hub's `*.changed` events (§11) with one quiet refetch per burst. */
import { debounce } from './debounce.js';
import { listen } from './roomLink.js';

/** The change events a list may follow. */
export type ChangeEvent = 'assessment.changed' | 'document.changed' | 'room.changed' | 'alert.changed' | 'notification';

/** Calls `refresh` once after each burst of `events` (and after a reconnection); returns the stop function. */
export function refreshOn(events: ChangeEvent[], refresh: () => void): () => void {
  const later = debounce(refresh);
  const stops = [...events.map((event) => listen(event, () => later.run())), listen('connect', () => later.run())];
  return () => {
    later.cancel();
    for (const stop of stops) stop();
  };
}
