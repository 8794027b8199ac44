import { ExperimentOutlined, InfoCircleOutlined, NodeIndexOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Progress, Row, Segmented, Select, Skeleton, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useChains } from '../../api/queries';
import {
  useFeaturedBuyers,
  useOutsideNodes,
  useSupplierMap,
  useSupplyRate,
  type MapSupplier,
  type Measure,
  type OutsideNode,
  type SupplyRate,
  type SupplyScopeParams,
} from '../../api/queries.supply';
import type { EChartsOption } from '../../charts/echarts';
import type { SupplyMapMeasure } from '../../charts/SupplyMap';
import { ErrorAlert } from '../../components/common';
import { useLang } from '../../i18n';
import { REGION_COLORS, REGION_NAMES, REGION_TAG, type Region } from '../../i18n/vocab';
import { OrgSelect } from '../matching/OrgSelect';
import './supply.css';

const SupplyChart = lazy(() => import('../../charts/SupplyChart'));
const SupplyMap = lazy(() => import('../../charts/SupplyMap'));

type Mode = 'buyer' | 'chain' | 'region';
type MeasureKey = 'amountWan' | 'links' | 'suppliers';
const REGIONS: Region[] = ['BJ', 'TJ', 'HE'];
const OUTSIDE_COLOR = '#8c8c8c';
const UNKNOWN_COLOR = '#d9d9d9';

const pct = (x: number | null | undefined, digits = 1) => (x == null ? '—' : `${(x * 100).toFixed(digits)}%`);
const wan = (n: number) => Math.round(n).toLocaleString('zh-CN');
const yi = (n: number) => (n / 10000).toLocaleString('zh-CN', { maximumFractionDigits: 1 });

function Fallback({ height }: { height: number }) {
  return <Skeleton.Node active style={{ width: '100%', height }} />;
}

// ------------------------------------------------------------------ scope bar

function ScopeBar({ params, onChange, rate }: { params: SupplyScopeParams; onChange: (p: SupplyScopeParams) => void; rate: SupplyRate | undefined }) {
  const { t, lang, pick } = useLang();
  const chains = useChains();
  const featured = useFeaturedBuyers();
  const mode: Mode = params.chain ? 'chain' : params.region ? 'region' : 'buyer';
  const [wanted, setWanted] = useState<Mode>(mode);
  useEffect(() => setWanted(mode), [mode]);
  const years = rate?.years ?? [];
  const year = params.year ?? rate?.summary.year ?? undefined;
  return (
    <Card size="small" className="supply-scope" data-testid="supply-scope">
      <div className="supply-scope-row">
        <Segmented
          value={wanted}
          onChange={(v) => {
            const m = v as Mode;
            setWanted(m);
            if (m === 'region') onChange({ region: 'BJ' });
            else if (m === 'buyer' && featured.data?.[0]) onChange({ buyer: featured.data[0].id });
          }}
          options={[
            { value: 'buyer', label: t('supply.scope.buyer') },
            { value: 'chain', label: t('supply.scope.chain') },
            { value: 'region', label: t('supply.scope.region') },
          ]}
          data-testid="supply-mode"
        />
        {wanted === 'buyer' && (
          <>
            <span className="supply-featured">
              <span className="lbl">{t('supply.featured')}</span>
              {(featured.data ?? []).map((b) => (
                <Button
                  key={b.id}
                  size="small"
                  type={params.buyer === b.id ? 'primary' : 'default'}
                  onClick={() => onChange({ buyer: b.id })}
                  data-testid={`buyer-${b.label}`}
                >
                  {b.label}
                </Button>
              ))}
            </span>
            <OrgSelect
              value={params.buyer ?? null}
              initialLabel={rate?.scope.buyer?.name ?? featured.data?.find((b) => b.id === params.buyer)?.name}
              onChange={(id) => id && onChange({ buyer: id })}
              placeholder={t('supply.pickBuyer')}
              allowClear={false}
              style={{ width: 300 }}
              data-testid="supply-buyer"
            />
          </>
        )}
        {wanted === 'chain' && (
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 300 }}
            placeholder={t('supply.pickChain')}
            value={params.chain}
            onChange={(v) => onChange({ chain: v })}
            loading={chains.isPending}
            options={(chains.data ?? []).map((c) => ({ value: c.code, label: pick(c.name, c.nameEn) }))}
            data-testid="supply-chain"
          />
        )}
        {wanted === 'region' && (
          <Segmented
            value={params.region ?? 'BJ'}
            onChange={(v) => onChange({ region: v as string })}
            options={REGIONS.map((r) => ({ value: r, label: REGION_NAMES[r][lang] }))}
            data-testid="supply-region"
          />
        )}
        <span style={{ flex: 1 }} />
        <span className="supply-year">
          {t('supply.year')}
          <Select
            style={{ width: 100 }}
            value={year}
            disabled={!years.length}
            onChange={(y) => onChange({ ...params, year: y })}
            options={[...years].reverse().map((y) => ({ value: y, label: String(y) }))}
            data-testid="supply-year"
          />
        </span>
      </div>
    </Card>
  );
}

