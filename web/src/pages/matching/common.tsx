import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Tabs, Tag, TreeSelect, Tooltip } from 'antd';
import { Fragment, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import { useChains } from '../../api/queries';
import type { ChainDetail } from '../../api/types';
import { useAuth } from '../../auth';
import { useLang, type DictKey } from '../../i18n';
import {
  DIRECTION_NAMES,
  DIRECTION_TAG,
  FINANCING_INSTRUMENT_NAMES,
  GRADE_NAMES,
  LICENSING_MODE_NAMES,
  MATCH_STAGE_NAMES,
  nameOf,
  PILOT_SERVICE_NAMES,
  POSTING_KIND_COLORS,
  POSTING_KIND_NAMES,
  POSTING_STATUS_COLOR,
  POSTING_STATUS_NAMES,
  PROCESS_NAMES,
  RND_MODE_NAMES,
} from './vocab';
import './matching.css';

// ------------------------------------------------------------------ who may do what

/** Officials and administrators tune the matching preferences. */
export function useCanTune(): boolean {
  const { user } = useAuth();
  return user?.role === 'admin' || user?.role === 'official';
}

/** Officials and administrators act on behalf of an organisation (they pick it); others act as their own. */
export function useActsOnBehalf(): boolean {
  const { user } = useAuth();
  return user?.role === 'admin' || user?.role === 'official';
}

// ------------------------------------------------------------------ sub-navigation

const TABS: Array<{ key: string; path: string; label: DictKey; tune?: boolean }> = [
  { key: 'postings', path: '/matching', label: 'matching.nav.postings' },
  { key: 'interests', path: '/matching/interests', label: 'matching.nav.interests' },
  { key: 'instruments', path: '/matching/instruments', label: 'matching.nav.instruments' },
  { key: 'pilot', path: '/matching/pilot', label: 'matching.nav.pilot' },
  { key: 'preferences', path: '/matching/preferences', label: 'matching.nav.preferences', tune: true },
];

export function MatchingNav({ extra }: { extra?: ReactNode }) {
  const { t } = useLang();
  const navigate = useNavigate();
  const location = useLocation();
  const canTune = useCanTune();
  // a new screen opens at its top (the shell keeps the window's scroll between routes)
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [location.pathname]);
  const seg = location.pathname.split('/')[2] ?? '';
  const active = seg === '' || seg === 'postings' || seg === 'new' ? 'postings' : seg;
  return (
    <div className="matching-nav">
      <Tabs
        activeKey={active}
        onChange={(k) => navigate(TABS.find((x) => x.key === k)!.path)}
        items={TABS.filter((x) => !x.tune || canTune).map((x) => ({ key: x.key, label: <span data-testid={`mnav-${x.key}`}>{t(x.label)}</span> }))}
        tabBarExtraContent={
          extra ?? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/matching/new')} data-testid="new-posting">
              {t('matching.new')}
            </Button>
          )
        }
      />
    </div>
  );
}

// ------------------------------------------------------------------ tags

export function DirectionTag({ direction }: { direction: string }) {
  const { lang } = useLang();
  return <Tag color={DIRECTION_TAG[direction as 'demand'] ?? 'default'}>{nameOf(DIRECTION_NAMES, direction, lang)}</Tag>;
}
export function KindTag({ kind }: { kind: string }) {
  const { lang } = useLang();
  return <Tag color={POSTING_KIND_COLORS[kind as 'procurement'] ?? 'default'}>{nameOf(POSTING_KIND_NAMES, kind, lang)}</Tag>;
}
export function StageTag({ stage }: { stage: string }) {
  const { lang } = useLang();
  return <Tag bordered={false} color="orange">{nameOf(MATCH_STAGE_NAMES, stage, lang)}</Tag>;
}
export function StatusTag({ status }: { status: string }) {
  const { lang } = useLang();
  return <Tag color={POSTING_STATUS_COLOR[status] ?? 'default'}>{nameOf(POSTING_STATUS_NAMES, status, lang)}</Tag>;
}

// ------------------------------------------------------------------ structured fields as short chips

const num = (n: unknown) => (typeof n === 'number' ? n.toLocaleString('zh-CN') : String(n));

