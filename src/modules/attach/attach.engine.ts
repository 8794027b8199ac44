/**
 * Chain attachment (挂链) on top of the classifier core (classifier.ts): pure, no database.
 *
 * ## One model for every chain of a run
 * Labels are node ids of all the chains attached in one run; each node's keyword prior is its name
 * plus its keywords; the examples are the organisations officials have placed (decided links),
 * labelled with their node. One model serves every chain, so an organisation is scored once per run
 * whatever the number of chains (ten separate models cost ten times as much: the text features,
 * keyword scan and neighbour search are per prediction, not per label).
 *
 * ## Scores, per chain
 * The engine's score without a re-ranker is softmax(base / T) over ALL labels, where labels without
 * any evidence have base 0. We renormalise it over the labels of one chain:
 *
 *     score(node) = e^{b_node/T} / ( Σ_{chain nodes with evidence} e^{b/T} + #(chain nodes without evidence) )
 *
 * (the engine's probability of a label without evidence is the same for all of them, so this is
 * computed exactly from the engine's output). The nodes without evidence are the baseline: one weak,
 * incidental match among 35 nodes scores low, a strong specific match scores near 1, and two nodes
 * that share the evidence split it. Scores of one chain sum to ≤ 1, so at most one node of a chain
 * can be above 0.5.
 *
 * The re-ranker is switched off (`rerank: false`): every example is an organisation that belongs to
 * the chain, so a re-ranker fitted on them would learn "which node, given it belongs here" and would
 * be over-confident for the many candidates that belong to no node at all.
 *
 * ## Tiers
 * - confirmed: score ≥ `thresholds.confirm` AND specific evidence — a node keyword (or the node
 *   name) inside a product / the business scope / the name, a product whose whole name is a term of
 *   the node, or a placed example organisation sharing a product term;
 * - review: score ≥ `thresholds.review` and some product / scope / keyword / example evidence
 *   (character overlaps, industry-code prefixes or name words alone never suffice);
 * - rejected: the rest (not stored; counted).
 * At most `maxPerChain` (2) nodes per organisation and chain: the best node, and the second only when
 * it passes the thresholds on its own.
 */
import { tokenizeForIndex } from '../../lib/text.ts';
import type { Stage } from '../chains/chains.schemas.ts';
import { normalizeTerm, predict, rank, trainClassifier, type Evidence, type ItemText, type Model, type TrainOptions } from './classifier.ts';
import { GENERIC_PRODUCT_WORDS } from './generic-words.ts';

export type OrgKind = 'enterprise' | 'university' | 'institute' | 'pilot_platform' | 'open_lab' | 'financial' | 'association' | 'government';
export type LinkRoleOut = 'rnd' | 'pilot' | 'production' | 'supplier' | 'service';
export type Tier = 'confirmed' | 'review' | 'rejected';

export interface EngineNode {
  id: number;
  chainId: number;
  name: string;
  keywords: string[];
  stage: Stage;
}

export interface EngineOrg {
  id: number;
  name: string;
  shortName: string | null;
  kind: OrgKind | string;
  products: string[];
  businessScope: string | null;
  description: string | null;
  industryCode: string | null;
}

export interface EngineExample {
  nodeId: number;
  org: EngineOrg;
}

export interface Thresholds {
  /** score ≥ confirm (with specific evidence) → confirmed */
  confirm: number;
  /** review ≤ score < confirm → review; below → rejected (not stored) */
  review: number;
}

/**
 * Calibrated on the demo data (eval/attach-chains.ts; docs/attach-and-targets.md has the table):
 * confirmed suggestions are right most of the time, the review queue holds the borderline ones.
 */
export const DEFAULT_THRESHOLDS: Thresholds = { confirm: 0.6, review: 0.15 };
export const MAX_NODES_PER_CHAIN = 2;

/**
 * Engine settings for chain nodes (the classifier's defaults are tuned for industry codes with
 * thousands of examples):
 * - names only through keyword hits: a name word shared with an example (北京, 大学, 科技) says
 *   nothing about the node;
 * - industry codes weigh little: GB/T 4754 prefixes (C, C3) are shared by whole sectors;
 * - keyword hits weigh more: node keywords are the words a product list would contain.
 */
