/** The full history of a list entry (oldest first): who, when, what, before → after. */
import { Empty, Skeleton, Tag, Timeline, Typography } from 'antd';
import { useEntryHistory } from '../../api/queries.lists';
import type { AuditEntry } from '../../api/types';
import { ENTRY_ORG_ROLE_NAMES, ENTRY_STATUS_NAMES, LIST_KIND_NAMES, type EntryOrgRole, type EntryStatus, type ListKind } from '../../chain/diagnosis';
import { ErrorAlert, formatTime } from '../../components/common';
import { useLang, type DictKey } from '../../i18n';
import { REGION_NAMES, type Region } from '../../i18n/vocab';

const ACTIONS = ['create', 'propose', 'proposal_update', 'proposal_stale', 'update', 'transition', 'org_add', 'org_update', 'org_remove'] as const;
const COLORS: Record<string, string> = {
  create: 'green',
  propose: 'purple',
  proposal_update: 'purple',
  proposal_stale: 'gray',
  update: 'blue',
  transition: 'blue',
  org_add: 'green',
  org_update: 'blue',
  org_remove: 'red',
};
/** Fields of an entry snapshot, in the order an official reads them; others are not shown. */
const FIELDS = ['title', 'node', 'status', 'region', 'leadRegion', 'department', 'ownerName', 'dueOn', 'description', 'proposalReason', 'proposalStale', 'note'] as const;

function clip(s: string, n = 160) {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function useShow() {
  const { t, lang } = useLang();
  return (k: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return '∅';
    if (k === 'status' && typeof v === 'string') return ENTRY_STATUS_NAMES[v as EntryStatus]?.[lang] ?? v;
    if ((k === 'region' || k === 'leadRegion') && typeof v === 'string') return REGION_NAMES[v as Region]?.[lang] ?? v;
    if (k === 'kind' && typeof v === 'string') return LIST_KIND_NAMES[v as ListKind]?.[lang] ?? v;
    if (typeof v === 'boolean') return v ? t('history.yes') : t('history.no');
    if (typeof v === 'object') return JSON.stringify(v);
    return clip(String(v));
  };
}

type OrgSnap = { id: number; name: string; role: string; note?: string | null };

function OrgChange({ e }: { e: AuditEntry }) {
  const { lang } = useLang();
  const b = (e.before as { organization?: OrgSnap } | null)?.organization;
  const a = (e.after as { organization?: OrgSnap } | null)?.organization;
  const role = (r?: string) => (r ? (ENTRY_ORG_ROLE_NAMES[r as EntryOrgRole]?.[lang] ?? r) : '');
  const one = (o: OrgSnap) => `${o.name}（${role(o.role)}${o.note ? ` · ${o.note}` : ''}）`;
  if (e.action === 'org_update' && a && b)
    return (
      <div className="diff">
        <del>{one(b)}</del> → <ins>{one(a)}</ins>
      </div>
    );
  if (e.action === 'org_remove' && b)
    return (
      <div className="diff">
        <del>{one(b)}</del> → <ins>∅</ins>
      </div>
    );
  if (a)
    return (
      <div className="diff">
        <del>∅</del> → <ins>{one(a)}</ins>
      </div>
    );
  return null;
}

function FieldChanges({ e }: { e: AuditEntry }) {
  const { t, lang } = useLang();
  const show = useShow();
  const before = (e.before ?? {}) as Record<string, unknown>;
  const after = (e.after ?? {}) as Record<string, unknown>;
  if (typeof before !== 'object' || typeof after !== 'object') return null;
  // nodeId travels with the node's name; show the name.
  const keys = FIELDS.filter((k) => (k in before || k in after) && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (!keys.length) return null;
  return (
    <div>
      {keys.map((k) => (
        <div className="diff" key={k}>
          <span className="k">{t(`history.f.${k}` as DictKey)}</span>
          {lang === 'zh' ? '：' : ': '}
          <del>{show(k, before[k])}</del> → <ins>{show(k, after[k])}</ins>
        </div>
      ))}
    </div>
  );
}

export function EntryHistory({ entryId }: { entryId: number }) {
  const { t, lang } = useLang();
  const q = useEntryHistory(entryId);
  if (q.isError) return <ErrorAlert error={q.error} onRetry={() => q.refetch()} />;
  if (q.isPending) return <Skeleton active />;
  if (!q.data.events.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('history.none')} />;
  return (
    <>
      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginBottom: 10 }}>
        {t('history.order', { n: q.data.events.length })}
      </Typography.Text>
      <Timeline
        data-testid="entry-history"
        items={q.data.events.map((e) => {
          const known = (ACTIONS as readonly string[]).includes(e.action);
          const isOrg = e.action.startsWith('org_');
          // Creations carry the whole record: the summary says enough.
          const showFields = e.action === 'update' || e.action === 'transition' || e.action === 'proposal_update' || e.action === 'proposal_stale';
          return {
            key: e.id,
            color: COLORS[e.action] ?? 'gray',
            content: (
              <div data-testid={`history-${e.action}`} className="history-item">
                <div style={{ color: '#8c8c8c', fontSize: 12 }}>{formatTime(e.at, lang)}</div>
                <div>
                  <Typography.Text strong>{e.actorName}</Typography.Text>
                  <Tag style={{ marginInlineStart: 6 }} color={COLORS[e.action]}>
                    {known ? t(`history.a.${e.action}` as DictKey) : e.action}
                  </Tag>
                  {e.summary && e.action !== 'transition' && <span className="history-summary">{e.summary}</span>}
                </div>
                {isOrg && <OrgChange e={e} />}
                {showFields && <FieldChanges e={e} />}
              </div>
            ),
          };
        })}
      />
    </>
  );
}
