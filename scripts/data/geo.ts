/**
 * data/reference/geo/jjj-{provinces,cities,counties}.topo.json: the 京津冀 map in three levels.
 *
 * Pipeline (all three files come from ONE simplified topology, so a border is the same line in
 * every file and every layer lines up with the others):
 *   1. read the 199 county polygons (shared/data/geo/jingjinji_counties.geojson, DataV, GCJ-02) and
 *      check them against divisions.json;
 *   2. wind all rings the same way and snap the borders between separately simplified source
 *      files (see geo-snap.ts);
 *   3. build a quantized topology, simplify it with topojson-simplify (Visvalingam, planar
 *      triangle areas; arc end points are never removed, so shared borders stay shared) and drop
 *      tiny detached islands;
 *   4. counties = the simplified polygons, each dissolved into one outline; cities and provinces =
 *      topojson merges of their counties (interior slivers left by step 2 are dropped from the
 *      merged outlines);
 *   5. write each level as its own pruned, quantized topology with one object named `regions`.
 *
 * The source's own city/province outlines are not used: Beijing's and Tianjin's come from a 2020
 * download that does not match the 2024 county borders vertex for vertex (see the geo README).
 */
import { join } from 'node:path';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { topology } from 'topojson-server';
import { feature as toFeature, mergeArcs, quantize } from 'topojson-client';
import { filter, filterAttachedWeight, presimplify, simplify } from 'topojson-simplify';
import { normalizeRings, ringSignedArea, snapBorders, type SnapStats } from './geo-snap.ts';
import type { Division } from './divisions.ts';
import { cmp, readJson } from './io.ts';

/** Tuning, chosen by measuring (see data/README.md): ~430 KB for the three files. */
export const GEO_OPTIONS = {
  /** Vertices of different features closer than this are merged (1e-4° ≈ 9–11 m). */
  snapEpsDeg: 1e-4,
  /** Quantization of the topology and of the written files (≈ 20 m grid over the region). */
  quantization: 3e4,
  /** Visvalingam threshold: vertices whose effective triangle is smaller than this go. */
  minTriangleKm2: 0.1,
  /** Detached rings (islands) smaller than this are dropped. */
  minIslandKm2: 0.5,
  /** Holes in merged city/province outlines smaller than this are slivers, not enclaves. */
  minHoleKm2: 2,
};
export type GeoOptions = typeof GEO_OPTIONS;

const REGION_PROVINCES = ['11', '12', '13'];
// Planar lon/lat areas → km² at the region's mean latitude (~39.3°N); precise enough for thresholds.
const KM2_PER_DEG2 = 111.32 * 111.32 * Math.cos((39.3 * Math.PI) / 180);

export interface GeoProps {
  adcode: string;
  name: string;
  parent: string;
  province: string;
  cp: [number, number];
}

export interface GeoLayerResult {
  file: string;
  features: number;
  /** Unique arc vertices and file size without simplification (same pipeline otherwise). */
  before: { vertices: number; bytes: number };
  vertices: number;
  bytes: number;
  topology: unknown;
}

export interface GeoResult {
  layers: GeoLayerResult[];
  rings: { reversed: number; spikeVertices: number };
  snap: SnapStats;
  arcs: { beforeSnap: number; afterSnap: number };
  holes: HoleStats;
  sourceVertices: number;
}

type AnyTopology = any; // topojson's own typings are too loose/strict in turn for this pipeline

