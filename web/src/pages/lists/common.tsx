/** Small pieces shared by the screens of the three lists. */
import { Select, Tag, Tooltip } from 'antd';
import { useMemo, type CSSProperties } from 'react';
import { useChains } from '../../api/queries';
import type { ChainDetail } from '../../api/types';
import { useAuth } from '../../auth';
import { ENTRY_STATUS_NAMES, ENTRY_STATUS_TAG, LIST_KIND_NAMES, type EntryStatus, type ListKind } from '../../chain/diagnosis';
import { useLang } from '../../i18n';
import './lists.css';

export function EntryStatusTag({ status, testId }: { status: string; testId?: string }) {
  const { lang } = useLang();
  return (
    <Tag color={ENTRY_STATUS_TAG[status as EntryStatus] ?? 'default'} style={{ marginInlineEnd: 0 }} data-testid={testId} data-status={status}>
      {ENTRY_STATUS_NAMES[status as EntryStatus]?.[lang] ?? status}
    </Tag>
  );
}

export function KindTag({ kind }: { kind: string }) {
  const { lang } = useLang();
  const k = LIST_KIND_NAMES[kind as ListKind];
  return (
    <Tag color={k?.color} style={{ marginInlineEnd: 0 }}>
      {k ? k[lang] : kind}
    </Tag>
  );
}

export function OriginTag({ origin, stale, reason }: { origin: string; stale?: boolean; reason?: string | null }) {
  const { t } = useLang();
  return (
    <span style={{ display: 'inline-flex', gap: 4, flexWrap: 'wrap' }}>
      {origin === 'proposed' ? (
        <Tooltip title={reason ?? undefined}>
          <Tag color="purple" bordered={false} style={{ marginInlineEnd: 0 }} data-testid="origin-proposed">
            {t('lists.origin.proposed')}
          </Tag>
        </Tooltip>
      ) : (
        <Tag bordered={false} style={{ marginInlineEnd: 0 }}>
          {t('lists.origin.manual')}
        </Tag>
      )}
      {stale && (
        <Tooltip title={t('lists.staleHint')}>
          <Tag color="warning" style={{ marginInlineEnd: 0 }} data-testid="stale-tag">
            {t('lists.stale')}
          </Tag>
        </Tooltip>
      )}
    </span>
  );
}

/** Officials and administrators write the lists (each entry only in its own region). */
export function useIsOfficial(): boolean {
  const { user } = useAuth();
  return user?.role === 'admin' || user?.role === 'official';
}

export function ChainSelect({ value, onChange, style, testId }: { value?: string; onChange: (code: string) => void; style?: CSSProperties; testId?: string }) {
  const { pick, t } = useLang();
  const chains = useChains();
  const options = useMemo(
    () =>
      (chains.data ?? []).map((c) => ({
        value: c.code,
        label: pick(c.name, c.nameEn),
        search: `${c.name} ${c.nameEn ?? ''} ${c.code}`.toLowerCase(),
      })),
    [chains.data, pick],
  );
  return (
    <Select
      value={value}
      onChange={onChange}
      loading={chains.isPending}
      options={options}
      placeholder={t('lists.pickChain')}
      showSearch={{ filterOption: (input, o) => String((o as any)?.search ?? '').includes(input.toLowerCase()) }}
      style={{ width: 240, ...style }}
      data-testid={testId}
    />
  );
}

/** The chain's nodes grouped by segment (map order), for node pickers. */
export function nodeOptions(chain: ChainDetail | undefined, pick: (a: string | null | undefined, b: string | null | undefined) => string) {
  if (!chain) return [];
  return [...chain.segments]
    .sort((a, b) => a.position - b.position)
    .map((s) => ({
      label: pick(s.name, s.nameEn),
      title: s.name,
      options: chain.nodes
        .filter((n) => n.segmentId === s.id)
        .sort((a, b) => a.position - b.position)
        .map((n) => ({ value: n.id, label: pick(n.name, n.nameEn), search: `${n.name} ${n.nameEn ?? ''}`.toLowerCase() })),
    }));
}

export const nodeFilter = (input: string, o: unknown) => String((o as any)?.search ?? '').includes(input.toLowerCase());

const LAST_CHAIN = 'chainatlas.lists.chain';
export function rememberChain(code: string) {
  try {
    localStorage.setItem(LAST_CHAIN, code);
  } catch {
    /* storage unavailable */
  }
}
export function lastChain(): string | null {
  try {
    return localStorage.getItem(LAST_CHAIN);
  } catch {
    return null;
  }
}

/** Today as YYYY-MM-DD (local time), for due dates. */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export const isOpen = (status: string) => status !== 'resolved' && status !== 'dropped';
