import { Alert, Empty, Spin } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { GeoLevel } from '../api/types';
import { useErrorText } from '../components/common';
import { useLang } from '../i18n';
import EChart from './EChart';
import './use-map';
import type { EChartsOption } from './echarts';
import { aggregate, loadGeo, type DivisionCount } from './geo';

export interface RegionMapProps {
  level: GeoLevel;
  rows: DivisionCount[];
  height?: number;
  onRegionClick?: (adcode: string, name: string) => void;
}

/** Choropleth of organisation counts over 京津冀 at one level (counties, cities or provinces). */
export default function RegionMap({ level, rows, height = 460, onRegionClick }: RegionMapProps) {
  const { t, lang } = useLang();
  const errText = useErrorText();
  const geo = useQuery({ queryKey: ['geo', level], queryFn: () => loadGeo(level), staleTime: Infinity });

  const agg = useMemo(() => (geo.data ? aggregate(geo.data, rows) : null), [geo.data, rows]);

  const option = useMemo<EChartsOption | null>(() => {
    if (!geo.data || !agg) return null;
    const layer = geo.data;
    const values = [...layer.regions.values()].map((r) => ({ name: r.adcode, value: agg.counts.get(r.adcode) ?? 0 }));
    const max = Math.max(1, ...values.map((d) => d.value));
    // Names stay readable on the dark end of the scale: white text on fills past ~55 % of the maximum.
    const data = values.map((d) => (d.value / max > 0.55 ? { ...d, label: { color: '#ffffff', textBorderColor: '#0b1f66', textBorderWidth: 2 } } : d));
    const names = new Map([...layer.regions.values()].map((r) => [r.adcode, r.name]));
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: any) => `${names.get(p.name) ?? p.name}<br/>${t('dash.mapCount')}${lang === 'zh' ? '：' : ': '}<b>${Number.isFinite(p.value) ? p.value : 0}</b>`,
      },
      visualMap: {
        type: 'continuous',
        min: 0,
        max,
        left: 8,
        bottom: 8,
        calculable: true,
        itemHeight: 110,
        textStyle: { fontSize: 11, color: '#595959' },
        inRange: { color: ['#eef3ff', '#a9c2ff', '#4f7ef0', '#1f4fd8', '#0b1f66'] },
      },
      series: [
        {
          type: 'map',
          map: layer.mapName,
          nameProperty: 'adcode',
          roam: true,
          scaleLimit: { min: 0.8, max: 12 },
          aspectScale: 0.8,
          layoutCenter: ['52%', '50%'],
          layoutSize: '96%',
          selectedMode: false,
          label: {
            show: level !== 'counties',
            fontSize: level === 'provinces' ? 14 : 11,
            color: '#1f1f1f',
            formatter: (p: any) => names.get(p.name) ?? p.name,
          },
          itemStyle: { borderColor: '#ffffff', borderWidth: level === 'counties' ? 0.5 : 1, areaColor: '#eef3ff' },
          emphasis: {
            label: { show: true, formatter: (p: any) => names.get(p.name) ?? p.name, color: '#000', fontWeight: 'bold' },
            itemStyle: { areaColor: '#ffd666' },
          },
          data,
        },
      ],
    } as EChartsOption;
    // lang is part of the tooltip text
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [geo.data, agg, level, lang]);

  if (geo.isError) return <Alert type="warning" showIcon title={errText(geo.error)} />;
  if (!option)
    return (
      <div style={{ height, display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
        <Spin />
      </div>
    );
  if (!rows.length) return <Empty style={{ height }} />;

  const notes: string[] = [];
  if (agg && agg.unplaced.city && level === 'counties')
    notes.push(t('dash.mapNote', { n: agg.unplaced.city, level: t('dash.mapNote.city'), switchTo: t('dash.mapLevel.cities') }));
  if (agg && agg.unplaced.province) notes.push(t('dash.mapNote', { n: agg.unplaced.province, level: t('dash.mapNote.province'), switchTo: t('dash.mapLevel.provinces') }));

  const top = agg
    ? [...agg.counts.entries()]
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([code, n]) => ({ code, n, name: geo.data!.regions.get(code)?.name ?? code }))
    : [];
  const topMax = Math.max(1, ...top.map((x) => x.n));

  return (
    <div>
      <div className="map-wrap">
        <div className="map">
          <EChart
            option={option}
            style={{ height }}
            data-testid="region-map"
            onEvents={{
              click: (p: any) => {
                if (p?.name && onRegionClick) onRegionClick(String(p.name), geo.data!.regions.get(String(p.name))?.name ?? '');
              },
            }}
          />
        </div>
        <div className="map-rank" data-testid="map-rank">
          <div className="h">{t('dash.top')}</div>
          {top.map((x, i) => (
            <div className="row" key={x.code} onClick={() => onRegionClick?.(x.code, x.name)} title={x.name}>
              <span className="i">{i + 1}</span>
              <span className="nm">{x.name}</span>
              <span className="c">{x.n}</span>
              <span />
              <span className="bar" style={{ width: `${(x.n / topMax) * 100}%` }} />
            </div>
          ))}
        </div>
      </div>
      {notes.map((n) => (
        <div className="map-note" key={n} data-testid="map-note">
          {n}
        </div>
      ))}
    </div>
  );
}