export function buildGeo(geoDir: string, divisions: Division[], opts: GeoOptions = GEO_OPTIONS): GeoResult {
  const divByCode = new Map(divisions.map((d) => [d.code, d]));
  const counties = readJson<FeatureCollection<Polygon | MultiPolygon>>(join(geoDir, 'jingjinji_counties.geojson'));
  checkCountiesAgainstDivisions(counties, divisions);
  const sourceVertices = countVertices(counties);
  counties.features.sort((a, b) => cmp(String(a.properties!.adcode), String(b.properties!.adcode)));

  // Regions keyed by adcode, with the parent/province the divisions list gives them.
  const countyProps = (f: Feature): Omit<GeoProps, 'cp'> => {
    const d = divByCode.get(String(f.properties!.adcode))!;
    return { adcode: d.code, name: d.name, parent: d.parent!, province: d.province };
  };

  // 1–2. Consistent ring winding, then snap borders between source files.
  const rings = normalizeRings(counties.features.map((f) => f.geometry));
  const arcsBefore = (topology({ regions: structuredClone(counties) }, opts.quantization) as AnyTopology).arcs.length;
  const snap = snapBorders(counties.features.map((f) => f.geometry), opts.snapEpsDeg);
  for (const f of counties.features) assertClosedRings(f.geometry, String(f.properties!.adcode));
  for (const f of counties.features) f.properties = countyProps(f);

  // 3. Topology → simplify → drop small islands.
  const topo: AnyTopology = topology({ regions: counties }, opts.quantization);
  const arcsAfter = topo.arcs.length;
  const pre = presimplify(topo);
  let simple: AnyTopology = simplify(pre, opts.minTriangleKm2 / KM2_PER_DEG2);
  simple = filter(simple, filterAttachedWeight(simple, opts.minIslandKm2 / KM2_PER_DEG2));

  // 4–5. The three levels, from the simplified topology; the same steps on the unsimplified one
  // give the "before" figures the build reports.
  const holes: HoleStats = { dropped: 0, largestDroppedKm2: 0, kept: [] };
  const before = buildLevels(simplify(pre, 0), divByCode, opts, { dropped: 0, largestDroppedKm2: 0, kept: [] });
  const after = buildLevels(simple, divByCode, opts, holes);
  const expected: Record<string, number> = { 'jjj-provinces.topo.json': 3, 'jjj-cities.topo.json': 13, 'jjj-counties.topo.json': 199 };
  const layers: GeoLayerResult[] = after.map((l, i) => {
    if (l.features !== expected[l.file]) throw new Error(`geo: ${l.file} has ${l.features} features, expected ${expected[l.file]}`);
    return { ...l, before: { vertices: before[i].vertices, bytes: before[i].bytes } };
  });
  return { layers, rings, snap, arcs: { beforeSnap: arcsBefore, afterSnap: arcsAfter }, holes, sourceVertices };
}

interface HoleStats {
  dropped: number;
  largestDroppedKm2: number;
  kept: { adcode: string; km2: number }[];
}

/**
 * Counties (each dissolved into its own outline), cities and provinces (merges of their counties)
 * as three pruned, quantized topologies with one object `regions`.
 */
function buildLevels(simple: AnyTopology, divByCode: Map<string, Division>, opts: GeoOptions, holes: HoleStats) {
  // Dissolve each county's own parts: a few DataV polygons split one county into touching parts
  // (兴隆县 has a straight cut line through it), which would draw as an internal border.
  const countyGeoms: any[] = simple.objects.regions.geometries.map((g: any) => {
    if (!g.type) throw new Error(`geo: county ${g.properties.adcode} vanished during simplification`);
    return { type: 'MultiPolygon', arcs: (mergeArcs(simple, [g]) as any).arcs, properties: g.properties };
  });

  // Merged outlines keep real enclaves (the 路南区 exclave inside 宁河区 makes a 131 km² hole in
  // Tianjin) and drop the slivers left between source files.
  const mergeGroup = (members: any[], props: Omit<GeoProps, 'cp'>) => {
    const merged = mergeArcs(simple, members) as any;
    const arcs = merged.arcs.map((polygon: number[][]) => {
      const [outer, ...inner] = polygon;
      return [
        outer,
        ...inner.filter((ring) => {
          const km2 = ringAreaKm2(simple, ring);
          if (km2 >= opts.minHoleKm2) holes.kept.push({ adcode: props.adcode, km2: Math.round(km2 * 10) / 10 });
          else {
            holes.dropped++;
            holes.largestDroppedKm2 = Math.max(holes.largestDroppedKm2, Math.round(km2 * 100) / 100);
          }
          return km2 >= opts.minHoleKm2;
        }),
      ];
    });
    return { type: 'MultiPolygon', arcs, properties: props };
  };
  const cityCodes = [...new Set(countyGeoms.map((g) => g.properties.parent as string))].sort(cmp);
  const cityGeoms = cityCodes.map((code) => {
    const d = divByCode.get(code)!;
    return mergeGroup(
      countyGeoms.filter((g) => g.properties.parent === code),
      { adcode: d.code, name: d.name, parent: d.parent!, province: d.province },
    );
  });
  const provinceGeoms = REGION_PROVINCES.map((p) => {
    const d = divByCode.get(`${p}0000`)!;
    // The DataV convention: provinces hang under 100000 (中华人民共和国).
    return mergeGroup(
      countyGeoms.filter((g) => g.properties.province === p),
      { adcode: d.code, name: d.name, parent: '100000', province: p },
    );
  });

  // One pruned, quantized topology per level; `cp` from the geometry actually drawn.
  const level = (file: string, geoms: any[]) => {
    const t: AnyTopology = filter(
      { type: 'Topology', bbox: simple.bbox, objects: { regions: { type: 'GeometryCollection', geometries: geoms } }, arcs: simple.arcs },
      () => true, // no ring filtering here: filter() is used for its pruning of unused arcs
    );
    for (const g of t.objects.regions.geometries) {
      const f = toFeature(t, g) as unknown as Feature<Polygon | MultiPolygon>;
      g.properties = { ...g.properties, cp: labelPoint(f.geometry) };
    }
    const q: AnyTopology = quantize(t, opts.quantization);
    return {
      file,
      features: q.objects.regions.geometries.length,
      vertices: (q.arcs as unknown[][]).reduce((n, a) => n + a.length, 0),
      bytes: Buffer.byteLength(`${JSON.stringify(q)}\n`),
      topology: q as unknown,
    };
  };
  return [
    level('jjj-provinces.topo.json', provinceGeoms),
    level('jjj-cities.topo.json', cityGeoms),
    level('jjj-counties.topo.json', countyGeoms),
  ];
}
/** The 199 polygons must be exactly the non-functional-zone county units of 11/12/13, same names. */
function checkCountiesAgainstDivisions(fc: FeatureCollection, divisions: Division[]): void {
  const expected = divisions.filter((d) => d.level === 3 && REGION_PROVINCES.includes(d.province) && !d.functionalZone);
  const got = new Map(fc.features.map((f) => [String(f.properties?.adcode), String(f.properties?.name)]));
  if (got.size !== fc.features.length) throw new Error('geo: duplicate adcodes in the county layer');
  for (const d of expected) {
    if (got.get(d.code) !== d.name) throw new Error(`geo: county ${d.code} ${d.name} missing or named ${got.get(d.code)} in the map`);
  }
  if (got.size !== expected.length) throw new Error(`geo: county layer has ${got.size} features, divisions expect ${expected.length}`);
}

