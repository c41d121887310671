/** The dashboard's "what is new" and "what needs me": notifications, unread rooms, drafts, escalations. */
import { emailGroupOf, type EmailGroup } from '../../../../shared/notifications.js';
import { api, isCard, type Assessment, type Notification, type Room } from '../api.js';
import { errorKey } from '../errors.js';
import type { MessageKey } from './i18n.svelte.js';

// What the dashboard reads of each list: enough to count "since your last visit" on a normal day.
const RECENT_LIMIT = 100;
const SHOWN = 5;

/** New notifications since the last visit, in total and per e-mail group (the §11 families). */
export type SinceCounts = { total: number; capped: boolean } & Record<EmailGroup, number>;

function countSince(items: readonly Notification[], since: string | null, capped: boolean): SinceCounts {
  const counts: SinceCounts = { total: 0, capped: false, assessments: 0, documents: 0, rooms: 0, escalations: 0, actions: 0, access: 0 };
  const after = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
  for (const item of items) {
    if (Date.parse(item.createdAt) <= after) continue;
    counts.total += 1;
    counts[emailGroupOf(item.type)] += 1;
  }
  counts.capped = capped && counts.total === items.length;
  return counts;
}

/** State of the dashboard; `load()` again when a live event says something moved. */
export class Dashboard {
  unread = $state.raw<Notification[]>([]);
  escalations = $state.raw<Notification[]>([]);
  since = $state.raw<SinceCounts | null>(null);
  rooms = $state.raw<Room[]>([]);
  drafts = $state.raw<Assessment[]>([]);
  loaded = $state(false);
  failure = $state<MessageKey | null>(null);

  constructor(
    readonly organisationId: string,
    readonly lastVisit: string | null,
  ) {}

  /** Reads the four lists (each failure is the card's, the rest still shows). */
  async load(): Promise<void> {
    this.failure = null;
    const [recent, rooms, drafts] = await Promise.allSettled([
      api.notifications({ limit: RECENT_LIMIT }),
      api.rooms({ limit: RECENT_LIMIT }),
      api.assessments({ status: 'draft', organisation: this.organisationId, limit: SHOWN * 2 }),
    ]);
    if (recent.status === 'fulfilled') {
      const items = recent.value.items;
      this.unread = items.filter((item) => !item.readAt).slice(0, SHOWN);
      this.escalations = items.filter((item) => item.type === 'risk.escalation').slice(0, SHOWN);
      this.since = countSince(items, this.lastVisit, recent.value.nextCursor !== null);
    }
    if (rooms.status === 'fulfilled') this.rooms = rooms.value.items.filter((room) => !room.archived && (room.unread ?? 0) > 0);
    if (drafts.status === 'fulfilled') this.drafts = drafts.value.items.filter((a): a is Assessment => !isCard(a));
    const failed = [recent, rooms, drafts].find((result) => result.status === 'rejected');
    if (failed?.status === 'rejected') this.failure = errorKey(failed.reason);
    this.loaded = true;
  }
}