// ------------------------------------------------------------------ KPI cards

function RateCard({ title, measure, rate, inside, total, testId, format }: { title: string; measure: MeasureKey; rate: number | null; inside: Measure; total: Measure; testId: string; format: (n: number) => string }) {
  const { t } = useLang();
  const color = rate == null ? '#d9d9d9' : rate >= 0.6 ? '#389e0d' : rate >= 0.4 ? '#1f4fd8' : '#d46b08';
  return (
    <Card size="small" className="supply-kpi" data-testid={testId}>
      <div className="t">{title}</div>
      <div className="v" style={{ color }}>
        {pct(rate)}
      </div>
      <Progress percent={rate == null ? 0 : Math.round(rate * 1000) / 10} showInfo={false} strokeColor={color} size="small" />
      <div className="sub">{rate == null ? t('supply.kpi.noAmount') : t('supply.kpi.inside', { inside: format(inside[measure]), total: format(total[measure]) })}</div>
    </Card>
  );
}

// ------------------------------------------------------------------ charts

function useProvinceOption(rate: SupplyRate | undefined): EChartsOption | null {
  const { t, lang } = useLang();
  return useMemo(() => {
    if (!rate) return null;
    const s = rate.summary;
    const measures: Array<{ key: MeasureKey; label: string }> = [
      { key: 'amountWan', label: t('supply.byProvince.amount') },
      { key: 'links', label: t('supply.byProvince.links') },
      { key: 'suppliers', label: t('supply.byProvince.suppliers') },
    ];
    const share = (part: number, key: MeasureKey) => {
      const tot = s.total[key];
      return tot > 0 ? Math.round((part / tot) * 1000) / 10 : 0;
    };
    const parts: Array<{ name: string; color: string; get: (k: MeasureKey) => number; raw: (k: MeasureKey) => number }> = [
      ...REGIONS.map((r) => ({ name: REGION_NAMES[r][lang], color: REGION_COLORS[r], get: (k: MeasureKey) => share(s.byRegion[r][k], k), raw: (k: MeasureKey) => s.byRegion[r][k] })),
      { name: t('supply.others'), color: OUTSIDE_COLOR, get: (k) => share(s.outside[k], k), raw: (k) => s.outside[k] },
    ];
    if (s.unknown.links > 0) parts.push({ name: t('supply.unknown'), color: UNKNOWN_COLOR, get: (k) => share(s.unknown[k], k), raw: (k) => s.unknown[k] });
    const cats = [...measures].reverse();
    return {
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (ps: any) => {
          const arr = Array.isArray(ps) ? ps : [ps];
          const m = cats[arr[0]?.dataIndex ?? 0];
          return [
            `<b>${m.label}</b>`,
            ...arr.map((p: any) => {
              const part = parts[p.seriesIndex];
              const raw = part.raw(m.key);
              return `${p.marker}${p.seriesName}：${p.value}%（${m.key === 'amountWan' ? `${wan(raw)} ${t('supply.wan')}` : raw}）`;
            }),
          ].join('<br/>');
        },
      },
      legend: { bottom: 0, itemWidth: 12, itemHeight: 10 },
      grid: { left: 8, right: 24, top: 8, bottom: 36, containLabel: true },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', data: cats.map((c) => c.label), axisTick: { show: false } },
      series: parts.map((p) => ({
        type: 'bar',
        name: p.name,
        stack: 'share',
        barWidth: 30,
        itemStyle: { color: p.color },
        label: { show: true, formatter: (x: any) => (x.value >= 6 ? `${x.value}%` : ''), color: '#fff', fontSize: 12 },
        emphasis: { focus: 'series' },
        data: cats.map((c) => p.get(c.key)),
      })),
    } as EChartsOption;
  }, [rate, t, lang]);
}