/** The structured fields of a posting as short phrases, in the current language. */
export function fieldChips(kind: string, f: Record<string, any>, direction: string, lang: 'zh' | 'en'): string[] {
  const out: string[] = [];
  const zh = lang === 'zh';
  const list = (xs: unknown, names?: Record<string, { zh: string; en: string }>) =>
    (Array.isArray(xs) ? xs : []).map((x) => (names ? nameOf(names, String(x), lang) : String(x))).join(zh ? '、' : ', ');
  const qty = (q: unknown, unit: unknown) =>
    q == null ? null : direction === 'capability' ? `${zh ? '月产能' : 'capacity'} ${num(q)}${unit ? ` ${unit}` : ''}${zh ? '' : '/month'}` : `${zh ? '数量' : 'qty'} ${num(q)}${unit ? ` ${unit}` : ''}`;
  const wan = (v: unknown, label: { zh: string; en: string }) => (v == null ? null : `${label[lang]} ${num(v)} ${zh ? '万元' : '×10k CNY'}`);
  const push = (...xs: Array<string | null | undefined | false>) => xs.forEach((x) => x && out.push(x));
  switch (kind) {
    case 'procurement':
      push(list(f.items), qty(f.quantity, f.unit), f.grades?.length && list(f.grades, GRADE_NAMES), wan(f.budgetWan, { zh: '预算', en: 'budget' }));
      break;
    case 'contract_manufacturing':
      push(list(f.processes, PROCESS_NAMES), f.product, qty(f.quantity, f.unit), f.certifications?.length && list(f.certifications));
      break;
    case 'pilot_scale':
      push(
        list(f.services, PILOT_SERVICE_NAMES),
        f.product,
        f.volumeL != null && `${num(f.volumeL)} L`,
        f.grades?.length && list(f.grades, GRADE_NAMES),
        f.lines != null && (zh ? `${f.lines} 条中试线` : `${f.lines} lines`),
      );
      break;
    case 'lab_testing':
      push(list(f.tests), f.accreditations?.length && list(f.accreditations), f.samples != null && (zh ? `${f.samples} 个样品` : `${f.samples} samples`));
      break;
    case 'rnd_partner':
      push(list(f.topics), f.mode && nameOf(RND_MODE_NAMES, f.mode, lang), wan(f.budgetWan, { zh: '预算', en: 'budget' }), f.durationMonths != null && (zh ? `${f.durationMonths} 个月` : `${f.durationMonths} months`));
      break;
    case 'licensing':
      push(f.technology, f.patents?.length && (zh ? `专利 ${f.patents.length} 项` : `${f.patents.length} patents`), f.mode && nameOf(LICENSING_MODE_NAMES, f.mode, lang), wan(f.priceWan, { zh: '价格', en: 'price' }));
      break;
    case 'financing':
      push(wan(f.amountWan, { zh: '金额', en: 'amount' }), f.instruments?.length && list(f.instruments, FINANCING_INSTRUMENT_NAMES), f.purpose);
      break;
  }
  if (f.leadTimeDays != null) push(zh ? `交付 ${f.leadTimeDays} 天` : `lead time ${f.leadTimeDays} d`);
  return out.filter((x) => x !== '');
}

// ------------------------------------------------------------------ highlighting matched terms

