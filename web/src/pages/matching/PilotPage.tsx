import { ExperimentOutlined, StarFilled } from '@ant-design/icons';
import { Button, Card, Col, Empty, InputNumber, Row, Select, Skeleton, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { usePilotPlatforms, type PilotLine, type PilotPlatform } from '../../api/queries.matching';
import { ErrorAlert, RegionTag } from '../../components/common';
import { useLang } from '../../i18n';
import { REGION_NAMES } from '../../i18n/vocab';
import { MatchingNav } from './common';
import {
  GRADE_NAMES,
  GRADES,
  nameOf,
  PILOT_LINE_CATEGORIES,
  PILOT_LINE_CATEGORY_NAMES,
  PILOT_LINE_STATUS_COLOR,
  PILOT_LINE_STATUS_NAMES,
  PILOT_SERVICE_NAMES,
} from './vocab';

function stars(rating: string | null): number {
  if (!rating) return 0;
  const m = /([一二三四五12345])星/.exec(rating);
  if (!m) return 0;
  return '一二三四五'.indexOf(m[1]) + 1 || Number(m[1]) || 0;
}

function Lines({ lines }: { lines: PilotLine[] }) {
  const { t, lang } = useLang();
  return (
    <Table<PilotLine>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={lines}
      locale={{ emptyText: t('matching.pilot.noLines') }}
      columns={[
        { title: t('matching.pilot.col.line'), dataIndex: 'name', render: (n: string) => <span style={{ fontWeight: 500 }}>{n}</span> },
        { title: t('matching.pilot.col.category'), dataIndex: 'category', width: 100, render: (c: string) => nameOf(PILOT_LINE_CATEGORY_NAMES, c, lang) },
        { title: t('matching.pilot.col.volume'), dataIndex: 'volumeL', width: 110, align: 'right', render: (v: number | null) => (v == null ? '—' : `${v.toLocaleString('zh-CN')} L`) },
        {
          title: t('matching.pilot.col.grades'),
          dataIndex: 'grades',
          render: (gs: string[]) => (
            <div className="chips">
              {gs.map((g) => (
                <Tag key={g} color={g === 'pharma_gmp' ? 'red' : 'blue'} bordered={false}>
                  {nameOf(GRADE_NAMES, g, lang)}
                </Tag>
              ))}
            </div>
          ),
        },
        { title: t('matching.pilot.col.services'), dataIndex: 'services', render: (ss: string[]) => ss.map((s) => nameOf(PILOT_SERVICE_NAMES, s, lang)).join(lang === 'zh' ? '、' : ', ') },
        { title: t('matching.pilot.col.status'), dataIndex: 'status', width: 90, render: (s: string) => <Tag color={PILOT_LINE_STATUS_COLOR[s]}>{nameOf(PILOT_LINE_STATUS_NAMES, s, lang)}</Tag> },
      ]}
    />
  );
}

function PlatformCard({ p, lines }: { p: PilotPlatform; lines: PilotLine[] }) {
  const { t, lang } = useLang();
  const n = stars(p.rating);
  return (
    <Card
      size="small"
      className="platform-card"
      data-testid="platform"
      title={
        <span>
          <Link to={`/organizations/${p.organization.id}`}>{p.organization.name}</Link> <RegionTag region={p.organization.region} />
        </span>
      }
      extra={
        p.rating && (
          <span className="rating" title={p.rating}>
            {Array.from({ length: n }, (_, i) => (
              <StarFilled key={i} />
            ))}{' '}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {p.rating}
            </Typography.Text>
          </span>
        )
      }
    >
      <div className="chips" style={{ marginBottom: 8 }}>
        {/illustrative/i.test(p.source ?? '') && <Tag color="orange">{t('matching.illustrative')}</Tag>}
        {p.areaM2 != null && <Tag>{t('matching.pilot.area', { n: p.areaM2.toLocaleString('zh-CN') })}</Tag>}
        <Tag>{t('matching.pilot.lineCount', { n: p.lines.length })}</Tag>
        {p.grades.map((g) => (
          <Tag key={g} color={g === 'pharma_gmp' ? 'red' : 'blue'}>
            {nameOf(GRADE_NAMES, g, lang)}
          </Tag>
        ))}
      </div>
      {p.description && <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>{p.description}</Typography.Paragraph>}
      {p.serviceCatalogue.length > 0 && (
        <div style={{ marginBottom: 8 }}>
          <Typography.Text strong>{t('matching.pilot.catalogue')}</Typography.Text>{' '}
          {p.serviceCatalogue.map((s) => (
            <Tag key={s.name} color="gold" bordered={false} title={[s.description, s.priceNote].filter(Boolean).join(' · ') || undefined}>
              {s.name}
            </Tag>
          ))}
        </div>
      )}
      <Lines lines={lines} />
    </Card>
  );
}

export default function PilotPage() {
  const { t, lang } = useLang();
  const [region, setRegion] = useState<string | undefined>(undefined);
  const [category, setCategory] = useState<string | undefined>(undefined);
  const [grade, setGrade] = useState<string | undefined>(undefined);
  const [minVolume, setMinVolume] = useState<number | null>(null);
  const list = usePilotPlatforms(region);
  const filtered = useMemo(() => {
    const fits = (l: PilotLine) => (!category || l.category === category) && (!grade || l.grades.includes(grade as any)) && (minVolume == null || (l.volumeL ?? 0) >= minVolume);
    const any = !!(category || grade || minVolume != null);
    return (list.data ?? [])
      .map((p) => ({ p, lines: p.lines.filter(fits) }))
      .filter((x) => !any || x.lines.length > 0)
      .sort((a, b) => stars(b.p.rating) - stars(a.p.rating) || b.p.lines.length - a.p.lines.length);
  }, [list.data, category, grade, minVolume]);
  const totalLines = filtered.reduce((s, x) => s + x.lines.length, 0);

  return (
    <div data-testid="pilot-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('matching.pilot.title')}
          </Typography.Title>
          <div className="meta">{t('matching.pilot.subtitle')}</div>
        </div>
        <Link to="/matching/new?direction=demand&kind=pilot_scale">
          <Button type="primary" icon={<ExperimentOutlined />}>
            {t('matching.pilot.post')}
          </Button>
        </Link>
      </div>
      <MatchingNav extra={<span />} />
      <div className="matching-filters">
        <Select allowClear placeholder={t('matching.region')} style={{ width: 110 }} value={region} onChange={setRegion} options={(['BJ', 'TJ', 'HE'] as const).map((r) => ({ value: r, label: REGION_NAMES[r][lang] }))} />
        <Select
          allowClear
          placeholder={t('matching.pilot.col.category')}
          style={{ width: 140 }}
          value={category}
          onChange={setCategory}
          options={PILOT_LINE_CATEGORIES.map((c) => ({ value: c, label: PILOT_LINE_CATEGORY_NAMES[c][lang] }))}
          data-testid="pilot-category"
        />
        <Select allowClear placeholder={t('matching.pilot.col.grades')} style={{ width: 150 }} value={grade} onChange={setGrade} options={GRADES.map((g) => ({ value: g, label: GRADE_NAMES[g][lang] }))} />
        <InputNumber min={0} placeholder={t('matching.pilot.minVolume')} value={minVolume} onChange={(v) => setMinVolume(v ?? null)} suffix="L" style={{ width: 170 }} />
        <Typography.Text type="secondary">{t('matching.pilot.count', { p: filtered.length, l: totalLines })}</Typography.Text>
      </div>
      {list.isError && <ErrorAlert error={list.error} onRetry={() => list.refetch()} />}
      {list.isPending && <Skeleton active paragraph={{ rows: 10 }} />}
      {list.data && !filtered.length && <Empty description={t('matching.pilot.none')} />}
      <Row gutter={16}>
        {filtered.map(({ p, lines }) => (
          <Col xs={24} xxl={12} key={p.organization.id}>
            <PlatformCard p={p} lines={lines} />
          </Col>
        ))}
      </Row>
    </div>
  );
}
