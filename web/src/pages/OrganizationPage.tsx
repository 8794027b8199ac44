import { ArrowLeftOutlined, EditOutlined, LockOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Empty, Result, Row, Skeleton, Space, Table, Tag, Timeline, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useAudit, useOrganization } from '../api/queries';
import type { AuditEntry, Organization } from '../api/types';
import { ErrorAlert, formatTime, placePath, RegionTag } from '../components/common';
import { useLang, type DictKey } from '../i18n';
import { FIELD_NAMES } from '../i18n/dict';
import { label, LINK_ROLE_NAMES, LINK_ROLE_TAG, LINK_STATUS_NAMES, ORG_KIND_NAMES, STAGE_NAMES, type LinkRole } from '../i18n/vocab';

const PlaceMap = lazy(() => import('../charts/PlaceMap'));
const EditOrganization = lazy(() => import('../components/EditOrganization'));

const HIDDEN_DIFF_KEYS = new Set(['updatedAt', 'createdAt', 'version', 'id', 'searchText', 'search_tsv']);

/** Creations, deletions and loads carry whole records: their summary says enough. */
const isChange = (action: string) => !['create', 'delete', 'seed', 'import'].includes(action);

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '∅';
  if (Array.isArray(v)) return v.length ? v.map(show).join('、') : '∅';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
