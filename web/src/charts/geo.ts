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

/** Province tints of the 京津冀 county maps (北京 warm, 天津 blue, 河北 green) and their borders. */
export const PROVINCE_TINT: Record<string, string> = { '11': '#fbeee8', '12': '#e9effd', '13': '#edf5e6' };
export const PROVINCE_BORDER: Record<string, string> = { '11': '#e8c2b2', '12': '#b9c9ef', '13': '#c5dcb3' };

export interface MapView {
  center?: [number, number];
  zoom?: number;
}

/** Centre and zoom that frame the given [lng, lat] points (no zoom when they already fill the map). */
export function frameView(pts: Array<[number, number]>, { maxZoom, pad }: { maxZoom: number; pad: number }): MapView {
  if (!pts.length) return {};
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const zoom = Math.max(1, Math.min(maxZoom, 6.5 / (x1 - x0 + pad), 6.6 / (y1 - y0 + pad)));
  return zoom > 1.05 ? { center: [(x0 + x1) / 2, (y0 + y1) / 2], zoom } : {};
}

/**
 * An ECharts `geo` component of a county layer with each province tinted; `label(region)` gives the
 * label of the regions that carry one (the others have none). Series draw on it with `geoIndex: 0`.
 */
export function tintedGeo(layer: GeoLayer, view: MapView, { maxScale, borderWidth, label }: { maxScale: number; borderWidth: number; label: (reg: GeoRegion) => object | undefined }) {
  return {
    map: layer.mapName,
    nameProperty: 'adcode',
    roam: true,
    aspectScale: 0.8,
    layoutCenter: ['50%', '50%'],
    layoutSize: '96%',
    scaleLimit: { min: 0.8, max: maxScale },
    ...view,
    selectedMode: false,
    silent: true,
    label: { show: false },
    itemStyle: { areaColor: '#f5f5f5', borderColor: '#ffffff', borderWidth },
    regions: [...layer.regions.values()].map((reg) => {
      const l = label(reg);
      return {
        name: reg.adcode,
        itemStyle: { areaColor: PROVINCE_TINT[reg.adcode.slice(0, 2)] ?? '#f5f5f5', borderColor: PROVINCE_BORDER[reg.adcode.slice(0, 2)] ?? '#d9d9d9', borderWidth },
        ...(l ? { label: l } : {}),
      };
    }),
  };
}

function mean(points: Array<[number, number]>): [number, number] | null {
  if (!points.length) return null;
  const s = points.reduce((a, p) => [a[0] + p[0], a[1] + p[1]], [0, 0]);
  return [s[0] / points.length, s[1] / points.length];
}

/**
 * A point for a division on a county layer: its own centre when it is a county of the layer, else the
 * middle of its counties (a city; 北京市/天津市 "cities" 110100/120100 are the whole municipality) or of its
 * province.
 */
export function divisionAnchor(layer: GeoLayer, code: string, level: number): [number, number] | null {
  const own = layer.regions.get(code)?.cp;
  if (own) return own;
  const all = [...layer.regions.values()].filter((r) => r.cp);
  if (level >= 2 && !/^1[12]01/.test(code)) {
    const inCity = all.filter((r) => r.parent === code.slice(0, 4) + '00' || r.adcode.startsWith(code.slice(0, 4))).map((r) => r.cp!);
    if (inCity.length) return mean(inCity);
  }
  return mean(all.filter((r) => (r.province ?? '').slice(0, 2) === code.slice(0, 2)).map((r) => r.cp!));
}
