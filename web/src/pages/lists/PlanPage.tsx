/**
 * 一链一策: a chain's 堵点 entries grouped by segment and node, with the node's diagnosis, the target
 * enterprises (list_entry_orgs role `target`), the key regions the server proposes for each node
 * (where its suppliers and customers already are, and 河北量产 by the division of labour), and the
 * ranked investment targets. Printable (lists.css has the print stylesheet).
 */
import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Empty, Result, Skeleton, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError } from '../../api/client';
import { useChain } from '../../api/queries';
import { useChainDiagnostics, useChainLists, type ListEntry } from '../../api/queries.lists';
import { StagePills, StatusTag } from '../../chain/NodeDiagnostics';
import { ENTRY_STATUS_NAMES, ENTRY_STATUSES, LIST_KIND_NAMES } from '../../chain/diagnosis';
import { ErrorAlert, formatTime } from '../../components/common';
import { useLang } from '../../i18n';
import { REGION_NAMES, REGION_TAG, REGIONS, STAGE_NAMES, type Stage } from '../../i18n/vocab';
import type { ChainPlan } from '../../../../src/modules/attach/attach.schemas.ts';
import { EntryStatusTag, isOpen, today } from './common';
import { TargetsPanel } from './TargetsPanel';

type PlanNode = ChainPlan['nodes'][number];

/** The server's plan (GET /api/chains/:id/plan): key regions per 堵点 node, from where the node's
 * suppliers and customers already are, plus the division-of-labour region (河北量产 10→N). */
function useChainPlan(code: string) {
  return useQuery({
    queryKey: ['plan', code],
    enabled: !!code,
    queryFn: ({ signal }) => api.get<ChainPlan>(`/api/chains/${encodeURIComponent(code)}/plan`, undefined, signal),
  });
}

function PlanEntry({ e, p }: { e: ListEntry; p: PlanNode | undefined }) {
  const { t, lang } = useLang();
  const keyRegions = p?.keyRegions ?? [];
  const targets = e.organizations.filter((o) => o.role === 'target');
  const overdue = e.dueOn && isOpen(e.status) && e.dueOn < today();
  return (
    <div className={`plan-entry ${e.status === 'dropped' ? 'dropped' : ''}`} data-testid={`plan-entry-${e.id}`}>
      <div className="plan-entry-head">
        <Link to={`/lists/${e.id}`} className="t">
          {e.title}
        </Link>
        <EntryStatusTag status={e.status} />
        <Tag color={REGION_TAG[e.region]} style={{ marginInlineEnd: 0 }}>
          {t('entry.ownedBy', { region: REGION_NAMES[e.region][lang] })}
        </Tag>
      </div>
      <div className="plan-meta">
        {t('plan.meta', {
          dept: e.department ?? '—',
          owner: e.ownerName ?? '—',
          due: e.dueOn ?? '—',
        })}
        {overdue && (
          <Tag color="error" style={{ marginInlineStart: 6 }}>
            {t('entry.overdue')}
          </Tag>
        )}
      </div>
      {e.proposalReason && (
        <div className="plan-reason">
          <span className="lbl">{t('lists.reason')}</span>
          {e.proposalReason}
        </div>
      )}
      {e.description && <div className="plan-desc">{e.description}</div>}
      <div className="plan-grid">
        <div>
          <div className="plan-h">{t('plan.targets', { n: targets.length })}</div>
          {targets.length ? (
            <ol className="plan-targets" data-testid="plan-targets">
              {targets.map((o) => (
                <li key={o.organizationId}>
                  <Link to={`/organizations/${o.organizationId}`}>{o.name}</Link>
                  <Tag color={REGION_TAG[o.region ?? 'outside']} style={{ marginInlineStart: 6 }}>
                    {REGION_NAMES[o.region ?? 'outside'][lang]}
                  </Tag>
                  {o.note && <span className="lists-sub">{o.note}</span>}
                </li>
              ))}
            </ol>
          ) : (
            <div className="lists-sub">{t('plan.noTargets')}</div>
          )}
          <div className="no-print">
            <TargetsPanel entry={e} compact limit={5} />
          </div>
        </div>
        <div>
          <div className="plan-h">
            {t('plan.keyRegions')} <Tag bordered={false}>{t('plan.suggested')}</Tag>
          </div>
          <ul className="plan-regions" data-testid="plan-key-regions">
            {keyRegions.map((k) => (
              <li key={k.divisionCode}>
                <Tag color={REGION_TAG[k.region]} style={{ marginInlineEnd: 6 }}>
                  {k.name}
                </Tag>
                {k.reasons.join(lang === 'zh' ? '；' : '; ')}
              </li>
            ))}
            {p && !keyRegions.some((k) => k.region === p.divisionOfLabour.region) && (
              <li>
                <Tag color={REGION_TAG[p.divisionOfLabour.region]} style={{ marginInlineEnd: 6 }}>
                  {REGION_NAMES[p.divisionOfLabour.region][lang]}
                </Tag>
                {p.divisionOfLabour.text}
              </li>
            )}
            {!p && <li className="lists-sub">—</li>}
          </ul>
        </div>
      </div>
    </div>
  );
}

