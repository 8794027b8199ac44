/**
 * The chain page's diagnostics view: the 机构数量 / 诊断 toggle, the scope (京津冀合计 or one region),
 * the status legend with counts, and the buttons to the rules drawer, the three lists and the plan.
 * State lives in the URL (?view=diag&scope=TJ) so a view can be linked to.
 */
import { FileTextOutlined, OrderedListOutlined, SettingOutlined } from '@ant-design/icons';
import { Button, Segmented, Space, Spin, Tooltip } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { ChainDiagnostics } from '../api/queries.lists';
import type { ChainDetail } from '../api/types';
import { ErrorAlert } from '../components/common';
import { useLang } from '../i18n';
import { REGION_NAMES, REGIONS, type Region } from '../i18n/vocab';
import { NODE_STATUS_NAMES, NODE_STATUSES } from './diagnosis';
import './diagnostics.css';

const RulesDrawer = lazy(() => import('./RulesDrawer'));

export type DiagScope = 'overall' | Region;
const SCOPES: DiagScope[] = ['overall', ...REGIONS];

export interface DiagnosticsView {
  on: boolean;
  scope: DiagScope;
  setOn(on: boolean): void;
  setScope(s: DiagScope): void;
}

export function useDiagnosticsView(): DiagnosticsView {
  const [params, setParams] = useSearchParams();
  const on = params.get('view') === 'diag';
  const raw = params.get('scope');
  const scope: DiagScope = raw === 'BJ' || raw === 'TJ' || raw === 'HE' ? raw : 'overall';
  const update = (f: (p: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    f(next);
    setParams(next, { replace: true });
  };
  return {
    on,
    scope,
    setOn: (v) => update((p) => (v ? p.set('view', 'diag') : (p.delete('view'), p.delete('scope')))),
    setScope: (s) => update((p) => (s === 'overall' ? p.delete('scope') : p.set('scope', s))),
  };
}

/** Node id → fill colour and tooltip line for the chosen scope. */
export function useNodeStatus(d: ChainDiagnostics | undefined, scope: DiagScope) {
  const { t, lang } = useLang();
  return useMemo(() => {
    if (!d) return undefined;
    const m = new Map<number, { color: string; text: string }>();
    const scopeName = scope === 'overall' ? t('diag.scope.overall') : REGION_NAMES[scope][lang];
    for (const n of d.nodes) {
      const r = scope === 'overall' ? n.overall : n.regions[scope];
      const name = NODE_STATUS_NAMES[r.status];
      // The reason is a Chinese sentence from the server; English shows the status only.
      m.set(n.nodeId, { color: name.color, text: lang === 'zh' ? `${scopeName}：${r.reason}` : `${scopeName}: ${name.en}` });
    }
    return m;
  }, [d, scope, t, lang]);
}

export function scopeLabel(scope: DiagScope, lang: 'zh' | 'en', t: (k: 'diag.scope.overall') => string) {
  return scope === 'overall' ? t('diag.scope.overall') : REGION_NAMES[scope][lang];
}

export function DiagnosticsToolbar({
  chain,
  view,
  diagnostics,
}: {
  chain: ChainDetail;
  view: DiagnosticsView;
  diagnostics: { data?: ChainDiagnostics; isFetching: boolean; isError: boolean; error: unknown; refetch: () => unknown };
}) {
  const { t, lang } = useLang();
  const [rulesOpen, setRulesOpen] = useState(false);
  return (
    <div className="diag-toolbar" data-testid="diag-toolbar">
      <Space wrap size={[12, 8]}>
        <Segmented
          value={view.on ? 'diag' : 'counts'}
          onChange={(v) => view.setOn(v === 'diag')}
          options={[
            { value: 'counts', label: <span data-testid="view-counts">{t('diag.view.counts')}</span> },
            { value: 'diag', label: <span data-testid="view-diag">{t('diag.view.status')}</span> },
          ]}
        />
        {view.on && (
          <Segmented
            size="small"
            value={view.scope}
            onChange={(v) => view.setScope(v as DiagScope)}
            options={SCOPES.map((s) => ({ value: s, label: <span data-testid={`diag-scope-${s}`}>{scopeLabel(s, lang, t)}</span> }))}
          />
        )}
        {view.on && diagnostics.isFetching && <Spin size="small" />}
      </Space>
      <Space wrap size={8}>
        <Tooltip title={t('diag.rulesHint')}>
          <Button icon={<SettingOutlined />} onClick={() => setRulesOpen(true)} data-testid="open-rules">
            {t('diag.rules')}
          </Button>
        </Tooltip>
        <Link to={`/lists?chain=${encodeURIComponent(chain.code)}`}>
          <Button icon={<OrderedListOutlined />} data-testid="chain-lists-link">
            {t('menu.lists')}
          </Button>
        </Link>
        <Link to={`/chains/${encodeURIComponent(chain.code)}/plan`}>
          <Button icon={<FileTextOutlined />} data-testid="chain-plan-link">
            {t('diag.plan')}
          </Button>
        </Link>
      </Space>
      {view.on && diagnostics.isError && (
        <div style={{ width: '100%' }}>
          <ErrorAlert error={diagnostics.error} onRetry={() => diagnostics.refetch()} />
        </div>
      )}
      {rulesOpen && (
        <Suspense fallback={null}>
          <RulesDrawer chainCode={chain.code} chainName={chain.name} leadRegion={chain.leadRegion} open onClose={() => setRulesOpen(false)} />
        </Suspense>
      )}
    </div>
  );
}

/** Status colours with the number of nodes in each, for the chosen scope. */
export function DiagnosticsLegend({ diagnostics, scope }: { diagnostics: ChainDiagnostics | undefined; scope: DiagScope }) {
  const { t, lang } = useLang();
  const tally = diagnostics ? diagnostics.summary[scope] : null;
  return (
    <>
      <span className="diag-legend-title" data-testid="diag-legend">
        {t('diag.legendTitle', { scope: scopeLabel(scope, lang, t) })}
      </span>
      {NODE_STATUSES.map((s) => (
        <span key={s} data-testid={`diag-legend-${s}`}>
          <span className="sw" style={{ width: 12, height: 12, borderRadius: '50%', background: NODE_STATUS_NAMES[s].color }} />
          {NODE_STATUS_NAMES[s][lang]}
          {tally && <b className="diag-legend-n">{tally[s]}</b>}
        </span>
      ))}
      <span style={{ color: '#8c8c8c' }}>{t('diag.legendSize')}</span>
    </>
  );
}
