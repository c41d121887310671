/** The assessment list: its filters and how they read from the address and go to the hub. */
import { api, type Assessment, type AssessmentQuery, type AssessmentStatus, type ItemCard } from '../api.js';
import { noPlaceFilters, placeFiltersFrom, placeQuery, type PlaceFilters } from '../listFilters.js';
import { PagedList } from './pagedList.svelte.js';

/** The filters as the form holds them (empty string: any). */
export interface FilterValues extends PlaceFilters {
  status: string;
  minRisk: string;
}

const PAGE_SIZE = 25;

/** No filter at all. */
export function noFilters(): FilterValues {
  return { ...noPlaceFilters(), status: '', minRisk: '' };
}

/** Filters from an address such as `?country=KEN&status=published`. */
export function filtersFrom(search: string): FilterValues {
  const params = new URLSearchParams(search);
  const values: FilterValues = { ...placeFiltersFrom(params), status: '', minRisk: '' };
  const status = params.get('status') ?? '';
  if (status === 'draft' || status === 'published') values.status = status;
  const minRisk = params.get('minRisk') ?? '';
  if (/^[0-4]$/.test(minRisk)) values.minRisk = minRisk;
  return values;
}

function toQuery(values: FilterValues): AssessmentQuery {
  return {
    ...placeQuery(values),
    status: (values.status || undefined) as AssessmentStatus | undefined,
    minRisk: values.minRisk === '' ? undefined : Number(values.minRisk),
  };
}

/** State of the list page. */
export class AssessmentList extends PagedList<Assessment | ItemCard, FilterValues> {
  constructor() {
    super({ fetch: (values, request) => api.assessments({ ...toQuery(values), ...request }), empty: noFilters, pageSize: PAGE_SIZE });
  }
}
