import { domainEvents } from '../../events.js';
import { presentMessage, type MessageView } from '../../presenters/room.js';
import { appendMessage, onRecoveredMessage, type MessageDraft, type StoredMessage } from '../../repositories/messages.js';
import type { ReadMarkers } from './readMarkers.js';

// Where a message is stored. One process stores a room's messages at a time when several serve the hub
// (server/realtime/roomWriters.ts decides which, and forwards the others' messages to it): two
// processes appending to one room would keep colliding on the next seq, and every collision costs a
// read of the room's tail. The store itself never relies on that: seqs and clientMsgIds are claimed by
// the insert (repositories/messages.ts), so a wrong guess about the writer costs a collision, never a duplicate.

/** How a multi-process hub routes a message to its room's writer (absent: this process writes). */
export interface WriterRoute {
  store(draft: MessageDraft, key: string | undefined): Promise<MessageView>;
}

/** Stores messages, here or through their room's writer process, and announces those stored here. */
export class MessageWriter {
  private route: WriterRoute | null = null;
  private readonly stopRecovery: () => void;

  constructor(
    private readonly markers: ReadMarkers,
    private readonly stored: (message: StoredMessage) => void = () => undefined,
  ) {
    this.stopRecovery = onRecoveredMessage((message) => this.announce(message));
  }

  /** Routes messages to each room's writer process (realtime/roomWriters.ts), or with null stores them here. */
  routeThrough(route: WriterRoute | null): void {
    this.route = route;
  }

  /** Stores a message through its room's writer, which announces it; answers the stored message. */
  store(draft: MessageDraft, key: string | undefined): Promise<MessageView> {
    return this.route ? this.route.store(draft, key) : this.storeHere(draft, key);
  }

  /**
   * Stores a message in this process's log of the room and announces it. The room's writer announces
   * every message, so each process of the hub relays them to its sockets in the order of their seqs.
   */
  async storeHere(draft: MessageDraft, key: string | undefined): Promise<MessageView> {
    const { message, repeated } = await appendMessage(draft, key);
    if (!repeated) this.announce(message);
    return presentMessage(message);
  }

  /** Stops announcing recovered messages. */
  close(): void {
    this.stopRecovery();
  }

  /**
   * Tells the room's sockets of a new message; what one writes oneself is read (never unread for its
   * author); then what follows a stored message (mentions, the word index: `stored`).
   */
  private announce(message: StoredMessage): void {
    domainEvents.publish('room.message', { roomId: message.roomId, kind: 'new', message: presentMessage(message) });
    this.markers.markOwnMessage(message.roomId, message.author, message.seq);
    this.stored(message);
  }
}
