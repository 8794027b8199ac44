/**
 * 挂链审核: the queue of automatic attachments awaiting review, with their evidence (the summary
 * sentence, chips for the matches, the other candidate nodes). Officials accept, reject or move
 * suggestions of their region's organisations in bulk (administrators: any region); a bulk re-run of
 * automatic attachment runs in the background with its progress polled until it ends.
 */
import { AuditOutlined, CheckOutlined, CloseOutlined, NodeIndexOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Empty, Input, Modal, Popconfirm, Progress, Result, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useUrlFilters } from '../../components/useUrlFilters';
import { ApiError } from '../../api/client';
import { useChain, useChains } from '../../api/queries';
import {
  listAttachRuns,
  startAttachRun,
  useAttachRun,
  useInvalidateAttach,
  useReviewDecision,
  useReviewQueue,
  type AttachEvidence,
  type AttachJob,
  type DecisionInput,
  type EvidenceMatch,
  type ReviewItem,
} from '../../api/queries.attach';
import { useAuth } from '../../auth';
import { ErrorAlert, RegionTag, useErrorText } from '../../components/common';
import { useLang, type TFunc } from '../../i18n';
import { label, LINK_ROLE_NAMES, LINK_ROLE_TAG, ORG_KIND_NAMES, regionKey, REGION_NAMES, REGIONS, type Region } from '../../i18n/vocab';
import './review.css';

const PAGE_SIZE = 50;
const MIN_SCORES = [0.2, 0.3, 0.4, 0.5];
const POLL_MS = 700;
const STRONG = new Set(['keyword', 'whole']);
const WEAK = new Set(['word', 'chars']);

const pct = (x: number) => `${Math.floor(x * 1000) / 10}%`;
const evidenceOf = (i: ReviewItem): AttachEvidence | null => {
  const e = i.evidence as AttachEvidence | null;
  return e && typeof e === 'object' && typeof e.summary === 'string' ? e : null;
};

