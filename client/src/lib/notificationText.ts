/** A stored notification in words ("AU shared an assessment on Sudan") and the page it leads to. */
import type { Notification } from './api.js';
import { paths } from './routes.js';
import type { I18n, MessageKey } from './state/i18n.svelte.js';

const SENTENCE: Record<Notification['type'], MessageKey> = {
  'assessment.shared': 'notice_assessment_shared',
  'assessment.updated': 'notice_assessment_updated',
  'assessment.comment': 'notice_assessment_comment',
  'document.shared': 'notice_document_shared',
  'document.version': 'notice_document_version',
  'room.added': 'notice_room_added',
  'room.mention': 'notice_room_mention',
  'risk.escalation': 'notice_risk_escalation',
  'alert.issued': 'notice_alert_issued',
  'action.assigned': 'notice_action_assigned',
  'action.due': 'notice_action_due',
  'access.requested': 'notice_access_requested',
  'access.decided': 'notice_access_decided',
};

/** How names are found: an organisation's by id, a country's by alpha-3 code. */
export interface Namer {
  organisation(id: string): string | null;
  country(code: string): string;
}

/** The sentence for a notification in the reader's language: who did what, on which country. */
export function notificationSentence(i18n: I18n, item: Notification, names: Namer): string {
  const who = item.actor ? (names.organisation(item.actor.organisationId) ?? item.actor.name) : i18n.t('notice_someone');
  const where = item.subject.country ? i18n.t('notice_where', { country: names.country(item.subject.country) }) : '';
  return i18n.t(SENTENCE[item.type] ?? 'notification_unknown', { who, where });
}

/** The page of the notification's subject, when the app has one. */
export function notificationHref(item: Notification): string | null {
  const { kind, id } = item.subject;
  if (kind === 'assessment') return paths.assessment(id);
  if (kind === 'document') return paths.document(id);
  if (kind === 'room') return paths.room(item.roomId ?? id);
  if (kind === 'alert') return paths.alert(id);
  if (kind === 'action') return `/actions/${encodeURIComponent(id)}`;
  return null;
}
