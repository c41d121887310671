/** The country page: the latest visible assessment of each organisation and the overall risk over time. */
import { api, type CountryOverview } from '../api.js';
import { errorKey } from '../errors.js';
import type { MessageKey } from './i18n.svelte.js';

/** State of one country page. */
export class CountryPage {
  overview = $state.raw<CountryOverview | null>(null);
  loading = $state(true);
  failure = $state<MessageKey | null>(null);

  constructor(readonly code: string) {}

  /** Loads the overview (any user; only what the person may see is in it). */
  async load(): Promise<void> {
    this.loading = true;
    this.failure = null;
    try {
      this.overview = await api.countryOverview(this.code);
    } catch (error) {
      this.failure = errorKey(error);
    } finally {
      this.loading = false;
    }
  }
}
