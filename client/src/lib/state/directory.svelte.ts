/** Names for the ids the audit trail and user lists show: organisations and users the person may list. */
import { SvelteMap } from 'svelte/reactivity';
import { api, type Organisation, type User } from '../api.js';
import { organisationName } from '../labels.js';
import type { I18n } from './i18n.svelte.js';

const MAX_USER_PAGES = 10;

/** A cache of organisations and users, filled on demand; ids it cannot resolve stay ids. */
export class Directory {
  organisations = new SvelteMap<string, Organisation>();
  users = new SvelteMap<string, Pick<User, 'id' | 'name' | 'email' | 'organisationId'>>();
  /** Names of authors the hub gave with what the person read (the `names` of an answer). */
  names = new SvelteMap<string, string>();
  #usersLoaded = new Set<string>();
  #organisationsLoaded: Promise<Organisation[]> | null = null;

  /** Loads every organisation the person may list (deactivated ones too for the Office admin). */
  loadOrganisations(includeInactive: boolean, force = false): Promise<Organisation[]> {
    if (!this.#organisationsLoaded || force) {
      this.#organisationsLoaded = api.allOrganisations(includeInactive).then((list) => {
        for (const organisation of list) this.organisations.set(organisation.id, organisation);
        return list;
      });
      this.#organisationsLoaded.catch(() => {
        this.#organisationsLoaded = null;
      });
    }
    return this.#organisationsLoaded;
  }

  /** An organisation's name in the reader's language, or its short id when the person may not list it. */
  organisationLabel(i18n: I18n, id: string): string {
    const organisation = this.organisations.get(id);
    return organisation ? organisationName(i18n, organisation) : shortId(id);
  }

  /** Remembers an organisation the person just created or changed. */
  putOrganisation(organisation: Organisation): void {
    this.organisations.set(organisation.id, organisation);
  }

  /** Remembers users seen in a list. */
  putUsers(users: User[]): void {
    for (const user of users) this.users.set(user.id, { id: user.id, name: user.name, email: user.email, organisationId: user.organisationId });
  }

  /** Remembers the authors' names an answer carries. */
  putNames(names: Record<string, string> | undefined): void {
    for (const [id, name] of Object.entries(names ?? {})) this.names.set(id, name);
  }

  /** A person's name as far as the person reading may know it, or null. */
  userName(id: string): string | null {
    return this.users.get(id)?.name ?? this.names.get(id) ?? null;
  }

  /** Loads the users of an organisation once, if the person may list them (failures are quiet). */
  async loadUsersOf(organisationId: string): Promise<void> {
    if (this.#usersLoaded.has(organisationId)) return;
    this.#usersLoaded.add(organisationId);
    let cursor: string | undefined;
    try {
      for (let page = 0; page < MAX_USER_PAGES; page += 1) {
        const answer = await api.users(organisationId, { limit: 100, cursor });
        this.putUsers(answer.items);
        if (!answer.nextCursor) break;
        cursor = answer.nextCursor;
      }
    } catch {
      // 404 for another organisation's users: the ids stay ids.
    }
  }

  /** Forgets everything (sign-out). */
  clear(): void {
    this.organisations.clear();
    this.users.clear();
    this.names.clear();
    this.#usersLoaded.clear();
    this.#organisationsLoaded = null;
  }
}

export const directory = new Directory();

/** The last characters of an id, enough to tell records apart on screen. */
export function shortId(id: string): string {
  return id.length > 8 ? `…${id.slice(-6)}` : id;
}
