import type { ActionSpec, Actor, MessageSpec, OrgKey, RoomSpec, SharedSpec, UserSpec } from './world.js';

// The contract's rules (§4, §5, §8) restated over the matrix's fixtures, independently of the server's
// policies: the matrix's expectations come from here and from nowhere else.

/** What the contract answers a signed-in caller: the success, 403 (seen, not allowed) or 404 (not seen). */
export type Verdict = 'ok' | 'forbidden' | 'hidden';

/** The hub's administrator: an admin of the Office. */
export const isOfficeAdmin = (a: Actor) => a.org === 'O' && a.role === 'admin';
/** An admin of their own organisation. */
export const isAdmin = (a: Actor) => a.role === 'admin';
/** Admins and analysts create and edit their organisation's items. */
export const isEditor = (a: Actor) => a.role === 'admin' || a.role === 'analyst';

const verdict = (visible: boolean, allowed: boolean): Verdict => (!visible ? 'hidden' : allowed ? 'ok' : 'forbidden');

/** §5's table: who sees an item of `spec.owner` shared with `spec.scope`; a draft reaches its owner only. */
export function sees(org: OrgKey | null, spec: SharedSpec): boolean {
  if (org === spec.owner) return true;
  if (spec.draft || org === null || spec.expired?.includes(org)) return false;
  if (spec.scope === 'all') return true;
  if (spec.scope === 'office') return org === 'O';
  if (spec.scope === 'selected') return org === 'O' || spec.selected.includes(org);
  return false;
}

/** How a caller stands to an item, for the cells' names. */
export function relation(a: Actor, spec: SharedSpec): string {
  const seen = sees(a.org, spec) ? 'shared with it' : 'not shared with it';
  if (a.org === spec.owner) return 'own organisation';
  if (spec.owner === 'O') return `the Office, ${seen}`;
  return `a partner, ${seen}`;
}

/** Any signed-in user. */
export const anyUser = (): Verdict => 'ok';
/** Creating items and rooms: admins and analysts (members: 403). */
export const editors = (a: Actor): Verdict => verdict(true, isEditor(a));
/** The hub's administration: the Office admin only. */
export const officeAdmins = (a: Actor): Verdict => verdict(true, isOfficeAdmin(a));
/** The audit trail: admins (each sees its own organisation's records). */
export const admins = (a: Actor): Verdict => verdict(true, isAdmin(a));

/** Reading an assessment or document (and commenting): whoever sees it. */
export const readers = (a: Actor, s: SharedSpec): Verdict => verdict(sees(a.org, s), true);
/** §13: whether a caller reads only the card of an item: discoverable, published, and not otherwise seen. */
export const seesCardOnly = (a: Actor, s: SharedSpec): boolean => a.org !== null && !!s.discoverable && !s.draft && !sees(a.org, s);
/** Reading an item by id: whoever sees it, and its card for everyone else when it is discoverable (§13). */
export const cardReaders = (a: Actor, s: SharedSpec): Verdict => verdict(sees(a.org, s) || seesCardOnly(a, s), true);
/**
 * Reading version 1 of a document (§5, §7 v2): the owner always; another organisation only if it saw the
 * document while version 1 was the latest (`spec.first`) and sees it now. Without a history, version 1 is the latest.
 */
export const firstVersionReaders = (a: Actor, s: SharedSpec): Verdict =>
  verdict(sees(a.org, s) && (!s.first || a.org === s.owner || sees(a.org, { ...s, ...s.first })), true);
/** Changing an item or its sharing: admins and analysts of the owner organisation. */
export const ownerEditors = (a: Actor, s: SharedSpec): Verdict => verdict(sees(a.org, s), a.org === s.owner && isEditor(a));
/** A draft version (every assessment's version 1; a draft revision): its owner organisation only (§5, §6 v2). */
export const ownerOnly = (a: Actor, s: SharedSpec): Verdict => verdict(a.org === s.owner, true);
/** Deleting an item: admins of the owner organisation. */
export const ownerAdmins = (a: Actor, s: SharedSpec): Verdict => verdict(sees(a.org, s), a.org === s.owner && isAdmin(a));

