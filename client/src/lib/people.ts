/** Names of the people behind ids (who saved a version), as far as the reader may know them. */
import { organisationName, personName } from './labels.js';
import { directory, shortId } from './state/directory.svelte.js';
import type { I18n } from './state/i18n.svelte.js';
import { session } from './state/session.svelte.js';

/** "You", the person's name when the reader may list them, else "User …a1b2c3 of AU". */
export function personLabel(i18n: I18n, userId: string, organisationId?: string): string {
  if (session.user?.id === userId) return i18n.t('person_you');
  const known = directory.userName(userId);
  if (known) return personName(i18n, known);
  const organisation = organisationId ? directory.organisations.get(organisationId) : undefined;
  if (!organisation) return i18n.t('person_unknown', { id: shortId(userId) });
  return i18n.t('person_of_organisation', { id: shortId(userId), organisation: organisationName(i18n, organisation) });
}