export const ENGINE_OPTIONS: TrainOptions = {
  rerank: false,
  nameWeight: 0,
  nameCharWeight: 0,
  nameSuffixWeight: 0,
  industryWeight: 0,
  charWeight: 0,
  keywordWeight: 1,
  temperature: 0.08,
  knnK: 5,
};

const GENERIC = new Set(GENERIC_PRODUCT_WORDS);
const tokenCache = new Map<string, string[]>();

/**
 * The engine's tokenizer: jieba index tokens (domain dictionary) without the generic product words.
 * Memoised (product names and scope items repeat); emptied at each model build, so words added to
 * the segmenter since (chain keywords) take effect.
 */
export function attachTokens(text: string): string[] {
  let t = tokenCache.get(text);
  if (!t) {
    const pieces = text.length > 24 ? text.split(PIECE_SEPARATORS).filter(Boolean) : [];
    if (pieces.length > 1) {
      // long texts (经营范围) by their items, which repeat across organisations (the SAMR wording)
      t = [];
      for (const piece of pieces) for (const w of attachTokens(piece)) t.push(w);
    } else t = tokenizeForIndex(text).filter((w) => !GENERIC.has(w));
    if (tokenCache.size >= 300_000) tokenCache.clear();
    tokenCache.set(text, t);
  }
  return t;
}

/**
 * Punctuation and white space at which a text can be cut without changing its tokens (jieba
 * segments each run of Han characters, letters and digits on its own; src/lib/text.ts).
 */
