import { ApartmentOutlined, BankOutlined } from '@ant-design/icons';
import { Card, Checkbox, Col, Empty, Row, Segmented, Skeleton, Statistic, Tag, Typography } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useChains, useOrgStats } from '../api/queries';
import type { ChainSummary, GeoLevel } from '../api/types';
import { ErrorAlert } from '../components/common';
import { useLang, type DictKey } from '../i18n';
import { ORG_KIND_COLORS, ORG_KIND_NAMES, ORG_KINDS, REGION_COLORS, REGION_NAMES, REGION_TAG, type RegionOrOutside } from '../i18n/vocab';
import type { EChartsOption } from '../charts/echarts';

const RegionMap = lazy(() => import('../charts/RegionMap'));
const BarChartView = lazy(() => import('../charts/BarChartView'));

const REGION_ORDER: RegionOrOutside[] = ['BJ', 'TJ', 'HE', 'outside'];

function ChartFallback({ height }: { height: number }) {
  return <Skeleton.Node active style={{ width: '100%', height }} />;
}

export function ChainCard({ chain }: { chain: ChainSummary }) {
  const { t, lang, pick } = useLang();
  const sum = Math.max(1, chain.byRegion.BJ + chain.byRegion.TJ + chain.byRegion.HE + chain.byRegion.outside);
  return (
    <Link to={`/chains/${chain.code}`} data-testid={`chain-card-${chain.code}`}>
      <Card hoverable className="chain-card">
        <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'flex-start' }}>
          <div style={{ minWidth: 0 }}>
            <div className="title">{pick(chain.name, chain.nameEn)}</div>
            <div className="en">{lang === 'zh' ? chain.nameEn : chain.name}</div>
          </div>
          {chain.leadRegion && (
            <Tag color={REGION_TAG[chain.leadRegion]} style={{ marginInlineEnd: 0, flex: 'none' }}>
              {t('dash.lead', { region: REGION_NAMES[chain.leadRegion][lang] })}
            </Tag>
          )}
        </div>
        <div className="nums">
          <span>
            <ApartmentOutlined /> {t('dash.chainNodes', { n: chain.nodeCount })}
          </span>
          <span>
            <BankOutlined /> {t('dash.chainOrgs', { n: chain.organizationCount })}
          </span>
        </div>
        <div className="region-bar" title={REGION_ORDER.map((r) => `${REGION_NAMES[r][lang]} ${chain.byRegion[r]}`).join(' · ')}>
          {REGION_ORDER.map((r) => (
            <div key={r} style={{ width: `${(chain.byRegion[r] / sum) * 100}%`, background: REGION_COLORS[r] }} />
          ))}
        </div>
      </Card>
    </Link>
  );
}