function useTrendOption(rate: SupplyRate | undefined): EChartsOption | null {
  const { t, lang } = useLang();
  return useMemo(() => {
    if (!rate || !rate.series.length) return null;
    const years = rate.series.map((y) => String(y.year));
    const line = (name: string, key: MeasureKey, color: string, dashed = false) => ({
      type: 'line',
      name,
      yAxisIndex: 0,
      smooth: false,
      symbolSize: 7,
      lineStyle: { width: dashed ? 1.5 : 3, type: dashed ? ('dashed' as const) : ('solid' as const), color },
      itemStyle: { color },
      label: key === 'amountWan' ? { show: true, formatter: (p: any) => `${p.value}%`, fontSize: 11, color } : undefined,
      data: rate.series.map((y) => (y.rate[key] == null ? null : Math.round(y.rate[key]! * 1000) / 10)),
      z: 5,
    });
    const bar = (name: string, color: string, get: (y: SupplyRate['series'][number]) => number) => ({
      type: 'bar',
      name,
      stack: 'amount',
      yAxisIndex: 1,
      barMaxWidth: 34,
      itemStyle: { color, opacity: 0.35 },
      emphasis: { focus: 'series' },
      data: rate.series.map((y) => Math.round(get(y) / 100) / 100),
    });
    return {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0, itemWidth: 12, itemHeight: 10, textStyle: { fontSize: 11 } },
      grid: { left: 8, right: 8, top: 30, bottom: 56, containLabel: true },
      xAxis: { type: 'category', data: years },
      yAxis: [
        { type: 'value', name: t('supply.kpi.rate'), min: 0, max: 100, axisLabel: { formatter: '{value}%' }, nameTextStyle: { align: 'left' } },
        { type: 'value', name: t('supply.trend.amount'), splitLine: { show: false }, nameTextStyle: { align: 'right' } },
      ],
      series: [
        ...REGIONS.map((r) => bar(REGION_NAMES[r][lang], REGION_COLORS[r], (y) => y.byRegion[r].amountWan)),
        bar(t('supply.others'), OUTSIDE_COLOR, (y) => y.total.amountWan - y.inside.amountWan),
        line(t('supply.trend.rateAmount'), 'amountWan', '#cf1322'),
        line(t('supply.trend.rateLinks'), 'links', '#1f4fd8', true),
        line(t('supply.trend.rateSuppliers'), 'suppliers', '#389e0d', true),
      ],
    } as EChartsOption;
  }, [rate, t, lang]);
}

// ------------------------------------------------------------------ province table