export default function PlanPage() {
  const { code = '' } = useParams();
  const { t, lang, pick } = useLang();
  const chain = useChain(code);
  const lists = useChainLists(code, { kind: 'duandian' });
  const diag = useChainDiagnostics(code);
  const plan = useChainPlan(code);
  const planByNode = useMemo(() => new Map((plan.data?.nodes ?? []).map((n) => [n.node.id, n])), [plan.data]);
  const [withDropped, setWithDropped] = useState(false);

  const groups = useMemo(() => {
    const c = chain.data;
    if (!c || !lists.data) return [];
    const entries = lists.data.entries.filter((e) => withDropped || e.status !== 'dropped');
    const byNode = new Map<number, ListEntry[]>();
    for (const e of entries) if (e.nodeId != null) byNode.set(e.nodeId, [...(byNode.get(e.nodeId) ?? []), e]);
    return [...c.segments]
      .sort((a, b) => a.position - b.position)
      .map((s) => ({
        segment: s,
        nodes: c.nodes
          .filter((n) => n.segmentId === s.id && byNode.has(n.id))
          .sort((a, b) => a.position - b.position)
          .map((n) => ({ node: n, entries: byNode.get(n.id)! })),
      }))
      .filter((g) => g.nodes.length);
  }, [chain.data, lists.data, withDropped]);
  const diagByNode = useMemo(() => new Map((diag.data?.nodes ?? []).map((n) => [n.nodeId, n])), [diag.data]);

  if (chain.isError) {
    if (chain.error instanceof ApiError && chain.error.status === 404) return <Result status="404" title={t('chain.notFound')} extra={<Link to="/chains">{t('chain.back')}</Link>} />;
    return <ErrorAlert error={chain.error} onRetry={() => chain.refetch()} />;
  }
  if (!chain.data || lists.isPending) return <Skeleton active paragraph={{ rows: 14 }} />;
  const c = chain.data;
  const counts = lists.data?.counts.duandian ?? {};
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const nodesN = groups.reduce((n, g) => n + g.nodes.length, 0);
  const statusText = ENTRY_STATUSES.filter((s) => counts[s])
    .map((s) => `${ENTRY_STATUS_NAMES[s][lang]} ${counts[s]}`)
    .join(lang === 'zh' ? '、' : ', ');

  return (
    <div className="plan-page plan-print" data-testid="plan-page">
      <div className="no-print" style={{ marginBottom: 8, display: 'flex', justifyContent: 'space-between', gap: 8, flexWrap: 'wrap' }}>
        <Space>
          <Link to={`/chains/${encodeURIComponent(c.code)}?view=diag`}>
            <ArrowLeftOutlined /> {t('plan.backChain')}
          </Link>
          <Link to={`/lists?chain=${encodeURIComponent(c.code)}&kind=duandian`}>{t('plan.toList')}</Link>
        </Space>
        <Space>
          <Checkbox checked={withDropped} onChange={(e) => setWithDropped(e.target.checked)}>
            {t('lists.includeDropped')}
          </Checkbox>
          <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="plan-print">
            {t('plan.print')}
          </Button>
        </Space>
      </div>
      <div className="plan-doc">
        <div className="plan-title">
          <Typography.Title level={2} style={{ margin: 0 }} data-testid="plan-title">
            {t('plan.title', { chain: pick(c.name, c.nameEn) })}
          </Typography.Title>
          <div className="plan-subtitle">{t('plan.subtitle')}</div>
          <div className="plan-stamp">
            {c.leadRegion ? t('plan.lead', { region: REGION_NAMES[c.leadRegion][lang] }) : ''}
            {t('plan.generated', { at: formatTime(new Date().toISOString(), lang) })}
          </div>
        </div>
        <Alert
          type="info"
          className="plan-intro"
          title={t('plan.division')}
          description={
            <div>
              <div>{t('plan.summary', { n: total, statuses: statusText || '—', nodes: nodesN })}</div>
              {diag.data && (
                <div style={{ marginTop: 4 }}>
                  {t('plan.diagSummary', {
                    strong: diag.data.summary.overall.strong,
                    weak: diag.data.summary.overall.weak,
                    missing: diag.data.summary.overall.missing,
                  })}
                </div>
              )}
              <div style={{ marginTop: 4 }} className="lists-sub">
                {t('plan.kr.note')}
              </div>
            </div>
          }
          style={{ margin: '16px 0' }}
        />
        {lists.isError && <ErrorAlert error={lists.error} onRetry={() => lists.refetch()} />}
        {!groups.length && <Empty description={t('plan.empty')} />}
        {groups.map((g) => (
          <section key={g.segment.id} className="plan-segment">
            <h3 className="plan-seg-h">
              {pick(g.segment.name, g.segment.nameEn)}
              {!/[·・•]/.test(g.segment.name) && <span className="lists-sub"> {STAGE_NAMES[g.segment.stage as Stage]?.[lang]}</span>}
            </h3>
            {g.nodes.map(({ node, entries }) => {
              const d = diagByNode.get(node.id);
              return (
                <div key={node.id} className="plan-node" data-testid={`plan-node-${node.id}`}>
                  <div className="plan-node-head">
                    <span className="nm">{pick(node.name, node.nameEn)}</span>
                    {d && (
                      <>
                        <StatusTag status={d.overall.status} />
                        <StagePills c={d.overall} />
                        <span className="plan-node-regions">
                          {REGIONS.map((r) => (
                            <span key={r}>
                              {REGION_NAMES[r][lang]} <StatusTag status={d.regions[r].status} size="small" />
                            </span>
                          ))}
                        </span>
                      </>
                    )}
                  </div>
                  {entries.map((e) => (
                    <PlanEntry key={e.id} e={e} p={planByNode.get(node.id)} />
                  ))}
                </div>
              );
            })}
          </section>
        ))}
        <div className="plan-foot">{t('plan.foot', { kind: LIST_KIND_NAMES.duandian.sheet })}</div>
      </div>
    </div>
  );
}