const PIECE_SEPARATORS = /[，。、；：！？（）【】《》〈〉「」『』“”‘’…—,;:!?()\[\]{}<>"'\s]+/;

/** Stays one token through the segmenter and occurs in no product name: separates texts in one call. */
const SEP = 'zqxsepzqx';

/**
 * Tokenizes the texts not cached yet in ONE segmenter call (jieba segments the runs between
 * non-Chinese characters independently, so this gives the same tokens as one call per text, at a
 * fraction of the native-call overhead); falls back to one call per text when the separators do not
 * come back as expected.
 */
export function prefetchTokens(texts: string[]): void {
  const todo: string[] = [];
  for (const t of texts) if (!tokenCache.has(t) && !todo.includes(t)) todo.push(t);
  if (todo.length < 2) return;
  const parts: string[][] = [[]];
  for (const w of tokenizeForIndex(todo.join(` ${SEP} `))) {
    if (w === SEP) parts.push([]);
    else parts[parts.length - 1].push(w);
  }
  if (parts.length !== todo.length) return;
  if (tokenCache.size + todo.length >= 300_000) tokenCache.clear();
  todo.forEach((t, i) => tokenCache.set(t, parts[i].filter((w) => !GENERIC.has(w))));
}

/** Normalised node names and keywords, with every prefix, for substring scans. */
export interface KeywordIndex {
  words: Set<string>;
  prefixes: Set<string>;
}

export function keywordIndex(words: Iterable<string>): KeywordIndex {
  const idx: KeywordIndex = { words: new Set(), prefixes: new Set() };
  for (const w of words) {
    const k = normalizeTerm(w);
    if (k.length < 2) continue;
    idx.words.add(k);
    for (let i = 1; i <= k.length; i++) idx.prefixes.add(k.slice(0, i));
  }
  return idx;
}

/** Does the normalised text contain a keyword? (extends a match only while some keyword starts so) */
export function containsKeyword(text: string, idx: KeywordIndex): boolean {
  for (let i = 0; i < text.length; i++) {
    let sub = text[i];
    if (!idx.prefixes.has(sub)) continue;
    for (let j = i + 1; j < text.length; j++) {
      sub += text[j];
      if (!idx.prefixes.has(sub)) break;
      if (idx.words.has(sub)) return true;
    }
  }
  return false;
}

/**
 * The classifier input of an organisation: names, products, business scope, industry code.
 * Products made only of generic words (技术服务, 解决方案, 汽车零部件) are left out unless they contain
 * a node keyword: they would tie the organisation to whichever example happens to share them.
 */
export function orgText(o: EngineOrg, keywords?: KeywordIndex): ItemText {
  const products: Array<{ name: string }> = [];
  if (o.products && o.products.length > 1) prefetchTokens(o.products.filter((p) => typeof p === 'string'));
  for (const p of o.products ?? []) {
    if (typeof p !== 'string' || !p.trim()) continue;
    if (attachTokens(p).length || (keywords && containsKeyword(normalizeTerm(p), keywords))) products.push({ name: p });
  }
  return {
    name: o.shortName || o.name,
    fullName: o.name,
    products,
    scope: o.businessScope?.trim() || undefined,
    industryCode: o.industryCode ?? undefined,
  };
}

/** Role of a new attachment, from the organisation's kind and the node's stage (docs/attach-and-targets.md). */
export function inferRole(kind: string, stage: Stage): LinkRoleOut {
  switch (kind) {
    case 'university':
    case 'institute':
    case 'open_lab':
      return 'rnd';
    case 'pilot_platform':
      return 'pilot';
    case 'enterprise':
      return stage === 'upstream' ? 'supplier' : 'production';
    default:
      return 'service';
  }
}

export interface AttachModel {
  model: Model;
  /** node names and keywords */
  keywords: KeywordIndex;
  /** per node: its normalised name, keywords and the product names of its examples */
  nodeTerms: Map<number, Set<string>>;
  /** union of nodeTerms */
  allTerms: Set<string>;
  nodes: Map<number, EngineNode>;
  /** label index → node id (labels are node ids as strings) */
  labelNode: number[];
  /** chain id → number of its nodes in the model */
  chainSize: Map<number, number>;
  /** example display name → organisation id (for the evidence) */
  exampleOrg: Map<string, number>;
  examples: number;
  trainMs: number;
}

export interface BuildOptions {
  engine?: TrainOptions;
}

export function buildAttachModel(nodes: EngineNode[], examples: EngineExample[], opts: BuildOptions = {}): AttachModel {
  const t0 = performance.now();
  tokenCache.clear();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const keywordPrior: Record<string, string[]> = {};
  for (const n of nodes) keywordPrior[String(n.id)] = [n.name, ...n.keywords];
  const keywords = keywordIndex(Object.values(keywordPrior).flat());
  const usable = examples.filter((e) => byId.has(e.nodeId));
  const nodeTerms = new Map<number, Set<string>>();
  for (const n of nodes) nodeTerms.set(n.id, new Set([n.name, ...n.keywords].map(normalizeTerm).filter((k) => k.length >= 2)));
  // an example's product names are terms of its node when no example on another node has them too
  const productNodes = new Map<string, Set<number>>();
  for (const e of usable)
    for (const p of e.org.products ?? []) {
      if (typeof p !== 'string' || !attachTokens(p).length) continue;
      const k = normalizeTerm(p);
      const s = productNodes.get(k) ?? new Set<number>();
      s.add(e.nodeId);
      productNodes.set(k, s);
    }
  for (const [k, ns] of productNodes) if (ns.size === 1) nodeTerms.get([...ns][0])!.add(k);
  const allTerms = new Set<string>();
  for (const t of nodeTerms.values()) for (const k of t) allTerms.add(k);
  const exampleOrg = new Map<string, number>();
  const train = usable.map((e) => {
    const text = orgText(e.org, keywords);
    const display = (text.name || text.fullName || String(e.org.id)).trim().split(/\s+/)[0];
    if (!exampleOrg.has(display)) exampleOrg.set(display, e.org.id);
    return { id: String(e.org.id), label: String(e.nodeId), text };
  });
  const model = trainClassifier(train, { ...ENGINE_OPTIONS, ...opts.engine, keywordPrior, tokenizer: attachTokens });
  const labelNode = model.data.labels.map(Number);
  const chainSize = new Map<number, number>();
  for (const id of labelNode) {
    const n = byId.get(id);
    if (n) chainSize.set(n.chainId, (chainSize.get(n.chainId) ?? 0) + 1);
  }
  return { model, keywords, nodeTerms, allTerms, nodes: byId, labelNode, chainSize, exampleOrg, examples: train.length, trainMs: performance.now() - t0 };
}

/* ------------------------------------------------------------------ evidence */

export type MatchKind = 'keyword' | 'whole' | 'word' | 'chars' | 'example' | 'name' | 'scope' | 'industry';

export interface EvidenceMatch {
  /** where in the organisation's record: product, name, scope (经营范围/简介), industry, example */
  signal: Evidence['signal'];
  /** the organisation's text that matched (a product name, a name, a scope word, an industry code prefix) */
  text: string;
  /** what it matched on the node's side: a node keyword, a word, characters, or a shared term with an example */
  matched: string;
  kind: MatchKind;
  weight: number;
  /** for kind 'example': the placed organisation the candidate resembles */
  example?: { organizationId: number | null; name: string };
  /** for kind 'example': the shared term is a whole product of both */
  specific?: boolean;
}

export interface AttachEvidence {
  v: 1;
  score: number;
  tier: Tier;
  /** one sentence for people: 产品「PEM电解槽」含节点关键词「PEM电解槽」；与已挂链的「亿华通」产品相近 */
  summary: string;
  matches: EvidenceMatch[];
  /** the other nodes of the chain that scored (best first, ≤ 2) */
  alternatives: Array<{ nodeId: number; name: string; score: number }>;
  thresholds: Thresholds;
}

const SIGNAL_ZH: Record<string, string> = { product: '产品', name: '名称', scope: '经营范围/简介', industry: '行业代码', example: '相似机构' };

export function toMatch(e: Evidence, exampleOrg: Map<string, number>): EvidenceMatch {
  const via = e.via ?? '';
  const weight = e.weight;
  if (via.startsWith('keyword:')) return { signal: e.signal, text: e.term, matched: via.slice(8), kind: 'keyword', weight };
  switch (e.signal) {
    case 'example':
      return { signal: 'example', text: e.term, matched: e.term, kind: 'example', weight, example: { organizationId: exampleOrg.get(via) ?? null, name: via } };
    case 'product':
      if (via.startsWith('word:')) return { signal: 'product', text: e.term, matched: via.slice(5), kind: 'word', weight };
      if (via.startsWith('chars:')) return { signal: 'product', text: e.term, matched: via.slice(6), kind: 'chars', weight };
      return { signal: 'product', text: e.term, matched: e.term, kind: 'whole', weight };
    case 'name':
      return { signal: 'name', text: via || e.term, matched: e.term, kind: 'name', weight };
    case 'scope':
      return { signal: 'scope', text: e.term, matched: e.term, kind: 'scope', weight };
    default:
      return { signal: 'industry', text: e.term, matched: e.term, kind: 'industry', weight };
  }
}

/**
 * Sorts the engine's evidence for one node into specific and weak: a product that IS a node term
 * (its name, a keyword, or a product of an organisation placed there) is `whole`; a product that
 * merely contains a matching word is `word`; an example shares a whole product (`specific`) or only
 * a word.
 */
export function refineMatches(
  ms: EvidenceMatch[],
  nodeTerms: ReadonlySet<string> | undefined,
  products: ReadonlySet<string>,
  nameTokens?: ReadonlySet<string>,
): EvidenceMatch[] {
  return ms.map((m) => {
    // a keyword inside a name must be one of its words: 国投电力控股 does not contain 力控
    if (m.kind === 'keyword' && m.signal === 'name' && nameTokens && !nameTokens.has(normalizeTerm(m.matched))) return { ...m, kind: 'name' };
    // a product that IS a node term is specific, whichever of its terms the engine shows
    if (m.kind === 'whole' || m.kind === 'word') return { ...m, kind: nodeTerms?.has(normalizeTerm(m.text)) ? 'whole' : 'word' };
    if (m.kind === 'example') {
      const t = normalizeTerm(m.matched);
      return { ...m, specific: products.has(t) && !!nodeTerms?.has(t) };
    }
    return m;
  });
}

/** A node keyword in the texts, a product that is a node term, or an example sharing a whole product. */
export function hasSpecificEvidence(ms: EvidenceMatch[]): boolean {
  return ms.some((m) => m.kind === 'keyword' || m.kind === 'whole' || (m.kind === 'example' && m.specific === true));
}


const SUMMARY_ORDER: Record<MatchKind, number> = { keyword: 0, whole: 1, example: 2, word: 3, scope: 4, name: 5, chars: 6, industry: 7 };

/** Up to three sentences, most specific first, one per product or example. */
export function evidenceSummary(ms: EvidenceMatch[]): string {
  const parts: string[] = [];
  const used = new Set<string>();
  for (const m of [...ms].sort((a, b) => SUMMARY_ORDER[a.kind] - SUMMARY_ORDER[b.kind] || b.weight - a.weight)) {
    const key = m.kind === 'example' ? `example:${m.example?.name}` : `${m.signal}:${m.text}`;
    if (used.has(key)) continue;
    used.add(key);
    let s: string;
    if (m.kind === 'keyword') s = m.signal === 'product' ? `产品「${m.text}」含节点关键词「${m.matched}」` : `${SIGNAL_ZH[m.signal]}含节点关键词「${m.matched}」`;
    else if (m.kind === 'whole') s = `产品「${m.text}」即节点词条`;
    else if (m.kind === 'word') s = `产品「${m.text}」含词「${m.matched}」`;
    else if (m.kind === 'chars') s = `产品「${m.text}」与节点词条有相同字「${m.matched}」`;
    else if (m.kind === 'example') s = `与已挂在该节点的「${m.example?.name ?? ''}」相似${m.matched ? `（${m.specific ? '同样有产品' : '共同词'}「${m.matched}」）` : ''}`;
    else if (m.kind === 'scope') s = `经营范围含「${m.matched}」`;
    else if (m.kind === 'industry') s = `行业代码 ${m.text} 与已挂链机构相同`;
    else s = `名称含「${m.matched}」`;
    parts.push(s);
    if (parts.length >= 3) break;
  }
  return parts.join('；');
}

/* ------------------------------------------------------------------ suggestions */

export interface Suggestion {
  chainId: number;
  nodeId: number;
  score: number;
  tier: 'confirmed' | 'review';
  /** 1 = best node of the chain for this organisation, 2 = second */
  rankInChain: number;
  evidence: AttachEvidence;
}

export interface SuggestOptions {
  thresholds?: Thresholds;
  maxPerChain?: number;
  /** chain → nodes of that chain the organisation must not be suggested on (decided, rejected, protected) */
  skip?: (chainId: number, nodeId: number) => boolean;
  /** chain → how many places the organisation already has on it (decided links count towards the cap) */
  taken?: (chainId: number) => number;
  /** only these chains */
  chains?: Set<number>;
  /** skip organisations that cannot have specific evidence before scoring (default true; false for benchmarks) */
  prefilter?: boolean;
}

export interface SuggestResult {
  suggestions: Suggestion[];
  /** chains where the organisation had evidence but reached no stored tier (the rejected tier) */
  rejected: number;
  rejectedChains: Set<number>;
  /** false: no specific evidence possible (`mayMatch`), the classifier was not run */
  scored: boolean;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Per-chain scores of every node with evidence, best first within each chain. */
export function chainScores(am: AttachModel, text: ItemText, chains?: Set<number>) {
  const L = am.labelNode.length;
  const r = rank(am.model, text, L);
  let sum = 0;
  for (const x of r) sum += x.score;
  const s0 = L > r.length ? Math.max(0, 1 - sum) / (L - r.length) : 0;
  const byChain = new Map<number, Array<{ nodeId: number; raw: number; globalRank: number }>>();
  r.forEach((x, i) => {
    const nodeId = Number(x.label);
    const node = am.nodes.get(nodeId);
    if (!node || (chains && !chains.has(node.chainId))) return;
    let a = byChain.get(node.chainId);
    if (!a) byChain.set(node.chainId, (a = []));
    a.push({ nodeId, raw: x.score, globalRank: i });
  });
  const out = new Map<number, Array<{ nodeId: number; score: number; globalRank: number }>>();
  for (const [chainId, a] of byChain) {
    let z = 0;
    for (const x of a) z += x.raw;
    z += ((am.chainSize.get(chainId) ?? a.length) - a.length) * s0;
    out.set(
      chainId,
      a.map((x) => ({ nodeId: x.nodeId, score: z > 0 ? x.raw / z : 0, globalRank: x.globalRank })),
    );
  }
  return out;
}

/**
 * Can the organisation get a stored suggestion at all? Every tier needs specific evidence (see
 * `hasSpecificEvidence`): a node keyword inside a product, the scope or a name, or a product that is
 * a node term. This checks exactly that, cheaply, before the classifier runs: most organisations of
 * a register have neither and are not scored.
 */
export function mayMatch(am: AttachModel, org: EngineOrg): boolean {
  for (const p of org.products ?? []) {
    if (typeof p !== 'string') continue;
    const n = normalizeTerm(p);
    if (am.allTerms.has(n) || containsKeyword(n, am.keywords)) return true;
  }
  for (const t of [org.name, org.shortName, org.businessScope]) if (t && containsKeyword(normalizeTerm(t), am.keywords)) return true;
  return false;
}

export function suggest(am: AttachModel, org: EngineOrg, opts: SuggestOptions = {}): SuggestResult {
  const th = opts.thresholds ?? DEFAULT_THRESHOLDS;
  const cap = opts.maxPerChain ?? MAX_NODES_PER_CHAIN;
  if (opts.prefilter !== false && !mayMatch(am, org)) return { suggestions: [], rejected: 0, rejectedChains: new Set(), scored: false };
  const text = orgText(org, am.keywords);
  const byChain = chainScores(am, text, opts.chains);
  const picked: Array<{ chainId: number; nodeId: number; score: number; globalRank: number; rankInChain: number; others: Array<{ nodeId: number; score: number }> }> = [];
  const rejectedChains = new Set<number>();
  for (const [chainId, a] of byChain) {
    let room = cap - (opts.taken?.(chainId) ?? 0);
    let any = false;
    let k = 0;
    for (const x of a) {
      if (room <= 0 || x.score < th.review) break;
      k++;
      if (opts.skip?.(chainId, x.nodeId)) continue;
      picked.push({ chainId, nodeId: x.nodeId, score: x.score, globalRank: x.globalRank, rankInChain: k, others: a.filter((y) => y.nodeId !== x.nodeId).slice(0, 2) });
      room--;
      any = true;
    }
    if (!any && a.length && a[0].score < th.review) rejectedChains.add(chainId);
  }
  if (!picked.length) return { suggestions: [], rejected: rejectedChains.size, rejectedChains, scored: true };
  // evidence for the picked labels: one prediction down to the lowest picked label's global rank
  const k = Math.max(...picked.map((p) => p.globalRank)) + 1;
  const preds = predict(am.model, text, k);
  const evByNode = new Map(preds.map((p) => [Number(p.label), p.evidence]));
  const products = new Set((text.products ?? []).map((p) => normalizeTerm(p.name)));
  let nameTokens: Set<string> | undefined;
  const suggestions: Suggestion[] = [];
  for (const p of picked) {
    const raw = (evByNode.get(p.nodeId) ?? []).map((e) => toMatch(e, am.exampleOrg));
    if (!nameTokens && raw.some((m) => m.signal === 'name')) nameTokens = new Set([...tokenizeForIndex(org.name), ...tokenizeForIndex(org.shortName)].map(normalizeTerm));
    const matches = refineMatches(raw, am.nodeTerms.get(p.nodeId), products, nameTokens);
    // measured on the demo data: word overlaps alone are right about one time in ten, whatever the score
    const tier: Tier = !hasSpecificEvidence(matches) ? 'rejected' : p.score >= th.confirm ? 'confirmed' : 'review';
    if (tier === 'rejected') {
      rejectedChains.add(p.chainId);
      continue;
    }
    suggestions.push({
      chainId: p.chainId,
      nodeId: p.nodeId,
      score: round4(p.score),
      tier,
      rankInChain: p.rankInChain,
      evidence: {
        v: 1,
        score: round4(p.score),
        tier,
        summary: evidenceSummary(matches),
        matches,
        alternatives: p.others.map((o) => ({ nodeId: o.nodeId, name: am.nodes.get(o.nodeId)?.name ?? String(o.nodeId), score: round4(o.score) })),
        thresholds: th,
      },
    });
  }
  // the rejected tier is counted per (organisation, chain): a chain with a stored suggestion does not count
  for (const x of suggestions) rejectedChains.delete(x.chainId);
  return { suggestions, rejected: rejectedChains.size, rejectedChains, scored: true };
}