export default function ReviewPage() {
  const { t, lang } = useLang();
  const { user } = useAuth();
  const allowed = user?.role === 'admin' || user?.role === 'official';
  const { params, update } = useUrlFilters({ replace: true });
  const chainCode = params.get('chain') || undefined;
  const region = (REGIONS as readonly string[]).includes(params.get('region') ?? '') ? (params.get('region') as Region) : undefined;
  const minScore = params.get('min') && Number.isFinite(Number(params.get('min'))) ? Number(params.get('min')) : undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);

  const queue = useReviewQueue({ chainId: chainCode, region, minScore, page, pageSize: PAGE_SIZE }, allowed);
  const chains = useChains();
  const data = queue.data;
  const items = data?.items ?? [];
  const filtered = !!(chainCode || region || minScore);

  // A page emptied by decisions: go back to the last page that has rows.
  useEffect(() => {
    if (data && !data.items.length && data.total > 0 && page > 1) update({ page: Math.ceil(data.total / PAGE_SIZE) }, { keepPage: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data]);

  const [selected, setSelected] = useState<ReviewItem[]>([]);
  const [note, setNote] = useState('');
  const [decisionError, setDecisionError] = useState<unknown>(null);
  const [moveOpen, setMoveOpen] = useState(false);
  useEffect(() => {
    setSelected([]);
    setDecisionError(null);
  }, [chainCode, region, minScore, page]);

  const decide = useReviewDecision();
  const { message } = App.useApp();
  const selectedChains = new Set(selected.map((s) => s.chain.id));
  const oneChain = selected.length > 0 && selectedChains.size === 1;

  async function submit(action: DecisionInput['action'], nodeId?: number) {
    if (!selected.length) return;
    setDecisionError(null);
    try {
      const r = await decide.mutateAsync({ linkIds: selected.map((s) => s.linkId), action, nodeId, note: note.trim() || undefined });
      message.success(t(action === 'accept' ? 'review.accepted' : action === 'reject' ? 'review.rejected' : 'review.moved', { n: r.decided }));
      setSelected([]);
      setNote('');
      setMoveOpen(false);
    } catch (e) {
      setDecisionError(e);
    }
  }

  const chainOptions = useMemo(() => {
    const by = data?.byChain ?? [];
    const all = by.reduce((a, c) => a + c.count, 0);
    const opts = by.map((c) => ({ value: c.code, label: t('review.filter.chainOption', { name: c.name, n: c.count }) }));
    // the chosen chain stays in the list when its queue is empty
    if (chainCode && !by.some((c) => c.code === chainCode)) {
      const c = chains.data?.find((x) => x.code === chainCode);
      opts.push({ value: chainCode, label: t('review.filter.chainOption', { name: c?.name ?? chainCode, n: 0 }) });
    }
    return { opts, all };
  }, [data?.byChain, chainCode, chains.data, t]);

  const runner = useAttachRunner(allowed, chainCode, (chainId) => chains.data?.find((c) => c.id === chainId)?.name);

  if (user && !allowed)
    return (
      <div data-testid="review-page">
        <Result status="403" title={t('review.title')} subTitle={t('review.forbidden')} />
      </div>
    );

  const columns: ColumnsType<ReviewItem> = [
    {
      title: t('review.col.org'),
      key: 'org',
      width: 250,
      render: (_, i) => <OrgCell item={i} />,
    },
    {
      title: t('review.col.node'),
      key: 'node',
      width: 210,
      render: (_, i) => (
        <div className="rv-node">
          <Link to={`/chains/${encodeURIComponent(i.chain.code)}`} className="rv-chain" data-testid="review-chain">
            {i.chain.name}
          </Link>
          <div>
            <Link to={`/chains/${encodeURIComponent(i.chain.code)}?node=${i.node.id}`} className="rv-node-name" data-testid="review-node">
              {i.node.name}
            </Link>
          </div>
          <div className="rv-sub">
            {i.node.segmentName}
            <Tag color={LINK_ROLE_TAG[i.role as keyof typeof LINK_ROLE_TAG]} variant="filled" className="rv-role">
              {label(LINK_ROLE_NAMES, i.role, lang)}
            </Tag>
          </div>
        </div>
      ),
    },
    {
      title: t('review.col.score'),
      key: 'score',
      width: 112,
      render: (_, i) => <ScoreCell item={i} />,
    },
    {
      title: t('review.col.evidence'),
      key: 'evidence',
      render: (_, i) => <EvidenceCell item={i} />,
    },
  ];

  const emptyText = queue.isPending ? (
    t('app.loading')
  ) : (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      data-testid="review-empty"
      description={
        <div>
          <div className="rv-empty-h">{filtered ? t('review.emptyFiltered') : t('review.empty')}</div>
          {!filtered && <div className="rv-sub rv-empty-hint">{t('review.emptyHint')}</div>}
        </div>
      }
    >
      {filtered && <Button onClick={() => update({ chain: undefined, region: undefined, min: undefined })}>{t('review.filter.clear')}</Button>}
    </Empty>
  );

  return (
    <div data-testid="review-page" className="rv-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            <AuditOutlined style={{ color: '#1f4fd8', marginRight: 8 }} />
            {t('review.title')}
          </Typography.Title>
          <div className="meta">{t('review.subtitle')}</div>
        </div>
        <Popconfirm
          title={t('review.runConfirm', { scope: runner.scopeName })}
          description={<div style={{ maxWidth: 340 }}>{t('review.runHint')}</div>}
          onConfirm={() => runner.start()}
          okText={t('review.run')}
          cancelText={t('review.cancel')}
        >
          <Button icon={<ReloadOutlined />} loading={runner.starting || runner.running} data-testid="review-run">
            {t('review.run')}
          </Button>
        </Popconfirm>
      </div>

      <RunStatus runner={runner} />

      <div className="rv-filters">
        <Select
          allowClear
          placeholder={data ? t('review.filter.allChains', { n: chainOptions.all }) : t('review.filter.chain')}
          value={chainCode}
          onChange={(v) => update({ chain: v })}
          options={chainOptions.opts}
          style={{ width: 240 }}
          popupMatchSelectWidth={280}
          data-testid="review-filter-chain"
        />
        <Select
          allowClear
          placeholder={t('review.filter.region')}
          value={region}
          onChange={(v) => update({ region: v })}
          options={REGIONS.map((r) => ({ value: r, label: REGION_NAMES[r][lang] }))}
          style={{ width: 160 }}
          data-testid="review-filter-region"
        />
        <Select
          allowClear
          placeholder={t('review.filter.minScore')}
          value={minScore}
          onChange={(v) => update({ min: v })}
          options={MIN_SCORES.map((s) => ({ value: s, label: t('review.filter.minScoreOption', { p: pct(s) }) }))}
          style={{ width: 140 }}
          data-testid="review-filter-min"
        />
        {filtered && (
          <Button type="link" onClick={() => update({ chain: undefined, region: undefined, min: undefined })}>
            {t('review.filter.clear')}
          </Button>
        )}
        <span className="rv-sub">
          {user?.role === 'official' && user.region ? t('review.hint.official', { region: REGION_NAMES[user.region][lang] }) : t('review.hint.admin')}
        </span>
      </div>

      <div className="rv-bulk" data-testid="review-bulk">
        <Space wrap size={[8, 6]}>
          <span className={selected.length ? 'rv-count on' : 'rv-count'} data-testid="review-selected">
            {selected.length ? t('review.selected', { n: selected.length }) : t('review.selectHint')}
          </span>
          <Button
            type="primary"
            icon={<CheckOutlined />}
            disabled={!selected.length}
            loading={decide.isPending && decide.variables?.action === 'accept'}
            onClick={() => submit('accept')}
            data-testid="review-accept"
          >
            {t('review.accept')}
          </Button>
          <Popconfirm
            title={t('review.rejectConfirm', { n: selected.length })}
            description={<div style={{ maxWidth: 300 }}>{t('review.rejectHint')}</div>}
            onConfirm={() => submit('reject')}
            okText={t('review.reject')}
            okButtonProps={{ danger: true }}
            cancelText={t('review.cancel')}
            disabled={!selected.length}
          >
            <Button danger icon={<CloseOutlined />} disabled={!selected.length} loading={decide.isPending && decide.variables?.action === 'reject'} data-testid="review-reject">
              {t('review.reject')}
            </Button>
          </Popconfirm>
          <Tooltip title={selected.length && !oneChain ? t('review.moveDisabled') : undefined}>
            <Button icon={<NodeIndexOutlined />} disabled={!oneChain} onClick={() => setMoveOpen(true)} data-testid="review-move">
              {t('review.move')}
            </Button>
          </Tooltip>
          <Input
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder={t('review.note')}
            maxLength={500}
            allowClear
            style={{ width: 260 }}
            data-testid="review-note"
          />
        </Space>
        {data && (
          <span className="rv-total" data-testid="review-total">
            {t('review.total', { n: data.total })}
          </span>
        )}
      </div>

      {decisionError != null && !moveOpen && (
        <Alert
          type="error"
          showIcon
          closable={{ onClose: () => setDecisionError(null) }}
          title={t('app.error')}
          description={<ErrorText error={decisionError} />}
          style={{ marginBottom: 12 }}
          data-testid="review-error"
        />
      )}
      {queue.isError && <ErrorAlert error={queue.error} onRetry={() => queue.refetch()} />}

      <Table<ReviewItem>
        size="small"
        rowKey="linkId"
        loading={queue.isFetching && (!data || queue.isPlaceholderData)}
        dataSource={items}
        columns={columns}
        tableLayout="fixed"
        rowClassName={(i) => (i.canDecide ? 'rv-row' : 'rv-row rv-row-locked')}
        rowSelection={{
          selectedRowKeys: selected.map((s) => s.linkId),
          onChange: (_keys, rows) => setSelected(rows.filter(Boolean)),
          getCheckboxProps: (i) => ({ disabled: !i.canDecide, 'aria-label': i.organization.name }) as any,
          renderCell: (_checked, i, _index, node) =>
            i.canDecide ? (
              node
            ) : (
              <Tooltip title={t('review.otherRegion', { region: REGION_NAMES[regionKey(i.organization.region)][lang] })}>
                <span className="rv-locked" data-testid="review-locked">
                  {node}
                </span>
              </Tooltip>
            ),
        }}
        pagination={{
          current: data?.page ?? page,
          pageSize: PAGE_SIZE,
          total: data?.total ?? 0,
          hideOnSinglePage: true,
          showSizeChanger: false,
          showTotal: (n) => t('review.total', { n }),
          onChange: (p) => update({ page: p === 1 ? undefined : p }, { keepPage: true }),
        }}
        locale={{ emptyText }}
        data-testid="review-table"
      />

      {moveOpen && oneChain && (
        <MoveModal
          items={selected}
          note={note}
          onNote={setNote}
          busy={decide.isPending}
          error={decisionError}
          onCancel={() => {
            setMoveOpen(false);
            setDecisionError(null);
          }}
          onMove={(nodeId) => submit('move', nodeId)}
        />
      )}
    </div>
  );
}

function ErrorText({ error }: { error: unknown }) {
  const text = useErrorText();
  return <span data-testid="review-error-text">{text(error)}</span>;
}

/* ------------------------------------------------------------------ cells */

function OrgCell({ item }: { item: ReviewItem }) {
  const { t, lang } = useLang();
  const o = item.organization;
  const shown = o.products.slice(0, 3);
  return (
    <div className="rv-org">
      <div className="rv-org-h">
        <Link to={`/organizations/${o.id}`} className="rv-org-name" title={o.name} data-testid="review-org">
          {o.shortName || o.name}
        </Link>
        <RegionTag region={o.region} />
      </div>
      {o.shortName && o.shortName !== o.name && <div className="rv-sub rv-ellipsis" title={o.name}>{o.name}</div>}
      <div className="rv-sub">
        {label(ORG_KIND_NAMES, o.kind, lang)}
        {o.divisionName ? ` · ${o.divisionName}` : ''}
      </div>
      <div className="rv-products" title={o.products.join('、')}>
        {shown.length ? (
          <>
            {shown.map((p) => (
              <span key={p} className="rv-product">
                {p}
              </span>
            ))}
            {o.products.length > shown.length && <span className="rv-sub">{t('review.productsMore', { n: o.products.length })}</span>}
          </>
        ) : (
          <span className="rv-sub">{t('review.noProducts')}</span>
        )}
      </div>
    </div>
  );
}

function ScoreCell({ item }: { item: ReviewItem }) {
  const { t } = useLang();
  const ev = evidenceOf(item);
  const score = item.score ?? ev?.score ?? null;
  if (score == null) return <span className="rv-sub">—</span>;
  const th = ev?.thresholds ?? { confirm: 0.6, review: 0.15 };
  const pos = th.confirm > th.review ? (score - th.review) / (th.confirm - th.review) : 1;
  const color = pos >= 0.66 ? '#389e0d' : pos >= 0.33 ? '#1f4fd8' : '#d48806';
  return (
    <Tooltip title={t('review.scoreTitle', { score: pct(score), confirm: pct(th.confirm), review: pct(th.review) })}>
      <div className="rv-score" data-testid="review-score">
        <span className="rv-score-n" style={{ color }}>
          {pct(score)}
        </span>
        <Progress percent={Math.round(score * 100)} showInfo={false} size="small" strokeColor={color} />
      </div>
    </Tooltip>
  );
}

function matchChip(m: EvidenceMatch): string {
  if (m.kind === 'example') return `≈ ${m.example?.name ?? m.matched}`;
  if (m.kind === 'whole') return m.text;
  return m.matched;
}

function matchTip(m: EvidenceMatch, t: TFunc): string {
  const weight = m.weight.toFixed(2);
  if (m.kind === 'example')
    return t('review.match.exampleTip', {
      name: m.example?.name ?? '',
      what: t(m.specific ? 'review.match.exampleProduct' : 'review.match.exampleWord'),
      matched: m.matched,
      weight,
    });
  return t('review.match.tip', { signal: t(`review.signal.${m.signal}` as any), text: m.text, matched: m.matched, kind: t(`review.kind.${m.kind}` as any), weight });
}

function EvidenceCell({ item }: { item: ReviewItem }) {
  const { t } = useLang();
  const ev = evidenceOf(item);
  if (!ev) return <span className="rv-sub">{t('review.noEvidence')}</span>;
  // one chip per text, the strongest evidence first
  const rank = (m: EvidenceMatch) => (STRONG.has(m.kind) ? 3 : m.kind === 'example' ? 2 : WEAK.has(m.kind) ? 0 : 1);
  const seen = new Set<string>();
  const chips = [...ev.matches]
    .sort((a, b) => rank(b) - rank(a) || b.weight - a.weight)
    .filter((m) => {
      const k = matchChip(m);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  return (
    <div className="rv-evidence">
      <div className="rv-summary" data-testid="review-summary">
        {ev.summary}
      </div>
      <div className="rv-chips">
        {chips.map((m, i) => (
          <Tooltip key={i} title={matchTip(m, t)}>
            <span className={`rv-chip ${STRONG.has(m.kind) ? 'strong' : WEAK.has(m.kind) ? 'weak' : m.kind === 'example' ? 'example' : 'mid'}`} data-kind={m.kind} data-testid="review-chip">
              {matchChip(m)}
            </span>
          </Tooltip>
        ))}
        {ev.alternatives.length > 0 && (
          <Tooltip
            title={
              <div>
                <div className="rv-tip-h">{t('review.alternativesTitle')}</div>
                {ev.alternatives.map((a) => (
                  <div key={a.nodeId}>
                    {a.name} · {pct(a.score)}
                  </div>
                ))}
              </div>
            }
          >
            <span className="rv-alt" data-testid="review-alternatives">
              {t('review.alternatives', { n: ev.alternatives.length })}
            </span>
          </Tooltip>
        )}
        {ev.movedFrom && <span className="rv-sub">{t('review.movedFrom', { name: ev.movedFrom.name })}</span>}
      </div>
    </div>
  );
}

/* ------------------------------------------------------------------ move */

function MoveModal({
  items,
  note,
  onNote,
  busy,
  error,
  onCancel,
  onMove,
}: {
  items: ReviewItem[];
  note: string;
  onNote: (v: string) => void;
  busy: boolean;
  error: unknown;
  onCancel: () => void;
  onMove: (nodeId: number) => void;
}) {
  const { t, pick } = useLang();
  const chainRef = items[0].chain;
  const chain = useChain(chainRef.code);
  const [nodeId, setNodeId] = useState<number | undefined>(undefined);
  const [touched, setTouched] = useState(false);
  const current = new Set(items.map((i) => i.node.id));
  const options = useMemo(() => {
    const c = chain.data;
    if (!c) return [];
    return [...c.segments]
      .sort((a, b) => a.position - b.position)
      .map((s) => ({
        label: pick(s.name, s.nameEn),
        title: s.name,
        options: c.nodes
          .filter((n) => n.segmentId === s.id)
          .sort((a, b) => a.position - b.position)
          .map((n) => ({
            value: n.id,
            label: `${pick(n.name, n.nameEn)}${current.has(n.id) ? t('review.moveCurrent') : ''}`,
            search: `${n.name} ${n.nameEn ?? ''} ${n.keywords.join(' ')}`.toLowerCase(),
          })),
      }))
      .filter((g) => g.options.length);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [chain.data, pick, t]);
  // the other candidate nodes the engine scored come first in the hint
  const alternatives = useMemo(() => {
    const m = new Map<number, string>();
    for (const i of items) for (const a of evidenceOf(i)?.alternatives ?? []) if (!current.has(a.nodeId)) m.set(a.nodeId, a.name);
    return [...m].slice(0, 4);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items]);

  return (
    <Modal
      open
      title={t('review.moveTitle')}
      onCancel={onCancel}
      onOk={() => {
        setTouched(true);
        if (nodeId) onMove(nodeId);
      }}
      okText={t('review.moveOk')}
      cancelText={t('review.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      maskClosable={false}
      width={520}
    >
      <div data-testid="review-move-modal">
        <p style={{ marginTop: 0 }}>{t('review.moveIntro', { n: items.length, chain: chainRef.name })}</p>
        <div className="rv-field">{t('review.moveNode')}</div>
        <Select
          value={nodeId}
          onChange={setNodeId}
          options={options}
          loading={chain.isPending}
          showSearch={{ filterOption: (input: string, o: unknown) => String((o as any)?.search ?? '').includes(input.toLowerCase()) }}
          style={{ width: '100%' }}
          status={touched && !nodeId ? 'error' : undefined}
          placeholder={t('review.moveNodeRequired')}
          data-testid="review-move-node"
        />
        {touched && !nodeId && <div className="rv-field-error">{t('review.moveNodeRequired')}</div>}
        {alternatives.length > 0 && (
          <div className="rv-chips" style={{ marginTop: 8 }}>
            <span className="rv-sub">{t('review.alternativesTitle')}：</span>
            {alternatives.map(([id, name]) => (
              <a key={id} className="rv-chip mid" onClick={() => setNodeId(id)}>
                {name}
              </a>
            ))}
          </div>
        )}
        <div className="rv-field" style={{ marginTop: 12 }}>
          {t('review.note')}
        </div>
        <Input.TextArea value={note} onChange={(e) => onNote(e.target.value)} maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} />
        {error != null && (
          <Alert type="error" showIcon style={{ marginTop: 12 }} title={<ErrorText error={error} />} data-testid="review-move-error" />
        )}
      </div>
    </Modal>
  );
}

/* ------------------------------------------------------------------ bulk re-run */

interface Runner {
  scopeName: string;
  starting: boolean;
  running: boolean;
  job: AttachJob | undefined;
  notice: string | null;
  start(): void;
  dismiss(): void;
  jobScope(job: AttachJob): string;
}

/** Starts a run for the chosen chain (or every chain), follows it (also one already going) and refreshes the queue when it ends. */
function useAttachRunner(enabled: boolean, chainCode: string | undefined, chainName: (id: number) => string | undefined): Runner {
  const { t } = useLang();
  const { message } = App.useApp();
  const errText = useErrorText();
  const qc = useQueryClient();
  const invalidate = useInvalidateAttach();
  const chains = useChains();
  const [jobId, setJobId] = useState<number | null>(null);
  const [starting, setStarting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const run = useAttachRun(jobId, POLL_MS);
  const job = run.data;
  const running = !!job && (job.status === 'running' || job.status === 'queued');

  // A run already going (started by someone else, or before this page was opened): follow it.
  useEffect(() => {
    if (!enabled) return;
    const ac = new AbortController();
    listAttachRuns(1, ac.signal)
      .then((js) => {
        const j = js[0];
        if (j && (j.status === 'running' || j.status === 'queued')) setJobId((cur) => cur ?? j.id);
      })
      .catch(() => undefined);
    return () => ac.abort();
  }, [enabled]);

  // The run ended: the queue (and the counts elsewhere) change.
  const ended = useRef<number | null>(null);
  useEffect(() => {
    if (job && (job.status === 'done' || job.status === 'failed') && ended.current !== job.id) {
      ended.current = job.id;
      void invalidate();
    }
  }, [job, invalidate]);

  const scopeName = chainCode ? (chains.data?.find((c) => c.code === chainCode)?.name ?? chainCode) : t('review.runScopeAll');
  const jobScope = (j: AttachJob) => {
    const id = (j.params as { chainId?: number | null } | null)?.chainId;
    return id ? (chainName(id) ?? String(id)) : t('review.runScopeAll');
  };

  return {
    scopeName,
    starting,
    running,
    job,
    notice,
    jobScope,
    dismiss: () => {
      setJobId(null);
      setNotice(null);
    },
    start: async () => {
      setStarting(true);
      setNotice(null);
      try {
        const j = await startAttachRun(chainCode);
        qc.setQueryData(['attach-run', j.id], j);
        setJobId(j.id);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'attach.run_in_progress') {
          setNotice(errText(e));
          const js = await listAttachRuns(5).catch(() => []);
          const going = js.find((j) => j.status === 'running' || j.status === 'queued');
          if (going) setJobId(going.id);
        } else message.error(errText(e));
      } finally {
        setStarting(false);
      }
    },
  };
}

function RunStatus({ runner }: { runner: Runner }) {
  const { t } = useLang();
  const { job, notice } = runner;
  if (!job && !notice) return null;
  const noticeEl = notice && <Alert type="warning" showIcon title={t('review.runFollow', { msg: notice })} style={{ marginBottom: 8 }} data-testid="review-run-notice" />;
  if (!job) return <div className="rv-run">{noticeEl}</div>;
  const scope = runner.jobScope(job);
  if (job.status === 'done') {
    const r = job.result;
    return (
      <div className="rv-run">
        {noticeEl}
        <Alert
          type="success"
          showIcon
          closable={{ onClose: runner.dismiss }}
          title={t('review.runDone', { id: job.id, scope, s: r ? (r.tookMs / 1000).toFixed(1) : '—' })}
          description={
            <div>
              <Progress percent={100} size="small" status="success" data-testid="review-run-progress" />
              {r && <div data-testid="review-run-totals">{t('review.runTotals', { ...r.totals })}</div>}
            </div>
          }
          data-testid="review-run-done"
        />
      </div>
    );
  }
  if (job.status === 'failed')
    return (
      <div className="rv-run">
        {noticeEl}
        <Alert
          type="error"
          showIcon
          closable={{ onClose: runner.dismiss }}
          title={t('review.runFailed', { id: job.id })}
          description={job.error ? <ErrorText error={new Error(job.error)} /> : undefined}
          data-testid="review-run-failed"
        />
      </div>
    );
  const percent = job.total ? Math.min(99, Math.floor((job.progress / job.total) * 100)) : 0;
  return (
    <div className="rv-run">
      {noticeEl}
      <div className="rv-run-box" data-testid="review-run-running">
        <div className="rv-run-h">{t('review.runRunning', { id: job.id, scope })}</div>
        <Progress percent={percent} status="active" data-testid="review-run-progress" />
        <div className="rv-sub">{job.status === 'queued' ? t('review.runQueued') : t('review.runProgress', { progress: job.progress, total: job.total })}</div>
      </div>
    </div>
  );
}
