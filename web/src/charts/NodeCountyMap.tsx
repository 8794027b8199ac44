import { useQuery } from '@tanstack/react-query';
import { Alert, Spin } from 'antd';
import { useMemo } from 'react';
import type { NodeDiagnostics } from '../api/queries.lists';
import { useErrorText } from '../components/common';
import { useLang } from '../i18n';
import EChart from './EChart';
import './use-supply-map';
import type { EChartsOption } from './echarts';
import { divisionAnchor, frameView, loadGeo, tintedGeo } from './geo';
import { coarsePlaces, type CoarsePlace } from '../chain/diagnosis';

type County = NodeDiagnostics['counties'][number];
type Org = NodeDiagnostics['organizations'][number];

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * The organisations of one chain node on the 京津冀 county map: counties with organisations coloured
 * by how many (and named), bubbles for organisations placed only at city or province level.
 */
export default function NodeCountyMap({ counties, organizations, height = 300 }: { counties: County[]; organizations: Org[]; height?: number }) {
  const { t, lang } = useLang();
  const errText = useErrorText();
  const geo = useQuery({ queryKey: ['geo', 'counties'], queryFn: () => loadGeo('counties'), staleTime: Infinity });

  const option = useMemo<EChartsOption | null>(() => {
    const layer = geo.data;
    if (!layer) return null;
    const byCounty = new Map(counties.filter((c) => layer.regions.has(c.code)).map((c) => [c.code, c]));
    const orgsIn = new Map<string, Org[]>();
    for (const o of organizations) if (o.divisionCode && byCounty.has(o.divisionCode)) orgsIn.set(o.divisionCode, [...(orgsIn.get(o.divisionCode) ?? []), o]);
    const coarse = coarsePlaces(organizations)
      .map((p) => ({ ...p, at: divisionAnchor(layer, p.code, layer.regions.get(p.code) ? 3 : p.code.endsWith('0000') ? 1 : 2) }))
      .filter((p): p is CoarsePlace<Org> & { at: [number, number] } => !!p.at);
    const max = Math.max(1, ...[...byCounty.values()].map((c) => c.organizations));
    const names = new Map([...layer.regions.values()].map((r) => [r.adcode, r.name]));
    const orgList = (os: Org[]) =>
      os
        .slice(0, 8)
        .map((o) => `· ${esc(o.shortName || o.name)}`)
        .join('<br/>') + (os.length > 8 ? `<br/>… ${t('node.diag.more', { n: os.length - 8 })}` : '');
    const stageLine = (c: County) =>
      [
        [t('node.diag.stage.rnd'), c.rnd],
        [t('node.diag.stage.pilot'), c.pilot],
        [t('node.diag.stage.production'), c.production],
      ]
        .filter(([, n]) => Number(n) > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(' · ');

    // Frame the places with organisations (the whole region stays a scroll or drag away).
    const pts = [...[...byCounty.keys()].map((c) => layer.regions.get(c)?.cp).filter((x): x is [number, number] => !!x), ...coarse.map((c) => c.at)];
    const view = frameView(pts, { maxZoom: 2.4, pad: 1.8 });
    const maxBubble = Math.max(1, ...coarse.map((c) => c.orgs.length));
    return {
      tooltip: {
        trigger: 'item',
        confine: true,
        formatter: (p: any) => {
          if (p.seriesType === 'scatter') {
            const c = p.data.place as CoarsePlace<Org>;
            return `<b>${esc(c.name)}</b> ${t('node.diag.mapCoarse')}<br/>${t('node.diag.orgsN', { n: c.orgs.length })}<br/>${orgList(c.orgs)}`;
          }
          const c = byCounty.get(p.name);
          const name = esc(names.get(p.name) ?? p.name);
          if (!c) return name;
          return `<b>${name}</b><br/>${t('node.diag.orgsN', { n: c.organizations })}${stageLine(c) ? ` · ${stageLine(c)}` : ''}<br/>${orgList(orgsIn.get(c.code) ?? [])}`;
        },
      },
      visualMap: {
        type: 'continuous',
        seriesIndex: 0,
        min: 0,
        max,
        show: max > 1,
        left: 4,
        bottom: 4,
        itemHeight: 70,
        itemWidth: 10,
        calculable: false,
        textStyle: { fontSize: 10, color: '#595959' },
        inRange: { color: ['#ffd591', '#ffa940', '#fa541c', '#d4380d'] },
      },
      geo: tintedGeo(layer, view, {
        maxScale: 14,
        borderWidth: 0.4,
        label: (reg) =>
          byCounty.has(reg.adcode)
            ? {
                show: true,
                formatter: `${reg.name} ${byCounty.get(reg.adcode)!.organizations}`,
                fontSize: 12,
                fontWeight: 'bold',
                color: '#1f1f1f',
                textBorderColor: '#fff',
                textBorderWidth: 3,
              }
            : undefined,
      }),
      series: [
        {
          type: 'map',
          geoIndex: 0,
          data: [...layer.regions.values()].map((reg) => ({ name: reg.adcode, value: byCounty.get(reg.adcode)?.organizations ?? NaN })),
          emphasis: { label: { show: true, formatter: (p: any) => names.get(p.name) ?? p.name }, itemStyle: { areaColor: '#ffd666' } },
        },
        {
          type: 'scatter',
          coordinateSystem: 'geo',
          geoIndex: 0,
          symbolSize: (_v: unknown, p: any) => 12 + 22 * Math.sqrt(p.data.place.orgs.length / maxBubble),
          itemStyle: { color: 'rgba(31,79,216,0.5)', borderColor: '#1f4fd8', borderWidth: 1.5 },
          label: {
            show: true,
            position: 'right',
            fontSize: 11,
            color: '#0b1f66',
            textBorderColor: '#fff',
            textBorderWidth: 3,
            formatter: (p: any) => `${p.data.place.name} ${p.data.place.orgs.length}`,
          },
          data: coarse.map((c) => ({ name: c.code, value: [...c.at, c.orgs.length], place: c })),
          z: 5,
        },
      ],
    } as EChartsOption;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [geo.data, counties, organizations, lang]);

  if (geo.isError) return <Alert type="warning" showIcon title={errText(geo.error)} />;
  if (!option)
    return (
      <div style={{ height, display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
        <Spin />
      </div>
    );
  return <EChart option={option} style={{ height }} data-testid="node-county-map" />;
}
