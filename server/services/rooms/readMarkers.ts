import { advanceOrganisationReads, advanceReadMarkers, organisationReads, readMarkerOf, type ReadMove } from '../../repositories/rooms.js';

// How far each user has read in each room. Reading (`POST /api/rooms/:id/read`) moves the marker at
// once; sending moves it too ("what one writes oneself is read"), but those moves are gathered and
// written every FLUSH_MS — in bulk writes of ten moves each — so a busy room pays a few writes a second,
// not one per message or per sender. Until
// written, this process counts them from memory. An organisation's marker (`/reads`) is the furthest of
// its users'.
const FLUSH_MS = 1000;

const keyOf = (roomId: string, userId: string) => `${roomId}\n${userId}`;

/** The read-marker moves of a process's senders, gathered in memory and written every second. */
export class ReadMarkers {
  private readonly pending = new Map<string, { roomId: string; userId: string; seq: number }>();
  private readonly pendingOrganisations = new Map<string, { roomId: string; organisationId: string; seq: number }>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  /** `failed` hears a write that failed (its moves are kept and tried again). */
  constructor(private readonly failed: (error: unknown) => void = () => undefined) {}

  /** The author of message `seq` has read the room up to it (and so has their organisation); written with the next flush. */
  markOwnMessage(roomId: string, author: { id: string; organisationId: string }, seq: number): void {
    const key = keyOf(roomId, author.id);
    if ((this.pending.get(key)?.seq ?? 0) < seq) this.pending.set(key, { roomId, userId: author.id, seq });
    const orgKey = keyOf(roomId, author.organisationId);
    if ((this.pendingOrganisations.get(orgKey)?.seq ?? 0) < seq) this.pendingOrganisations.set(orgKey, { roomId, organisationId: author.organisationId, seq });
    this.flushSoon();
  }

  /**
   * Writes the gathered moves (after the flush before, if one is still running); moves whose write fails
   * are kept for the next flush, and the failure is told to `failed`.
   */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushOnce());
    return this.flushing;
  }

  /** Stops the timer and writes what is gathered (before the database closes). */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.flush();
  }

  private async flushOnce(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const write = async <M extends { seq: number }>(pending: Map<string, M>, toMove: (move: M) => ReadMove, advance: (moves: ReadMove[]) => Promise<void>) => {
      const taken = [...pending];
      if (taken.length === 0) return;
      try {
        await advance(taken.map(([, move]) => toMove(move)));
        // A move made while the write was in flight stays for the next flush.
        for (const [key, move] of taken) if (pending.get(key)?.seq === move.seq) pending.delete(key);
      } catch (error) {
        this.failed(error);
        this.flushSoon();
      }
    };
    // One after the other, and never two flushes at once: concurrent bulk writes are what FerretDB 1.24
    // cannot take (repositories/rooms.ts).
    await write(this.pending, (m) => ({ roomId: m.roomId, id: m.userId, seq: m.seq }), advanceReadMarkers);
    await write(this.pendingOrganisations, (m) => ({ roomId: m.roomId, id: m.organisationId, seq: m.seq }), advanceOrganisationReads);
  }

  /** The seq a user has read up to in a room (0 when never), counting moves not yet written. */
  async readUpTo(roomId: string, userId: string): Promise<number> {
    return Math.max(await readMarkerOf(roomId, userId), this.pending.get(keyOf(roomId, userId))?.seq ?? 0);
  }

  /** The furthest seq each organisation's users have read in a room, counting moves not yet written. */
  async organisationReads(roomId: string, organisationIds: string[]): Promise<Map<string, number>> {
    const reads = await organisationReads(roomId, organisationIds);
    for (const move of this.pendingOrganisations.values()) {
      if (move.roomId === roomId && organisationIds.includes(move.organisationId) && (reads.get(move.organisationId) ?? 0) < move.seq)
        reads.set(move.organisationId, move.seq);
    }
    return reads;
  }

  private flushSoon(): void {
    this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), FLUSH_MS).unref();
  }
}
