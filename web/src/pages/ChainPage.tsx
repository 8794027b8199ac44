import { ApartmentOutlined, ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Card, Result, Select, Skeleton, Space, Tag, Typography } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useChain } from '../api/queries';
import { NodePanel } from '../chain/NodePanel';
import { ChainXlsxButtons } from '../chain/ChainXlsx';
import { DiagnosticsLegend, DiagnosticsToolbar, useDiagnosticsView, useNodeStatus } from '../chain/DiagnosticsBar';
import { useChainDiagnostics } from '../api/queries.lists';
import { ErrorAlert } from '../components/common';
import { useLang } from '../i18n';
import { CHAIN_SCOPE_NAMES, label, REGION_NAMES, REGION_TAG, STAGE_COLORS, STAGE_NAMES, type Stage } from '../i18n/vocab';

const ChainGraph = lazy(() => import('../charts/ChainGraph'));
const ChainEditor = lazy(() => import('../chain/ChainEditor'));

export default function ChainPage() {
  const { code = '' } = useParams();
  const { t, lang, pick } = useLang();
  const chain = useChain(code);
  const dv = useDiagnosticsView();
  const diagnostics = useChainDiagnostics(dv.on ? code : null);
  const nodeStatus = useNodeStatus(dv.on ? diagnostics.data : undefined, dv.scope);
  const [params, setParams] = useSearchParams();
  const selected = params.get('node') ? Number(params.get('node')) : null;
  // 编辑图谱 drawer (chain.canEdit): mounted once opened, `focus` = the node it was opened at.
  const [editor, setEditor] = useState<{ mounted: boolean; open: boolean; focus: number | null }>({ mounted: false, open: false, focus: null });
  const openEditor = (focus: number | null) => setEditor({ mounted: true, open: true, focus });
  // A node deleted (in the editor or by an import) is no longer selected.
  const stale = selected != null && !!chain.data && !chain.data.nodes.some((n) => n.id === selected);
  useEffect(() => {
    if (stale) select(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stale]);
  const select = (id: number | null) => {
    const next = new URLSearchParams(params);
    if (id == null) next.delete('node');
    else next.set('node', String(id));
    setParams(next, { replace: true });
  };

  const nodeOptions = useMemo(() => {
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
          .map((n) => {
            const total = n.counts.BJ + n.counts.TJ + n.counts.HE + n.counts.outside;
            return {
              value: n.id,
              label: `${pick(n.name, n.nameEn)} (${total})`,
              search: [n.name, n.nameEn ?? '', ...n.keywords].join(' ').toLowerCase(),
            };
          }),
      }));
  }, [chain.data, pick]);

  if (chain.isError) {
    if (chain.error instanceof ApiError && chain.error.status === 404)
      return <Result status="404" title={t('chain.notFound')} extra={<Link to="/chains">{t('chain.back')}</Link>} />;
    return <ErrorAlert error={chain.error} onRetry={() => chain.refetch()} />;
  }
  if (chain.isPending) return <Skeleton active paragraph={{ rows: 12 }} />;
  const c = chain.data;
  const stages = [...new Set(c.segments.map((s) => s.stage))] as Stage[];

  return (
    <div data-testid="chain-page">
      <div style={{ marginBottom: 8 }}>
        <Link to="/chains">
          <ArrowLeftOutlined /> {t('chain.back')}
        </Link>
      </div>
      <div className="page-head">
        <div style={{ minWidth: 0, flex: 1 }}>
          <div style={{ display: 'flex', alignItems: 'center', gap: 10, flexWrap: 'wrap' }}>
            <Typography.Title level={3} data-testid="chain-title">
              {pick(c.name, c.nameEn)}
            </Typography.Title>
            <Typography.Text type="secondary">{lang === 'zh' ? c.nameEn : c.name}</Typography.Text>
            <Tag>{label(CHAIN_SCOPE_NAMES, c.scope, lang)}</Tag>
            {c.leadRegion && (
              <Tag color={REGION_TAG[c.leadRegion]}>
                {t('dash.lead', { region: REGION_NAMES[c.leadRegion][lang] })}
              </Tag>
            )}
          </div>
          <div className="meta">{t('chain.counts', { segments: c.segmentCount, nodes: c.nodeCount, edges: c.edgeCount, orgs: c.organizationCount })}</div>
          {c.description && (
            <Typography.Paragraph style={{ margin: '6px 0 0', maxWidth: 960 }} ellipsis={{ rows: 2, expandable: true, symbol: '…' }}>
              {c.description}
            </Typography.Paragraph>
          )}
          <Typography.Paragraph type="secondary" style={{ margin: '2px 0 0', fontSize: 12, maxWidth: 960 }} ellipsis={{ rows: 1, expandable: true, symbol: '…' }}>
            {t('chain.source')}{lang === 'zh' ? '：' : ': '}{c.source}
          </Typography.Paragraph>
        </div>
        <Space wrap size={8}>
          <ChainXlsxButtons chain={c} />
          {c.canEdit && (
            <Button type="primary" icon={<ApartmentOutlined />} onClick={() => openEditor(null)} data-testid="chain-edit-open">
              {t('chainEdit.open')}
            </Button>
          )}
          <Select
            showSearch={{
              filterOption: (input, option) => ((option as any)?.search ?? '').includes(input.toLowerCase()),
            }}
            allowClear
            placeholder={t('chain.findNode')}
            style={{ width: 300 }}
            value={selected ?? undefined}
            onChange={(v) => select(v ?? null)}
            options={nodeOptions}
            data-testid="node-picker"
            popupMatchSelectWidth={360}
          />
        </Space>
      </div>

      <div className="chain-layout">
        <div className="chain-main">
          <DiagnosticsToolbar chain={c} view={dv} diagnostics={diagnostics} />
          <Card size="small" styles={{ body: { padding: 8 } }}>
            <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height: 520 }} />}>
              <ChainGraph key={c.code} chain={c} selectedId={selected} onSelect={select} nodeStatus={nodeStatus} />
            </Suspense>
            <div className="graph-legend">
              {stages.map((s) => (
                <span key={s}>
                  <span className="sw" style={{ width: 14, height: 10, background: STAGE_COLORS[s].band, border: `1px solid ${STAGE_COLORS[s].text}` }} />
                  {STAGE_NAMES[s][lang]}
                </span>
              ))}
              {dv.on ? (
                <DiagnosticsLegend diagnostics={diagnostics.data} scope={dv.scope} />
              ) : (
                <>
                  <span>
                    <span className="sw grad" />
                    {t('chain.legend.size')}
                  </span>
                  <span>
                    <span className="sw grey" />
                    {t('chain.legend.empty')}
                  </span>
                </>
              )}
              <span>→ {t('chain.legend.edge')}</span>
              {c.nodes.some((n) => n.parentId != null) && <span>┈ {t('chain.legend.parent')}</span>}
              <span style={{ color: '#8c8c8c' }}>{t('chain.legend.hint')}</span>
            </div>
          </Card>
        </div>
        {selected != null && c.nodes.some((n) => n.id === selected) && (
          <div className={dv.on ? 'chain-side wide' : 'chain-side'}>
            <NodePanel
              chain={c}
              nodeId={selected}
              onClose={() => select(null)}
              onSelect={select}
              diagScope={dv.on ? dv.scope : undefined}
              onOpenEditor={c.canEdit ? openEditor : undefined}
            />
          </div>
        )}
      </div>
      {editor.mounted && c.canEdit && (
        <Suspense fallback={null}>
          <ChainEditor
            chain={c}
            open={editor.open}
            focusNodeId={editor.focus}
            onClose={() => setEditor((e) => ({ ...e, open: false }))}
            onSelectNode={(id) => {
              setEditor((e) => ({ ...e, open: false }));
              select(id);
            }}
          />
        </Suspense>
      )}
    </div>
  );
}
