import type { Locale } from '../../../shared/limits.js';
import type { Notification, NotificationType, SubjectKind } from '../../../shared/schemas/notifications.js';
import { countryName } from '../countries.js';

/** A mail ready for the transport: subject, text and HTML, in one language. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** What a template may say about one notification; nothing classified (the title is null unless unclassified). */
export interface MailItem {
  notification: Notification;
  /** The acting organisation's name, when there is an actor. */
  organisationName: string | null;
}

interface Words {
  types: Record<NotificationType, string>;
  kinds: Record<SubjectKind, string>;
  country: string;
  organisation: string;
  title: string;
  open: string;
  digestSubject: (count: number) => string;
  digestIntro: (count: number) => string;
  footer: string;
}

const WORDS: Record<Locale, Words> = {
  en: {
    types: {
      'assessment.shared': 'An assessment was shared with you',
      'assessment.updated': 'An assessment was revised',
      'assessment.comment': 'New comment on an assessment',
      'document.shared': 'A document was shared with you',
      'document.version': 'A document has a new version',
      'room.added': 'Your organisation was added to a situation room',
      'room.mention': 'You were mentioned in a situation room',
      'risk.escalation': 'Risk escalation in a watched country',
      'alert.issued': 'An early-warning alert was issued',
      'action.assigned': 'An action was assigned to you',
      'action.due': 'An action is due soon',
      'access.requested': 'Access was requested',
      'access.decided': 'Your access request was decided',
    },
    kinds: { assessment: 'Assessment', document: 'Document', room: 'Situation room', alert: 'Alert', action: 'Action', 'access-request': 'Access request' },
    country: 'Country',
    organisation: 'Organisation',
    title: 'Title',
    open: 'Open in Partner Hub',
    digestSubject: (n) => `Partner Hub: ${n} unread notification${n === 1 ? '' : 's'}`,
    digestIntro: (n) => `You have ${n} unread notification${n === 1 ? '' : 's'}:`,
    footer: 'You receive this because of your e-mail preferences in Partner Hub (Account page).',
  },
  fr: {
    types: {
      'assessment.shared': 'Une évaluation a été partagée avec vous',
      'assessment.updated': 'Une évaluation a été révisée',
      'assessment.comment': 'Nouveau commentaire sur une évaluation',
      'document.shared': 'Un document a été partagé avec vous',
      'document.version': 'Un document a une nouvelle version',
      'room.added': 'Votre organisation a été ajoutée à une salle de situation',
      'room.mention': 'Vous avez été mentionné dans une salle de situation',
      'risk.escalation': 'Hausse du risque dans un pays suivi',
      'alert.issued': 'Une alerte précoce a été émise',
      'action.assigned': 'Une action vous a été confiée',
      'action.due': 'Une action arrive à échéance',
      'access.requested': 'Un accès a été demandé',
      'access.decided': 'Votre demande d’accès a été tranchée',
    },
    kinds: {
      assessment: 'Évaluation',
      document: 'Document',
      room: 'Salle de situation',
      alert: 'Alerte',
      action: 'Action',
      'access-request': 'Demande d’accès',
    },
    country: 'Pays',
    organisation: 'Organisation',
    title: 'Titre',
    open: 'Ouvrir dans Partner Hub',
    digestSubject: (n) => `Partner Hub : ${n} notification${n === 1 ? '' : 's'} non lue${n === 1 ? '' : 's'}`,
    digestIntro: (n) => `Vous avez ${n} notification${n === 1 ? '' : 's'} non lue${n === 1 ? '' : 's'} :`,
    footer: 'Vous recevez ce message selon vos préférences de courriel dans Partner Hub (page Compte).',
  },
  ar: {
    types: {
      'assessment.shared': 'تمت مشاركة تقييم معك',
      'assessment.updated': 'تم تنقيح تقييم',
      'assessment.comment': 'تعليق جديد على تقييم',
      'document.shared': 'تمت مشاركة وثيقة معك',
      'document.version': 'صدرت نسخة جديدة من وثيقة',
      'room.added': 'أضيفت منظمتك إلى غرفة متابعة',
      'room.mention': 'تمت الإشارة إليك في غرفة متابعة',
      'risk.escalation': 'تصاعد الخطر في بلد تتابعه',
      'alert.issued': 'صدر إنذار مبكر',
      'action.assigned': 'أسند إليك إجراء',
      'action.due': 'اقترب موعد إجراء',
      'access.requested': 'طُلب الوصول',
      'access.decided': 'تم البت في طلب الوصول الخاص بك',
    },
    kinds: { assessment: 'تقييم', document: 'وثيقة', room: 'غرفة متابعة', alert: 'إنذار', action: 'إجراء', 'access-request': 'طلب وصول' },
    country: 'البلد',
    organisation: 'المنظمة',
    title: 'العنوان',
    open: 'افتح في Partner Hub',
    digestSubject: (n) => `Partner Hub: إشعارات غير مقروءة (${n})`,
    digestIntro: (n) => `لديك إشعارات غير مقروءة (${n}):`,
    footer: 'تصلك هذه الرسالة وفق تفضيلات البريد الإلكتروني في Partner Hub (صفحة الحساب).',
  },
};

