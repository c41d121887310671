/** World map geometry drawn in the browser from world-atlas (Natural Earth 1:110m): no tile server, nothing external. */
import type { GeometryCollection, Topology } from 'topojson-specification';

/** One country's outline as an SVG path, with its ISO 3166-1 numeric code ("404"; empty when it has none). */
export interface CountryShape {
  numeric: string;
  d: string;
  /** Its bounding box on the map: [x0, y0, x1, y1]. */
  box: [number, number, number, number];
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
      .map((country) => {
        const [[x0, y0], [x1, y1]] = path.bounds(country);
        return {
          numeric: country.id === undefined ? '' : String(country.id).padStart(3, '0'),
          d: path(country) ?? '',
          box: [x0, y0, x1, y1] as CountryShape['box'],
        };
      })
      .filter((shape) => shape.d !== ''),
  };
}

/**
 * The part of the map to show on a small screen: the countries in `shown` with a margin, widened to a
 * landscape shape and never smaller than a fifth of the world's width (whole world when none is shown).
 */
export function zoomBox(world: WorldGeometry, shown: (shape: CountryShape) => boolean): [number, number, number, number] {
  const boxes = world.shapes.filter(shown).map((shape) => shape.box);
  if (boxes.length === 0) return [0, 0, world.width, world.height];
  const x0 = Math.min(...boxes.map((b) => b[0]));
  const y0 = Math.min(...boxes.map((b) => b[1]));
  const x1 = Math.max(...boxes.map((b) => b[2]));
  const y1 = Math.max(...boxes.map((b) => b[3]));
  const margin = Math.max(x1 - x0, y1 - y0) * 0.15 + 10;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  let w = Math.max(x1 - x0 + 2 * margin, world.width / 5);
  let h = Math.max(y1 - y0 + 2 * margin, (w * 3) / 4);
  w = Math.max(w, (h * 4) / 3);
  w = Math.min(w, world.width);
  h = Math.min(h, world.height);
  const left = Math.min(Math.max(0, cx - w / 2), world.width - w);
  const top = Math.min(Math.max(0, cy - h / 2), world.height - h);
  return [left, top, w, h];
}
