/**
 * The 京津冀 map: TopoJSON from /api/reference/geo/:level (object `regions`, properties
 * {adcode, name, parent, province, cp}) turned into GeoJSON and registered with ECharts once per level.
 */
import { feature } from 'topojson-client';
import type { GeoLevel } from '../api/types';
import { api } from '../api/client';
import { echarts } from './echarts';
import './use-map';

export interface GeoRegion {
  adcode: string;
  name: string;
  parent: string | null;
  province: string | null;
  cp: [number, number] | null;
}

export interface GeoLayer {
  level: GeoLevel;
  mapName: string;
  regions: Map<string, GeoRegion>;
}

const cache = new Map<GeoLevel, Promise<GeoLayer>>();
const MUNICIPALITIES = new Set(['11', '12', '31', '50']);

export function loadGeo(level: GeoLevel): Promise<GeoLayer> {
  let p = cache.get(level);
  if (!p) {
    p = (async () => {
      const topo = await api.get<any>(`/api/reference/geo/${level}`);
      const objName = topo.objects?.regions ? 'regions' : Object.keys(topo.objects ?? {})[0];
      const fc = feature(topo, topo.objects[objName]) as unknown as { type: 'FeatureCollection'; features: Array<{ properties: any }> };
      const regions = new Map<string, GeoRegion>();
      for (const f of fc.features) {
        const pr = f.properties ?? {};
        const adcode = String(pr.adcode ?? pr.code ?? '');
        // ECharts matches data by properties.adcode (nameProperty) and centres labels on properties.cp.
        pr.adcode = adcode;
        const cp = Array.isArray(pr.cp) ? pr.cp : Array.isArray(pr.centroid) ? pr.centroid : Array.isArray(pr.center) ? pr.center : null;
        if (cp) pr.cp = cp;
        regions.set(adcode, {
          adcode,
          name: String(pr.name ?? adcode),
          parent: pr.parent != null ? String(pr.parent) : null,
          province: pr.province != null ? String(pr.province) : adcode.slice(0, 2) + '0000',
          cp,
        });
      }
      const mapName = `jjj-${level}`;
      echarts.registerMap(mapName, fc as any);
      return { level, mapName, regions };
    })();
    p.catch(() => cache.delete(level));
    cache.set(level, p);
  }
  return p;
}

export interface DivisionCount {
  code: string;
  name: string;
  level: number;
  count: number;
}

/**
 * Counts per map region at one level. Organisations placed coarser than the level (province only,
 * city only) or in a unit without a polygon (functional zones) are returned as `unplaced`.
 */
export function aggregate(layer: GeoLayer, rows: DivisionCount[]) {
  const counts = new Map<string, number>();
  const unplaced = { province: 0, city: 0 };
  for (const r of rows) {
    const code = r.code;
    const candidates =
      layer.level === 'provinces'
        ? [code.slice(0, 2) + '0000']
        : layer.level === 'cities'
          ? r.level >= 2
            ? [code.slice(0, 4) + '00', code.slice(0, 2) + '0000']
            : MUNICIPALITIES.has(code.slice(0, 2))
              ? [code, code.slice(0, 2) + '0100'] // 北京市/天津市 are both province and city
              : [code]
          : r.level >= 3
            ? [code]
            : [];
    const hit = candidates.find((c) => layer.regions.has(c));
    if (hit) counts.set(hit, (counts.get(hit) ?? 0) + r.count);
    else if (r.level <= 1) unplaced.province += r.count;
    else unplaced.city += r.count;
  }
  return { counts, unplaced };
}

/** The most precise region of `place` (county first, then city, province) that the layers draw. */
export function bestRegion(
  place: Array<{ code: string; name: string; level: number }>,
  layers: Partial<Record<GeoLevel, GeoLayer>>,
): { layer: GeoLayer; region: GeoRegion } | null {
  const sorted = [...place].sort((a, b) => b.level - a.level);
  for (const p of sorted) {
    const order: GeoLevel[] = p.level >= 3 ? ['counties'] : p.level === 2 ? ['cities'] : ['provinces'];
    for (const lv of order) {
      const layer = layers[lv];
      const region =
        layer?.regions.get(p.code) ??
        (lv === 'cities' ? (layer?.regions.get(p.code.slice(0, 4) + '00') ?? layer?.regions.get(p.code.slice(0, 2) + '0000')) : undefined);
      if (layer && region) return { layer, region };
    }
  }
  return null;
}
