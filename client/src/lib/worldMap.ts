/** World map geometry drawn in the browser from world-atlas (Natural Earth 1:110m): no tile server, nothing external. */
import type { GeometryCollection, Topology } from 'topojson-specification';

/** One country's outline as an SVG path, with its ISO 3166-1 numeric code ("404"; empty when it has none). */
export interface CountryShape {
  numeric: string;
  d: string;
}

export interface WorldGeometry {
  width: number;
  height: number;
  shapes: CountryShape[];
}

const ANTARCTICA = '010';
let cached: Promise<WorldGeometry> | null = null;

/** Projects the countries once (Equal Earth, fitted to `width`); the data and d3 load on first use. */
export function loadWorld(width = 960, height = 470): Promise<WorldGeometry> {
  cached ??= build(width, height);
  cached.catch(() => {
    cached = null;
  });
  return cached;
}

async function build(width: number, height: number): Promise<WorldGeometry> {
  const [{ feature }, { geoEqualEarth, geoPath }, atlas] = await Promise.all([
    import('topojson-client'),
    import('d3-geo'),
    import('world-atlas/countries-110m.json'),
  ]);
  const topology = (atlas.default ?? atlas) as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const countries = feature(topology, topology.objects.countries);
  const kept = countries.features.filter((country) => country.id !== ANTARCTICA);
  const projection = geoEqualEarth().fitExtent(
    [
      [4, 4],
      [width - 4, height - 4],
    ],
    { type: 'FeatureCollection', features: kept },
  );
  const path = geoPath(projection);
  return {
    width,
    height,
    // Territories without an ISO code in the data (N. Cyprus, Somaliland, Kosovo) are drawn, never coloured.
    shapes: kept
      .map((country) => ({ numeric: country.id === undefined ? '' : String(country.id).padStart(3, '0'), d: path(country) ?? '' }))
      .filter((shape) => shape.d !== ''),
  };
}
