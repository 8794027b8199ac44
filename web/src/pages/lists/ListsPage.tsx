/**
 * 三张清单: a chain's 卡点攻关 / 堵点招商 / 重点企业 lists as tabs with counts, filters, proposals with
 * their reasons, the xlsx export, re-running the diagnostics proposals and the rules drawer.
 */
import { ApartmentOutlined, DownloadOutlined, FileTextOutlined, PlusOutlined, SettingOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, Select, Space, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useChains } from '../../api/queries';
import { listsXlsxUrl, useChainIfAny, useChainLists, type ListEntry, type ListFilters, type ProposalsResult } from '../../api/queries.lists';
import { useAuth } from '../../auth';
import { ProposalsSummary, RerunButton } from '../../chain/Proposals';
import { ENTRY_ORG_ROLE_NAMES, ENTRY_STATUS_NAMES, ENTRY_STATUSES, LIST_KIND_NAMES, LIST_KINDS, type EntryOrgRole, type ListKind } from '../../chain/diagnosis';
import { ErrorAlert } from '../../components/common';
import { useLang } from '../../i18n';
import { REGION_NAMES, REGION_TAG, REGIONS } from '../../i18n/vocab';
import { ChainSelect, EntryStatusTag, isOpen, lastChain, nodeFilter, nodeOptions, OriginTag, rememberChain, today, useIsOfficial } from './common';
import { useUrlFilters } from '../../components/useUrlFilters';

const RulesDrawer = lazy(() => import('../../chain/RulesDrawer'));