/** Updating an action (§12): admins and analysts of its owner organisation or of the alert's issuer. */
export const actionUpdaters = (a: Actor, s: ActionSpec): Verdict =>
  verdict(sees(a.org, s.alert), isEditor(a) && (a.org === s.owner || a.org === s.alert.owner));
/** Reading an action: whoever sees its alert. */
export const actionReaders = (a: Actor, s: ActionSpec): Verdict => verdict(sees(a.org, s.alert), true);
/** How a caller stands to an action, for the cells' names. */
export function actionRelation(a: Actor, s: ActionSpec): string {
  if (a.org === s.owner) return 'its owner';
  return a.org === s.alert.owner ? 'its issuer' : relation(a, s.alert);
}

/** Rooms: members are all users of its organisations; others do not learn it exists. */
export const isMember = (a: Actor, r: RoomSpec) => a.org !== null && r.orgs.includes(a.org);
export const roomMembers = (a: Actor, r: RoomSpec): Verdict => verdict(isMember(a, r), true);
/** Changing a room: admins and analysts of the creator organisation; the Office admin (§8). */
export const roomManagers = (a: Actor, r: RoomSpec): Verdict =>
  verdict(isMember(a, r) || isOfficeAdmin(a), isOfficeAdmin(a) || (a.org === r.creator && isEditor(a)));

/** A room's transcript (§8 v2): admins of its organisations and the Office admin; other members 403. */
export const roomExporters = (a: Actor, r: RoomSpec): Verdict =>
  verdict(isMember(a, r) || isOfficeAdmin(a), isOfficeAdmin(a) || (isMember(a, r) && isAdmin(a)));
/** Reacting to a message (§8 v2): any member of its room. */
export const messageReactors = (a: Actor, m: MessageSpec): Verdict => verdict(isMember(a, m.room), true);

/** The author of a message, as an actor key (`A.analyst`) or a partner's user key (`B.analyst`). */
const authorOrg = (m: MessageSpec) => m.author.slice(0, 1) as OrgKey;
/** Editing a message: its author only. */
export const messageAuthors = (a: Actor, m: MessageSpec): Verdict => verdict(isMember(a, m.room), a.key === m.author);
/** Deleting a message: its author, or an admin of the author's organisation. */
export const messageDeleters = (a: Actor, m: MessageSpec): Verdict =>
  verdict(isMember(a, m.room), a.key === m.author || (isAdmin(a) && a.org === authorOrg(m)));

/** Active organisations are listed to everyone; an inactive one only to the Office admin. Changing one: the Office admin. */
export const organisationManagers = (a: Actor, org: OrgKey): Verdict => verdict(org !== 'D' || isOfficeAdmin(a), isOfficeAdmin(a));
/** An organisation's users (§4): its admin and the Office admin; another partner's admin gets 404. */
export const organisationUserManagers = (a: Actor, org: OrgKey): Verdict =>
  verdict(a.org === org || isOfficeAdmin(a), isOfficeAdmin(a) || (a.org === org && isAdmin(a)));
/** An organisation's API keys and webhooks (§14): managed by its own admin; seen (403) by the Office admin, hidden from other partners. */
export const machineAccessManagers = (a: Actor, org: OrgKey): Verdict => verdict(a.org === org || isOfficeAdmin(a), a.org === org && isAdmin(a));
/** Changing a user: the user's organisation admin and the Office admin. */
export const userManagers = (a: Actor, u: UserSpec): Verdict => organisationUserManagers(a, u.org);

/** How a caller stands to a room, a message or an organisation, for the cells' names. */
export const roomRelation = (a: Actor, r: RoomSpec) => (isMember(a, r) ? 'a member' : 'not a member');
export function messageRelation(a: Actor, m: MessageSpec): string {
  if (!isMember(a, m.room)) return 'not a member of its room';
  if (a.key === m.author) return 'its author';
  return a.org === authorOrg(m) ? 'a colleague of its author' : 'a member of another organisation';
}
export function organisationRelation(a: Actor, org: OrgKey): string {
  if (a.org === org) return 'own organisation';
  if (org === 'O') return 'the Office';
  return org === 'D' ? 'a deactivated partner' : 'a partner';
}