function ProvinceTable({ rate }: { rate: SupplyRate }) {
  const { t, lang } = useLang();
  const rows = rate.summary.byProvince;
  return (
    <Table
      size="small"
      rowKey={(r) => r.provinceCode ?? 'unknown'}
      pagination={false}
      dataSource={rows}
      scroll={{ y: 260 }}
      data-testid="supply-provinces"
      columns={[
        {
          title: t('supply.col.province'),
          key: 'p',
          render: (_, r) => (
            <span>
              <span className="dot" style={{ background: r.region ? REGION_COLORS[r.region] : r.provinceCode ? OUTSIDE_COLOR : UNKNOWN_COLOR }} />
              {r.region ? REGION_NAMES[r.region][lang] : r.provinceName}
              {r.inside && (
                <Tag color={REGION_TAG[r.region ?? 'outside']} style={{ marginInlineStart: 6 }}>
                  {t('supply.inRegion')}
                </Tag>
              )}
            </span>
          ),
        },
        { title: t('supply.col.amount'), dataIndex: 'amountWan', align: 'right', render: (v: number) => wan(v) },
        { title: t('supply.col.amountShare'), key: 's', align: 'right', render: (_, r) => pct(r.share.amountWan) },
        { title: t('supply.col.links'), dataIndex: 'links', align: 'right', width: 64 },
        { title: t('supply.col.suppliers'), dataIndex: 'suppliers', align: 'right', width: 72 },
      ]}
    />
  );
}

// ------------------------------------------------------------------ map side: suppliers outside, suppliers of a clicked division

