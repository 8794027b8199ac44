/**
 * The matching engine's scoring core: pure functions, no database. Given a query (a demand looking
 * for capabilities and organisations, or a capability looking for demands), the chain context of
 * the query and a set of candidates retrieved by SQL, it scores every candidate and says why.
 *
 * score (0–100) = Σ over six signals of  weight_i / Σweights × signal_i (each signal 0–1):
 *   text    — Chinese text relevance: weighted coverage of the query's terms (jieba + domain
 *             dictionary); terms from structured fields weigh 3, from the title 2, the text 1;
 *             a compound term whose parts match counts partly (发酵中试 ← 发酵 + 中试).
 *   chain   — chain adjacency: the candidate sits on a node the query names, or directly upstream
 *             of the demander's node (a supplier), 2 hops upstream, the same node, the same chain.
 *   stage   — the programme's routing 北京研发 → 天津中试 → 河北量产: the stage of the demand (from
 *             its kind, or set by the publisher) gives a preference per region; tunable, never a filter.
 *   region  — the regions the demand wants (else: inside 京津冀 preferred).
 *   kind    — fit of the candidate's kind (posting kind, organisation kind) to the demand's kind:
 *             a pilot demand fits pilot platforms, an R&D demand institutes and universities.
 *   fields  — structured fields: capacity ≥ need, grades, processes, lead time vs deadline …
 * Every contribution is returned with the matched terms / relation / reasons behind it, as data and
 * as a Chinese sentence. The contributions add up to the score: no unexplained score.
 */
import { tokenize, tokenizeForIndex, buildSearchText } from '../../lib/text.ts';
import type { Region } from '../accounts/accounts.schemas.ts';
import type { OrgKind } from '../organizations/organizations.schemas.ts';
import {
  FINANCING_INSTRUMENT_NAMES,
  GRADE_NAMES,
  LICENSING_MODE_NAMES,
  MATCH_STAGE_NAMES,
  PILOT_SERVICE_NAMES,
  POSTING_KIND_NAMES,
  PROCESS_NAMES,
  RND_MODE_NAMES,
  type Direction,
  type MatchStage,
  type PostingKind,
} from '../postings/postings.schemas.ts';

export type RegionKey = Region | 'outside';
export const REGION_KEYS: RegionKey[] = ['BJ', 'TJ', 'HE', 'outside'];
const REGION_ZH: Record<RegionKey, string> = { BJ: '北京', TJ: '天津', HE: '河北', outside: '京津冀以外' };
const ORG_KIND_ZH: Record<string, string> = {
  enterprise: '企业',
  university: '高校',
  institute: '科研院所',
  pilot_platform: '中试平台',
  open_lab: '开放实验室',
  financial: '金融机构',
  association: '协会联盟',
  government: '政府部门',
};

// ------------------------------------------------------------------ settings (tunable)

export const SIGNALS = ['text', 'chain', 'stage', 'region', 'kind', 'fields'] as const;
export type Signal = (typeof SIGNALS)[number];

export interface MatchSettings {
  /** Relative weights of the six signals (normalised to sum 1). */
  weights: Record<Signal, number>;
  /** Stage → preference (0–1) for a candidate in each region. A preference, never a filter. */
  stageRouting: Record<MatchStage, Record<RegionKey, number>>;
}

export const DEFAULT_SETTINGS: MatchSettings = {
  weights: { text: 40, chain: 12, stage: 15, region: 10, kind: 15, fields: 8 },
  stageRouting: {
    rnd: { BJ: 1, TJ: 0.6, HE: 0.4, outside: 0.2 },
    pilot: { BJ: 0.4, TJ: 1, HE: 0.5, outside: 0.2 },
    production: { BJ: 0.3, TJ: 0.6, HE: 1, outside: 0.2 },
    testing: { BJ: 1, TJ: 1, HE: 1, outside: 0.5 },
    finance: { BJ: 1, TJ: 1, HE: 1, outside: 0.5 },
  },
};

// ------------------------------------------------------------------ stage of a posting

export interface StageInfo {
  stage: MatchStage;
  source: 'kind' | 'posting';
  reason: string;
}

