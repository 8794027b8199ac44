import { CloseOutlined } from '@ant-design/icons';
import { Button, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useOrganizations, type OrgListParams } from '../api/queries';
import type { OrganizationSummary } from '../api/types';
import { ErrorAlert, RegionTag } from '../components/common';
import { IndustrySelect } from '../components/IndustrySelect';
import { useLang } from '../i18n';
import { label, ORG_KIND_NAMES, ORG_KINDS, REGION_NAMES } from '../i18n/vocab';
import { useUrlFilters } from '../components/useUrlFilters';

const FILTER_KEYS = ['q', 'region', 'kind', 'industry', 'division', 'chainId', 'nodeId'] as const;

export default function OrganizationsPage() {
  const { t, lang } = useLang();
  const { params, setParams, update } = useUrlFilters();
  const get = (k: string) => params.get(k) ?? undefined;
  const query: OrgListParams = {
    q: get('q'),
    region: get('region'),
    kind: get('kind'),
    industry: get('industry'),
    division: get('division'),
    chainId: get('chainId') ? Number(get('chainId')) : undefined,
    nodeId: get('nodeId') ? Number(get('nodeId')) : undefined,
    page: Number(get('page') ?? 1) || 1,
    pageSize: Number(get('pageSize') ?? 20) || 20,
  };
  const list = useOrganizations(query);
  const [text, setText] = useState(query.q ?? '');
  useEffect(() => setText(query.q ?? ''), [query.q]);


  const scoped = (['division', 'chainId', 'nodeId'] as const).filter((k) => params.get(k));

  return (
    <div>
      <div className="page-head">
        <Typography.Title level={3}>{t('orgs.title')}</Typography.Title>
      </div>
      <div className="org-filters">
        <Input.Search
          allowClear
          enterButton
          value={text}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => update({ q: v.trim() })}
          placeholder={t('orgs.search')}
          style={{ width: 380 }}
          data-testid="org-search"
        />
        <Select
          allowClear
          placeholder={t('orgs.region')}
          style={{ width: 150 }}
          value={query.region}
          onChange={(v) => update({ region: v })}
          options={(['BJ', 'TJ', 'HE', 'outside'] as const).map((r) => ({ value: r, label: REGION_NAMES[r][lang] }))}
          data-testid="org-region"
        />
        <Select
          allowClear
          placeholder={t('orgs.kind')}
          style={{ width: 170 }}
          value={query.kind}
          onChange={(v) => update({ kind: v })}
          options={ORG_KINDS.map((k) => ({ value: k, label: ORG_KIND_NAMES[k][lang] }))}
          data-testid="org-kind"
        />
        <IndustrySelect placeholder={t('orgs.industryPlaceholder')} style={{ width: 240 }} value={query.industry} onChange={(v) => update({ industry: v })} />
        {scoped.map((k) => (
          <Tag key={k} color="blue" closable onClose={() => update({ [k]: undefined, scope: undefined })} style={{ display: 'flex', alignItems: 'center', margin: 0 }} closeIcon={<CloseOutlined />}>
            {k === 'division' ? t('orgs.col.division') : k === 'chainId' ? t('org.link.chain') : t('org.link.node')}
            {lang === 'zh' ? '：' : ': '}
            {params.get('scope') || params.get(k)}
          </Tag>
        ))}
        {FILTER_KEYS.some((k) => params.get(k)) && (
          <Button
            onClick={() => {
              setText('');
              setParams(new URLSearchParams());
            }}
          >
            {t('orgs.reset')}
          </Button>
        )}
      </div>
      {list.isError && <ErrorAlert error={list.error} onRetry={() => list.refetch()} />}
      <Table<OrganizationSummary>
        rowKey="id"
        size="middle"
        data-testid="org-table"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: t('orgs.empty') }}
        pagination={{
          current: query.page,
          pageSize: query.pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          showTotal: (n) => t('orgs.total', { n }),
          onChange: (page, pageSize) => update({ page: page === 1 ? undefined : page, pageSize: pageSize === 20 ? undefined : pageSize }, { keepPage: true }),
        }}
        columns={[
          {
            title: t('orgs.col.name'),
            key: 'name',
            render: (_, o) => (
              <div>
                <Link to={`/organizations/${o.id}`} style={{ fontWeight: 500 }}>
                  {o.name}
                </Link>
                {o.shortName && o.shortName !== o.name && <div style={{ color: '#8c8c8c', fontSize: 12 }}>{o.shortName}</div>}
              </div>
            ),
          },
          { title: t('orgs.col.kind'), dataIndex: 'kind', width: 120, render: (k: string) => label(ORG_KIND_NAMES, k, lang) },
          { title: t('orgs.col.region'), dataIndex: 'region', width: 120, render: (r: string | null) => <RegionTag region={r} /> },
          { title: t('orgs.col.division'), dataIndex: 'divisionName', width: 130, render: (v: string | null) => v ?? '—' },
          {
            title: t('orgs.col.industry'),
            dataIndex: 'industryName',
            width: 200,
            ellipsis: true,
            render: (v: string | null) => v ?? '—',
          },
          {
            title: t('orgs.col.products'),
            dataIndex: 'products',
            render: (p: string[]) => (
              <Space size={[4, 4]} wrap>
                {p.slice(0, 4).map((x) => (
                  <Tag key={x} style={{ marginInlineEnd: 0 }}>
                    {x}
                  </Tag>
                ))}
                {p.length > 4 && <span style={{ color: '#8c8c8c' }}>+{p.length - 4}</span>}
              </Space>
            ),
          },
        ]}
      />
    </div>
  );
}
