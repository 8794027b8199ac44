import { ApartmentOutlined, CloseOutlined, DeleteOutlined, EditOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Empty, Select, Skeleton, Space, Tag, Tooltip, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { useNodeOrganizations } from '../api/queries';
import type { ChainDetail, NodeOrganization } from '../api/types';
import { ErrorAlert } from '../components/common';
import { useLang } from '../i18n';
import { useDeleteNode } from './NodeDelete';
import { label, LINK_ROLE_NAMES, LINK_ROLE_TAG, ORG_KIND_NAMES, pickLang, REGION_COLORS, REGION_NAMES, regionKey, STAGE_NAMES, type LinkRole, type RegionOrOutside } from '../i18n/vocab';

const NodeEditor = lazy(() => import('./NodeEditor'));
// The diagnostics view's three regions, county map and list entries (loaded with that view only).
const NodeDiagnosticsSection = lazy(() => import('./NodeDiagnostics'));

const ROLE_ORDER: LinkRole[] = ['chain_leader', 'key_enterprise', 'supplier', 'rnd', 'pilot', 'production', 'service'];

export function NodePanel({
  chain,
  nodeId,
  onClose,
  onSelect,
  diagScope,
  onOpenEditor,
}: {
  chain: ChainDetail;
  nodeId: number;
  onClose: () => void;
  onSelect: (id: number) => void;
  /** Set in the diagnostics view: the panel then starts with the node's three-region diagnosis. */
  diagScope?: 'overall' | 'BJ' | 'TJ' | 'HE';
  /** Set for users who may edit the chain: opens the 编辑图谱 drawer at this node. */
  onOpenEditor?: (nodeId: number) => void;
}) {
  const { t, lang, pick } = useLang();
  const node = chain.nodes.find((n) => n.id === nodeId);
  const seg = node ? chain.segments.find((s) => s.id === node.segmentId) : undefined;
  const q = useNodeOrganizations(nodeId);
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const canEdit = chain.canEdit;
  const deleteNode = useDeleteNode(chain);
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: ['chain', chain.code] }), queryClient.invalidateQueries({ queryKey: ['chains'] })]);
  const addEdge = async (to: number) => {
    try {
      await api.post(`/api/chains/${chain.id}/edges`, { fromNodeId: nodeId, toNodeId: to });
      await refresh();
      message.success(t('chain.edit.edgeAdded'));
    } catch (e) {
      // A cycle refusal names the nodes on the cycle: long enough to read.
      message.error({ content: pickLang((e as Error).message, lang), duration: 8 });
    }
  };
  const removeEdge = (from: number, to: number) =>
    modal.confirm({
      title: t('chain.edit.removeEdge'),
      content: `${pick(nodeById.get(from)?.name, nodeById.get(from)?.nameEn)} → ${pick(nodeById.get(to)?.name, nodeById.get(to)?.nameEn)}`,
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await api.del(`/api/chains/${chain.id}/edges`, { fromNodeId: from, toNodeId: to });
          await refresh();
          message.success(t('chain.edit.edgeRemoved'));
        } catch (e) {
          message.error(pickLang((e as Error).message, lang));
        }
      },
    });
  const nodeById = new Map(chain.nodes.map((n) => [n.id, n]));
  const ups = chain.edges.filter((e) => e.toNodeId === nodeId).map((e) => nodeById.get(e.fromNodeId)).filter(Boolean);
  const downs = chain.edges.filter((e) => e.fromNodeId === nodeId).map((e) => nodeById.get(e.toNodeId)).filter(Boolean);

  const groups: Array<{ key: RegionOrOutside; title: string; items: NodeOrganization[] }> = (['BJ', 'TJ', 'HE', 'outside'] as const).map((r) => ({
    key: r,
    title: r === 'outside' ? t('chain.node.other') : REGION_NAMES[r][lang],
    items: (q.data?.organizations ?? [])
      .filter((o) => regionKey(o.region) === r)
      .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || (b.score ?? 0) - (a.score ?? 0) || a.name.localeCompare(b.name, 'zh')),
  }));
  const count = q.data?.organizations.length ?? 0;

  return (
    <Card
      size="small"
      data-testid="node-panel"
      title={
        <div style={{ whiteSpace: 'normal', lineHeight: 1.35, padding: '6px 0' }}>
          <div style={{ fontSize: 16 }} data-testid="node-panel-title">{node ? pick(node.name, node.nameEn) : '…'}</div>
          {node && <div style={{ fontSize: 12, fontWeight: 400, color: '#8c8c8c' }}>{lang === 'zh' ? node.nameEn : node.name}</div>}
        </div>
      }
      extra={
        <Space size={2}>
          {canEdit && node && (
            <Button type="text" size="small" icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="node-edit">
              {t('chain.edit.button')}
            </Button>
          )}
          {canEdit && node && onOpenEditor && (
            <Tooltip title={t('chainEdit.node.openInEditor')}>
              <Button type="text" size="small" icon={<ApartmentOutlined />} onClick={() => onOpenEditor(nodeId)} aria-label={t('chainEdit.node.openInEditor')} data-testid="node-open-editor" />
            </Tooltip>
          )}
          {canEdit && node && (
            <Tooltip title={t('chainEdit.node.delete')}>
              <Button type="text" size="small" danger icon={<DeleteOutlined />} onClick={() => deleteNode(node, { onDone: onClose })} aria-label={t('chainEdit.node.delete')} data-testid="node-delete" />
            </Tooltip>
          )}
          <Button type="text" size="small" icon={<CloseOutlined />} onClick={onClose} aria-label={t('chain.node.close')} />
        </Space>
      }
    >
      {node && diagScope && (
        <Suspense fallback={<Skeleton active paragraph={{ rows: 8 }} />}>
          <NodeDiagnosticsSection nodeId={nodeId} chain={chain} scope={diagScope} />
        </Suspense>
      )}
      {node && (
        <Descriptions size="small" column={1} styles={{ label: { width: 76 } }}>
          {seg && (
            <Descriptions.Item label={t('chain.node.segment')}>
              {pick(seg.name, seg.nameEn)} <Tag style={{ marginInlineStart: 4 }}>{STAGE_NAMES[seg.stage]?.[lang]}</Tag>
            </Descriptions.Item>
          )}
          {node.keywords.length > 0 && (
            <Descriptions.Item label={t('chain.node.keywords')}>
              <span>
                {node.keywords.map((k) => (
                  <Tag key={k} style={{ marginBottom: 4 }}>
                    {k}
                  </Tag>
                ))}
              </span>
            </Descriptions.Item>
          )}
          {node.description && <Descriptions.Item label={t('chain.node.description')}>{node.description}</Descriptions.Item>}
          {ups.length > 0 && (
            <Descriptions.Item label={t('chain.node.upstream')}>
              <span>
                {ups.map((n) => (
                  <Tag
                    key={n!.id}
                    color="processing"
                    style={{ cursor: 'pointer', marginBottom: 4 }}
                    onClick={() => onSelect(n!.id)}
                    closable={canEdit}
                    onClose={(e) => {
                      e.preventDefault();
                      e.stopPropagation();
                      removeEdge(n!.id, nodeId);
                    }}
                  >
                    {pick(n!.name, n!.nameEn)}
                  </Tag>
                ))}
              </span>
            </Descriptions.Item>
          )}
          {(downs.length > 0 || canEdit) && (
            <Descriptions.Item label={t('chain.node.downstream')}>
              <span>
                {downs.map((n) => (
                  <Tag
                    key={n!.id}
                    color="warning"
                    style={{ cursor: 'pointer', marginBottom: 4 }}
                    onClick={() => onSelect(n!.id)}
                    closable={canEdit}
                    onClose={(e) => {
                      e.preventDefault();
                      e.stopPropagation();
                      removeEdge(nodeId, n!.id);
                    }}
                  >
                    {pick(n!.name, n!.nameEn)}
                  </Tag>
                ))}
                {canEdit && (
                  <Select
                    size="small"
                    value={null}
                    placeholder={t('chain.edit.addDownstream')}
                    style={{ width: 180, display: 'flex', marginTop: 2 }}
                    showSearch={{ filterOption: (input, o) => String(o?.label ?? '').toLowerCase().includes(input.toLowerCase()) }}
                    onChange={(v) => v != null && void addEdge(v)}
                    options={chain.nodes.filter((n) => n.id !== nodeId && !downs.some((d) => d!.id === n.id)).map((n) => ({ value: n.id, label: pick(n.name, n.nameEn) }))}
                    data-testid="edge-add"
                  />
                )}
              </span>
            </Descriptions.Item>
          )}
        </Descriptions>
      )}

      <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', marginTop: 8 }}>
        <Typography.Text strong>{t('chain.node.orgs', { n: count })}</Typography.Text>
        {count > 0 && (
          <Link to={`/organizations?nodeId=${nodeId}&scope=${encodeURIComponent(`${pick(chain.name, chain.nameEn)} · ${node ? pick(node.name, node.nameEn) : nodeId}`)}`}>
            <UnorderedListOutlined /> {t('chain.node.viewAll')}
          </Link>
        )}
      </div>
      {q.isError && <ErrorAlert error={q.error} onRetry={() => q.refetch()} />}
      {q.isPending && <Skeleton active paragraph={{ rows: 6 }} />}
      {q.data && count === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('chain.node.noOrgs')} />}
      <div className="node-orgs">
        {groups
          .filter((g) => g.items.length)
          .map((g) => (
            <div key={g.key} data-testid={`node-orgs-${g.key}`}>
              <div className="region-h">
                <span style={{ width: 4, height: 14, background: REGION_COLORS[g.key], borderRadius: 2, display: 'inline-block' }} />
                {g.title}
                <Typography.Text type="secondary" style={{ fontWeight: 400 }}>
                  ({g.items.length})
                </Typography.Text>
              </div>
              {g.items.map((o) => (
                <div className="org" key={o.linkId}>
                  <Space size={4} wrap style={{ rowGap: 2 }}>
                    <Link to={`/organizations/${o.organizationId}`}>{o.shortName || o.name}</Link>
                    <Tag color={LINK_ROLE_TAG[o.role]} style={{ marginInlineEnd: 0 }}>
                      {label(LINK_ROLE_NAMES, o.role, lang)}
                    </Tag>
                  </Space>
                  <div className="sub">
                    {label(ORG_KIND_NAMES, o.kind, lang)}
                    {o.divisionName ? ` · ${o.divisionName}` : ''}
                    {o.shortName && o.shortName !== o.name ? ` · ${o.name}` : ''}
                  </div>
                </div>
              ))}
            </div>
          ))}
      </div>
      {editing && node && (
        <Suspense fallback={null}>
          <NodeEditor chain={chain} node={node} onClose={() => setEditing(false)} />
        </Suspense>
      )}
    </Card>
  );
}