/** The stage of a posting: set by its publisher, or derived from its kind (and processes). */
export function deriveStage(kind: PostingKind, fields: Record<string, any>, explicit?: MatchStage | null): StageInfo {
  if (explicit) return { stage: explicit, source: 'posting', reason: `发布方标注为${MATCH_STAGE_NAMES[explicit].zh}` };
  switch (kind) {
    case 'rnd_partner':
    case 'licensing':
      return { stage: 'rnd', source: 'kind', reason: `${POSTING_KIND_NAMES[kind].zh}属于研发（0→1）` };
    case 'pilot_scale':
      return { stage: 'pilot', source: 'kind', reason: '中试服务属于中试（1→10）' };
    case 'lab_testing':
      return { stage: 'testing', source: 'kind', reason: '检验检测不按地区分工' };
    case 'financing':
      return { stage: 'finance', source: 'kind', reason: '投融资不按地区分工' };
    case 'contract_manufacturing': {
      const ps: string[] = fields?.processes ?? [];
      const small = ps.length > 0 && ps.every((p) => p === 'prototyping' || p === 'first_article');
      const hasSmall = ps.some((p) => p === 'prototyping' || p === 'first_article');
      const qty = Number(fields?.quantity ?? 0);
      if (small || (hasSmall && qty > 0 && qty <= 1000))
        return { stage: 'pilot', source: 'kind', reason: '样品试制、首台套或小批量加工属于中试（1→10）' };
      return { stage: 'production', source: 'kind', reason: '批量委托加工属于量产（10→N）' };
    }
    case 'procurement':
    default:
      return { stage: 'production', source: 'kind', reason: '零部件、材料采购服务于量产（10→N）' };
  }
}

// ------------------------------------------------------------------ text

/** The words of a posting's structured fields (item names, process names, services …). */
export function fieldTerms(kind: PostingKind, f: Record<string, any>): string[] {
  const out: string[] = [];
  const add = (x: unknown) => {
    if (typeof x === 'string' && x.trim()) out.push(x.trim());
  };
  switch (kind) {
    case 'procurement':
      (f.items ?? []).forEach(add);
      break;
    case 'contract_manufacturing':
      (f.processes ?? []).forEach((p: string) => add((PROCESS_NAMES as any)[p]));
      add(f.product);
      break;
    case 'pilot_scale':
      (f.services ?? []).forEach((s: string) => add((PILOT_SERVICE_NAMES as any)[s]));
      add(f.product);
      break;
    case 'lab_testing':
      (f.tests ?? []).forEach(add);
      break;
    case 'rnd_partner':
      (f.topics ?? []).forEach(add);
      break;
    case 'licensing':
      add(f.technology);
      break;
    case 'financing':
      (f.instruments ?? []).forEach((i: string) => add((FINANCING_INSTRUMENT_NAMES as any)[i]));
      break;
  }
  return out;
}

/** search_text of a posting: title, text, structured terms, grade names (same format as organisations). */
export function postingSearchText(p: { title: string; description?: string | null; kind: PostingKind; fields: Record<string, any> }): string {
  const grades = ((p.fields.grades as string[] | undefined) ?? []).map((g) => (GRADE_NAMES as any)[g]).filter(Boolean);
  return buildSearchText({ names: [], products: fieldTerms(p.kind, p.fields), extra: [p.title, p.description?.slice(0, 3000), grades.join(' ')] });
}

/** Words that say nothing about what is wanted (verbs of asking, places, quantities). */
const MATCH_STOP = new Set(
  '需求 寻找 寻求 求购 征集 采购 合作 伙伴 提供 能力 承接 具备 希望 需要 能够 可以 进行 开展 支持 欢迎 联系 我司 本公司 我们 贵司 单位 机构 企业 优先 要求 以上 以下 左右 每月 每年 月产 年产 万元 北京 天津 河北 京津冀 北京市 天津市 河北省 本地 周边 附近 地区 区域 产品 相关 有关 用于 主要 提供商 供应商 厂家 厂商 工厂 一家 多家 稳定 长期 优质 可靠 专业 合格 主营 联合 高校 院所 研究 方向 领域 寻找 面向'.split(
    ' ',
  ),
);

export interface QueryTerm {
  term: string;
  weight: number;
  /** Search-mode parts of a compound term (发酵中试 → 发酵, 中试): partial credit. */
  parts: string[];
  from: 'fields' | 'title' | 'text';
}

function lengthFactor(t: string): number {
  const n = [...t].length;
  if (/^[a-z0-9]+$/.test(t)) return n >= 3 ? 1.2 : 1;
  return n >= 4 ? 1.3 : n === 3 ? 1.15 : 1;
}

/** Query terms of a posting (or probe), weighted by where they come from; at most `max`. */
export function queryTerms(p: { title: string; description?: string | null; kind: PostingKind; fields: Record<string, any> }, max = 16): QueryTerm[] {
  const byTerm = new Map<string, QueryTerm>();
  const add = (text: string, from: QueryTerm['from'], w: number) => {
    for (const t of tokenize(text)) {
      if (MATCH_STOP.has(t)) continue;
      const weight = w * lengthFactor(t);
      const cur = byTerm.get(t);
      if (!cur || cur.weight < weight) byTerm.set(t, { term: t, weight, parts: [], from });
    }
  };
  for (const ft of fieldTerms(p.kind, p.fields)) add(ft, 'fields', 3);
  add(p.title, 'title', 2);
  if (p.description) add(p.description.slice(0, 2000), 'text', 1);
  const out = [...byTerm.values()].sort((a, b) => b.weight - a.weight || a.term.localeCompare(b.term)).slice(0, max);
  for (const q of out) q.parts = tokenizeForIndex(q.term).filter((x) => x !== q.term && !MATCH_STOP.has(x));
  return out;
}