export default function DashboardPage() {
  const { t, lang } = useLang();
  const navigate = useNavigate();
  const stats = useOrgStats();
  const chains = useChains();
  const [level, setLevel] = useState<GeoLevel>('cities');
  const [withOutside, setWithOutside] = useState(false);

  const byRegion = useMemo(() => {
    const m: Record<RegionOrOutside, number> = { BJ: 0, TJ: 0, HE: 0, outside: 0 };
    for (const r of stats.data?.byRegionKind ?? []) m[(r.region in m ? r.region : 'outside') as RegionOrOutside] += r.count;
    return m;
  }, [stats.data]);

  const barOption = useMemo<EChartsOption | null>(() => {
    if (!stats.data) return null;
    const kinds = ORG_KINDS.filter((k) => stats.data.byRegionKind.some((r) => r.kind === k && r.count > 0));
    const get = (region: RegionOrOutside, kind: string) =>
      stats.data.byRegionKind.filter((r) => (r.region in byRegion ? r.region : 'outside') === region && r.kind === kind).reduce((s, r) => s + r.count, 0);
    const regions = withOutside ? REGION_ORDER : REGION_ORDER.filter((r) => r !== 'outside');
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { bottom: 0, itemWidth: 12, itemHeight: 10, textStyle: { fontSize: 12 } },
      grid: { left: 8, right: 16, top: 16, bottom: 64, containLabel: true },
      xAxis: { type: 'category', data: regions.map((r) => REGION_NAMES[r][lang]), axisLabel: { fontSize: 12, interval: 0, width: 84, overflow: 'break' } },
      yAxis: { type: 'value', minInterval: 1 },
      series: kinds.map((k) => ({
        type: 'bar',
        name: ORG_KIND_NAMES[k][lang],
        stack: 'all',
        barMaxWidth: 56,
        itemStyle: { color: ORG_KIND_COLORS[k] },
        emphasis: { focus: 'series' },
        data: regions.map((r) => get(r, k)),
      })),
    } as EChartsOption;
  }, [stats.data, byRegion, lang, withOutside]);

  const groups: Array<{ key: DictKey; items: ChainSummary[] }> = [
    { key: 'dash.jointChains', items: (chains.data ?? []).filter((c) => c.scope === 'joint') },
    { key: 'dash.tianjinChains', items: (chains.data ?? []).filter((c) => c.scope === 'tianjin') },
    { key: 'dash.otherChains', items: (chains.data ?? []).filter((c) => c.scope !== 'joint' && c.scope !== 'tianjin') },
  ];

  return (
    <div data-testid="dashboard">
      <div className="page-head">
        <Typography.Title level={3}>{t('dash.title')}</Typography.Title>
      </div>
      {stats.isError && <ErrorAlert error={stats.error} onRetry={() => stats.refetch()} />}
      <Row gutter={[16, 16]}>
        <Col xs={12} md={8} xl={4}>
          <Card className="stat-card" size="small">
            <Statistic title={t('dash.total')} value={stats.data?.total ?? 0} loading={stats.isPending} />
          </Card>
        </Col>
        {REGION_ORDER.map((r) => (
          <Col xs={12} md={8} xl={5} key={r}>
            <Link to={`/organizations?region=${r}`}>
              <Card className="stat-card" size="small" hoverable>
                <Statistic
                  title={
                    <span>
                      <span className="dot" style={{ background: REGION_COLORS[r] }} />
                      {REGION_NAMES[r][lang]}
                    </span>
                  }
                  value={byRegion[r]}
                  loading={stats.isPending}
                  data-testid={`stat-${r}`}
                />
              </Card>
            </Link>
          </Col>
        ))}
      </Row>

      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={14}>
          <Card
            title={t('dash.map')}
            extra={
              <Segmented
                size="small"
                value={level}
                onChange={(v) => setLevel(v as GeoLevel)}
                data-testid="map-level"
                options={[
                  { value: 'counties', label: t('dash.mapLevel.counties') },
                  { value: 'cities', label: t('dash.mapLevel.cities') },
                  { value: 'provinces', label: t('dash.mapLevel.provinces') },
                ]}
              />
            }
          >
            <Suspense fallback={<ChartFallback height={480} />}>
              {stats.data ? (
                <RegionMap level={level} rows={stats.data.byDivision} height={480} onRegionClick={(code, name) => navigate(`/organizations?division=${code}&scope=${encodeURIComponent(name)}`)} />
              ) : (
                <ChartFallback height={480} />
              )}
            </Suspense>
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card
            title={t('dash.byRegionKind')}
            style={{ height: '100%' }}
            extra={
              <Checkbox checked={withOutside} onChange={(e) => setWithOutside(e.target.checked)}>
                {t('dash.withOutside')}
              </Checkbox>
            }
          >
            <Suspense fallback={<ChartFallback height={480} />}>
              {barOption ? <BarChartView option={barOption} style={{ height: 480 }} data-testid="kind-bar" /> : <ChartFallback height={480} />}
            </Suspense>
          </Card>
        </Col>
      </Row>

      {chains.isError && <ErrorAlert error={chains.error} onRetry={() => chains.refetch()} />}
      {chains.isPending && <Skeleton active style={{ marginTop: 24 }} />}
      {chains.data && chains.data.length === 0 && <Empty description={t('dash.noChains')} style={{ marginTop: 24 }} />}
      {groups
        .filter((g) => g.items.length)
        .map((g) => (
          <div key={g.key} style={{ marginTop: 24 }}>
            <Typography.Title level={4} style={{ marginBottom: 12 }}>
              {t(g.key)}
            </Typography.Title>
            <Row gutter={[16, 16]}>
              {g.items.map((c) => (
                <Col xs={24} sm={12} lg={8} xxl={6} key={c.id}>
                  <ChainCard chain={c} />
                </Col>
              ))}
            </Row>
          </div>
        ))}
    </div>
  );
}