function clip(s: string, n = 120) {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function AuditDiff({ entry }: { entry: AuditEntry }) {
  const { lang } = useLang();
  const before = (entry.before ?? {}) as Record<string, unknown>;
  const after = (entry.after ?? {}) as Record<string, unknown>;
  if (typeof before !== 'object' || typeof after !== 'object') return null;
  if (!isChange(entry.action)) return null;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => !HIDDEN_DIFF_KEYS.has(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  if (!keys.length) return null;
  return (
    <div>
      {keys.map((k) => (
        <div className="diff" key={k}>
          <span className="k">{FIELD_NAMES[k]?.[lang] ?? k}</span>
          {lang === 'zh' ? '：' : ': '}
          <del>{clip(show(before[k]))}</del> → <ins>{clip(show(after[k]))}</ins>
        </div>
      ))}
    </div>
  );
}

function History({ orgId }: { orgId: number }) {
  const { t, lang } = useLang();
  const audit = useAudit('organization', orgId);
  if (audit.isError) return <ErrorAlert error={audit.error} onRetry={() => audit.refetch()} />;
  if (audit.isPending) return <Skeleton active />;
  if (!audit.data.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('org.noHistory')} />;
  const actionKey = (a: string) => (['create', 'update', 'delete', 'import', 'seed'].includes(a) ? (`audit.${a}` as DictKey) : null);
  return (
    <Timeline
      data-testid="org-history"
      items={audit.data.map((e) => {
        const k = actionKey(e.action);
        const diff = <AuditDiff entry={e} />;
        const hasDiff = isChange(e.action) && e.before != null && e.after != null;
        return {
          key: e.id,
          color: e.action === 'delete' ? 'red' : isChange(e.action) ? 'blue' : 'green',
          content: (
            <div>
              <div style={{ color: '#8c8c8c', fontSize: 12 }}>{formatTime(e.at, lang)}</div>
              <div>
                <Typography.Text strong>{e.actorName}</Typography.Text>
                <Tag style={{ marginInlineStart: 6 }}>{k ? t(k) : e.action}</Tag>
                {(!hasDiff || e.action !== 'update') && e.summary && <span>{e.summary}</span>}
              </div>
              {diff}
            </div>
          ),
        };
      })}
    />
  );
}

function Links({ org }: { org: Organization }) {
  const { t, lang } = useLang();
  if (!org.links.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('org.noLinks')} />;
  return (
    <Table
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={org.links}
      data-testid="org-links"
      columns={[
        { title: t('org.link.chain'), key: 'chain', render: (_, l) => <Link to={`/chains/${l.chainCode}`}>{l.chainName}</Link> },
        {
          title: t('org.link.node'),
          key: 'node',
          render: (_, l) => (
            <Link to={`/chains/${l.chainCode}?node=${l.nodeId}`} style={{ fontWeight: 500 }}>
              {l.nodeName}
            </Link>
          ),
        },
        {
          title: t('org.link.segment'),
          key: 'seg',
          render: (_, l) => (
            <span>
              {l.segmentName} <Tag>{label(STAGE_NAMES, l.stage, lang)}</Tag>
            </span>
          ),
        },
        { title: t('org.link.role'), dataIndex: 'role', render: (r: string) => <Tag color={LINK_ROLE_TAG[r as LinkRole]}>{label(LINK_ROLE_NAMES, r, lang)}</Tag> },
        {
          title: t('org.link.status'),
          dataIndex: 'status',
          render: (s: string) => <Tag color={s === 'confirmed' ? 'success' : s === 'review' ? 'processing' : 'default'}>{label(LINK_STATUS_NAMES, s, lang)}</Tag>,
        },
      ]}
    />
  );
}

export default function OrganizationPage() {
  const { id } = useParams();
  const orgId = Number(id);
  const { t, lang } = useLang();
  const q = useOrganization(orgId);
  const [editing, setEditing] = useState(false);

  if (!Number.isFinite(orgId) || (q.isError && q.error instanceof ApiError && q.error.status === 404))
    return <Result status="404" title={t('org.notFound')} extra={<Link to="/organizations">{t('org.back')}</Link>} />;
  if (q.isError) return <ErrorAlert error={q.error} onRetry={() => q.refetch()} />;
  if (q.isPending) return <Skeleton active paragraph={{ rows: 14 }} />;
  const o = q.data;
  const dash = t('org.empty');
  const place = placePath(o.place);

  return (
    <div data-testid="org-page">
      <div style={{ marginBottom: 8 }}>
        <Link to="/organizations">
          <ArrowLeftOutlined /> {t('org.back')}
        </Link>
      </div>
      <div className="page-head">
        <div>
          <div className="org-title">
            <Typography.Title level={3} data-testid="org-name">
              {o.name}
            </Typography.Title>
            <Tag color="geekblue">{label(ORG_KIND_NAMES, o.kind, lang)}</Tag>
            <RegionTag region={o.region} />
            {o.stockCode && <Tag>{o.stockCode}</Tag>}
          </div>
          {(o.shortName || o.aliases.length > 0) && (
            <div className="meta">{[o.shortName, ...o.aliases].filter(Boolean).join(' · ')}</div>
          )}
        </div>
        {o.canEdit && (
          <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="org-edit">
            {t('org.edit')}
          </Button>
        )}
      </div>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15}>
          <Card title={t('org.basic')} size="small">
            <Descriptions
              size="small"
              column={{ xs: 1, sm: 1, md: 2 }}
              bordered
              styles={{ label: { width: 130, whiteSpace: 'nowrap' } }}
              items={[
                { key: 'uscc', label: t('org.uscc'), children: o.uscc ? <Typography.Text copyable code>{o.uscc}</Typography.Text> : dash },
                { key: 'place', label: t('org.place'), children: place || dash },
                { key: 'industry', label: t('org.industry'), children: o.industryCode ? `${o.industryName ?? ''}（${o.industryCode}）` : dash },
                { key: 'stock', label: t('org.stockCode'), children: o.stockCode ?? dash },
                ...(o.foundedOn ? [{ key: 'founded', label: t('org.foundedOn'), children: o.foundedOn }] : []),
                ...(o.employees != null ? [{ key: 'emp', label: t('org.employees'), children: o.employees.toLocaleString() }] : []),
                ...(o.registeredCapitalWan != null ? [{ key: 'cap', label: t('org.capital'), children: o.registeredCapitalWan.toLocaleString() }] : []),
                ...(o.revenueWan != null ? [{ key: 'rev', label: t('org.revenue'), children: o.revenueWan.toLocaleString() }] : []),
                ...(o.website
                  ? [{ key: 'web', label: t('org.website'), children: <a href={/^https?:/.test(o.website) ? o.website : `https://${o.website}`} target="_blank" rel="noreferrer">{o.website}</a> }]
                  : []),
                {
                  key: 'products',
                  label: t('org.products'),
                  span: 'filled' as const,
                  children: o.products.length ? (
                    <Space size={[4, 4]} wrap>
                      {o.products.map((p) => (
                        <Tag key={p} color="blue" style={{ marginInlineEnd: 0 }}>
                          {p}
                        </Tag>
                      ))}
                    </Space>
                  ) : (
                    dash
                  ),
                },
                ...(o.tags.length
                  ? [{ key: 'tags', label: t('org.tags'), span: 'filled' as const, children: <Space size={[4, 4]} wrap>{o.tags.map((x) => <Tag key={x} style={{ marginInlineEnd: 0 }}>{x}</Tag>)}</Space> }]
                  : []),
                ...(o.description ? [{ key: 'desc', label: t('org.description'), span: 'filled' as const, children: <span className="prewrap">{o.description}</span> }] : []),
                {
                  key: 'scope',
                  label: t('org.businessScope'),
                  span: 'filled' as const,
                  children: o.businessScope ? (
                    <Typography.Paragraph ellipsis={{ rows: 3, expandable: true, symbol: '…' }} style={{ margin: 0 }}>
                      {o.businessScope}
                    </Typography.Paragraph>
                  ) : (
                    dash
                  ),
                },
                {
                  key: 'contact',
                  label: t('org.contact'),
                  span: 'filled' as const,
                  children: o.contactHidden ? (
                    <Typography.Text type="secondary">
                      <LockOutlined /> {t('org.contactHidden')}
                    </Typography.Text>
                  ) : o.contact ? (
                    [o.contact.person, o.contact.phone, o.contact.email, o.contact.address].filter(Boolean).join(' · ')
                  ) : (
                    dash
                  ),
                },
                {
                  key: 'source',
                  label: t('org.source'),
                  span: 'filled' as const,
                  children: (
                    <span>
                      {o.source}
                      {o.sourceRef ? <Typography.Text type="secondary"> · {o.sourceRef}</Typography.Text> : null}
                    </span>
                  ),
                },
                { key: 'created', label: t('org.createdAt'), children: formatTime(o.createdAt, lang) },
                { key: 'updated', label: t('org.updatedAt'), children: `${formatTime(o.updatedAt, lang)} · v${o.version}` },
              ]}
            />
          </Card>
          <Card title={t('org.links')} size="small" style={{ marginTop: 16 }}>
            <Links org={o} />
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <Card title={t('org.map')} size="small">
            <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height: 300 }} />}>
              <PlaceMap place={o.place} height={320} />
            </Suspense>
          </Card>
          <Card title={t('org.history')} size="small" style={{ marginTop: 16 }}>
            <History orgId={o.id} />
          </Card>
        </Col>
      </Row>
      {o.canEdit && editing && (
        <Suspense fallback={null}>
          <EditOrganization org={o} open={editing} onClose={() => setEditing(false)} />
        </Suspense>
      )}
    </div>
  );
}