export interface TextMatch {
  score: number;
  matched: string[];
  partial: string[];
  missing: string[];
}

export function textMatch(terms: QueryTerm[], candidateTokens: Set<string>): TextMatch {
  let got = 0;
  let total = 0;
  const matched: string[] = [];
  const partial: string[] = [];
  const missing: string[] = [];
  for (const t of terms) {
    total += t.weight;
    if (candidateTokens.has(t.term)) {
      got += t.weight;
      matched.push(t.term);
      continue;
    }
    const hits = t.parts.filter((p) => candidateTokens.has(p));
    if (hits.length) {
      got += t.weight * 0.8 * (hits.length / t.parts.length);
      partial.push(...hits.filter((h) => !partial.includes(h)));
    } else missing.push(t.term);
  }
  return { score: total ? got / total : 0, matched, partial, missing };
}

// ------------------------------------------------------------------ chain

export interface NodeInfo {
  id: number;
  name: string;
  chainId: number;
  chainName: string;
}

/**
 * The chain neighbourhood of a query. For a demand: `named` = nodes the posting names; `own` =
 * the demander's nodes (its confirmed attachments; the named nodes when it has none); `near1`/`near2`
 * = nodes 1 and 2 supply edges upstream of `own`; `far` = nodes downstream of `own`.
 * For a capability (looking for demands) the same with upstream and downstream swapped.
 */
export interface ChainContext {
  named: Set<number>;
  own: Set<number>;
  near1: Set<number>;
  near2: Set<number>;
  far: Set<number>;
  chains: Set<number>;
  /** For explanations: which own node a near node is adjacent to. */
  via: Map<number, number>;
  nodes: Map<number, NodeInfo>;
}

export const EMPTY_CHAIN_CONTEXT: ChainContext = {
  named: new Set(),
  own: new Set(),
  near1: new Set(),
  near2: new Set(),
  far: new Set(),
  chains: new Set(),
  via: new Map(),
  nodes: new Map(),
};

/** Builds the context from the query's nodes and the supply edges [from, to] around them. */
export function buildChainContext(
  direction: Direction,
  named: number[],
  ownLinks: number[],
  edges: Array<[number, number]>,
  nodes: Map<number, NodeInfo>,
): ChainContext {
  const namedSet = new Set(named);
  const own = new Set(ownLinks.length ? ownLinks : named);
  // For a demand the partners sit upstream (suppliers); for a capability downstream (customers).
  const next = new Map<number, number[]>();
  for (const [from, to] of edges) {
    const [a, b] = direction === 'demand' ? [to, from] : [from, to];
    if (!next.has(a)) next.set(a, []);
    next.get(a)!.push(b);
  }
  const prev = new Map<number, number[]>();
  for (const [a, bs] of next) for (const b of bs) (prev.get(b) ?? prev.set(b, []).get(b)!).push(a);
  const via = new Map<number, number>();
  const near1 = new Set<number>();
  for (const o of own) for (const n of next.get(o) ?? []) if (!own.has(n)) {
    near1.add(n);
    if (!via.has(n)) via.set(n, o);
  }
  const near2 = new Set<number>();
  for (const n1 of near1) for (const n of next.get(n1) ?? []) if (!own.has(n) && !near1.has(n)) {
    near2.add(n);
    if (!via.has(n)) via.set(n, n1);
  }
  const far = new Set<number>();
  for (const o of own) for (const n of prev.get(o) ?? []) if (!own.has(n)) far.add(n);
  const chains = new Set<number>();
  for (const id of [...namedSet, ...own]) {
    const info = nodes.get(id);
    if (info) chains.add(info.chainId);
  }
  return { named: namedSet, own, near1, near2, far, chains, via, nodes };
}

export type ChainRelation =
  | 'same_node'
  | 'upstream_supplier'
  | 'upstream_indirect'
  | 'downstream_customer'
  | 'downstream_indirect'
  | 'peer'
  | 'same_chain'
  | 'opposite'
  | 'none';

export const CHAIN_RELATION_SCORE: Record<ChainRelation, number> = {
  same_node: 1,
  upstream_supplier: 1,
  downstream_customer: 1,
  upstream_indirect: 0.5,
  downstream_indirect: 0.5,
  peer: 0.4,
  same_chain: 0.2,
  opposite: 0.05,
  none: 0,
};

export interface ChainMatch {
  relation: ChainRelation;
  score: number;
  candidateNode: NodeInfo | null;
  queryNode: NodeInfo | null;
  chainName: string | null;
}

