import type { Principal } from '../auth/principal.js';
import { DEFAULT_TLP, RESTRICTED_TLP, type SharingScope, type TlpLevel } from '../../shared/sharing.js';

/** One organisation's share expiry as stored (§13 `sharing.expires`). */
export interface StoredExpiry {
  organisationId: { toString(): string };
  at: Date;
}

/** What the audience of a shared item is computed from. */
export interface Shareable {
  organisationId: { toString(): string };
  sharing: { scope: SharingScope | string; organisations: { toString(): string }[]; expires?: StoredExpiry[] | null };
  draft: boolean;
}

/**
 * Whether `organisationId`'s share of an item has expired (§13): decided with the time of the
 * question, so access ends at that instant whatever sweeps run; the owner never expires.
 */
export function shareExpired(
  item: { organisationId: { toString(): string }; sharing?: Pick<Shareable['sharing'], 'expires'> | null },
  organisationId: { toString(): string },
  now = Date.now(),
): boolean {
  const expires = item.sharing?.expires;
  if (!expires?.length) return false;
  const org = organisationId.toString();
  if (org === item.organisationId.toString()) return false;
  const entry = expires.find((e) => e.organisationId.toString() === org);
  return !!entry && new Date(entry.at).getTime() <= now;
}

/**
 * §13: whether `organisationId` may pass `item` on (attach it to a message, link it from an alert).
 * Anyone may pass on what is below `amber+strict`; `amber+strict` and `red` only the owner organisation.
 */
export function mayPassOn(item: { organisationId: { toString(): string }; tlp?: TlpLevel | string | null }, organisationId: { toString(): string }): boolean {
  const tlp = (item.tlp ?? DEFAULT_TLP) as TlpLevel;
  return !RESTRICTED_TLP.includes(tlp) || item.organisationId.toString() === organisationId.toString();
}

export const ALL_AUDIENCE = 'all';
/** The audience key of one organisation. */
export const orgAudience = (organisationId: { toString(): string }) => `org:${organisationId.toString()}`;

/**
 * §5's table as data: the audience keys of an item — its owner always; the Office for `office` and
 * `selected`; the chosen organisations for `selected`; everyone for `all`. Drafts: the owner only.
 */
export function audienceOf(item: Shareable, officeId: string): string[] {
  const keys = new Set([orgAudience(item.organisationId)]);
  if (!item.draft) {
    const scope = item.sharing.scope;
    if (scope === 'all') keys.add(ALL_AUDIENCE);
    if (scope === 'office' || scope === 'selected') keys.add(orgAudience(officeId));
    if (scope === 'selected') for (const id of item.sharing.organisations) keys.add(orgAudience(id));
  }
  return [...keys];
}

/** The audience keys that let `p` see an item: its organisation's, and `all`. */
export function principalAudience(p: Principal): string[] {
  return [orgAudience(p.organisation._id), ALL_AUDIENCE];
}

/**
 * The one rule behind every read and list: an item is visible to `p` when its audience holds one
 * of `p`'s keys. Built once per request, so a list checks thousands of items without rebuilding it.
 */
export function audienceMatcher(p: Principal): (audience: readonly string[]) => boolean {
  const [own, all] = principalAudience(p);
  return (audience) => audience.some((key) => key === own || key === all);
}

/**
 * The full visibility rule of a shared item for `p`: its audience holds `p`, and `p`'s share has not
 * expired (checked with the current time on every call).
 */
export function sharedItemReader(
  p: Principal,
): (item: { audience: readonly string[]; organisationId: { toString(): string }; sharing?: Pick<Shareable['sharing'], 'expires'> | null }) => boolean {
  const visible = audienceMatcher(p);
  const org = p.organisation._id;
  return (item) => visible(item.audience) && !shareExpired(item, org);
}

/** Whether an item with `audience` is visible to `p`. */
export function inAudience(p: Principal, audience: readonly string[]): boolean {
  return audienceMatcher(p)(audience);
}

/**
 * The organisations that see an item with `after` but did not with `before` (for notifications);
 * `all` is expanded with the active organisations.
 */
export function newlyVisible(before: readonly string[], after: readonly string[], activeIds: readonly string[]): string[] {
  const was = expandAudience(before, activeIds);
  return [...expandAudience(after, activeIds)].filter((id) => !was.has(id));
}

/** The organisations that see an item both with `before` and with `after` (for `*.updated` notifications). */
export function keptVisible(before: readonly string[], after: readonly string[], activeIds: readonly string[]): string[] {
  const was = expandAudience(before, activeIds);
  return [...expandAudience(after, activeIds)].filter((id) => was.has(id));
}

function expandAudience(keys: readonly string[], activeIds: readonly string[]): Set<string> {
  return new Set(keys.includes(ALL_AUDIENCE) ? activeIds : keys.filter((k) => k.startsWith('org:')).map((k) => k.slice(4)));
}
