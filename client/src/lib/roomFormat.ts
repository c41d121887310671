/** Words and times of the room view in the person's language: message times, day headings, "X is typing". */
import type { I18n } from './state/i18n.svelte.js';

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** A message's time: the hour for today's, the date and hour for older ones. */
export function messageTime(i18n: I18n, iso: string | null, now = new Date()): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const options: Intl.DateTimeFormatOptions = sameDay(date, now) ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(i18n.locale, options).format(date);
}

/** The local calendar day of a time, to group messages under day headings. */
export function dayKey(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/** A day heading: "Today", "Yesterday" or the full date. */
export function dayLabel(i18n: I18n, iso: string, now = new Date()): string {
  const date = new Date(iso);
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(date, now)) return i18n.t('room_today');
  if (sameDay(date, yesterday)) return i18n.t('room_yesterday');
  return new Intl.DateTimeFormat(i18n.locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(date);
}

/** "Amina is typing…", "Amina and Jean are typing…", or "Several people are typing…". */
export function typingText(i18n: I18n, names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return i18n.t('room_typing_one', { name: names[0]! });
  if (names.length === 2) return i18n.t('room_typing_two', { first: names[0]!, second: names[1]! });
  return i18n.t('room_typing_many');
}
