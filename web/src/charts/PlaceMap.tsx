import { EnvironmentOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Spin, Tag } from 'antd';
import { useMemo } from 'react';
import type { GeoLevel } from '../api/types';
import { useErrorText } from '../components/common';
import { useLang, type DictKey } from '../i18n';
import EChart from './EChart';
import './use-map';
import type { EChartsOption } from './echarts';
import { bestRegion, loadGeo, type GeoLayer } from './geo';

type Place = Array<{ code: string; name: string; level: number }>;

/** Loads only the layers needed: counties when the place has a county, else cities, else provinces. */
async function locate(place: Place) {
  const layers: Partial<Record<GeoLevel, GeoLayer>> = {};
  const maxLevel = Math.max(...place.map((p) => p.level));
  const wanted: GeoLevel[] = maxLevel >= 3 ? ['counties', 'cities', 'provinces'] : maxLevel === 2 ? ['cities', 'provinces'] : ['provinces'];
  for (const lv of wanted) {
    layers[lv] = await loadGeo(lv);
    const hit = bestRegion(place, layers);
    if (hit) return hit;
  }
  return null;
}

/** A small 京津冀 map with the organisation's place highlighted (county where known, else city or province). */
export default function PlaceMap({ place, height = 300 }: { place: Place; height?: number }) {
  const { t } = useLang();
  const errText = useErrorText();
  const key = place.map((p) => p.code).join(',');
  const q = useQuery({ queryKey: ['place-map', key], queryFn: () => locate(place), enabled: place.length > 0, staleTime: Infinity });

  const option = useMemo<EChartsOption | null>(() => {
    const hit = q.data;
    if (!hit) return null;
    const { layer, region } = hit;
    return {
      tooltip: { trigger: 'item', formatter: (p: any) => layer.regions.get(p.name)?.name ?? p.name },
      geo: {
        map: layer.mapName,
        nameProperty: 'adcode',
        roam: true,
        aspectScale: 0.8,
        layoutCenter: ['50%', '50%'],
        layoutSize: '95%',
        // Close enough to see a county among its neighbours; the whole region stays a scroll away.
        ...(region.cp && layer.level !== 'provinces' ? { center: region.cp, zoom: layer.level === 'counties' ? 2.4 : 1.5 } : {}),
        scaleLimit: { min: 0.8, max: 16 },
        selectedMode: false,
        label: { show: false },
        itemStyle: { areaColor: '#f0f3f9', borderColor: '#c7d0e0', borderWidth: 0.6 },
        emphasis: { label: { show: true, formatter: (p: any) => layer.regions.get(p.name)?.name ?? p.name }, itemStyle: { areaColor: '#dbe6ff' } },
        regions: [
          {
            name: region.adcode,
            itemStyle: { areaColor: '#f5222d', borderColor: '#a8071a', borderWidth: 1 },
            label: { show: true, color: '#820014', fontWeight: 'bold', fontSize: 13, formatter: () => region.name, textBorderColor: '#fff', textBorderWidth: 3 } as any,
            emphasis: { itemStyle: { areaColor: '#ff4d4f' } },
          },
        ],
      },
      series: [],
    } as EChartsOption;
  }, [q.data]);

  if (!place.length) return <Alert type="info" showIcon title={t('org.mapNone')} />;
  if (q.isError) return <Alert type="warning" showIcon title={errText(q.error)} />;
  if (q.isPending) return <div style={{ height, display: 'flex', alignItems: 'center', justifyContent: 'center' }}><Spin /></div>;
  if (!q.data || !option) return <Alert type="info" showIcon title={t('org.mapOutside')} />;
  const levelKey = (q.data.layer.level === 'counties' ? 'org.mapLevel.3' : q.data.layer.level === 'cities' ? 'org.mapLevel.2' : 'org.mapLevel.1') as DictKey;
  return (
    <div>
      <EChart option={option} style={{ height }} data-testid="place-map" />
      <div className="map-note">
        <EnvironmentOutlined /> {q.data.region.name} <Tag style={{ marginInlineStart: 4 }}>{t(levelKey)}</Tag>
      </div>
    </div>
  );
}
