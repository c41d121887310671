import { z } from 'zod';
import { Id } from './schemas/common.js';

/** UN information sensitivity levels (shared/framework.md). */
export const CLASSIFICATIONS = ['unclassified', 'confidential', 'strictly-confidential'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** Who an item is shared with (§5). */
export const SHARING_SCOPES = ['organisation', 'office', 'selected', 'all'] as const;
export type SharingScope = (typeof SHARING_SCOPES)[number];

export const SHARING_MAX_ORGANISATIONS = 100;

/** Traffic Light Protocol 2.0 (§13): what a recipient may pass on. */
export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type TlpLevel = (typeof TLP_LEVELS)[number];
/** The TLP of an item that never chose one (§13). */
export const DEFAULT_TLP: TlpLevel = 'amber';
/** The levels that never travel beyond the item's audience except by its owner (§13). */
export const RESTRICTED_TLP: readonly TlpLevel[] = ['amber+strict', 'red'];
export const Tlp = z.enum(TLP_LEVELS);

/** When each organisation of `selected` stops seeing the item (§13): `{organisationId: time}`. */
export const SharingExpires = z.record(Id, z.iso.datetime({ offset: true }));

/** `sharing` as the API takes it; the cross-field rules are checked by `sharingProblem`. */
export const Sharing = z.strictObject({
  scope: z.enum(SHARING_SCOPES),
  organisations: z.array(Id).max(SHARING_MAX_ORGANISATIONS).default([]),
  expires: SharingExpires.optional(),
});
export type Sharing = z.infer<typeof Sharing>;

/**
 * The rules of §5 that tie sharing to classification: `organisations` non-empty exactly for
 * `selected`, and never `all` for strictly confidential items. Returns the message, or null.
 */
export function sharingProblem(sharing: Sharing, classification: Classification): string | null {
  if (sharing.scope === 'selected' && sharing.organisations.length === 0) {
    return 'sharing.organisations: choose at least one organisation for scope "selected".';
  }
  if (sharing.scope !== 'selected' && sharing.organisations.length > 0) {
    return `sharing.organisations: must be empty for scope "${sharing.scope}".`;
  }
  const stray = Object.keys(sharing.expires ?? {}).find((id) => sharing.scope !== 'selected' || !sharing.organisations.includes(id));
  if (stray) return `sharing.expires: ${stray} is not one of the selected organisations.`;
  if (classification === 'strictly-confidential' && sharing.scope === 'all') {
    return 'sharing.scope: strictly confidential items cannot be shared with all organisations.';
  }
  return null;
}
