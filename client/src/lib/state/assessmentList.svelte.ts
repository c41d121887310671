/** The assessment list: its filters, the rows loaded so far and "load more" paging. */
import { api, type Assessment, type AssessmentQuery, type AssessmentStatus } from '../api.js';
import { errorKey } from '../errors.js';
import type { MessageKey } from './i18n.svelte.js';

/** The filters as the form holds them (empty string: any). */
export interface FilterValues {
  country: string;
  organisation: string;
  status: string;
  minRisk: string;
  q: string;
}

const PAGE_SIZE = 25;

/** No filter at all. */
export function noFilters(): FilterValues {
  return { country: '', organisation: '', status: '', minRisk: '', q: '' };
}

/** Filters from an address such as `?country=KEN&status=published`. */
export function filtersFrom(search: string): FilterValues {
  const params = new URLSearchParams(search);
  const values = noFilters();
  const country = params.get('country')?.toUpperCase() ?? '';
  if (/^[A-Z]{3}$/.test(country)) values.country = country;
  const organisation = params.get('organisation') ?? '';
  if (/^[0-9a-f]{24}$/.test(organisation)) values.organisation = organisation;
  const status = params.get('status') ?? '';
  if (status === 'draft' || status === 'published') values.status = status;
  const minRisk = params.get('minRisk') ?? '';
  if (/^[0-4]$/.test(minRisk)) values.minRisk = minRisk;
  values.q = (params.get('q') ?? '').slice(0, 200);
  return values;
}

function toQuery(values: FilterValues): AssessmentQuery {
  return {
    country: values.country || undefined,
    organisation: values.organisation || undefined,
    status: (values.status || undefined) as AssessmentStatus | undefined,
    minRisk: values.minRisk === '' ? undefined : Number(values.minRisk),
    q: values.q.trim() || undefined,
  };
}

/** State of the list page. */
export class AssessmentList {
  values = $state<FilterValues>(noFilters());
  items = $state.raw<Assessment[]>([]);
  nextCursor = $state<string | null>(null);
  loading = $state(false);
  loaded = $state(false);
  failure = $state<MessageKey | null>(null);
  #generation = 0;

  /** Loads the first page for the current filters, or the page after `cursor`. */
  async load(cursor?: string): Promise<void> {
    const mine = ++this.#generation;
    this.loading = true;
    this.failure = null;
    try {
      const page = await api.assessments({ ...toQuery(this.values), limit: PAGE_SIZE, cursor });
      if (mine !== this.#generation) return;
      this.items = cursor ? [...this.items, ...page.items] : page.items;
      this.nextCursor = page.nextCursor;
      this.loaded = true;
    } catch (error) {
      if (mine === this.#generation) this.failure = errorKey(error);
    } finally {
      if (mine === this.#generation) this.loading = false;
    }
  }

  /** Clears every filter and reloads. */
  clear(): Promise<void> {
    this.values = noFilters();
    return this.load();
  }
}
