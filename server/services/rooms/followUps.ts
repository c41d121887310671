import type { StoredMessage } from '../../repositories/messages.js';
import { indexBlock, prepareSearch } from '../../repositories/messageSearch.js';
import { BLOCK_SIZE, blockOf } from '../../store/blockLog.js';
import type { NotificationService } from '../notifications/service.js';
import type { RoomCache } from './roomCache.js';

// A room this far into its first block gets its search collections created ahead (messageSearch.ts
// `prepareSearch`), before the block fills: only rooms that get busy have them.
const PREPARE_SEARCH_AT = 0.9 * BLOCK_SIZE;

/**
 * What follows a message once its room's writer stored it (once per message, repeats excluded):
 * `room.mention` for each user it mentions (§11, never the author), and, when it fills its block, that
 * block's word index (messageSearch.ts). Neither holds up the send; a failure leaves the block to be
 * read as messages, and is logged by `failed`.
 */
export function messageFollowUps(cache: RoomCache, notifications: NotificationService, indexer: BlockIndexer, failed: (error: unknown) => void) {
  return (message: StoredMessage): void => {
    if (message.seq === PREPARE_SEARCH_AT) indexer.prepare(message.roomId);
    if (message.seq % BLOCK_SIZE === 0) void indexBlock(message.roomId, blockOf(message.seq)).catch(failed);
    const mentioned = (message.mentions ?? []).filter((id) => id !== message.author.id);
    if (mentioned.length === 0) return;
    void (async () => {
      const room = await cache.recent(message.roomId);
      if (!room) return;
      await notifications.request({
        type: 'room.mention',
        actor: { id: message.author.id, name: message.author.name, organisationId: message.author.organisationId },
        userIds: mentioned,
        roomId: message.roomId,
        messageSeq: message.seq,
        subject: { kind: 'room', id: message.roomId, country: room.country ?? null, title: room.name, classification: null },
      });
    })().catch(failed);
  };
}

/**
 * Builds the word index of full blocks found without one (a room older than the index, a build that
 * failed), one build per block at a time in this process; searches read such blocks as messages meanwhile.
 */
export class BlockIndexer {
  private readonly building = new Set<string>();
  private preparing: Promise<void> = Promise.resolve();

  constructor(private readonly failed: (error: unknown) => void) {}

  /**
   * Creates a new room's index collections in the background (messageSearch.ts `prepareSearch`), one
   * room after another: rooms created at once (or many, by one editor) never create theirs side by side.
   */
  prepare(roomId: string): void {
    this.preparing = this.preparing.then(() => prepareSearch(roomId)).catch(this.failed);
  }

  /** Starts building a block's index unless this process already is. */
  later(roomId: string, block: number): void {
    const key = `${roomId}:${block}`;
    if (this.building.has(key)) return;
    this.building.add(key);
    void indexBlock(roomId, block)
      .catch(this.failed)
      .finally(() => this.building.delete(key));
  }
}
