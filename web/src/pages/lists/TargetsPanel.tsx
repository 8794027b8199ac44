/**
 * 招商线索 — the investment targets of a 堵点: companies outside 京津冀 whose products fit the entry's
 * node, ranked by the attachment engine (GET /api/list-entries/:id/targets), each with its province,
 * score and reasons (keyword in a product, the node's own product, resemblance to an organisation
 * already on the node, shared 申万 industry). An official of the entry's region adds one as a
 * `target` of the entry (audited in the entry's history).
 */
import { AimOutlined, CheckOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Empty, Skeleton, Tag, Tooltip } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { ListEntry } from '../../api/queries.lists';
import { ErrorAlert, useErrorText } from '../../components/common';
import { useLang } from '../../i18n';
import type { TargetsResponse } from '../../../../src/modules/attach/attach.schemas.ts';

const REASON_COLOR: Record<string, string> = { keyword: 'blue', product: 'geekblue', similar: 'purple', industry: 'default' };

export function useEntryTargets(entryId: number, limit: number, enabled = true) {
  return useQuery({
    queryKey: ['targets', 'entry', entryId, limit],
    enabled,
    retry: false,
    queryFn: ({ signal }) => api.get<TargetsResponse>(`/api/list-entries/${entryId}/targets`, { limit }, signal),
  });
}

export function TargetsPanel({
  entry,
  onAdd,
  compact = false,
  limit = 10,
}: {
  entry: ListEntry;
  /** Links the organisation as a target; absent = read-only (no add button). */
  onAdd?: (organizationId: number, note: string) => Promise<unknown>;
  compact?: boolean;
  limit?: number;
}) {
  const { t } = useLang();
  const { message } = App.useApp();
  const errText = useErrorText();
  const q = useEntryTargets(entry.id, limit, entry.nodeId != null);
  const [adding, setAdding] = useState<number | null>(null);
  if (entry.nodeId == null) return null;
  const linked = new Set(entry.organizations.filter((o) => o.role === 'target').map((o) => o.organizationId));
  const add = async (id: number, note: string) => {
    if (!onAdd) return;
    setAdding(id);
    try {
      await onAdd(id, note);
      message.success(t('targets.added'));
    } catch (e) {
      message.error(errText(e));
    } finally {
      setAdding(null);
    }
  };
  const data = q.data;
  const body = (
    <>
      {q.isPending && <Skeleton active paragraph={{ rows: 3 }} />}
      {q.isError && <ErrorAlert error={q.error} onRetry={() => q.refetch()} />}
      {data && !compact && (
        <div className="lists-sub" style={{ marginBottom: 4 }} data-testid="targets-method">
          {t('targets.method', { n: data.candidates, e: data.examples.length })}
        </div>
      )}
      {data && !data.targets.length && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('targets.none')} />}
      {data?.targets.slice(0, limit).map((l) => {
        const o = l.organization;
        const already = linked.has(o.id) || l.alreadyTarget;
        return (
          <div className="target-lead" key={o.id} data-testid="target-lead">
            <span className="rank">{l.rank}</span>
            <div className="who">
              <Link to={`/organizations/${o.id}`}>{o.shortName ?? o.name}</Link>
              {o.province && <span className="lists-sub"> · {o.province}</span>}
              {o.stockCode && <span className="lists-sub"> · {o.stockCode}</span>}
              <Tag bordered={false} color="blue" style={{ marginInlineStart: 6 }}>
                {t('targets.score', { s: Math.round(l.score * 100) })}
              </Tag>
              <div className="reasons">
                {l.reasons.slice(0, compact ? 2 : 4).map((r, i) => (
                  <div key={i}>
                    <Tag bordered={false} color={REASON_COLOR[r.kind]} style={{ fontSize: 11, marginInlineEnd: 4 }}>
                      {t(`targets.kind.${r.kind}` as 'targets.kind.keyword')}
                    </Tag>
                    {r.text}
                  </div>
                ))}
              </div>
            </div>
            {entry.canEdit && onAdd && (
              <Tooltip title={already ? t('targets.already') : t('targets.add')}>
                <Button
                  size="small"
                  type={already ? 'text' : 'default'}
                  icon={already ? <CheckOutlined /> : <PlusOutlined />}
                  disabled={already}
                  loading={adding === o.id}
                  onClick={() => add(o.id, l.summary)}
                  data-testid={`target-add-${o.id}`}
                >
                  {compact ? null : already ? t('targets.already') : t('targets.add')}
                </Button>
              </Tooltip>
            )}
          </div>
        );
      })}
    </>
  );
  if (compact)
    return (
      <div className="targets-compact" data-testid="targets-panel">
        <div className="h">
          <AimOutlined /> {t('targets.title')}
        </div>
        {body}
      </div>
    );
  return (
    <Card
      size="small"
      data-testid="targets-panel"
      title={
        <span>
          <AimOutlined /> {t('targets.title')}
        </span>
      }
      extra={<span className="lists-sub">{t('targets.hint')}</span>}
    >
      {body}
    </Card>
  );
}
