import { Segmented, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useChains } from '../api/queries';
import type { ChainSummary } from '../api/types';
import { ErrorAlert } from '../components/common';
import { useLang } from '../i18n';
import { CHAIN_SCOPE_NAMES, label, REGION_COLORS, REGION_NAMES, REGION_TAG } from '../i18n/vocab';

export default function ChainsPage() {
  const { t, lang, pick } = useLang();
  const chains = useChains();
  const [scope, setScope] = useState<string>('all');
  const scopes = [...new Set((chains.data ?? []).map((c) => c.scope))];
  const rows = (chains.data ?? []).filter((c) => scope === 'all' || c.scope === scope);

  return (
    <div>
      <div className="page-head">
        <Typography.Title level={3}>{t('chains.title')}</Typography.Title>
        <Segmented
          value={scope}
          onChange={(v) => setScope(String(v))}
          options={[{ value: 'all', label: t('chains.all') }, ...scopes.map((s) => ({ value: s, label: label(CHAIN_SCOPE_NAMES, s, lang) }))]}
        />
      </div>
      {chains.isError && <ErrorAlert error={chains.error} onRetry={() => chains.refetch()} />}
      <Table<ChainSummary>
        rowKey="id"
        loading={chains.isPending}
        dataSource={rows}
        pagination={false}
        data-testid="chains-table"
        columns={[
          {
            title: t('chains.name'),
            key: 'name',
            render: (_, c) => (
              <div>
                <Link to={`/chains/${c.code}`} style={{ fontWeight: 600, fontSize: 15 }}>
                  {pick(c.name, c.nameEn)}
                </Link>
                <div style={{ color: '#8c8c8c', fontSize: 12 }}>{lang === 'zh' ? c.nameEn : c.name}</div>
                {c.description && (
                  <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: '4px 0 0', fontSize: 12, maxWidth: 560 }}>
                    {c.description}
                  </Typography.Paragraph>
                )}
              </div>
            ),
          },
          { title: t('chains.scope'), dataIndex: 'scope', width: 170, render: (s: string) => <Tag>{label(CHAIN_SCOPE_NAMES, s, lang)}</Tag> },
          {
            title: t('chains.lead'),
            dataIndex: 'leadRegion',
            width: 110,
            render: (r: ChainSummary['leadRegion']) => (r ? <Tag color={REGION_TAG[r]}>{REGION_NAMES[r][lang]}</Tag> : '—'),
          },
          { title: t('chains.structure'), key: 'structure', width: 150, render: (_, c) => `${c.segmentCount} / ${c.nodeCount} / ${c.edgeCount}` },
          { title: t('chains.orgs'), dataIndex: 'organizationCount', width: 100, align: 'right', sorter: (a, b) => a.organizationCount - b.organizationCount },
          {
            title: t('chains.byRegion'),
            key: 'byRegion',
            width: 190,
            render: (_, c) => (
              <span style={{ fontVariantNumeric: 'tabular-nums' }}>
                {(['BJ', 'TJ', 'HE', 'outside'] as const).map((r, i) => (
                  <span key={r}>
                    {i > 0 && <span style={{ color: '#d9d9d9' }}> / </span>}
                    <span style={{ color: REGION_COLORS[r] }}>{c.byRegion[r]}</span>
                  </span>
                ))}
              </span>
            ),
          },
          {
            title: '',
            key: 'open',
            width: 100,
            render: (_, c) => <Link to={`/chains/${c.code}`}>{t('chains.open')}</Link>,
          },
        ]}
      />
    </div>
  );
}