export function chainMatch(direction: Direction, ctx: ChainContext, candidateNodes: number[], candidateChains: number[] = []): ChainMatch {
  const info = (id: number | undefined) => (id !== undefined ? ctx.nodes.get(id) ?? null : null);
  const make = (relation: ChainRelation, cand?: number, q?: number): ChainMatch => {
    const c = info(cand);
    const qn = info(q);
    return { relation, score: CHAIN_RELATION_SCORE[relation], candidateNode: c, queryNode: qn, chainName: c?.chainName ?? qn?.chainName ?? null };
  };
  const up = direction === 'demand';
  for (const n of candidateNodes) if (ctx.named.has(n)) return make('same_node', n, n);
  for (const n of candidateNodes) if (ctx.near1.has(n)) return make(up ? 'upstream_supplier' : 'downstream_customer', n, ctx.via.get(n));
  for (const n of candidateNodes) if (ctx.near2.has(n)) {
    let q = ctx.via.get(n);
    while (q !== undefined && !ctx.own.has(q)) q = ctx.via.get(q);
    return make(up ? 'upstream_indirect' : 'downstream_indirect', n, q);
  }
  for (const n of candidateNodes) if (ctx.own.has(n)) return make('peer', n, n);
  for (const n of candidateNodes) if (ctx.far.has(n)) return make('opposite', n);
  for (const n of candidateNodes) {
    const i = ctx.nodes.get(n);
    if (i && ctx.chains.has(i.chainId)) return make('same_chain', n);
  }
  for (const c of candidateChains) if (ctx.chains.has(c)) return { ...make('same_chain'), chainName: [...ctx.nodes.values()].find((x) => x.chainId === c)?.chainName ?? null };
  return make('none');
}

function chainSentence(direction: Direction, m: ChainMatch): string {
  const c = m.candidateNode ? `「${m.candidateNode.name}」` : '';
  const q = m.queryNode ? `「${m.queryNode.name}」` : '';
  const chain = m.chainName ? `（${m.chainName}产业链）` : '';
  const other = direction === 'demand' ? '供给方' : '需求方';
  switch (m.relation) {
    case 'same_node':
      return `产业链：${other}位于所涉环节${c}${chain}`;
    case 'upstream_supplier':
      return `产业链：供给方所在环节${c}是需求方环节${q}的直接上游${chain}`;
    case 'upstream_indirect':
      return `产业链：供给方所在环节${c}是需求方环节${q}的二级上游${chain}`;
    case 'downstream_customer':
      return `产业链：需求方所在环节${c}是本供给环节${q}的直接下游${chain}`;
    case 'downstream_indirect':
      return `产业链：需求方所在环节${c}是本供给环节${q}的二级下游${chain}`;
    case 'peer':
      return `产业链：双方位于同一环节${c}${chain}`;
    case 'same_chain':
      return `产业链：同属${m.chainName ?? '一条'}产业链`;
    case 'opposite':
      return `产业链：${other}位于反方向环节${c}${chain}`;
    default:
      return '产业链：未发现链上关系';
  }
}

// ------------------------------------------------------------------ kind fit

/** Demand kind → capability posting kind → fit. */
export const POSTING_KIND_FIT: Record<PostingKind, Partial<Record<PostingKind, number>>> = {
  procurement: { procurement: 1, contract_manufacturing: 0.6 },
  contract_manufacturing: { contract_manufacturing: 1, procurement: 0.5, pilot_scale: 0.3 },
  pilot_scale: { pilot_scale: 1, contract_manufacturing: 0.4, lab_testing: 0.4, rnd_partner: 0.3 },
  lab_testing: { lab_testing: 1, pilot_scale: 0.4, rnd_partner: 0.3 },
  rnd_partner: { rnd_partner: 1, licensing: 0.7, pilot_scale: 0.3, lab_testing: 0.2 },
  licensing: { licensing: 1, rnd_partner: 0.7 },
  financing: { financing: 1 },
};

/** Demand kind → organisation kind → fit. */
export const ORG_KIND_FIT: Record<PostingKind, Partial<Record<OrgKind, number>>> = {
  procurement: { enterprise: 1, pilot_platform: 0.2, institute: 0.1, university: 0.1 },
  contract_manufacturing: { enterprise: 1, pilot_platform: 0.5, institute: 0.2, university: 0.1, open_lab: 0.1 },
  pilot_scale: { pilot_platform: 1, institute: 0.6, university: 0.4, enterprise: 0.4, open_lab: 0.3 },
  lab_testing: { open_lab: 1, institute: 0.7, pilot_platform: 0.6, university: 0.6, enterprise: 0.3 },
  rnd_partner: { institute: 1, university: 1, open_lab: 0.5, pilot_platform: 0.5, enterprise: 0.3 },
  licensing: { institute: 1, university: 1, pilot_platform: 0.5, enterprise: 0.4 },
  financing: { financial: 1 },
};

// ------------------------------------------------------------------ structured fields

export type FitStatus = 'ok' | 'partial' | 'short' | 'mismatch' | 'unknown';
export interface FieldFit {
  field: string;
  label: string;
  need: string;
  offer: string;
  fit: FitStatus;
  score: number;
  sentence: string;
}

