/** Who will see an assessment, as a plain sentence: "Visible to: your organisation, the Office and ECOWAS". */
import type { Sharing } from '../../../shared/sharing.js';
import type { I18n } from './state/i18n.svelte.js';

// First Strong Isolate … Pop Directional Isolate: an organisation's name keeps its own direction in the list.
const FSI = String.fromCharCode(0x2068);
const PDI = String.fromCharCode(0x2069);

export interface AudienceFacts {
  sharing: Sharing;
  draft: boolean;
  /** The owner organisation's name as the reader should see it. */
  ownerName: string;
  /** The reader belongs to the owner organisation ("your organisation"). */
  readerIsOwner: boolean;
  /** The owner is the Office itself (then "the Office" is not named twice). */
  ownerIsOffice: boolean;
  /** The display name of an organisation id. */
  nameOf: (id: string) => string;
}

/** The sentences to show: what is true now, and (for a draft) what publishing will change. */
export interface Audience {
  now: string;
  published: string | null;
}

function list(i18n: I18n, parts: string[]): string {
  try {
    // British usage (no serial comma), like the rest of the English interface.
    return new Intl.ListFormat(i18n.locale === 'en' ? 'en-GB' : i18n.locale, { style: 'long', type: 'conjunction' }).format(parts);
  } catch {
    return parts.join(', ');
  }
}

/** Who sees the published item, as a list in the reader's language ("your organisation, the Office and ECOWAS"). */
export function audienceList(i18n: I18n, facts: AudienceFacts): string {
  const { scope, organisations } = facts.sharing;
  if (scope === 'all') return i18n.t('audience_every_organisation');
  const owner = facts.readerIsOwner ? i18n.t('audience_your_organisation') : `${FSI}${facts.ownerName}${PDI}`;
  const parts = [owner];
  if (scope !== 'organisation' && !facts.ownerIsOffice) parts.push(i18n.t('audience_office'));
  if (scope === 'selected') {
    parts.push(...organisations.map((id) => `${FSI}${facts.nameOf(id)}${PDI}`));
  }
  return list(i18n, parts);
}

/** The sentence for now and, for drafts, the one that applies once published. */
export function audience(i18n: I18n, facts: AudienceFacts): Audience {
  const names = audienceList(i18n, facts);
  if (!facts.draft) return { now: i18n.t('audience_visible_to', { list: names }), published: null };
  const now = facts.readerIsOwner ? i18n.t('audience_draft') : i18n.t('audience_draft_of', { name: facts.ownerName });
  return { now, published: i18n.t('audience_once_published', { list: names }) };
}
