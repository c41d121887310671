/** The filters the assessment list and the document library share: country, organisation and words. */

/** The shared filters as a form holds them (empty string: any). */
export interface PlaceFilters {
  country: string;
  organisation: string;
  q: string;
}

/** The shared filters when none is set. */
export function noPlaceFilters(): PlaceFilters {
  return { country: '', organisation: '', q: '' };
}

/** The shared filters from an address's parameters; a malformed value counts as unset. */
export function placeFiltersFrom(params: URLSearchParams): PlaceFilters {
  const values = noPlaceFilters();
  const country = params.get('country')?.toUpperCase() ?? '';
  if (/^[A-Z]{3}$/.test(country)) values.country = country;
  const organisation = params.get('organisation') ?? '';
  if (/^[0-9a-f]{24}$/.test(organisation)) values.organisation = organisation;
  values.q = (params.get('q') ?? '').slice(0, 200);
  return values;
}

/** The shared filters as query parameters (unset ones left out). */
export function placeQuery(values: PlaceFilters): { country?: string; organisation?: string; q?: string } {
  return { country: values.country || undefined, organisation: values.organisation || undefined, q: values.q.trim() || undefined };
}
