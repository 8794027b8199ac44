import { Input, Segmented, Select, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { usePostings, type Posting, type PostingListParams } from '../../api/queries.matching';
import { useAuth } from '../../auth';
import { ErrorAlert, RegionTag } from '../../components/common';
import { useLang } from '../../i18n';
import { REGION_NAMES } from '../../i18n/vocab';
import { DirectionTag, fieldChips, KindTag, MatchingNav, NodeSelect, StageTag, StatusTag } from './common';
import { nameOf, POSTING_KIND_NAMES, POSTING_KINDS } from './vocab';
import { useUrlFilters } from '../../components/useUrlFilters';

const KEYS = ['box', 'q', 'direction', 'kind', 'region', 'nodeId', 'status', 'page'] as const;

export default function PostingsPage() {
  const { t, lang } = useLang();
  const { user } = useAuth();
  const { params, update } = useUrlFilters();
  const get = (k: (typeof KEYS)[number]) => params.get(k) ?? undefined;
  const hasOrg = !!user?.organizationId;
  const box = get('box') ?? 'all';
  const query: PostingListParams = {
    q: get('q'),
    direction: get('direction'),
    kind: get('kind'),
    region: get('region'),
    nodeId: get('nodeId') ? Number(get('nodeId')) : undefined,
    status: (get('status') as PostingListParams['status']) ?? (box === 'mine' ? 'all' : 'open'),
    mine: box === 'mine' ? '1' : undefined,
    page: Number(get('page') ?? 1) || 1,
    pageSize: 20,
  };
  const list = usePostings(query);
  const [text, setText] = useState(query.q ?? '');
  useEffect(() => setText(query.q ?? ''), [query.q]);

  return (
    <div data-testid="postings-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('matching.title')}
          </Typography.Title>
          <div className="meta">{t('matching.subtitle')}</div>
        </div>
      </div>
      <MatchingNav />
      <div className="matching-filters">
        <Segmented
          value={box}
          onChange={(v) => update({ box: v === 'all' ? undefined : (v as string), status: undefined })}
          options={[
            { value: 'all', label: t('matching.box.all') },
            ...(hasOrg ? [{ value: 'mine', label: t('matching.box.mine') }] : []),
          ]}
          data-testid="postings-box"
        />
        <Segmented
          value={query.direction ?? ''}
          onChange={(v) => update({ direction: v as string })}
          options={[
            { value: '', label: t('matching.direction.all') },
            { value: 'demand', label: t('matching.direction.demand') },
            { value: 'capability', label: t('matching.direction.capability') },
          ]}
          data-testid="postings-direction"
        />
        <Input.Search allowClear value={text} onChange={(e) => setText(e.target.value)} onSearch={(v) => update({ q: v.trim() })} placeholder={t('matching.search')} style={{ width: 260 }} />
        <Select
          allowClear
          placeholder={t('matching.kind')}
          style={{ width: 190 }}
          value={query.kind}
          onChange={(v) => update({ kind: v })}
          options={POSTING_KINDS.map((k) => ({ value: k, label: nameOf(POSTING_KIND_NAMES, k, lang) }))}
          data-testid="postings-kind"
        />
        <Select
          allowClear
          placeholder={t('matching.region')}
          style={{ width: 120 }}
          value={query.region}
          onChange={(v) => update({ region: v })}
          options={(['BJ', 'TJ', 'HE'] as const).map((r) => ({ value: r, label: REGION_NAMES[r][lang] }))}
        />
        <NodeSelect value={query.nodeId ?? null} onChange={(v) => update({ nodeId: v })} placeholder={t('matching.node')} style={{ width: 220 }} />
        {box === 'mine' && (
          <Select
            style={{ width: 120 }}
            value={query.status}
            onChange={(v) => update({ status: v })}
            options={(['all', 'open', 'closed', 'expired'] as const).map((s) => ({ value: s, label: t(`matching.status.${s}`) }))}
          />
        )}
      </div>
      {list.isError && <ErrorAlert error={list.error} onRetry={() => list.refetch()} />}
      <Table<Posting>
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        data-testid="postings-table"
        scroll={{ x: 1150 }}
        locale={{ emptyText: t('matching.empty') }}
        pagination={{
          current: query.page,
          pageSize: 20,
          total: list.data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (n) => t('matching.total', { n }),
          onChange: (p) => update({ page: p }, { keepPage: true }),
        }}
        columns={[
          {
            title: t('matching.col.title'),
            key: 'title',
            render: (_, p) => (
              <div>
                <Link to={`/matching/postings/${p.id}`} className="posting-title">
                  {p.title}
                </Link>
                {/illustrative/i.test(p.source) && (
                  <Tag color="orange" bordered={false} style={{ marginInlineStart: 6, fontSize: 11 }}>
                    {t('matching.illustrative')}
                  </Tag>
                )}
                <div className="chips">
                  {fieldChips(p.kind, p.fields, p.direction, lang)
                    .slice(0, 5)
                    .map((c) => (
                      <Tag key={c} bordered={false}>
                        {c}
                      </Tag>
                    ))}
                </div>
              </div>
            ),
          },
          {
            title: t('matching.col.kind'),
            key: 'kind',
            width: 200,
            render: (_, p) => (
              <div className="chips">
                <DirectionTag direction={p.direction} />
                <KindTag kind={p.kind} />
                <StageTag stage={p.stage} />
              </div>
            ),
          },
          {
            title: t('matching.col.org'),
            key: 'org',
            width: 220,
            render: (_, p) => (
              <div>
                <Link to={`/organizations/${p.organization.id}`}>{p.organization.shortName ?? p.organization.name}</Link> <RegionTag region={p.organization.region} />
              </div>
            ),
          },
          {
            title: t('matching.col.nodes'),
            key: 'nodes',
            width: 180,
            render: (_, p) =>
              p.nodes.length ? (
                <div className="chips">
                  {p.nodes.map((n) => (
                    <Tag key={n.id} color="purple" bordered={false}>
                      {n.name}
                    </Tag>
                  ))}
                </div>
              ) : (
                '—'
              ),
          },
          {
            title: t('matching.col.wanted'),
            key: 'wanted',
            width: 110,
            render: (_, p) => (p.regionsWanted.length ? p.regionsWanted.map((r) => REGION_NAMES[r][lang]).join(' / ') : '—'),
          },
          { title: t('matching.col.deadline'), dataIndex: 'deadline', width: 110, render: (d: string | null) => d ?? '—' },
          { title: t('matching.col.status'), key: 'status', width: 90, render: (_, p) => <StatusTag status={p.status} /> },
        ]}
      />
    </div>
  );
}
