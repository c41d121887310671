import { DEFAULT_TLP, type Sharing, type TlpLevel } from '../../shared/sharing.js';
import type { StoredSharing } from '../models/sharing.js';

/** A stored `sharing` as the API shows it; `expires` only when some organisation's share ends (§13). */
export function presentSharing(sharing: StoredSharing): Sharing {
  const shown: Sharing = { scope: sharing.scope as Sharing['scope'], organisations: (sharing.organisations ?? []).map(String) };
  if (sharing.expires?.length) shown.expires = Object.fromEntries(sharing.expires.map((e) => [e.organisationId.toString(), new Date(e.at).toISOString()]));
  return shown;
}

/** An item's TLP; what was stored before v2 is `amber` (§13). */
export const presentTlp = (tlp: string | null | undefined): TlpLevel => (tlp ?? DEFAULT_TLP) as TlpLevel;