function OutsideSuppliers({ suppliers }: { suppliers: MapSupplier[] }) {
  const { t } = useLang();
  const groups = useMemo(() => {
    const m = new Map<string, { name: string; amount: number; items: MapSupplier[] }>();
    for (const s of suppliers.filter((x) => !x.inside)) {
      const key = s.provinceCode ?? 'unknown';
      const g = m.get(key) ?? { name: s.provinceName ?? t('supply.unknown'), amount: 0, items: [] };
      g.amount += s.amountWan;
      g.items.push(s);
      m.set(key, g);
    }
    return [...m.values()].sort((a, b) => b.amount - a.amount).map((g) => ({ ...g, items: g.items.sort((a, b) => b.amountWan - a.amountWan) }));
  }, [suppliers, t]);
  if (!groups.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('supply.outsideList.none')} />;
  return (
    <div className="supply-outside" data-testid="supply-outside">
      {groups.map((g) => (
        <div key={g.name} className="grp">
          <div className="h">
            <span className="nm">{g.name}</span>
            <span className="c">{t('supply.outsideList.count', { n: g.items.length, amount: wan(g.amount) })}</span>
          </div>
          {g.items.map((s) => (
            <div key={s.id} className="it">
              <Link to={`/organizations/${s.id}`}>{s.shortName ?? s.name}</Link>
              <span className="parts">{s.parts.join('、')}</span>
              <span className="amt">{wan(s.amountWan)}</span>
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}

function DivisionSuppliers({ code, name, suppliers, onClose }: { code: string; name: string; suppliers: MapSupplier[]; onClose: () => void }) {
  const { t } = useLang();
  const list = suppliers.filter((s) => s.divisionCode === code).sort((a, b) => b.amountWan - a.amountWan);
  return (
    <Card
      size="small"
      type="inner"
      title={`${name} · ${t('supply.map.tipSuppliers', { n: list.length })}`}
      extra={
        <Button size="small" type="text" onClick={onClose}>
          ✕
        </Button>
      }
      style={{ marginTop: 12 }}
      data-testid="supply-division"
    >
      <div className="supply-outside">
        {list.map((s) => (
          <div key={s.id} className="it">
            <Link to={`/organizations/${s.id}`}>{s.shortName ?? s.name}</Link>
            <span className="parts">{s.parts.join('、')}</span>
            <span className="amt">{wan(s.amountWan)}</span>
          </div>
        ))}
      </div>
    </Card>
  );
}

// ------------------------------------------------------------------ chain nodes bought from outside

function OutsideNodesTable({ nodes }: { nodes: OutsideNode[] }) {
  const { t, lang } = useLang();
  return (
    <Table<OutsideNode>
      size="small"
      rowKey={(n) => String(n.nodeId ?? 'none')}
      pagination={false}
      dataSource={nodes}
      data-testid="supply-outside-nodes"
      locale={{ emptyText: t('supply.nodes.none') }}
      columns={[
        {
          title: t('supply.nodes.col.node'),
          key: 'node',
          width: 190,
          render: (_, n) =>
            n.nodeId ? (
              <div>
                <Link to={`/chains/${n.chainCode}?node=${n.nodeId}`} style={{ fontWeight: 500 }}>
                  <NodeIndexOutlined /> {n.nodeName}
                </Link>
                <div className="sub">
                  {n.chainName} · {n.segmentName}
                </div>
              </div>
            ) : (
              <Typography.Text type="secondary">{t('supply.nodes.unplaced')}</Typography.Text>
            ),
        },
        {
          title: t('supply.nodes.col.rate'),
          key: 'rate',
          width: 150,
          render: (_, n) => (
            <Tooltip title={`${wan(n.inside.amountWan)} / ${wan(n.inside.amountWan + n.outside.amountWan)} ${t('supply.wan')}`}>
              <Progress percent={n.insideShare.amountWan == null ? 0 : Math.round(n.insideShare.amountWan * 100)} size="small" strokeColor="#1f4fd8" />
            </Tooltip>
          ),
        },
        { title: t('supply.nodes.col.outside'), key: 'out', align: 'right', width: 120, render: (_, n) => wan(n.outside.amountWan), sorter: (a, b) => a.outside.amountWan - b.outside.amountWan, defaultSortOrder: 'descend' },
        {
          title: t('supply.nodes.col.outsideSuppliers'),
          key: 'os',
          render: (_, n) => (
            <Space size={[4, 4]} wrap>
              {n.outsideSuppliers.map((s) => (
                <Tooltip key={s.id} title={`${s.name} · ${s.parts.join('、')} · ${wan(s.amountWan)} ${t('supply.wan')}`}>
                  <Link to={`/organizations/${s.id}`}>
                    <Tag style={{ marginInlineEnd: 0 }}>
                      {s.shortName ?? s.name}
                      <span className="prov">{(s.provinceName ?? '').replace(/(省|市|自治区|壮族|回族|维吾尔)+$/, '')}</span>
                    </Tag>
                  </Link>
                </Tooltip>
              ))}
            </Space>
          ),
        },
        { title: t('supply.nodes.col.parts'), key: 'parts', width: 200, render: (_, n) => <span className="parts-cell">{n.parts.join('、')}</span> },
        {
          title: t('supply.nodes.col.candidates'),
          key: 'cand',
          width: 170,
          render: (_, n) => {
            if (!n.nodeId) return '—';
            const total = n.localCandidates.BJ + n.localCandidates.TJ + n.localCandidates.HE;
            if (!total) return <Typography.Text type="warning">{t('supply.nodes.noCandidates')}</Typography.Text>;
            return (
              <Space size={4} wrap>
                {REGIONS.filter((r) => n.localCandidates[r] > 0).map((r) => (
                  <Link key={r} to={`/organizations?nodeId=${n.nodeId}&region=${r}&scope=${encodeURIComponent(n.nodeName ?? '')}`}>
                    <Tag color={REGION_TAG[r]} style={{ marginInlineEnd: 0 }}>
                      {REGION_NAMES[r][lang]} {n.localCandidates[r]}
                    </Tag>
                  </Link>
                ))}
              </Space>
            );
          },
        },
        {
          title: t('supply.nodes.col.action'),
          key: 'act',
          width: 80,
          render: (_, n) =>
            n.nodeId ? (
              <Tooltip title={t('supply.nodes.post')}>
                <Link
                  to={`/matching/new?direction=demand&kind=procurement&nodeId=${n.nodeId}&chain=${n.chainCode ?? ''}&items=${encodeURIComponent(n.parts.slice(0, 5).join('|'))}&title=${encodeURIComponent(
                    `${n.nodeName ?? ''}：${n.parts.slice(0, 3).join('、')}`,
                  )}`}
                >
                  <Button size="small" icon={<SendOutlined />} />
                </Link>
              </Tooltip>
            ) : null,
        },
      ]}
    />
  );
}

// ------------------------------------------------------------------ page

export default function SupplyRatePage() {
  const { t } = useLang();
  const [search, setSearch] = useSearchParams();
  const featured = useFeaturedBuyers();
  const num = (k: string) => (search.get(k) ? Number(search.get(k)) : undefined);
  const scope: SupplyScopeParams = {
    buyer: num('buyer'),
    chain: search.get('chain') ?? undefined,
    region: search.get('region') ?? undefined,
    year: num('year'),
  };
  const hasScope = !!(scope.buyer || scope.chain || scope.region);
  const setScope = (p: SupplyScopeParams) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== null && v !== '') next.set(k, String(v));
    setSearch(next);
  };
  // Open on the first Beijing vehicle maker when no scope is given.
  useEffect(() => {
    if (!hasScope && featured.data?.[0]) setSearch(new URLSearchParams({ buyer: String(featured.data[0].id) }), { replace: true });
  }, [hasScope, featured.data, setSearch]);

  const rate = useSupplyRate(scope);
  // The map and the node table follow the year shown in the KPI cards.
  const yearScope = { ...scope, year: scope.year ?? rate.data?.summary.year ?? undefined };
  const suppliers = useSupplierMap(yearScope);
  const nodes = useOutsideNodes(yearScope);
  const provinceOption = useProvinceOption(rate.data);
  const trendOption = useTrendOption(rate.data);
  const [measure, setMeasure] = useState<SupplyMapMeasure>('amountWan');
  const [division, setDivision] = useState<{ code: string; name: string } | null>(null);
  useEffect(() => setDivision(null), [scope.buyer, scope.chain, scope.region, scope.year]);

  useEffect(() => {
    window.scrollTo(0, 0);
  }, []);
  const s = rate.data?.summary;
  const empty = rate.data && s && s.total.links === 0;

  return (
    <div data-testid="supply-page">
      <div className="page-head">
        <div>
          <div className="org-title">
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('supply.title')}
            </Typography.Title>
            <Tag color="orange" icon={<ExperimentOutlined />} data-testid="illustrative-tag">
              {t('supply.illustrative')}
            </Tag>
          </div>
          <div className="meta">{t('supply.subtitle')}</div>
        </div>
      </div>
      <Alert type="warning" showIcon icon={<InfoCircleOutlined />} title={t('supply.illustrativeNote')} style={{ marginBottom: 12 }} data-testid="illustrative-note" />
      <ScopeBar params={scope} onChange={setScope} rate={rate.data} />

      {!hasScope && !featured.isPending && <Empty description={t('supply.noScope')} style={{ marginTop: 32 }} />}
      {rate.isError && <ErrorAlert error={rate.error} onRetry={() => rate.refetch()} />}
      {hasScope && rate.isPending && <Skeleton active paragraph={{ rows: 8 }} style={{ marginTop: 16 }} />}
      {empty && <Empty description={t('supply.noData')} style={{ marginTop: 32 }} />}

      {rate.data && s && !empty && (
        <>
          <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
            <Col xs={24} sm={12} xl={6}>
              <Card size="small" className="supply-kpi scope" data-testid="kpi-scope">
                <div className="t">{t('supply.kpi.rate')}</div>
                <div className="scope-name" data-testid="scope-label">
                  {rate.data.scope.label}
                </div>
                <div className="sub">{t('supply.kpi.year', { year: s.year ?? '—', scope: t('supply.kpi.counts', { links: s.total.links, suppliers: s.total.suppliers }) })}</div>
                <div className="sub">
                  {wan(s.total.amountWan)} {t('supply.wan')}
                </div>
                {s.unknown.links > 0 && <div className="sub warn">{t('supply.kpi.unknown', { n: s.unknown.links })}</div>}
              </Card>
            </Col>
            <Col xs={24} sm={12} xl={6}>
              <RateCard title={t('supply.kpi.amount')} measure="amountWan" rate={s.rate.amountWan} inside={s.inside} total={s.total} testId="kpi-amount" format={(n) => `${yi(n)} ${t('supply.yi')}`} />
            </Col>
            <Col xs={24} sm={12} xl={6}>
              <RateCard title={t('supply.kpi.links')} measure="links" rate={s.rate.links} inside={s.inside} total={s.total} testId="kpi-links" format={String} />
            </Col>
            <Col xs={24} sm={12} xl={6}>
              <RateCard title={t('supply.kpi.suppliers')} measure="suppliers" rate={s.rate.suppliers} inside={s.inside} total={s.total} testId="kpi-suppliers" format={String} />
            </Col>
          </Row>

          <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
            <Col xs={24} xl={12}>
              <Card title={`${t('supply.byProvince')} · ${s.year}`} size="small" style={{ height: '100%' }}>
                <Suspense fallback={<Fallback height={200} />}>
                  {provinceOption && <SupplyChart option={provinceOption} style={{ height: 200 }} data-testid="supply-province-chart" />}
                </Suspense>
                <ProvinceTable rate={rate.data} />
              </Card>
            </Col>
            <Col xs={24} xl={12}>
              <Card title={t('supply.trend')} size="small" style={{ height: '100%' }}>
                <Suspense fallback={<Fallback height={480} />}>
                  {trendOption && <SupplyChart option={trendOption} style={{ height: 480 }} data-testid="supply-trend-chart" />}
                </Suspense>
                {rate.data.series.length === 1 && <div className="map-note">{t('supply.trend.single', { year: rate.data.series[0].year })}</div>}
              </Card>
            </Col>
          </Row>

          <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
            <Col xs={24} xl={15}>
              <Card
                title={`${t('supply.map')} · ${s.year}`}
                size="small"
                extra={
                  <Segmented
                    size="small"
                    value={measure}
                    onChange={(v) => setMeasure(v as SupplyMapMeasure)}
                    options={[
                      { value: 'amountWan', label: t('supply.map.measure.amount') },
                      { value: 'suppliers', label: t('supply.map.measure.suppliers') },
                    ]}
                  />
                }
              >
                {suppliers.isError && <ErrorAlert error={suppliers.error} onRetry={() => suppliers.refetch()} />}
                <Suspense fallback={<Fallback height={540} />}>
                  {suppliers.data ? (
                    <SupplyMap rows={suppliers.data.byDivision} measure={measure} height={540} onRegionClick={(code, name) => setDivision({ code, name })} />
                  ) : (
                    <Fallback height={540} />
                  )}
                </Suspense>
                <div className="map-note">{t('supply.map.legend', { measure: measure === 'amountWan' ? t('supply.col.amount') : t('supply.col.suppliers') })}</div>
                {division && suppliers.data && <DivisionSuppliers code={division.code} name={division.name} suppliers={suppliers.data.suppliers} onClose={() => setDivision(null)} />}
              </Card>
            </Col>
            <Col xs={24} xl={9}>
              <Card title={t('supply.outsideList')} size="small" style={{ height: '100%' }} styles={{ body: { maxHeight: 640, overflow: 'auto' } }}>
                {suppliers.data ? <OutsideSuppliers suppliers={suppliers.data.suppliers} /> : <Skeleton active />}
              </Card>
            </Col>
          </Row>

          <Card title={`${t('supply.nodes')} · ${s.year}`} size="small" style={{ marginTop: 16 }}>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
              {t('supply.nodes.hint')}
            </Typography.Paragraph>
            {nodes.isError && <ErrorAlert error={nodes.error} onRetry={() => nodes.refetch()} />}
            {nodes.data ? <OutsideNodesTable nodes={nodes.data.nodes} /> : <Skeleton active />}
          </Card>
        </>
      )}
    </div>
  );
}