/** What an organisation offers without a posting: derived from its pilot lines and instruments. */
export interface DerivedOffer {
  volumeL?: number | null;
  grades?: string[];
  services?: string[];
  lines?: number;
  accreditations?: string[];
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const names = (xs: string[], dict: Record<string, string>) => xs.map((x) => dict[x] ?? x).join('、');

/**
 * Compares a need (a demand's fields) with an offer (a capability's fields, or what an
 * organisation's lines and instruments show). Only fields the need states are checked.
 */
export function fieldFits(
  kind: PostingKind,
  need: Record<string, any>,
  needDeadline: string | null,
  offer: Record<string, any> | null,
  today: Date = new Date(),
): FieldFit[] {
  const o = offer ?? {};
  const out: FieldFit[] = [];
  const push = (field: string, label: string, needS: string, offerS: string, fit: FitStatus, score: number) => {
    const mark = fit === 'ok' ? '✓' : fit === 'unknown' ? '（供给方未注明）' : fit === 'partial' ? '（部分满足）' : '✗';
    const sentence = fit === 'unknown' ? `${label}：需 ${needS}${mark}` : `${label}：需 ${needS}，可提供 ${offerS} ${mark}`;
    out.push({ field, label, need: needS, offer: offerS, fit, score, sentence });
  };
  const amount = (field: string, label: string, unit: string, larger = true) => {
    const n = Number(need[field]);
    if (!(n > 0)) return;
    const v = Number(o[field]);
    const nu = need.unit ?? unit;
    const ou = o.unit ?? unit;
    if (!(v > 0) || (need.unit && o.unit && need.unit !== o.unit)) return push(field, label, `${fmt(n)} ${nu}`, v > 0 ? `${fmt(v)} ${ou}` : '—', 'unknown', 0.5);
    const okay = larger ? v >= n : v <= n;
    const ratio = larger ? v / n : n / v;
    push(field, label, `${fmt(n)} ${nu}`, `${fmt(v)} ${ou}`, okay ? 'ok' : 'short', okay ? 1 : Math.max(0, Math.min(0.8, 0.8 * ratio)));
  };
  const cover = (field: string, label: string, dict: Record<string, string>, caseless = false) => {
    const n: string[] = need[field] ?? [];
    if (!n.length) return;
    const ov: string[] | undefined = o[field];
    if (!ov || !ov.length) return push(field, label, names(n, dict), '—', 'unknown', 0.5);
    const norm = (s: string) => (caseless ? s.toLowerCase().replace(/\s+/g, '') : s);
    const have = new Set(ov.map(norm));
    const got = n.filter((x) => have.has(norm(x)));
    const fit: FitStatus = got.length === n.length ? 'ok' : got.length ? 'partial' : 'mismatch';
    push(field, label, names(n, dict), names(ov, dict), fit, got.length / n.length);
  };
  const same = (field: string, label: string, dict: Record<string, string>) => {
    const n = need[field];
    if (!n) return;
    const v = o[field];
    if (!v) return push(field, label, dict[n] ?? n, '—', 'unknown', 0.5);
    push(field, label, dict[n] ?? n, dict[v] ?? v, v === n ? 'ok' : 'mismatch', v === n ? 1 : 0.3);
  };
  switch (kind) {
    case 'procurement':
      amount('quantity', '数量/产能', '');
      cover('grades', '等级', GRADE_NAMES);
      break;
    case 'contract_manufacturing':
      cover('processes', '工艺', PROCESS_NAMES);
      amount('quantity', '批量/产能', '件');
      cover('certifications', '体系认证', {}, true);
      break;
    case 'pilot_scale':
      cover('services', '中试服务', PILOT_SERVICE_NAMES);
      amount('volumeL', '发酵体积', 'L');
      cover('grades', '等级', GRADE_NAMES);
      amount('lines', '中试线', '条');
      break;
    case 'lab_testing':
      cover('accreditations', '资质', {});
      break;
    case 'rnd_partner':
      same('mode', '合作方式', RND_MODE_NAMES);
      break;
    case 'licensing':
      same('mode', '转化方式', LICENSING_MODE_NAMES);
      amount('priceWan', '价格（万元）', '万元', false);
      break;
    case 'financing':
      amount('amountWan', '金额（万元）', '万元');
      cover('instruments', '金融工具', FINANCING_INSTRUMENT_NAMES);
      break;
  }
  if (needDeadline) {
    const days = Math.floor((Date.parse(needDeadline + 'T23:59:59Z') - today.getTime()) / 86400000);
    const lead = o.leadTimeDays;
    if (days >= 0) {
      if (lead === undefined || lead === null) push('deadline', '交付期限', `${needDeadline} 前（剩 ${days} 天）`, '—', 'unknown', 0.5);
      else push('deadline', '交付期限', `${needDeadline} 前（剩 ${days} 天）`, `交付周期 ${lead} 天`, lead <= days ? 'ok' : 'short', lead <= days ? 1 : 0.2);
    }
  }
  return out;
}

// ------------------------------------------------------------------ candidates and scoring

export interface QueryPosting {
  direction: Direction;
  kind: PostingKind;
  title: string;
  description?: string | null;
  fields: Record<string, any>;
  stage?: MatchStage | null;
  regionsWanted: Region[];
  deadline: string | null;
  /** The region of the querying organisation. */
  orgRegion: Region | null;
  organizationId: number | null;
}

export interface Candidate {
  type: 'posting' | 'organization';
  /** Posting id, or organisation id for an organisation. */
  id: number;
  organizationId: number;
  orgKind: OrgKind;
  region: Region | null;
  /** For postings. */
  kind?: PostingKind;
  fields?: Record<string, any>;
  stage?: MatchStage | null;
  regionsWanted?: Region[];
  deadline?: string | null;
  /** Index tokens (search_text split on spaces). */
  tokens: Set<string>;
  /** Whole product / item names of the candidate (organisation products, a posting's field terms). */
  names?: string[];
  nodes: number[];
  chains?: number[];
  derived?: DerivedOffer;
}

export interface Explanation {
  score: number;
  contributions: Record<Signal, number>;
  terms: { matched: string[]; partial: string[]; missing: string[]; exact: string[]; score: number; sentence: string };
  chain: { relation: ChainRelation; score: number; candidateNode: NodeInfo | null; queryNode: NodeInfo | null; chainName: string | null; sentence: string };
  stage: { stage: MatchStage; stageName: string; source: 'kind' | 'posting'; preferredRegions: Region[]; candidateRegion: RegionKey; preference: number; matched: boolean; sentence: string };
  region: { wanted: Region[]; candidateRegion: RegionKey; matched: boolean; score: number; sentence: string };
  kind: { candidateKind: string; score: number; sentence: string };
  fields: FieldFit[];
  fieldsScore: number;
  reasons: string[];
}

export interface ScoredCandidate {
  candidate: Candidate;
  score: number;
  explanation: Explanation;
}

export interface PreparedQuery {
  posting: QueryPosting;
  terms: QueryTerm[];
  /** The item names of the query's structured fields (for the exact-name part of the text signal). */
  itemNames: string[];
  stage: StageInfo;
  settings: MatchSettings;
  chain: ChainContext;
  today: Date;
}

export function prepareQuery(posting: QueryPosting, settings: MatchSettings = DEFAULT_SETTINGS, chain: ChainContext = EMPTY_CHAIN_CONTEXT, today = new Date()): PreparedQuery {
  return {
    posting,
    terms: queryTerms(posting),
    itemNames: [...new Set(fieldTerms(posting.kind, posting.fields))],
    stage: deriveStage(posting.kind, posting.fields, posting.stage),
    settings,
    chain,
    today,
  };
}

function normalisedWeights(s: MatchSettings): Record<Signal, number> {
  const total = SIGNALS.reduce((a, k) => a + Math.max(0, s.weights[k] ?? 0), 0) || 1;
  return Object.fromEntries(SIGNALS.map((k) => [k, Math.max(0, s.weights[k] ?? 0) / total])) as Record<Signal, number>;
}

export function preferredRegions(routing: Record<RegionKey, number>): Region[] {
  const max = Math.max(routing.BJ, routing.TJ, routing.HE);
  const all = (['BJ', 'TJ', 'HE'] as Region[]).filter((r) => routing[r] === max);
  return all.length === 3 ? [] : all;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function scoreCandidate(q: PreparedQuery, c: Candidate): ScoredCandidate {
  const p = q.posting;
  const w = normalisedWeights(q.settings);
  const forDemand = p.direction === 'demand';

  // text: coverage of the query's terms; when the query names items in its structured fields, 30 %
  // of the signal is for candidates whose own product / item names are exactly those items.
  const tm = textMatch(q.terms, c.tokens);
  const norm = (x: string) => x.toLowerCase().replace(/\s+/g, '');
  const candNames = new Set((c.names ?? []).map(norm));
  const exact = q.itemNames.filter((n) => candNames.has(norm(n)));
  const textScore = q.itemNames.length ? tm.score * (0.7 + (0.3 * exact.length) / q.itemNames.length) : tm.score;
  const termsSentence = tm.matched.length || tm.partial.length
    ? `文本匹配：${tm.matched.join('、') || '—'}${tm.partial.length ? `（部分匹配：${tm.partial.join('、')}）` : ''}${exact.length ? `；产品名完全一致：${exact.join('、')}` : ''}`
    : '文本：无共同关键词';

  // chain
  const cm = chainMatch(p.direction, q.chain, c.nodes, c.chains);

  // stage: for a demand query, the demand's stage and the candidate's region; for a capability
  // query, the candidate demand's stage and this capability's region.
  const stageInfo = forDemand ? q.stage : deriveStage(c.kind!, c.fields ?? {}, c.stage);
  const routing = q.settings.stageRouting[stageInfo.stage];
  const partnerRegion: RegionKey = (forDemand ? c.region : p.orgRegion) ?? 'outside';
  const pref = routing[partnerRegion] ?? 0;
  const preferred = preferredRegions(routing);
  const stageMatched = preferred.length > 0 && (preferred as RegionKey[]).includes(partnerRegion);
  const stageSentence = preferred.length
    ? `阶段：${stageInfo.reason}，按“北京研发—天津中试—河北量产”分工优先${preferred.map((r) => REGION_ZH[r]).join('、')}；${forDemand ? '候选' : '本方'}在${REGION_ZH[partnerRegion]}${stageMatched ? ' ✓' : `（偏好 ${fmt(pref)}）`}`
    : `阶段：${stageInfo.reason}；${REGION_ZH[partnerRegion]}偏好 ${fmt(pref)}`;

  // region: where the demand wants its partner
  const wanted = forDemand ? p.regionsWanted : c.regionsWanted ?? [];
  const regionOf: RegionKey = (forDemand ? c.region : p.orgRegion) ?? 'outside';
  let regionScore: number;
  let regionSentence: string;
  const regionMatched = wanted.length > 0 && (wanted as RegionKey[]).includes(regionOf);
  if (wanted.length) {
    regionScore = regionMatched ? 1 : regionOf === 'outside' ? 0 : 0.3;
    regionSentence = `地区：需求期望${wanted.map((r) => REGION_ZH[r]).join('、')}，${forDemand ? '候选' : '本方'}在${REGION_ZH[regionOf]}${regionMatched ? ' ✓' : ''}`;
  } else {
    regionScore = regionOf === 'outside' ? 0 : 0.5;
    regionSentence = `地区：需求未限定地区，${regionOf === 'outside' ? '候选在京津冀以外' : `候选在京津冀（${REGION_ZH[regionOf]}）`}`;
  }

  // kind
  let kindScore: number;
  let kindSentence: string;
  let candidateKind: string;
  if (forDemand) {
    const orgFit = ORG_KIND_FIT[p.kind][c.orgKind] ?? 0;
    if (c.type === 'posting') {
      const pf = POSTING_KIND_FIT[p.kind][c.kind!] ?? 0;
      kindScore = 0.7 * pf + 0.3 * orgFit;
      candidateKind = c.kind!;
      kindSentence = `类型：${POSTING_KIND_NAMES[c.kind!].zh}供给（${ORG_KIND_ZH[c.orgKind]}）对${POSTING_KIND_NAMES[p.kind].zh}需求${pf >= 1 ? '完全对口' : pf > 0 ? '部分对口' : '不对口'}`;
    } else {
      kindScore = orgFit;
      candidateKind = c.orgKind;
      kindSentence = `类型：候选为${ORG_KIND_ZH[c.orgKind]}，${orgFit >= 1 ? '最适合' : orgFit >= 0.5 ? '较适合' : orgFit > 0 ? '可承接' : '不适合'}${POSTING_KIND_NAMES[p.kind].zh}需求`;
    }
  } else {
    const pf = POSTING_KIND_FIT[c.kind!][p.kind] ?? 0;
    kindScore = pf;
    candidateKind = c.kind!;
    kindSentence = `类型：${POSTING_KIND_NAMES[c.kind!].zh}需求与本${POSTING_KIND_NAMES[p.kind].zh}供给${pf >= 1 ? '完全对口' : pf > 0 ? '部分对口' : '不对口'}`;
  }

  // structured fields: need = the demand's, offer = the capability's (or what the organisation shows)
  const fits = forDemand
    ? fieldFits(p.kind, p.fields, p.deadline, c.type === 'posting' ? c.fields ?? {} : (c.derived as any) ?? null, q.today)
    : fieldFits(c.kind!, c.fields ?? {}, c.deadline ?? null, p.fields, q.today);
  const fieldsScore = fits.length ? fits.reduce((a, f) => a + f.score, 0) / fits.length : 0.5;

  const signals: Record<Signal, number> = { text: textScore, chain: cm.score, stage: pref, region: regionScore, kind: kindScore, fields: fieldsScore };
  const contributions = Object.fromEntries(SIGNALS.map((k) => [k, round1(100 * w[k] * signals[k])])) as Record<Signal, number>;
  const score = round1(SIGNALS.reduce((a, k) => a + contributions[k], 0));
  const chainS = chainSentence(p.direction, cm);
  const fieldsSentence = fits.length ? fits.map((f) => f.sentence) : ['结构化条件：无可比较的条件'];
  const explanation: Explanation = {
    score,
    contributions,
    terms: { ...tm, exact, score: textScore, sentence: termsSentence },
    chain: { ...cm, sentence: chainS },
    stage: {
      stage: stageInfo.stage,
      stageName: MATCH_STAGE_NAMES[stageInfo.stage].zh,
      source: stageInfo.source,
      preferredRegions: preferred,
      candidateRegion: partnerRegion,
      preference: pref,
      matched: stageMatched,
      sentence: stageSentence,
    },
    region: { wanted, candidateRegion: regionOf, matched: regionMatched, score: regionScore, sentence: regionSentence },
    kind: { candidateKind, score: kindScore, sentence: kindSentence },
    fields: fits,
    fieldsScore,
    reasons: [termsSentence, chainS, stageSentence, regionSentence, kindSentence, ...fieldsSentence],
  };
  return { candidate: c, score, explanation };
}

/**
 * Scores and orders candidates: best first; one entry per organisation (its best posting or the
 * organisation itself); ties broken by posting before organisation, then id.
 */
export function rankCandidates(q: PreparedQuery, candidates: Candidate[], limit = 20): ScoredCandidate[] {
  const scored = candidates
    .filter((c) => c.organizationId !== q.posting.organizationId)
    .map((c) => scoreCandidate(q, c))
    // A candidate needs at least some evidence beyond region and kind: a term or a chain relation.
    .filter((s) => s.explanation.terms.score > 0 || s.explanation.chain.score >= 0.4)
    .sort((a, b) => b.score - a.score || (a.candidate.type === b.candidate.type ? a.candidate.id - b.candidate.id : a.candidate.type === 'posting' ? -1 : 1));
  const seen = new Set<number>();
  const out: ScoredCandidate[] = [];
  for (const s of scored) {
    if (seen.has(s.candidate.organizationId)) continue;
    seen.add(s.candidate.organizationId);
    out.push(s);
    if (out.length >= limit) break;
  }
  return out;
}

// ------------------------------------------------------------------ SQL pre-score parameters

/**
 * What the SQL candidate retrieval needs to compute a pre-score close to the final one (all but
 * the structured fields, 2-hop relations of organisations and compound-term parts), from the
 * same tables as above — one source of truth.
 */
export function prescoreParams(q: PreparedQuery) {
  const w = normalisedWeights(q.settings);
  const totalTermWeight = q.terms.reduce((a, t) => a + t.weight, 0) || 1;
  const p = q.posting;
  const forDemand = p.direction === 'demand';
  const routing = q.settings.stageRouting[q.stage.stage];
  const wanted = p.regionsWanted;
  const regionScore = (r: RegionKey) => (wanted.length ? ((wanted as RegionKey[]).includes(r) ? 1 : r === 'outside' ? 0 : 0.3) : r === 'outside' ? 0 : 0.5);
  const mine: RegionKey = p.orgRegion ?? 'outside';
  const kinds = Object.keys(POSTING_KIND_FIT) as PostingKind[];
  return {
    direction: p.direction,
    kind: p.kind,
    terms: q.terms.map((t) => ({ term: t.term, from: t.from, points: (100 * w.text * t.weight) / totalTermWeight })),
    /** Compound-term parts, used by the last (widest) retrieval step only. */
    parts: [...new Set(q.terms.flatMap((t) => t.parts))].filter((x) => !q.terms.some((t) => t.term === x)),
    /** Demand query: candidate org region → points (stage routing + region wanted). */
    regionPoints: Object.fromEntries(
      REGION_KEYS.map((r) => [r, forDemand ? 100 * (w.stage * (routing[r] ?? 0) + w.region * regionScore(r)) : 0]),
    ) as Record<RegionKey, number>,
    /** Capability query: does the candidate demand want this region? */
    wantedPoints: forDemand ? null : { mine: p.orgRegion, none: 100 * w.region * (mine === 'outside' ? 0 : 0.5), match: 100 * w.region, other: 100 * w.region * (mine === 'outside' ? 0 : 0.3) },
    /** Candidate posting kind → points (kind fit; for capability queries also the stage routing of that kind). */
    postingKindPoints: Object.fromEntries(
      kinds.map((k) => [
        k,
        forDemand
          ? 100 * w.kind * 0.7 * (POSTING_KIND_FIT[p.kind][k] ?? 0)
          : 100 * (w.kind * (POSTING_KIND_FIT[k][p.kind] ?? 0) + w.stage * (q.settings.stageRouting[deriveStage(k, {}).stage][mine] ?? 0)),
      ]),
    ) as Record<string, number>,
    orgKindPointsForPostings: forDemand
      ? (Object.fromEntries(Object.entries(ORG_KIND_FIT[p.kind]).map(([k, v]) => [k, 100 * w.kind * 0.3 * (v ?? 0)])) as Record<string, number>)
      : {},
    orgKindPoints: Object.fromEntries(Object.entries(ORG_KIND_FIT[p.kind]).map(([k, v]) => [k, 100 * w.kind * (v ?? 0)])) as Record<string, number>,
    chain: {
      named: [...q.chain.named],
      near1: [...q.chain.near1],
      near2: [...q.chain.near2],
      own: [...q.chain.own],
      strong: 100 * w.chain,
      indirect: 100 * w.chain * CHAIN_RELATION_SCORE.upstream_indirect,
      peer: 100 * w.chain * CHAIN_RELATION_SCORE.peer,
    },
  };
}
export type PrescoreParams = ReturnType<typeof prescoreParams>;
