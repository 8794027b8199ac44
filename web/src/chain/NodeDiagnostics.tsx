/**
 * The diagnostics part of the node panel: 京津冀 combined and the three regions side by side
 * (status with the rule's reason, organisations by role, stage coverage 0→1 / 1→10 / 10→N, key
 * enterprises, revenue where known), the node's organisations on the 京津冀 county map, and the
 * list entries (卡点 / 堵点 / 重点企业) on the node.
 */
import { PlusOutlined } from '@ant-design/icons';
import { Empty, Skeleton, Tag, Tooltip, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router-dom';
import { useNodeDiagnostics, type NodeDiagnostics, type RegionCounts, type RegionDiagnosis } from '../api/queries.lists';
import type { ChainDetail } from '../api/types';
import { useAuth } from '../auth';
import { ErrorAlert } from '../components/common';
import { useLang } from '../i18n';
import { label, LINK_ROLE_NAMES, LINK_ROLES, REGION_COLORS, REGION_NAMES, REGION_TAG, REGIONS } from '../i18n/vocab';
import type { DiagScope } from './DiagnosticsBar';
import { coarsePlaces, ENTRY_STATUS_NAMES, ENTRY_STATUS_TAG, formatWan, LIST_KIND_NAMES, NODE_STATUS_NAMES, STAGE_KEY_NAMES, STAGE_KEYS, type EntryStatus, type ListKind, type NodeStatus } from './diagnosis';
import './diagnostics.css';

const NodeCountyMap = lazy(() => import('../charts/NodeCountyMap'));

export function StatusTag({ status, size }: { status: string; size?: 'small' }) {
  const { lang } = useLang();
  const s = NODE_STATUS_NAMES[status as NodeStatus];
  if (!s) return <Tag>{status}</Tag>;
  return (
    <Tag color={s.color} style={{ marginInlineEnd: 0, ...(size === 'small' ? { fontSize: 11, lineHeight: '16px', paddingInline: 5 } : {}) }} data-status={status}>
      {s[lang]}
    </Tag>
  );
}

/** 研发 0→1 / 中试 1→10 / 量产 10→N: filled when covered, with the number of organisations. */
export function StagePills({ c }: { c: Pick<RegionCounts, 'stages'> }) {
  const { lang } = useLang();
  return (
    <span className="stage-pills">
      {STAGE_KEYS.map((k) => {
        const n = c.stages[k];
        const name = STAGE_KEY_NAMES[k];
        return (
          <Tooltip key={k} title={`${name[lang]}：${n}`}>
            <span className={`stage-pill ${k} ${n > 0 ? 'on' : 'off'}`} data-stage={k} data-covered={n > 0 ? '1' : '0'}>
              <span className="st">{name.step}</span>
              {lang === 'zh' ? name.short : name.shortEn}
              {n > 0 && <b>{n}</b>}
            </span>
          </Tooltip>
        );
      })}
    </span>
  );
}

function RoleLine({ c }: { c: RegionCounts }) {
  const { lang } = useLang();
  const parts = LINK_ROLES.filter((r) => c.byRole[r] > 0).map((r) => `${label(LINK_ROLE_NAMES, r, lang)} ${c.byRole[r]}`);
  if (!parts.length) return null;
  return <div className="nd-roles">{parts.join(' · ')}</div>;
}

function Revenue({ c }: { c: RegionCounts }) {
  const { t, lang } = useLang();
  if (!c.organizations) return null;
  return (
    <div className="nd-rev">
      {c.revenueWan == null ? t('node.diag.noRevenue') : t('node.diag.revenue', { v: formatWan(c.revenueWan, lang), n: c.revenueKnown })}
    </div>
  );
}

function KeyEnterprises({ d }: { d: RegionDiagnosis }) {
  const { t, lang } = useLang();
  if (!d.keyEnterprises.length) return null;
  return (
    <div className="nd-keys">
      <span className="k">{t('node.diag.keyEnterprises')}</span>
      {d.keyEnterprises.slice(0, 3).map((k) => (
        <div key={k.organizationId} className="nd-key">
          <Link to={`/organizations/${k.organizationId}`}>{k.shortName || k.name}</Link>
          <span className="sub">
            {' '}
            {label(LINK_ROLE_NAMES, k.role, lang)}
            {k.revenueWan != null ? ` · ${formatWan(k.revenueWan, lang)}` : ''}
          </span>
        </div>
      ))}
      {d.anchors > 3 && <div className="sub">{t('node.diag.more', { n: d.anchors - 3 })}</div>}
    </div>
  );
}

function Reason({ text, testId, note }: { text: string; testId?: string; note?: boolean }) {
  const { t, lang } = useLang();
  return (
    <div className="nd-reason" data-testid={testId}>
      {text}
      {note && lang === 'en' && <div className="sub">{t('node.diag.reasonZh')}</div>}
    </div>
  );
}

function RegionColumn({ r, d, on }: { r: (typeof REGIONS)[number]; d: RegionDiagnosis; on: boolean }) {
  const { t, lang } = useLang();
  return (
    <div className={`nd-col ${on ? 'on' : ''}`} data-testid={`region-col-${r}`} style={{ borderTopColor: NODE_STATUS_NAMES[d.status].color }}>
      <div className="h">
        <span className="bar" style={{ background: REGION_COLORS[r] }} />
        <span className="nm">{REGION_NAMES[r][lang]}</span>
        <StatusTag status={d.status} size="small" />
      </div>
      <div className="nd-n">{t('node.diag.orgsN', { n: d.organizations })}</div>
      <StagePills c={d} />
      <RoleLine c={d} />
      <KeyEnterprises d={d} />
      <Revenue c={d} />
      <Reason text={d.reason} testId={`reason-${r}`} />
    </div>
  );
}

function EntryLinks({ d, chain }: { d: NodeDiagnostics; chain: ChainDetail }) {
  const { t, lang } = useLang();
  const { user } = useAuth();
  const official = user?.role === 'official' || user?.role === 'admin';
  return (
    <>
      <div className="nd-h">
        <span>{t('node.diag.entries', { n: d.entries.length })}</span>
        {official && (
          <Link to={`/lists/new?chain=${encodeURIComponent(chain.code)}&node=${d.node.id}`} data-testid="node-new-entry">
            <PlusOutlined /> {t('lists.new')}
          </Link>
        )}
      </div>
      {!d.entries.length && <div className="nd-empty">{t('node.diag.noEntries')}</div>}
      <div className="nd-entries" data-testid="node-entries">
        {d.entries.map((e) => (
          <div key={e.id} className="nd-entry">
            <Tag color={LIST_KIND_NAMES[e.kind as ListKind]?.color} style={{ marginInlineEnd: 4 }}>
              {LIST_KIND_NAMES[e.kind as ListKind]?.[lang] ?? e.kind}
            </Tag>
            <Link to={`/lists/${e.id}`}>{e.title}</Link>
            <span className="meta">
              <Tag color={ENTRY_STATUS_TAG[e.status as EntryStatus]} style={{ marginInlineEnd: 4 }}>
                {ENTRY_STATUS_NAMES[e.status as EntryStatus]?.[lang] ?? e.status}
              </Tag>
              <Tag color={REGION_TAG[e.region]} style={{ marginInlineEnd: 4 }}>
                {REGION_NAMES[e.region][lang]}
              </Tag>
              {e.origin === 'proposed' && <Tag bordered={false}>{t('lists.origin.proposed')}</Tag>}
              {e.proposalStale && <Tag color="warning">{t('lists.stale')}</Tag>}
            </span>
          </div>
        ))}
      </div>
    </>
  );
}

export default function NodeDiagnosticsSection({ nodeId, chain, scope }: { nodeId: number; chain: ChainDetail; scope: DiagScope }) {
  const { t, lang } = useLang();
  const q = useNodeDiagnostics(nodeId);
  if (q.isError) return <ErrorAlert error={q.error} onRetry={() => q.refetch()} />;
  if (q.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  const d = q.data;
  const coarse = coarsePlaces(d.organizations);
  const coarseN = coarse.reduce((n, p) => n + p.orgs.length, 0);
  const noPlace = d.organizations.filter((o) => o.region && !o.divisionCode).length;
  const outsideN = d.outside.organizations;
  const placed = d.counties.length > 0 || coarseN > 0;
  return (
    <div className="node-diag" data-testid="node-diag">
      <div className="nd-overall" data-testid="node-overall" style={{ borderLeftColor: NODE_STATUS_NAMES[d.overall.status].color }}>
        <div className="h">
          <StatusTag status={d.overall.status} />
          <b>{t('diag.scope.overall')}</b>
          <span className="nd-n">{t('node.diag.orgsN', { n: d.overall.organizations })}</span>
          <StagePills c={d.overall} />
        </div>
        <Reason text={d.overall.reason} testId="reason-overall" note />
      </div>

      <div className="nd-regions" data-testid="node-three-regions">
        {REGIONS.map((r) => (
          <RegionColumn key={r} r={r} d={d.regions[r]} on={scope === r} />
        ))}
      </div>
      {outsideN > 0 && (
        <div className="nd-outside" data-testid="node-outside">
          {t('node.diag.outside', { n: outsideN, p: d.outside.stages.production })}
        </div>
      )}

      <div className="nd-h">
        <span>{t('node.diag.map')}</span>
      </div>
      {placed ? (
        <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height: 280 }} />}>
          <NodeCountyMap counties={d.counties} organizations={d.organizations} height={280} />
        </Suspense>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('node.diag.mapEmpty')} style={{ margin: '8px 0' }} data-testid="node-map-empty" />
      )}
      <div className="map-note" data-testid="node-map-note">
        {d.counties.length > 0 && <div>{t('node.diag.mapCounties', { n: d.counties.reduce((s, c) => s + c.organizations, 0), c: d.counties.length })}</div>}
        {coarseN > 0 && <div>{t('node.diag.mapCoarseNote', { n: coarseN, places: coarse.map((p) => p.name).join(lang === 'zh' ? '、' : ', ') })}</div>}
        {noPlace > 0 && <div>{t('node.diag.mapNoPlace', { n: noPlace })}</div>}
        {outsideN > 0 && <div>{t('node.diag.mapOutside', { n: outsideN })}</div>}
        {d.organizationsTotal > d.organizations.length && (
          <div>{t('node.diag.mapLimited', { n: d.organizations.length, total: d.organizationsTotal })}</div>
        )}
      </div>

      <EntryLinks d={d} chain={chain} />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '10px 0 0' }}>
        {t('node.diag.rulesNote')}
      </Typography.Paragraph>
    </div>
  );
}
