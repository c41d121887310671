/** The countries the person watches (§11 `GET/PUT /api/me/watch`): escalations on them are notified. */
import { api } from '../api.js';
import { errorKey } from '../errors.js';
import type { MessageKey } from './i18n.svelte.js';

/** The watched countries, loaded once per page that needs them, changed one country at a time. */
export class WatchList {
  countries = $state.raw<string[]>([]);
  loaded = $state(false);
  saving = $state(false);
  failure = $state<MessageKey | null>(null);

  /** Reads the watched countries from the hub. */
  async load(): Promise<void> {
    this.failure = null;
    try {
      this.countries = (await api.watchedCountries()).countries;
      this.loaded = true;
    } catch (error) {
      this.failure = errorKey(error);
    }
  }

  /** Whether `code` is watched. */
  has(code: string): boolean {
    return this.countries.includes(code);
  }

  /** Starts or stops watching `code`; the hub's answer is what is shown. */
  async toggle(code: string): Promise<void> {
    if (this.saving) return;
    const next = this.has(code) ? this.countries.filter((c) => c !== code) : [...this.countries, code];
    this.saving = true;
    this.failure = null;
    try {
      this.countries = (await api.setWatchedCountries(next)).countries;
    } catch (error) {
      this.failure = errorKey(error);
    } finally {
      this.saving = false;
    }
  }
}