export default function ListsPage() {
  const { t, lang, pick } = useLang();
  const { user } = useAuth();
  const official = useIsOfficial();
  const navigate = useNavigate();
  const chains = useChains();
  const { params, setParams, update } = useUrlFilters({ replace: true });
  const chainCode = params.get('chain') ?? '';
  const kind = (LIST_KINDS as readonly string[]).includes(params.get('kind') ?? '') ? (params.get('kind') as ListKind) : 'kadian';
  const filters: ListFilters = {
    kind,
    status: params.get('status') ?? undefined,
    region: params.get('region') ?? undefined,
    origin: params.get('origin') ?? undefined,
    nodeId: params.get('node') ? Number(params.get('node')) : undefined,
  };

  // No chain in the address: the last one looked at, else one the user's region leads, else the first.
  useEffect(() => {
    if (chainCode || !chains.data?.length) return;
    const remembered = lastChain();
    const pickDefault =
      chains.data.find((c) => c.code === remembered) ?? chains.data.find((c) => user?.region && c.leadRegion === user.region && c.scope === 'joint') ?? chains.data[0];
    update({ chain: pickDefault.code });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [chainCode, chains.data]);
  useEffect(() => {
    if (chainCode) rememberChain(chainCode);
  }, [chainCode]);

  const chain = useChainIfAny(chainCode);
  const lists = useChainLists(chainCode || null, filters);
  const [rulesOpen, setRulesOpen] = useState(false);
  const [rerun, setRerun] = useState<ProposalsResult | null>(null);
  const [withDropped, setWithDropped] = useState(false);
  useEffect(() => setRerun(null), [chainCode]);

  const totals = useMemo(() => {
    const c = lists.data?.counts;
    const sum = (k: ListKind) => Object.values(c?.[k] ?? {}).reduce((a, b) => a + b, 0);
    return { kadian: sum('kadian'), duandian: sum('duandian'), key_enterprise: sum('key_enterprise') };
  }, [lists.data]);
  const byStatus = lists.data?.counts[kind] ?? {};
  const filtered = !!(filters.status || filters.region || filters.origin || filters.nodeId);
  const entries = lists.data?.entries ?? [];
  const orgRoleLabel = (r: string) => ENTRY_ORG_ROLE_NAMES[r as EntryOrgRole]?.[lang] ?? r;
  const c = chain.data;

  const columns = [
    {
      title: t('lists.col.node'),
      key: 'node',
      width: 150,
      render: (_: unknown, e: ListEntry) => (
        <div>
          {e.nodeId ? (
            <Link to={`/chains/${encodeURIComponent(chainCode)}?view=diag&node=${e.nodeId}`} title={t('lists.openGraph')}>
              {e.nodeName}
            </Link>
          ) : (
            '—'
          )}
          {e.segmentName && <div className="lists-sub">{e.segmentName}</div>}
        </div>
      ),
    },
    {
      title: t('lists.col.title'),
      key: 'title',
      render: (_: unknown, e: ListEntry) => (
        <div className="lists-title-cell">
          <Link to={`/lists/${e.id}`} className="lists-title" data-testid={`entry-link-${e.id}`}>
            {e.title}
          </Link>
          {e.proposalReason && (
            <Typography.Paragraph className="lists-reason" ellipsis={{ rows: 2, expandable: true, symbol: t('lists.more') }} data-testid="entry-reason">
              <span className="lbl">{t('lists.reason')}</span>
              {e.proposalReason}
            </Typography.Paragraph>
          )}
        </div>
      ),
    },
    {
      title: t('lists.col.region'),
      key: 'region',
      width: 116,
      render: (_: unknown, e: ListEntry) => (
        <Space orientation="vertical" size={2}>
          <Tag color={REGION_TAG[e.region]} style={{ marginInlineEnd: 0 }}>
            {REGION_NAMES[e.region][lang]}
          </Tag>
          {e.leadRegion && e.leadRegion !== e.region && (
            <span className="lists-sub">{t('lists.leadBy', { region: REGION_NAMES[e.leadRegion][lang] })}</span>
          )}
          {e.canEdit && <span className="lists-sub mine">{t('lists.canEdit')}</span>}
        </Space>
      ),
    },
    {
      title: t('lists.col.department'),
      key: 'dept',
      width: 160,
      render: (_: unknown, e: ListEntry) => (
        <div>
          <div>{e.department ?? '—'}</div>
          {e.ownerName && <div className="lists-sub">{t('lists.ownerIs', { name: e.ownerName })}</div>}
        </div>
      ),
    },
    { title: t('lists.col.status'), key: 'status', width: 90, render: (_: unknown, e: ListEntry) => <EntryStatusTag status={e.status} /> },
    {
      title: t('lists.col.due'),
      key: 'due',
      width: 106,
      render: (_: unknown, e: ListEntry) =>
        e.dueOn ? <span className={isOpen(e.status) && e.dueOn < today() ? 'lists-overdue' : undefined}>{e.dueOn}</span> : <span className="lists-sub">—</span>,
    },
    {
      title: t('lists.col.origin'),
      key: 'origin',
      width: 112,
      render: (_: unknown, e: ListEntry) => <OriginTag origin={e.origin} stale={e.proposalStale} reason={e.proposalReason} />,
    },
    {
      title: t('lists.col.orgs'),
      key: 'orgs',
      width: 86,
      align: 'center' as const,
      render: (_: unknown, e: ListEntry) =>
        e.organizations.length ? (
          <Tooltip
            title={
              <div>
                {e.organizations.map((o) => (
                  <div key={o.organizationId}>
                    {o.shortName || o.name} · {orgRoleLabel(o.role)}
                  </div>
                ))}
              </div>
            }
          >
            <Tag color="blue" style={{ marginInlineEnd: 0 }} data-testid="entry-org-count">
              {e.organizations.length}
            </Tag>
          </Tooltip>
        ) : (
          <span className="lists-sub">0</span>
        ),
    },
  ];

  return (
    <div data-testid="lists-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('lists.title')}
          </Typography.Title>
          <div className="meta">{t('lists.subtitle')}</div>
        </div>
        <Space wrap>
          <span className="lists-sub">{t('lists.chain')}</span>
          <ChainSelect value={chainCode || undefined} onChange={(v) => setParams({ chain: v }, { replace: true })} testId="lists-chain" />
        </Space>
      </div>

      {c && (
        <div className="lists-bar">
          <Space wrap size={[8, 6]}>
            <Link to={`/chains/${encodeURIComponent(c.code)}?view=diag`}>
              <Button icon={<ApartmentOutlined />}>{t('lists.openGraph')}</Button>
            </Link>
            <Link to={`/chains/${encodeURIComponent(c.code)}/plan`}>
              <Button icon={<FileTextOutlined />} data-testid="lists-plan-link">
                {t('diag.plan')}
              </Button>
            </Link>
            <Button icon={<SettingOutlined />} onClick={() => setRulesOpen(true)} data-testid="lists-rules">
              {t('diag.rules')}
            </Button>
            <RerunButton chainCode={c.code} onDone={setRerun} />
          </Space>
          <Space wrap size={[8, 6]}>
            <Checkbox checked={withDropped} onChange={(e) => setWithDropped(e.target.checked)}>
              {t('lists.includeDropped')}
            </Checkbox>
            <a href={listsXlsxUrl(c.code, withDropped)} download data-testid="lists-export">
              <Button icon={<DownloadOutlined />}>{t('lists.export')}</Button>
            </a>
            {official && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => navigate(`/lists/new?chain=${encodeURIComponent(c.code)}&kind=${kind}${filters.nodeId ? `&node=${filters.nodeId}` : ''}`)}
                data-testid="lists-new"
              >
                {t('lists.new')}
              </Button>
            )}
          </Space>
        </div>
      )}
      {rerun && (
        <div style={{ marginBottom: 12 }}>
          <ProposalsSummary r={rerun} />
        </div>
      )}

      <Tabs
        activeKey={kind}
        onChange={(k) => update({ kind: k, status: undefined })}
        items={LIST_KINDS.map((k) => ({
          key: k,
          label: (
            <span data-testid={`lists-tab-${k}`}>
              {LIST_KIND_NAMES[k].list[lang]}
              <Tag style={{ marginInlineStart: 6, marginInlineEnd: 0 }} bordered={false} data-testid={`lists-count-${k}`}>
                {lists.data ? totals[k] : '…'}
              </Tag>
            </span>
          ),
        }))}
      />
      <div className="lists-status-counts" data-testid="lists-status-counts">
        {ENTRY_STATUSES.filter((s) => byStatus[s]).map((s) => (
          <a key={s} onClick={() => update({ status: filters.status === s ? undefined : s })} className={filters.status === s ? 'on' : undefined}>
            <EntryStatusTag status={s} /> <b>{byStatus[s]}</b>
          </a>
        ))}
      </div>
      <div className="lists-filters">
        <Select
          allowClear
          placeholder={t('lists.filter.status')}
          value={filters.status}
          onChange={(v) => update({ status: v })}
          options={ENTRY_STATUSES.map((s) => ({ value: s, label: ENTRY_STATUS_NAMES[s][lang] }))}
          style={{ width: 130 }}
          data-testid="filter-status"
        />
        <Select
          allowClear
          placeholder={t('lists.filter.region')}
          value={filters.region}
          onChange={(v) => update({ region: v })}
          options={REGIONS.map((r) => ({ value: r, label: REGION_NAMES[r][lang] }))}
          style={{ width: 130 }}
          data-testid="filter-region"
        />
        <Select
          allowClear
          placeholder={t('lists.filter.origin')}
          value={filters.origin}
          onChange={(v) => update({ origin: v })}
          options={[
            { value: 'proposed', label: t('lists.origin.proposed') },
            { value: 'manual', label: t('lists.origin.manual') },
          ]}
          style={{ width: 130 }}
          data-testid="filter-origin"
        />
        <Select
          allowClear
          placeholder={t('lists.filter.node')}
          value={filters.nodeId}
          onChange={(v) => update({ node: v })}
          options={nodeOptions(c, pick)}
          showSearch={{ filterOption: nodeFilter }}
          style={{ width: 220 }}
          popupMatchSelectWidth={280}
        />
        {filtered && (
          <Button type="link" onClick={() => update({ status: undefined, region: undefined, origin: undefined, node: undefined })}>
            {t('lists.filter.clear')}
          </Button>
        )}
        {!official && <span className="lists-sub">{t('lists.readOnlyAll')}</span>}
        {official && user?.role === 'official' && user.region && <span className="lists-sub">{t('lists.editHint', { region: REGION_NAMES[user.region][lang] })}</span>}
      </div>

      {lists.isError && <ErrorAlert error={lists.error} onRetry={() => lists.refetch()} />}
      {!chainCode && chains.data && !chains.data.length && <Alert type="info" showIcon title={t('lists.noChains')} />}
      <Table<ListEntry>
        size="small"
        rowKey="id"
        loading={lists.isFetching && !lists.data}
        dataSource={entries}
        columns={columns}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: lists.isPending ? t('app.loading') : filtered ? t('lists.emptyFiltered') : t('lists.empty') }}
        rowClassName={(e) => (e.proposalStale ? 'lists-row-stale' : e.status === 'dropped' ? 'lists-row-dropped' : '')}
        data-testid="lists-table"
      />
      {rulesOpen && c && (
        <Suspense fallback={null}>
          <RulesDrawer chainCode={c.code} chainName={c.name} leadRegion={c.leadRegion} open onClose={() => setRulesOpen(false)} />
        </Suspense>
      )}
    </div>
  );
}