function escapeRe(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Text with the matched terms marked (case-insensitive; longest terms first). */
export function Highlight({ text, terms, partial = [] }: { text: string; terms: string[]; partial?: string[] }) {
  const parts = useMemo(() => {
    const all = [...new Set([...terms, ...partial].filter((x) => x && x.trim().length > 0))].sort((a, b) => b.length - a.length);
    if (!all.length || !text) return [text];
    const re = new RegExp(`(${all.map(escapeRe).join('|')})`, 'gi');
    return text.split(re);
  }, [text, terms, partial]);
  const full = new Set(terms.map((x) => x.toLowerCase()));
  return (
    <>
      {parts.map((p, i) =>
        i % 2 === 1 ? (
          <mark key={i} className={full.has(p.toLowerCase()) ? 'hl' : 'hl partial'}>
            {p}
          </mark>
        ) : (
          <Fragment key={i}>{p}</Fragment>
        ),
      )}
    </>
  );
}

// ------------------------------------------------------------------ chain node picker

interface TreeNode {
  id: string;
  pId?: string;
  value: string;
  title: string;
  isLeaf?: boolean;
  selectable?: boolean;
  disabled?: boolean;
}

/**
 * Chain nodes, chain → segment → node, each chain loaded when opened. Values are node ids.
 * `known` gives the labels of nodes already selected (an edited posting), before their chain loads.
 */
export function NodeSelect({
  value,
  onChange,
  multiple = false,
  known = [],
  preload,
  placeholder,
  style,
  'data-testid': testId,
}: {
  value?: number[] | number | null;
  onChange?: (v: any) => void;
  multiple?: boolean;
  known?: Array<{ id: number; name: string; chainId: number; chainName: string }>;
  /** Code of the chain to load first when a selected node has no label yet. */
  preload?: string;
  placeholder?: string;
  style?: React.CSSProperties;
  'data-testid'?: string;
}) {
  const { pick } = useLang();
  const qc = useQueryClient();
  const chains = useChains();
  const [loaded, setLoaded] = useState<Record<string, TreeNode[]>>({});
  const tree = useMemo(() => {
    const out: TreeNode[] = [];
    for (const c of chains.data ?? []) {
      const cid = `c${c.id}`;
      out.push({ id: cid, value: cid, title: pick(c.name, c.nameEn), isLeaf: false, selectable: false });
      if (loaded[c.code]) out.push(...loaded[c.code]);
      else
        for (const k of known.filter((n) => n.chainId === c.id))
          out.push({ id: `n${k.id}`, pId: cid, value: String(k.id), title: k.name, isLeaf: true });
    }
    return out;
  }, [chains.data, loaded, known, pick]);

  const loadChain = async (chain: { id: number; code: string }): Promise<TreeNode[]> => {
    const cid = `c${chain.id}`;
    const d = await qc.fetchQuery({ queryKey: ['chain', chain.code], queryFn: () => api.get<ChainDetail>(`/api/chains/${encodeURIComponent(chain.code)}`), staleTime: 60_000 });
    const items: TreeNode[] = [];
    for (const s of d.segments) {
      const sid = `s${s.id}`;
      items.push({ id: sid, pId: cid, value: sid, title: pick(s.name, s.nameEn), isLeaf: false, selectable: false });
      for (const n of d.nodes.filter((x) => x.segmentId === s.id)) items.push({ id: `n${n.id}`, pId: sid, value: String(n.id), title: pick(n.name, n.nameEn), isLeaf: true });
    }
    setLoaded((m) => ({ ...m, [chain.code]: items }));
    return items;
  };
  const loadData = async (node: any) => {
    const cid = String(node.id ?? node.value);
    if (!cid.startsWith('c')) return;
    const chain = (chains.data ?? []).find((c) => `c${c.id}` === cid);
    if (!chain || loaded[chain.code]) return;
    await loadChain(chain);
  };

  // Selected nodes without a label (e.g. a node id from a link): load chains until they are all named,
  // the hinted chain first.
  const ids = (Array.isArray(value) ? value : value != null ? [value] : []).map(String);
  const missing = ids.filter((v) => !tree.some((x) => x.value === v && x.isLeaf)).join(',');
  useEffect(() => {
    if (!missing || !chains.data) return;
    let live = true;
    (async () => {
      const want = new Set(missing.split(','));
      const order = [...chains.data].sort((a, b) => Number(b.code === preload) - Number(a.code === preload));
      for (const c of order) {
        if (!live || !want.size) break;
        if (loaded[c.code]) continue;
        const items = await loadChain(c);
        for (const it of items) want.delete(it.value);
      }
    })().catch(() => undefined);
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [missing, chains.data]);

  const toStr = (v: number[] | number | null | undefined) => (Array.isArray(v) ? v.map(String) : v != null ? String(v) : undefined);
  return (
    <TreeSelect
      treeDataSimpleMode
      treeData={tree}
      loadData={loadData}
      multiple={multiple}
      value={toStr(value)}
      onChange={(v: any) => onChange?.(Array.isArray(v) ? v.map(Number) : v != null ? Number(v) : null)}
      placeholder={placeholder}
      allowClear
      showSearch
      treeNodeFilterProp="title"
      style={style}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { maxHeight: 420, overflow: 'auto', minWidth: 320 } } }}
      data-testid={testId}
      loading={chains.isPending}
    />
  );
}

// ------------------------------------------------------------------ misc

export function Hint({ children, title }: { children: ReactNode; title: ReactNode }) {
  return (
    <Tooltip title={title}>
      <span className="dotted">{children}</span>
    </Tooltip>
  );
}

export const fmtWan = (n: number | null | undefined) => (n == null ? '—' : Math.round(n).toLocaleString('zh-CN'));
