import { ReadMarker } from '../../models/room.js';

// How far each user has read in each room. Reading (`POST /api/rooms/:id/read`) moves the marker at
// once; sending moves it too ("what one writes oneself is read"), but those moves are gathered and
// written every FLUSH_MS — one update per user and room, not one per message — so a busy room does not
// pay a marker write for every message. Until written, this process counts them from memory.
const FLUSH_MS = 1000;

const pending = new Map<string, number>();
let timer: NodeJS.Timeout | null = null;

const keyOf = (roomId: string, userId: string) => `${roomId}:${userId}`;

/** Moves a user's read marker forward to `seq` (never back). */
export async function advanceReadMarker(roomId: string, userId: string, seq: number): Promise<void> {
  await writeMarker(keyOf(roomId, userId), seq);
}

async function writeMarker(key: string, seq: number): Promise<void> {
  await ReadMarker.updateOne({ _id: key }, { $max: { seq } }, { upsert: true })
    .catch((error: { code?: number }) => {
      if (error.code !== 11000) throw error;
    });
}

/** The author of message `seq` has read the room up to it; written with the next flush. */
export function markOwnMessage(roomId: string, userId: string, seq: number): void {
  const key = keyOf(roomId, userId);
  if ((pending.get(key) ?? 0) < seq) pending.set(key, seq);
  timer ??= setTimeout(() => void flushReadMarkers().catch(() => undefined), FLUSH_MS).unref();
}

/** Writes the gathered marker moves; a move whose write fails is kept for the next flush. */
export async function flushReadMarkers(): Promise<void> {
  timer = null;
  const moves = [...pending.entries()];
  await Promise.all(moves.map(async ([key, seq]) => {
    try {
      await writeMarker(key, seq);
      if (pending.get(key) === seq) pending.delete(key);
    } catch {
      timer ??= setTimeout(() => void flushReadMarkers().catch(() => undefined), FLUSH_MS).unref();
    }
  }));
}

/** The seq a user has read up to in a room (0 when never). */
export async function readMarkerOf(roomId: string, userId: string): Promise<number> {
  const key = keyOf(roomId, userId);
  const marker = await ReadMarker.findById(key, { seq: 1 }).lean();
  return Math.max(marker?.seq ?? 0, pending.get(key) ?? 0);
}