function assertClosedRings(g: Polygon | MultiPolygon, id: string): void {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  for (const poly of polys) {
    for (const r of poly) {
      const a = r[0];
      const b = r[r.length - 1];
      if (r.length < 4 || a[0] !== b[0] || a[1] !== b[1]) throw new Error(`geo: ring of ${id} is not closed after snapping`);
    }
  }
}

function countVertices(fc: FeatureCollection): number {
  let n = 0;
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') n++;
    else if (Array.isArray(c)) c.forEach(walk);
  };
  for (const f of fc.features) walk((f.geometry as Polygon).coordinates);
  return n;
}

function ringAreaKm2(topo: AnyTopology, ring: number[]): number {
  const f = toFeature(topo, { type: 'Polygon', arcs: [ring] } as any) as unknown as Feature<Polygon>;
  return Math.abs(signedArea(f.geometry.coordinates[0])) * KM2_PER_DEG2;
}

const signedArea = ringSignedArea;

/**
 * A label point for ECharts' `cp`: the area centroid of the largest polygon part (an exclave such
 * as 廊坊's 北三县 must not pull it outside the main body); when that centroid falls outside the part
 * (a ring-shaped county such as 沧县 around 沧州's districts), the middle of the widest inside run
 * of the horizontal line through it. Rounded to 4 decimals (~10 m).
 */
export function labelPoint(g: Polygon | MultiPolygon): [number, number] {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  const polyArea = (p: Position[][]) => Math.abs(signedArea(p[0])) - p.slice(1).reduce((s, h) => s + Math.abs(signedArea(h)), 0);
  const main = polys.reduce((best, p) => (polyArea(p) > polyArea(best) ? p : best));
  let cx = 0;
  let cy = 0;
  let a = 0;
  for (const [k, ring] of main.entries()) {
    // Exterior counts positive, holes negative, whatever the rings' winding.
    const sign = Math.sign(signedArea(ring)) * (k === 0 ? 1 : -1) || 1;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const cross = (ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1]) * sign;
      a += cross;
      cx += (ring[j][0] + ring[i][0]) * cross;
      cy += (ring[j][1] + ring[i][1]) * cross;
    }
  }
  let pt: [number, number] = [cx / (3 * a), cy / (3 * a)];
  if (!insidePolygon(pt, main)) pt = widestRunMidpoint(main, pt[1]) ?? pt;
  return [Math.round(pt[0] * 1e4) / 1e4, Math.round(pt[1] * 1e4) / 1e4];
}

function insidePolygon(pt: [number, number], poly: Position[][]): boolean {
  let inside = false;
  for (const ring of poly) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > pt[1] !== yj > pt[1] && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

function widestRunMidpoint(poly: Position[][], y: number): [number, number] | null {
  const xs: number[] = [];
  for (const ring of poly) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
    }
  }
  xs.sort((p, q) => p - q);
  let best: [number, number] | null = null;
  let width = 0;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    if (xs[i + 1] - xs[i] > width) {
      width = xs[i + 1] - xs[i];
      best = [(xs[i] + xs[i + 1]) / 2, y];
    }
  }
  return best;
}
