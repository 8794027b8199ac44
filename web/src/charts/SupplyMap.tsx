import { useQuery } from '@tanstack/react-query';
import { Alert, Spin } from 'antd';
import { useMemo } from 'react';
import { useErrorText } from '../components/common';
import { useLang } from '../i18n';
import EChart from './EChart';
import './use-supply-map';
import type { EChartsOption } from './echarts';
import { divisionAnchor, frameView, loadGeo, tintedGeo } from './geo';

/** Per division, as GET /api/supply/suppliers returns it (counties inside 京津冀 where known). */
export interface SupplyDivision {
  code: string;
  name: string;
  level: number;
  provinceCode: string;
  inside: boolean;
  suppliers: number;
  links: number;
  amountWan: number;
}

export type SupplyMapMeasure = 'amountWan' | 'suppliers';

export interface SupplyMapProps {
  rows: SupplyDivision[];
  measure: SupplyMapMeasure;
  height?: number;
  onRegionClick?: (code: string, name: string) => void;
}

const fmt = (n: number) => Math.round(n).toLocaleString('zh-CN');

/**
 * Suppliers on the 京津冀 map: counties coloured by the measure of their suppliers, and bubbles
 * for suppliers placed only at city or province level (at the middle of that city or province).
 * Suppliers outside the region are not drawn (the page lists them beside the map).
 */
export default function SupplyMap({ rows, measure, height = 520, onRegionClick }: SupplyMapProps) {
  const { t, lang } = useLang();
  const errText = useErrorText();
  const geo = useQuery({ queryKey: ['geo', 'counties'], queryFn: () => loadGeo('counties'), staleTime: Infinity });

  const option = useMemo<EChartsOption | null>(() => {
    const layer = geo.data;
    if (!layer) return null;
    const inside = rows.filter((r) => r.inside);
    const byCounty = new Map<string, SupplyDivision>();
    const coarse: Array<{ row: SupplyDivision; at: [number, number] }> = [];
    for (const r of inside) {
      if (r.level >= 3 && layer.regions.has(r.code)) byCounty.set(r.code, r);
      else {
        const at = divisionAnchor(layer, r.code, r.level);
        if (at) coarse.push({ row: r, at });
      }
    }
    const value = (r: SupplyDivision) => (measure === 'amountWan' ? r.amountWan : r.suppliers);
    const max = Math.max(1, ...[...byCounty.values()].map(value), ...coarse.map((c) => value(c.row)));
    const names = new Map([...layer.regions.values()].map((r) => [r.adcode, r.name]));
    const tip = (name: string, r: SupplyDivision | undefined) =>
      r
        ? `<b>${name}</b><br/>${t('supply.map.tipSuppliers', { n: r.suppliers })}<br/>${t('supply.map.tipLinks', { n: r.links })}<br/>${t('supply.map.tipAmount', { amount: fmt(r.amountWan) })}`
        : name;
    const mapData = [...layer.regions.values()].map((reg) => {
      const r = byCounty.get(reg.adcode);
      return {
        name: reg.adcode,
        value: r ? value(r) : NaN,
        label: r ? { show: true } : undefined,
        row: r,
      };
    });
    const maxBubble = Math.max(1, ...coarse.map((c) => value(c.row)));
    // Frame the places with suppliers (the whole region stays a scroll or drag away).
    const pts = [...[...byCounty.keys()].map((c) => layer.regions.get(c)?.cp).filter((x): x is [number, number] => !!x), ...coarse.map((c) => c.at)];
    const view = frameView(pts, { maxZoom: 2.2, pad: 1.6 });
    return {
      tooltip: {
        trigger: 'item',
        confine: true,
        formatter: (p: any) => {
          if (p.seriesType === 'scatter') return tip(t('supply.map.coarse', { name: p.data.row.name }), p.data.row);
          return tip(names.get(p.name) ?? p.name, p.data?.row);
        },
      },
      visualMap: {
        type: 'continuous',
        seriesIndex: 0,
        min: 0,
        max,
        left: 8,
        bottom: 8,
        calculable: true,
        itemHeight: 110,
        text: [measure === 'amountWan' ? t('supply.wan') : '', ''],
        textStyle: { fontSize: 11, color: '#595959' },
        inRange: { color: ['#ffd591', '#ffa940', '#fa541c', '#a8071a'] },
      },
      // the map series draws on this geo, so the province tints are set here; counties with suppliers carry their name
      geo: tintedGeo(layer, view, {
        maxScale: 12,
        borderWidth: 0.5,
        label: (reg) => (byCounty.has(reg.adcode) ? { show: true, formatter: reg.name, fontSize: 11, color: '#1f1f1f', textBorderColor: '#fff', textBorderWidth: 2 } : undefined),
      }),
      series: [
        {
          type: 'map',
          geoIndex: 0,
          data: mapData,
          label: {
            show: false,
            fontSize: 11,
            color: '#1f1f1f',
            textBorderColor: '#fff',
            textBorderWidth: 2,
            formatter: (p: any) => names.get(p.name) ?? p.name,
          },
          emphasis: { label: { show: true, formatter: (p: any) => names.get(p.name) ?? p.name }, itemStyle: { areaColor: '#ffd666' } },
        },
        {
          type: 'scatter',
          coordinateSystem: 'geo',
          geoIndex: 0,
          symbolSize: (_v: unknown, p: any) => 14 + 30 * Math.sqrt(value(p.data.row) / maxBubble),
          itemStyle: { color: 'rgba(31,79,216,0.55)', borderColor: '#1f4fd8', borderWidth: 1.5 },
          label: {
            show: true,
            position: 'right',
            fontSize: 11,
            color: '#0b1f66',
            textBorderColor: '#fff',
            textBorderWidth: 3,
            formatter: (p: any) => `${p.data.row.name} ${p.data.row.suppliers}${lang === 'zh' ? '家' : ''}`,
          },
          emphasis: { scale: 1.1 },
          data: coarse.map((c) => ({ name: c.row.code, value: [...c.at, value(c.row)], row: c.row })),
          z: 5,
        },
      ],
    } as EChartsOption;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [geo.data, rows, measure, lang]);

  if (geo.isError) return <Alert type="warning" showIcon title={errText(geo.error)} />;
  if (!option)
    return (
      <div style={{ height, display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
        <Spin />
      </div>
    );
  return (
    <EChart
      option={option}
      style={{ height }}
      data-testid="supply-map"
      onEvents={{
        click: (p: any) => {
          if (!onRegionClick) return;
          if (p.seriesType === 'scatter') onRegionClick(p.data.row.code, p.data.row.name);
          else if (p.data?.row) onRegionClick(p.data.row.code, p.data.row.name);
        },
      }}
    />
  );
}