const SUBJECT_PATHS: Record<SubjectKind, string> = {
  assessment: 'assessments',
  document: 'documents',
  room: 'rooms',
  alert: 'alerts',
  action: 'actions',
  'access-request': 'access-requests',
};

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The link to a notification's item on the hub's public address. */
export function linkTo(publicUrl: string, notification: Notification): string {
  const { subject } = notification;
  if (subject.kind === 'room' || notification.roomId) {
    const room = `${publicUrl}/rooms/${encodeURIComponent(notification.roomId ?? subject.id)}`;
    return notification.seq !== undefined ? `${room}#seq-${notification.seq}` : room;
  }
  return `${publicUrl}/${SUBJECT_PATHS[subject.kind]}/${encodeURIComponent(subject.id)}`;
}

// Only an unclassified subject's title is ever shown, whatever the notification carries.
function visibleTitle(notification: Notification): string | null {
  return notification.subject.classification === 'unclassified' ? notification.subject.title : null;
}

/** The facts of one item, label then value, in `locale`; nothing classified. */
function facts(item: MailItem, locale: Locale): Array<[string, string]> {
  const w = WORDS[locale];
  const { subject } = item.notification;
  const rows: Array<[string, string]> = [[w.kinds[subject.kind], w.types[item.notification.type]]];
  if (subject.country) rows.push([w.country, countryName(subject.country, locale) ?? subject.country]);
  if (item.organisationName) rows.push([w.organisation, item.organisationName]);
  const title = visibleTitle(item.notification);
  if (title) rows.push([w.title, title]);
  return rows;
}

function page(locale: Locale, subject: string, body: string): string {
  const dir = locale === 'ar' ? 'rtl' : 'ltr';
  return (
    `<!doctype html>\n<html lang="${locale}" dir="${dir}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>` +
    `<body style="font-family: sans-serif; text-align: start;">${body}</body></html>\n`
  );
}

function htmlItem(item: MailItem, locale: Locale, publicUrl: string): string {
  const rows = facts(item, locale)
    .map(([label, value]) => `<tr><th style="text-align: start; padding-inline-end: 1em;">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  const href = escapeHtml(linkTo(publicUrl, item.notification));
  return `<table>${rows}</table><p><a href="${href}">${escapeHtml(WORDS[locale].open)}</a></p>`;
}

function textItem(item: MailItem, locale: Locale, publicUrl: string): string {
  return [...facts(item, locale).map(([label, value]) => `${label}: ${value}`), `${WORDS[locale].open}: ${linkTo(publicUrl, item.notification)}`].join('\n');
}

/** One notification's mail: kind, country, organisation, link, and the title only when unclassified. */
export function renderInstant(item: MailItem, locale: Locale, publicUrl: string): RenderedMail {
  const w = WORDS[locale];
  const { subject } = item.notification;
  const country = subject.country ? ` (${countryName(subject.country, locale) ?? subject.country})` : '';
  const mailSubject = `Partner Hub: ${w.types[item.notification.type]}${country}`;
  const text = `${w.types[item.notification.type]}\n\n${textItem(item, locale, publicUrl)}\n\n-- \n${w.footer}\n`;
  const html = page(
    locale,
    mailSubject,
    `<h1>${escapeHtml(w.types[item.notification.type])}</h1>${htmlItem(item, locale, publicUrl)}<hr><p><small>${escapeHtml(w.footer)}</small></p>`,
  );
  return { subject: mailSubject, text, html };
}

/** The daily digest: every item still unread, each as an instant mail would describe it. */
export function renderDigest(items: MailItem[], locale: Locale, publicUrl: string): RenderedMail {
  const w = WORDS[locale];
  const mailSubject = w.digestSubject(items.length);
  const text = `${w.digestIntro(items.length)}\n\n${items.map((i) => textItem(i, locale, publicUrl)).join('\n\n')}\n\n-- \n${w.footer}\n`;
  const list = items.map((i) => `<li>${htmlItem(i, locale, publicUrl)}</li>`).join('');
  const html = page(
    locale,
    mailSubject,
    `<h1>${escapeHtml(w.digestIntro(items.length))}</h1><ul>${list}</ul><hr><p><small>${escapeHtml(w.footer)}</small></p>`,
  );
  return { subject: mailSubject, text, html };
}
