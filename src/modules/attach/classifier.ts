/**
 * Attachment engine core (挂链): places an organisation onto the labels of a taxonomy from its name,
 * products, business scope and industry code, learning from labelled examples and/or keyword lists.
 *
 * Pure and dependency-injected: no database, no HTTP, no file access. The tokenizer defaults to the
 * project's jieba segmenter (src/lib/text.ts, domain dictionary) and can be replaced with
 * `options.tokenizer`.
 *
 * ## Representation
 * An organisation is a sparse TF-IDF vector (sublinear TF, L2-normalised) over
 * - `w:` jieba search-mode words of product names (business-scope words share this space, lower weight),
 * - `p:` whole product names, `c:` character 1–3-grams of product names (unseen compounds still match),
 * - `n:` words of the short and full name, `m:` character 1–2-grams of the short name,
 * - `i:` prefixes of an industry code (`C3841` → C, C3, C38, C384, C3841).
 * A product counts `productBase + revenueBoost · min(weight, 1)`; weights are noisy, so: exactly 0.001
 * (an item taken from the business scope) counts `scopeItemFactor`, weight ≤ 0 (eliminations)
 * `nonPositiveFactor`, no weight `unweightedFactor`.
 *
 * ## Scoring (two stages)
 * 1. Base scorers give every label evidence: kNN over the labelled examples (cosine, similarity-
 *    weighted vote of the `knnK` nearest), per-label centroids (Rocchio; a label's keywords are folded
 *    in as a pseudo-document, so keyword-only labels have a centroid too), centroids of ancestor
 *    labels (`ancestors`, e.g. L3 → [L2, L1]) and direct keyword matches (`keywordPrior`) in products,
 *    names and scope. Their sum ranks the candidates (the best `candidates` labels).
 * 2. A stacked re-ranker — a conditional-logit model over ~20 per-(item, label) features of the base
 *    scorers (kNN share and best similarity, centroid cosine split by signal, ancestor scores, keyword
 *    matches, label frequency) — is trained on *out-of-fold* base scores (K-fold cross-fitting
 *    inside the training examples) and then applied on top of base scorers trained on all examples.
 *    It has one extra "none of the candidates" outcome.
 *
 * ## Scores and thresholds
 * With the re-ranker, `score` = its softmax probability: fitted by maximum likelihood on out-of-fold
 * data, so it reads as an estimated probability that the label is the right one (the "none"
 * outcome takes the mass of labels outside the candidates, so scores of one item sum to ≤ 1). A
 * threshold such as 0.5 therefore means "more likely right than wrong"; eval/attach.ts prints the
 * reliability table (share right per score bin) for chain-kg. With fewer than
 * `rerankMinExamples` examples (e.g. keyword-only taxonomies) the re-ranker cannot be fitted and
 * `score = softmax(base / temperature)` over all labels — still in [0, 1] and monotone in the
 * evidence, but only a ranking, not a probability.
 *
 * Only labels with evidence are returned; each carries the evidence that produced it: the item's
 * products / name words / scope words that matched the label (`via` = the sub-term or keyword that
 * matched), and the nearest labelled examples of that label (`signal: 'example'`, `via` = the
 * example's name, `term` = the strongest shared term).
 */
import { jieba, tokenizeForIndex } from '../../lib/text.ts';

/* ================================================================== public types */

export type Signal = 'product' | 'name' | 'scope' | 'industry' | 'example';

export interface ItemText {
  name?: string;
  fullName?: string;
  products?: Array<{ name: string; weight?: number }>;
  scope?: string;
  industryCode?: string;
}

export interface TrainingExample {
  id: string;
  label: string;
  text: ItemText;
}

export interface Evidence {
  signal: Signal;
  term: string;
  weight: number;
  via?: string;
}

export interface Prediction {
  label: string;
  score: number;
  evidence: Evidence[];
}

/** Feature extraction settings (weights are multipliers before IDF and L2 normalisation). */
export interface FeatureOptions {
  /** Each jieba word of a product name. */
  wordWeight: number;
  /** The whole product name as one term. */
  wholeWeight: number;
  /** Each character n-gram of a product name. */
  charWeight: number;
  charNgrams: number[];
  /** Each word of the short / full name. */
  nameWeight: number;
  /** Each character n-gram of the short name (0 = off). */
  nameCharWeight: number;
  nameCharNgrams: number[];
  /** The last two characters of the short name as one term (0 = off). */
  nameSuffixWeight: number;
  /** Drop place names (jieba tag ns) from name words. */
  dropPlaces: boolean;
  /** Each business-scope word (same space as product words). */
  scopeWeight: number;
  /** Each industry-code prefix. */
  industryWeight: number;
  /** Product factor = productBase + revenueBoost · min(weight, 1), for weight > 0 and ≠ 0.001. */
  productBase: number;
  revenueBoost: number;
  /** Factor of products whose weight is exactly 0.001 (items taken from the business scope). */
  scopeItemFactor: number;
  /** Factor of products with weight ≤ 0 (eliminations, bookkeeping lines). */
  nonPositiveFactor: number;
  /** Factor of products given without a weight. */
  unweightedFactor: number;
  /** tf → 1 + ln tf for tf > 1. */
  sublinearTf: boolean;
  /** IDF exponent (1 = classic). */
  idfPower: number;
  /** Business scope is cut to this many characters. */
  scopeMaxChars: number;
}

export interface ScoringOptions {
  knnK: number;
  /** A neighbour votes similarity ^ knnPower. */
  knnPower: number;
  /**
   * Terms stored for more than max(20, knnMaxDf · examples) examples are skipped when finding
   * neighbours: common terms barely change who the neighbours are (and cost most of the time).
   */
  knnMaxDf: number;
  /** Base-score weights (candidate generation; also the scores when there is no re-ranker). */
  knnWeight: number;
  centroidWeight: number;
  keywordWeight: number;
  /** Base weight of the ancestor centroids, nearest ancestor first. */
  ancestorWeights: number[];
  /** Weight of a label's keyword pseudo-document in its centroid, relative to its examples' mean. */
  keywordDocWeight: number;
  /** Labels passed to the re-ranker. */
  candidates: number;
  /** Example-vector entries below this are not stored (speed, size; 0 = keep all). */
  examplePrune: number;
  /** Centroid entries below this are not stored. */
  centroidPrune: number;
  /** Softmax temperature of the base score when there is no re-ranker. */
  temperature: number;
}

export interface TrainOptions extends Partial<FeatureOptions>, Partial<ScoringOptions> {
  /** label → keywords (product or technology words). Labels may have zero examples. */
  keywordPrior?: Record<string, string[]>;
  /** label → ancestor labels, nearest first (e.g. L3 → [L2, L1]). */
  ancestors?: Record<string, string[]>;
  /** Train the stacked re-ranker when possible (default true). */
  rerank?: boolean;
  /** Folds for the re-ranker's out-of-fold scores (default 5). */
  rerankFolds?: number;
  /** Fewer examples than this: no re-ranker (default 60). */
  rerankMinExamples?: number;
  /** L2 penalty of the re-ranker (default 1e-2). */
  rerankL2?: number;
  /** Seed of the internal folds. */
  seed?: number;
  /** Tokenizer (default: jieba search-mode tokens with the domain dictionary, src/lib/text.ts). */
  tokenizer?: (text: string) => string[];
}

export const DEFAULT_FEATURES: FeatureOptions = {
  wordWeight: 1,
  wholeWeight: 1,
  charWeight: 0.3,
  charNgrams: [1, 2],
  nameWeight: 2,
  nameCharWeight: 1,
  nameCharNgrams: [1, 2],
  nameSuffixWeight: 1,
  dropPlaces: false,
  scopeWeight: 0.3,
  industryWeight: 1,
  productBase: 1,
  revenueBoost: 3,
  scopeItemFactor: 1,
  nonPositiveFactor: 0.3,
  unweightedFactor: 1,
  sublinearTf: true,
  idfPower: 1,
  scopeMaxChars: 3000,
};

export const DEFAULT_SCORING: ScoringOptions = {
  knnK: 15,
  knnPower: 2,
  knnMaxDf: 0.01,
  knnWeight: 1,
  centroidWeight: 1,
  keywordWeight: 0.3,
  ancestorWeights: [0.3, 0.1],
  keywordDocWeight: 0.3,
  candidates: 30,
  examplePrune: 0.02,
  centroidPrune: 0.01,
  temperature: 0.06,
};

/* ================================================================== serialised form */

interface Csr {
  /** offsets.length = rows + 1 */
  offsets: number[];
  cols: number[];
  vals: number[];
}

interface RerankerData {
  featureNames: string[];
  mean: number[];
  sd: number[];
  weights: number[];
  /** score of the "none of the candidates" outcome */
  nullScore: number;
  /** mean log-likelihood and top-1 accuracy on its out-of-fold training rows */
  fit: { rows: number; logLik: number; top1: number };
}

export interface SerializedModel {
  format: 'chainatlas.attach.classifier';
  version: 2;
  features: FeatureOptions;
  scoring: ScoringOptions;
  labels: string[];
  /** examples per label */
  labelCounts: number[];
  vocab: string[];
  idf: number[];
  exampleIds: string[];
  exampleNames: string[];
  exampleLabels: number[];
  /** example × feature, L2-normalised TF-IDF */
  examples: Csr;
  /** label × feature, L2-normalised centroids */
  centroids: Csr;
  /** per ancestor depth: label → group (-1 = none), and each label's share coefficient in its group's centroid */
  ancestorLevels: Array<{ groupOfLabel: number[]; coef: number[]; groups: number }>;
  /** normalised keyword → label indices */
  keywords: Array<[string, number[]]>;
  /** label × feature: each label's keyword pseudo-document (L2-normalised; empty rows without keywords) */
  keywordDocs: Csr;
  reranker: RerankerData | null;
}

/* ================================================================== runtime model */

export interface Model {
  /** The JSON-compatible model (what `serializeModel` returns). */
  readonly data: SerializedModel;
  /** @internal derived indexes */
  readonly rt: Runtime;
}

interface Runtime {
  L: number;
  N: number;
  vocabIndex: Map<string, number>;
  idf: Float64Array;
  postOff: Int32Array;
  postDoc: Int32Array;
  postVal: Float64Array;
  exLabel: Int32Array;
  exOff: Int32Array;
  exCols: Int32Array;
  exVals: Float64Array;
  cenOff: Int32Array;
  cenLab: Int32Array;
  cenVal: Float64Array;
  anc: Array<{ groupOfLabel: Int32Array; G: number; coef: Float64Array }>;
  logPrior: Float64Array;
  hasExamples: Uint8Array;
  keywords: Map<string, Int32Array>;
  kwMaxLen: number;
  kwDocOff: Int32Array;
  kwDocLab: Int32Array;
  kwDocVal: Float64Array;
  tokenize: (text: string) => string[];
  tokCache: Map<string, string[]>;
  accDoc: Float64Array;
  touched: Int32Array;
  scratch: Scratch;
}

/** Per-model work arrays, reused by every prediction (synchronous, so never shared). */
interface Scratch {
  raw: Float64Array;
  knn: Float64Array;
  knnShare: Float64Array;
  knnMax: Float64Array;
  cen: Float64Array;
  cenMain: Float64Array;
  cenFam: Float64Array;
  kwProduct: Float64Array;
  kwName: Float64Array;
  kwScope: Float64Array;
  kwExact: Float64Array;
  cenKw: Float64Array;
  prodVote: Float64Array;
  /** product × label centroid scores (MAX_VOTING_PRODUCTS × L) */
  prodScore: Float64Array;
  anc: Float64Array[];
  ancGroup: Float64Array[];
  topDoc: Int32Array;
  topSim: Float64Array;
  groupShare: Float64Array;
}

/* ================================================================== text features */

const SIG_PRODUCT = 0;
const SIG_NAME = 1;
const SIG_SCOPE = 2;
const SIG_INDUSTRY = 3;
const SIGNALS: Signal[] = ['product', 'name', 'scope', 'industry'];

/** Feature families, for the re-ranker's per-signal centroid scores. */
const FAM_WORD = 0;
const FAM_WHOLE = 1;
const FAM_CHAR = 2;
const FAM_NAME = 3;
const FAM_SCOPE = 4;
const FAM_INDUSTRY = 5;
const N_FAM = 6;

interface Feat {
  v: number;
  /** vocabulary index (prediction only; -1 while training) */
  id: number;
  sig: number;
  /** the item text the term came from (a product name, a name, a scope word) */
  src: string;
  srcV: number;
}

const STRIP = /[\s\p{P}\p{S}]/gu;

/** Lower-cased, without whitespace and punctuation: the form of whole names, n-grams and keywords. */
export function normalizeTerm(s: string): string {
  return s.replace(STRIP, '').toLowerCase();
}

function charNgramsOf(chars: string[], n: number, out: Set<string>): void {
  for (let i = 0; i + n <= chars.length; i++) {
    let g = chars[i];
    for (let j = 1; j < n; j++) g += chars[i + j];
    out.add(g);
  }
}

/** Corporate boilerplate at the end of a name. */
const NAME_NOISE = /(股份有限公司|有限责任公司|有限公司|集团|股份|控股|\(集团\)|（集团）)+$/;

function productFactor(w: number | undefined, f: FeatureOptions): number {
  if (w === undefined || w === null || !Number.isFinite(w)) return f.unweightedFactor;
  if (Math.abs(w - 0.001) < 1e-9) return f.scopeItemFactor;
  if (w <= 0) return f.nonPositiveFactor;
  return f.productBase + f.revenueBoost * Math.min(w, 1);
}

function tokensCached(rt: TokenizerState, text: string): string[] {
  let t = rt.tokCache.get(text);
  if (!t) {
    t = rt.tokenize(text);
    if (rt.tokCache.size > 200_000) rt.tokCache.clear();
    rt.tokCache.set(text, t);
  }
  return t;
}

interface TokenizerState {
  tokenize: (text: string) => string[];
  tokCache: Map<string, string[]>;
}

function addFeat(map: Map<string, Feat>, key: string, v: number, sig: number, src: string, vocab?: Map<string, number>): void {
  if (!(v > 0)) return;
  const f = map.get(key);
  if (!f) {
    let id = -1;
    if (vocab) {
      const known = vocab.get(key);
      if (known === undefined) return;
      id = known;
    }
    map.set(key, { v, id, sig, src, srcV: v });
  }
  else {
    f.v += v;
    if (v > f.srcV) {
      f.srcV = v;
      f.sig = sig;
      f.src = src;
    }
  }
}

/**
 * Raw term weights of one organisation (before IDF). With `vocab`, terms outside it are skipped
 * (prediction: they cannot match anything).
 */
function extractFeatures(text: ItemText, f: FeatureOptions, tok: TokenizerState, vocab?: Map<string, number>): Map<string, Feat> {
  const map = new Map<string, Feat>();
  const grams = new Set<string>();
  for (const p of text.products ?? []) {
    if (!p || typeof p.name !== 'string') continue;
    const display = p.name.trim();
    const norm = normalizeTerm(display);
    const chars = Array.from(norm);
    if (chars.length < 2) continue;
    const factor = productFactor(p.weight, f);
    if (!(factor > 0)) continue;
    if (f.wholeWeight > 0) addFeat(map, 'p:' + norm, factor * f.wholeWeight, SIG_PRODUCT, display, vocab);
    if (f.wordWeight > 0) {
      grams.clear();
      for (const t of tokensCached(tok, display)) grams.add(t);
      for (const t of grams) addFeat(map, 'w:' + t, factor * f.wordWeight, SIG_PRODUCT, display, vocab);
    }
    if (f.charWeight > 0) {
      grams.clear();
      for (const n of f.charNgrams) charNgramsOf(chars, n, grams);
      for (const g of grams) addFeat(map, 'c:' + g, factor * f.charWeight, SIG_PRODUCT, display, vocab);
    }
  }
  const names = [text.name, text.fullName].filter((s): s is string => typeof s === 'string' && s.trim() !== '');
  if (names.length && f.nameWeight > 0) {
    grams.clear();
    const src = new Map<string, string>();
    for (const part of names) {
      for (const piece of part.split(/\s+/)) {
        if (!piece) continue;
        for (const t of tokensCached(tok, piece.replace(NAME_NOISE, ''))) {
          if (f.dropPlaces && isPlace(t)) continue;
          if (!grams.has(t)) src.set(t, piece);
          grams.add(t);
        }
      }
    }
    for (const t of grams) addFeat(map, 'n:' + t, f.nameWeight, SIG_NAME, src.get(t) as string, vocab);
  }
  if (text.name && f.nameCharWeight > 0) {
    for (const piece of text.name.split(/\s+/)) {
      if (!piece) continue;
      grams.clear();
      const chars = Array.from(normalizeTerm(piece.replace(/^\*?st/i, '').replace(NAME_NOISE, '')));
      for (const n of f.nameCharNgrams) charNgramsOf(chars, n, grams);
      for (const g of grams) addFeat(map, 'm:' + g, f.nameCharWeight, SIG_NAME, piece, vocab);
      // the last two characters of a short name often say the trade: 药业, 银行, 电子, 环保
      if (f.nameSuffixWeight > 0 && chars.length >= 3) addFeat(map, 'x:' + chars.slice(-2).join(''), f.nameSuffixWeight, SIG_NAME, piece, vocab);
    }
  }
  if (text.scope && f.scopeWeight > 0) {
    grams.clear();
    for (const t of tok.tokenize(text.scope.slice(0, f.scopeMaxChars))) grams.add(t);
    for (const t of grams) addFeat(map, 'w:' + t, f.scopeWeight, SIG_SCOPE, t, vocab);
  }
  if (text.industryCode && f.industryWeight > 0) {
    const code = text.industryCode.trim().toUpperCase().replace(/[\s.]/g, '');
    for (let i = 1; i <= code.length; i++) {
      addFeat(map, 'i:' + code.slice(0, i), f.industryWeight, SIG_INDUSTRY, code.slice(0, i), vocab);
    }
  }
  if (f.sublinearTf) for (const ft of map.values()) if (ft.v > 1) ft.v = 1 + Math.log(ft.v);
  return map;
}

const placeCache = new Map<string, boolean>();
/** A place name (jieba POS tag 'ns'): 江苏, 深圳市, 铜陵 — noise in company names. */
function isPlace(word: string): boolean {
  let r = placeCache.get(word);
  if (r === undefined) {
    const t = jieba().tag(word, true);
    r = t.length === 1 && t[0].tag === 'ns';
    placeCache.set(word, r);
  }
  return r;
}

function familyOf(key: string, sig: number): number {
  switch (key.charCodeAt(0)) {
    case 112: // p
      return FAM_WHOLE;
    case 99: // c
      return FAM_CHAR;
    case 110: // n
    case 109: // m
    case 120: // x
      return FAM_NAME;
    case 105: // i
      return FAM_INDUSTRY;
    default:
      return sig === SIG_SCOPE ? FAM_SCOPE : FAM_WORD;
  }
}

/** Display form of a feature key (`w:隔膜` → 隔膜). */
const termOf = (key: string): string => key.slice(2);

/* ================================================================== small helpers */

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** L2-normalised sparse vector, sorted by column. */
function sparseFromMap(m: Map<number, number>): { cols: number[]; vals: number[] } {
  const cols = [...m.keys()].sort((a, b) => a - b);
  const vals = cols.map((c) => m.get(c) as number);
  let s = 0;
  for (const v of vals) s += v * v;
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < vals.length; i++) vals[i] = round(vals[i] * inv);
  }
  return { cols, vals };
}

/** Drops entries below `min` (no renormalisation): small entries cost time and size, add little. */
function pruned(v: { cols: number[]; vals: number[] }, min: number): { cols: number[]; vals: number[] } {
  if (!(min > 0)) return v;
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < v.cols.length; i++) {
    if (v.vals[i] >= min) {
      cols.push(v.cols[i]);
      vals.push(v.vals[i]);
    }
  }
  return { cols, vals };
}

/** Stored values are rounded (smaller JSON); the runtime uses exactly the stored values. */
const round = (x: number): number => Math.round(x * 1e7) / 1e7;

function pushRow(csr: Csr, cols: number[], vals: number[]): void {
  for (let i = 0; i < cols.length; i++) {
    csr.cols.push(cols[i]);
    csr.vals.push(vals[i]);
  }
  csr.offsets.push(csr.cols.length);
}

/** Row-major CSR (rows × V) → column-major lists (V × rows). */
function invert(csr: Csr, V: number): { off: Int32Array; row: Int32Array; val: Float64Array } {
  const off = new Int32Array(V + 1);
  for (const c of csr.cols) off[c + 1]++;
  for (let i = 0; i < V; i++) off[i + 1] += off[i];
  const pos = off.slice(0, V);
  const row = new Int32Array(csr.cols.length);
  const val = new Float64Array(csr.cols.length);
  const R = csr.offsets.length - 1;
  for (let r = 0; r < R; r++) {
    for (let j = csr.offsets[r]; j < csr.offsets[r + 1]; j++) {
      const c = csr.cols[j];
      row[pos[c]] = r;
      val[pos[c]] = csr.vals[j];
      pos[c]++;
    }
  }
  return { off, row, val };
}

const ASCII_WORD = /^[a-z0-9]+$/;

/**
 * Deterministic stratified folds: within each label (sorted) a seeded shuffle, then folds are dealt
 * round-robin from a running offset, so each fold gets its share of every label.
 */
export function stratifiedFolds(labels: string[], k: number, seed: number): number[] {
  const rnd = mulberry32(seed);
  const byLabel = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const g = byLabel.get(l);
    if (g) g.push(i);
    else byLabel.set(l, [i]);
  });
  const fold = new Array<number>(labels.length).fill(0);
  let offset = Math.floor(rnd() * k);
  for (const label of [...byLabel.keys()].sort()) {
    const g = byLabel.get(label) as number[];
    for (let i = g.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [g[i], g[j]] = [g[j], g[i]];
    }
    for (const idx of g) {
      fold[idx] = offset;
      offset = (offset + 1) % k;
    }
  }
  return fold;
}

/* ================================================================== training */

function resolveOptions(o: TrainOptions): { features: FeatureOptions; scoring: ScoringOptions } {
  const features = { ...DEFAULT_FEATURES };
  const scoring = { ...DEFAULT_SCORING };
  for (const k of Object.keys(features) as Array<keyof FeatureOptions>) {
    if (o[k] !== undefined) (features as unknown as Record<string, unknown>)[k] = o[k];
  }
  for (const k of Object.keys(scoring) as Array<keyof ScoringOptions>) {
    if (o[k] !== undefined) (scoring as unknown as Record<string, unknown>)[k] = o[k];
  }
  return { features, scoring };
}

const defaultTokenizer = (text: string): string[] => tokenizeForIndex(text);

/**
 * Learns a model from labelled examples and/or `keywordPrior`. Examples without a label are
 * ignored. Deterministic for the same input and options.
 */
export function trainClassifier(examples: TrainingExample[], options: TrainOptions = {}): Model {
  const { features, scoring } = resolveOptions(options);
  const tokenizer = options.tokenizer ?? defaultTokenizer;
  const tok: TokenizerState = { tokenize: tokenizer, tokCache: new Map() };
  const usable = examples.filter((e) => e && typeof e.label === 'string' && e.label !== '' && e.text);
  const raw = usable.map((e) => extractFeatures(e.text, features, tok));
  const kwPrior = options.keywordPrior ?? {};
  const kwRaw = new Map<string, Map<string, Feat>>();
  for (const [label, kws] of Object.entries(kwPrior)) {
    if (!kws?.length) continue;
    kwRaw.set(label, extractFeatures({ products: kws.map((k) => ({ name: k })) }, { ...features, unweightedFactor: 1 }, tok));
  }
  const build = (idx: number[]): SerializedModel =>
    buildBase(
      idx.map((i) => usable[i]),
      idx.map((i) => raw[i]),
      kwRaw,
      features,
      scoring,
      options,
    );

  let reranker: RerankerData | null = null;
  const minEx = options.rerankMinExamples ?? 60;
  if ((options.rerank ?? true) && usable.length >= minEx && new Set(usable.map((e) => e.label)).size >= 2) {
    const K = Math.max(2, options.rerankFolds ?? 5);
    const folds = stratifiedFolds(
      usable.map((e) => e.label),
      K,
      options.seed ?? 17,
    );
    const rows: RerankRow[] = [];
    for (let k = 0; k < K; k++) {
      const trainIdx: number[] = [];
      const holdIdx: number[] = [];
      folds.forEach((f, i) => (f === k ? holdIdx : trainIdx).push(i));
      if (!holdIdx.length || !trainIdx.length) continue;
      const inner = hydrate(build(trainIdx), tokenizer, tok.tokCache);
      for (const i of holdIdx) {
        const s = baseScores(inner, usable[i].text);
        const f = rerankFeatures(inner, s);
        const y = f.cand.indexOf(inner.data.labels.indexOf(usable[i].label));
        rows.push({ x: f.x, y });
      }
    }
    reranker = fitReranker(rows, options.rerankL2 ?? 1e-2);
  }
  const data = build(usable.map((_, i) => i));
  data.reranker = reranker;
  return hydrate(data, tokenizer, tok.tokCache);
}

function buildBase(
  examples: TrainingExample[],
  raw: Array<Map<string, Feat>>,
  kwRaw: Map<string, Map<string, Feat>>,
  features: FeatureOptions,
  scoring: ScoringOptions,
  options: TrainOptions,
): SerializedModel {
  const labelSet = new Set<string>();
  for (const e of examples) labelSet.add(e.label);
  for (const l of kwRaw.keys()) labelSet.add(l);
  const labels = [...labelSet].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const L = labels.length;
  const N = examples.length;

  const df = new Map<string, number>();
  for (const m of raw) for (const k of m.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  for (const m of kwRaw.values()) for (const k of m.keys()) if (!df.has(k)) df.set(k, 0);
  const vocab = [...df.keys()].sort();
  const vocabIndex = new Map(vocab.map((k, i) => [k, i]));
  const V = vocab.length;
  const idf = vocab.map((k) => round(Math.pow(Math.log((N + 1) / ((df.get(k) as number) + 1)) + 1, features.idfPower)));

  const vectorize = (m: Map<string, Feat>): { cols: number[]; vals: number[] } => {
    const mm = new Map<number, number>();
    for (const [k, f] of m) {
      const id = vocabIndex.get(k);
      if (id !== undefined) mm.set(id, f.v * idf[id]);
    }
    return sparseFromMap(mm);
  };

  const exCsr: Csr = { offsets: [0], cols: [], vals: [] };
  const exLabels: number[] = [];
  const labelCounts = new Array<number>(L).fill(0);
  const sums: Array<Map<number, number>> = Array.from({ length: L }, () => new Map());
  for (let i = 0; i < N; i++) {
    const v = vectorize(raw[i]);
    const pv = pruned(v, scoring.examplePrune);
    pushRow(exCsr, pv.cols, pv.vals);
    const li = labelIndex.get(examples[i].label) as number;
    exLabels.push(li);
    labelCounts[li]++;
    const s = sums[li];
    for (let j = 0; j < v.cols.length; j++) s.set(v.cols[j], (s.get(v.cols[j]) ?? 0) + v.vals[j]);
  }

  const cenCsr: Csr = { offsets: [0], cols: [], vals: [] };
  const kwDocCsr: Csr = { offsets: [0], cols: [], vals: [] };
  const masses: Array<Map<number, number>> = [];
  const massNorm: number[] = [];
  for (let l = 0; l < L; l++) {
    const n = labelCounts[l];
    const mass = new Map<number, number>();
    for (const [c, v] of sums[l]) mass.set(c, v / n);
    const kd = kwRaw.get(labels[l]);
    if (kd) {
      const kv = vectorize(kd);
      const w = n > 0 ? scoring.keywordDocWeight : 1;
      for (let j = 0; j < kv.cols.length; j++) mass.set(kv.cols[j], (mass.get(kv.cols[j]) ?? 0) + w * kv.vals[j]);
      pushRow(kwDocCsr, kv.cols, kv.vals);
    } else pushRow(kwDocCsr, [], []);
    let sq = 0;
    for (const v of mass.values()) sq += v * v;
    masses.push(mass);
    massNorm.push(Math.sqrt(sq));
    const c = pruned(sparseFromMap(mass), scoring.centroidPrune);
    pushRow(cenCsr, c.cols, c.vals);
  }

  // Ancestor centroid of group g = normalised S_g, S_g = Σ_{l∈g} n_l · mass_l. Its cosine with a
  // query is Σ_l coef_l · cos(q, centroid_l), coef_l = n_l ‖mass_l‖ / ‖S_g‖: no extra index needed.
  const ancestorLevels: SerializedModel['ancestorLevels'] = [];
  if (options.ancestors) {
    for (let depth = 0; depth < scoring.ancestorWeights.length; depth++) {
      const groupIndex = new Map<string, number>();
      const groupOfLabel = labels.map((l) => {
        const a = options.ancestors?.[l]?.[depth];
        if (!a) return -1;
        let g = groupIndex.get(a);
        if (g === undefined) groupIndex.set(a, (g = groupIndex.size));
        return g;
      });
      if (!groupIndex.size) break;
      const gs: Array<Map<number, number>> = Array.from({ length: groupIndex.size }, () => new Map());
      for (let l = 0; l < L; l++) {
        const g = groupOfLabel[l];
        const n = labelCounts[l];
        if (g < 0 || n === 0) continue;
        const m = gs[g];
        for (const [c, v] of masses[l]) m.set(c, (m.get(c) ?? 0) + n * v);
      }
      const gNorm = gs.map((m) => {
        let sq = 0;
        for (const v of m.values()) sq += v * v;
        return Math.sqrt(sq);
      });
      const coef = labels.map((_, l) => {
        const g = groupOfLabel[l];
        return g < 0 || gNorm[g] === 0 ? 0 : round((labelCounts[l] * massNorm[l]) / gNorm[g]);
      });
      ancestorLevels.push({ groupOfLabel, coef, groups: groupIndex.size });
    }
  }

  const kwMap = new Map<string, Set<number>>();
  for (const [l, kws] of Object.entries(options.keywordPrior ?? {})) {
    const li = labelIndex.get(l);
    if (li === undefined) continue;
    for (const k of kws ?? []) {
      const nk = normalizeTerm(k);
      if (Array.from(nk).length < 2) continue;
      let s = kwMap.get(nk);
      if (!s) kwMap.set(nk, (s = new Set()));
      s.add(li);
    }
  }
  const keywords: Array<[string, number[]]> = [...kwMap.keys()]
    .sort()
    .map((k) => [k, [...(kwMap.get(k) as Set<number>)].sort((a, b) => a - b)]);

  return {
    format: 'chainatlas.attach.classifier',
    version: 2,
    features,
    scoring,
    labels,
    labelCounts,
    vocab,
    idf,
    exampleIds: examples.map((e) => e.id),
    exampleNames: examples.map((e) => (e.text.name || e.text.fullName || e.id).trim().split(/\s+/)[0]),
    exampleLabels: exLabels,
    examples: exCsr,
    centroids: cenCsr,
    ancestorLevels,
    keywords,
    keywordDocs: kwDocCsr,
    reranker: null,
  };
}

/* ================================================================== hydrate / serialise */

function hydrate(data: SerializedModel, tokenizer: (t: string) => string[], tokCache?: Map<string, string[]>): Model {
  const L = data.labels.length;
  const V = data.vocab.length;
  const N = data.exampleIds.length;
  const post = invert(data.examples, V);
  const cen = invert(data.centroids, V);
  const kwDoc = data.keywords.length ? invert(data.keywordDocs, V) : { off: new Int32Array(1), row: new Int32Array(0), val: new Float64Array(0) };
  const total = data.labelCounts.reduce((a, b) => a + b, 0);
  const logPrior = new Float64Array(L);
  const hasExamples = new Uint8Array(L);
  for (let l = 0; l < L; l++) {
    logPrior[l] = Math.log((data.labelCounts[l] + 1) / (total + L));
    hasExamples[l] = data.labelCounts[l] > 0 ? 1 : 0;
  }
  const anc = data.ancestorLevels.map((lv) => ({
    groupOfLabel: Int32Array.from(lv.groupOfLabel),
    G: lv.groups,
    coef: Float64Array.from(lv.coef),
  }));
  const keywords = new Map<string, Int32Array>();
  let kwMaxLen = 0;
  for (const [k, ls] of data.keywords) {
    keywords.set(k, Int32Array.from(ls));
    kwMaxLen = Math.max(kwMaxLen, Array.from(k).length);
  }
  const rt: Runtime = {
    L,
    N,
    vocabIndex: new Map(data.vocab.map((k, i) => [k, i])),
    idf: Float64Array.from(data.idf),
    postOff: post.off,
    postDoc: post.row,
    postVal: post.val,
    exLabel: Int32Array.from(data.exampleLabels),
    exOff: Int32Array.from(data.examples.offsets),
    exCols: Int32Array.from(data.examples.cols),
    exVals: Float64Array.from(data.examples.vals),
    cenOff: cen.off,
    cenLab: cen.row,
    cenVal: cen.val,
    anc,
    logPrior,
    hasExamples,
    keywords,
    kwMaxLen,
    kwDocOff: kwDoc.off,
    kwDocLab: kwDoc.row,
    kwDocVal: kwDoc.val,
    tokenize: tokenizer,
    tokCache: tokCache ?? new Map(),
    accDoc: new Float64Array(N),
    touched: new Int32Array(N),
    scratch: {
      raw: new Float64Array(L),
      knn: new Float64Array(L),
      knnShare: new Float64Array(L),
      knnMax: new Float64Array(L),
      cen: new Float64Array(L),
      cenMain: new Float64Array(L),
      cenFam: new Float64Array(N_FAM * L),
      kwProduct: new Float64Array(L),
      kwExact: new Float64Array(L),
      cenKw: new Float64Array(L),
      prodVote: new Float64Array(L),
      prodScore: new Float64Array(MAX_VOTING_PRODUCTS * L),
      kwName: new Float64Array(L),
      kwScope: new Float64Array(L),
      anc: anc.map(() => new Float64Array(L)),
      ancGroup: anc.map((a) => new Float64Array(a.G)),
      topDoc: new Int32Array(Math.max(1, data.scoring.knnK)),
      topSim: new Float64Array(Math.max(1, data.scoring.knnK)),
      groupShare: new Float64Array(anc.length ? anc[0].G : 0),
    },
  };
  return { data, rt };
}

/** The JSON-compatible form of a model: `JSON.stringify(serializeModel(m))` and back with `loadModel`. */
export function serializeModel(model: Model): SerializedModel {
  return model.data;
}

/** Rebuilds a model from `serializeModel` output (the object, or its JSON text). */
export function loadModel(input: SerializedModel | string, options: { tokenizer?: (text: string) => string[] } = {}): Model {
  const data = (typeof input === 'string' ? JSON.parse(input) : input) as SerializedModel;
  if (!data || data.format !== 'chainatlas.attach.classifier' || data.version !== 2) {
    throw new Error('loadModel: not a chainatlas.attach.classifier v2 model');
  }
  return hydrate(data, options.tokenizer ?? defaultTokenizer);
}

/* ================================================================== base scoring */

interface QueryVec {
  ids: number[];
  vals: number[];
  feats: Feat[];
  keys: string[];
  fams: number[];
  /** 1 for terms whose strongest source is a main product (the largest revenue shares) */
  main: number[];
  /** 1 / norm of the main-product part of the vector (0 if none) */
  mainInv: number;
  /** index (< MAX_VOTING_PRODUCTS) of the product a term mainly came from, -1 for other terms */
  prod: number[];
  /** weight factor of each voting product */
  prodWeight: number[];
}

const MAX_VOTING_PRODUCTS = 64;

/** Display names of the main products: weight ≥ half the largest revenue weight (0.001 = scope items excluded). */
function mainProducts(item: ItemText): Set<string> {
  const out = new Set<string>();
  let max = 0;
  for (const p of item.products ?? []) {
    const w = p?.weight;
    if (typeof w === 'number' && w > 0 && Math.abs(w - 0.001) > 1e-9 && w > max) max = w;
  }
  if (max <= 0) return out;
  for (const p of item.products ?? []) {
    const w = p?.weight;
    if (typeof w === 'number' && w >= max / 2 && typeof p.name === 'string') out.add(p.name.trim());
  }
  return out;
}

function queryVector(model: Model, item: ItemText): QueryVec {
  const { rt, data } = model;
  const m = extractFeatures(item, data.features, rt, rt.vocabIndex);
  const q: QueryVec = { ids: [], vals: [], feats: [], keys: [], fams: [], main: [], mainInv: 0, prod: [], prodWeight: [] };
  const mains = mainProducts(item);
  const prodIndex = new Map<string, number>();
  for (const p of item.products ?? []) {
    if (!p || typeof p.name !== 'string' || prodIndex.size >= MAX_VOTING_PRODUCTS) continue;
    const name = p.name.trim();
    if (prodIndex.has(name)) continue;
    const w = productFactor(p.weight, data.features);
    if (!(w > 0)) continue;
    prodIndex.set(name, prodIndex.size);
    q.prodWeight.push(w);
  }
  let s = 0;
  let sm = 0;
  for (const [k, f] of m) {
    const id = f.id;
    const v = f.v * rt.idf[id];
    q.ids.push(id);
    q.vals.push(v);
    q.feats.push(f);
    q.keys.push(k);
    q.fams.push(familyOf(k, f.sig));
    const isMain = f.sig === SIG_PRODUCT && mains.has(f.src) ? 1 : 0;
    q.main.push(isMain);
    q.prod.push(f.sig === SIG_PRODUCT ? (prodIndex.get(f.src) ?? -1) : -1);
    s += v * v;
    if (isMain) sm += v * v;
  }
  if (sm > 0 && s > 0) q.mainInv = Math.sqrt(s / sm);
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < q.vals.length; i++) q.vals[i] *= inv;
  }
  return q;
}

interface KwHit {
  label: number;
  keyword: string;
  sig: number;
  src: string;
  w: number;
  /** the keyword is the whole text (e.g. the product name is exactly the keyword) */
  exact: boolean;
}

/** Keyword occurrences in the item's texts (substring match; ASCII keywords on word boundaries). */
function keywordHits(model: Model, item: ItemText): KwHit[] {
  const { rt, data } = model;
  if (!rt.keywords.size) return [];
  const hits: KwHit[] = [];
  const seen = new Set<string>();
  const scan = (text: string, sig: number, w: number, src: string | null): void => {
    const chars = Array.from(normalizeTerm(text));
    for (let i = 0; i < chars.length; i++) {
      let sub = chars[i];
      for (let j = i + 1; j < chars.length && j - i < rt.kwMaxLen; j++) {
        sub += chars[j];
        const ls = rt.keywords.get(sub);
        if (!ls) continue;
        if (ASCII_WORD.test(sub)) {
          const before = chars[i - 1];
          const after = chars[j + 1];
          if ((before && /[a-z0-9]/.test(before)) || (after && /[a-z0-9]/.test(after))) continue;
        }
        const key = `${sig}|${sub}|${src ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const exact = i === 0 && j === chars.length - 1;
        for (const l of ls) hits.push({ label: l, keyword: sub, sig, src: src ?? sub, w, exact });
      }
    }
  };
  const f = data.features;
  for (const p of item.products ?? []) {
    if (!p || typeof p.name !== 'string') continue;
    const factor = productFactor(p.weight, f);
    if (factor > 0) scan(p.name, SIG_PRODUCT, factor / (f.productBase + f.revenueBoost), p.name.trim());
  }
  for (const n of [item.name, item.fullName]) if (n) scan(n, SIG_NAME, 0.5, null);
  if (item.scope) scan(item.scope.slice(0, f.scopeMaxChars), SIG_SCOPE, 0.3, null);
  return hits;
}

interface Base {
  q: QueryVec;
  /** base combined score per label */
  raw: Float64Array;
  knn: Float64Array;
  knnShare: Float64Array;
  knnMax: Float64Array;
  knnTop: number;
  cen: Float64Array;
  /** centroid cosine of the main-product part of the vector alone */
  cenMain: Float64Array;
  /** centroid cosine split by feature family: cenFam[fam * L + label] */
  cenFam: Float64Array;
  anc: Float64Array[];
  kwProduct: Float64Array;
  kwName: Float64Array;
  kwScope: Float64Array;
  kwExact: Float64Array;
  cenKw: Float64Array;
  /** revenue-weighted share of the products whose own best-matching label this is */
  prodVote: Float64Array;
  hits: KwHit[];
  neighbours: Array<{ doc: number; sim: number }>;
}

/**
 * Base scores of every label. The arrays live in the model's scratch space and are overwritten by
 * the next call: use the result before scoring another item (everything here is synchronous).
 */
function baseScores(model: Model, item: ItemText): Base {
  const { rt, data } = model;
  const sc = data.scoring;
  const L = rt.L;
  const q = queryVector(model, item);
  const z = rt.scratch;
  z.raw.fill(0);
  z.knn.fill(0);
  z.knnShare.fill(0);
  z.knnMax.fill(0);
  z.cen.fill(0);
  z.cenMain.fill(0);
  z.cenFam.fill(0);
  z.kwProduct.fill(0);
  z.kwExact.fill(0);
  z.cenKw.fill(0);
  z.prodVote.fill(0);
  z.kwName.fill(0);
  z.kwScope.fill(0);
  const { raw, knn, knnShare, knnMax, cen, cenMain, cenFam, kwProduct, kwName, kwScope, kwExact, cenKw, prodVote } = z;
  const prodScore = z.prodScore;
  prodScore.fill(0, 0, q.prodWeight.length * L);
  const neighbours: Array<{ doc: number; sim: number }> = [];
  let knnTop = 0;
  const nq = q.ids.length;

  if (nq && rt.N > 0) {
    const acc = rt.accDoc;
    const touched = rt.touched;
    const postOff = rt.postOff;
    const postDoc = rt.postDoc;
    const postVal = rt.postVal;
    let nt = 0;
    const maxPost = Math.max(20, sc.knnMaxDf * rt.N);
    for (let i = 0; i < nq; i++) {
      const f = q.ids[i];
      const qv = q.vals[i];
      const end = postOff[f + 1];
      // very common terms (long lists, low weights) barely change who the neighbours are
      if (end - postOff[f] > maxPost) continue;
      for (let j = postOff[f]; j < end; j++) {
        const d = postDoc[j];
        if (acc[d] === 0) touched[nt++] = d;
        acc[d] += qv * postVal[j];
      }
    }
    // top K by (similarity desc, example index asc), kept in typed arrays with the current worst slot
    const K = Math.min(sc.knnK, z.topDoc.length);
    const topDoc = z.topDoc;
    const topSim = z.topSim;
    let n = 0;
    let worst = 0;
    for (let t = 0; t < nt; t++) {
      const d = touched[t];
      const sim = acc[d];
      acc[d] = 0;
      if (!(sim > 0)) continue;
      if (n < K) {
        topDoc[n] = d;
        topSim[n] = sim;
        n++;
        if (n === K) {
          worst = 0;
          for (let a = 1; a < n; a++) if (topSim[a] < topSim[worst] || (topSim[a] === topSim[worst] && topDoc[a] > topDoc[worst])) worst = a;
        }
      } else if (sim > topSim[worst] || (sim === topSim[worst] && d < topDoc[worst])) {
        topDoc[worst] = d;
        topSim[worst] = sim;
        worst = 0;
        for (let a = 1; a < n; a++) if (topSim[a] < topSim[worst] || (topSim[a] === topSim[worst] && topDoc[a] > topDoc[worst])) worst = a;
      }
    }
    for (let a = 0; a < n; a++) neighbours.push({ doc: topDoc[a], sim: topSim[a] });
    neighbours.sort((x, y) => y.sim - x.sim || x.doc - y.doc);
    let tot = 0;
    for (const nb of neighbours) {
      const v = sc.knnPower === 2 ? nb.sim * nb.sim : Math.pow(nb.sim, sc.knnPower);
      const l = rt.exLabel[nb.doc];
      knnShare[l] += v;
      if (nb.sim > knnMax[l]) knnMax[l] = nb.sim;
      tot += v;
    }
    knnTop = neighbours.length ? neighbours[0].sim : 0;
    if (tot > 0) {
      for (const nb of neighbours) {
        const l = rt.exLabel[nb.doc];
        if (knn[l] === 0) {
          knnShare[l] /= tot;
          knn[l] = knnShare[l] * knnTop;
        }
      }
    }
  }

  if (nq) {
    const cenOff = rt.cenOff;
    const cenLab = rt.cenLab;
    const cenVal = rt.cenVal;
    for (let i = 0; i < nq; i++) {
      const f = q.ids[i];
      const qv = q.vals[i];
      const base = q.fams[i] * L;
      const end = cenOff[f + 1];
      const mv = q.main[i] ? qv * q.mainInv : 0;
      const pb = q.prod[i] >= 0 ? q.prod[i] * L : -1;
      for (let j = cenOff[f]; j < end; j++) {
        const l = cenLab[j];
        const c = qv * cenVal[j];
        cen[l] += c;
        cenFam[base + l] += c;
        if (mv) cenMain[l] += mv * cenVal[j];
        if (pb >= 0) prodScore[pb + l] += c;
      }
    }
    // each product votes for the label its own terms match best, with its revenue weight
    let wsum = 0;
    for (const w of q.prodWeight) wsum += w;
    for (let p = 0; p < q.prodWeight.length; p++) {
      let best = -1;
      let bestV = 0;
      const o = p * L;
      for (let l = 0; l < L; l++) {
        if (prodScore[o + l] > bestV) {
          bestV = prodScore[o + l];
          best = l;
        }
      }
      if (best >= 0) prodVote[best] += q.prodWeight[p] / wsum;
    }
  }

  for (let l = 0; l < L; l++) raw[l] = sc.knnWeight * knn[l] + sc.centroidWeight * cen[l];

  const anc = z.anc;
  for (let a = 0; a < rt.anc.length; a++) {
    const lv = rt.anc[a];
    const g = z.ancGroup[a];
    g.fill(0);
    for (let l = 0; l < L; l++) {
      const gi = lv.groupOfLabel[l];
      if (gi >= 0 && cen[l] > 0) g[gi] += lv.coef[l] * cen[l];
    }
    const perLabel = anc[a];
    const w = sc.ancestorWeights[a] ?? 0;
    for (let l = 0; l < L; l++) {
      const gi = lv.groupOfLabel[l];
      perLabel[l] = gi < 0 ? 0 : g[gi];
      // the ancestor bonus only re-weights labels that have evidence of their own
      if (raw[l] > 0 && gi >= 0) raw[l] += w * g[gi];
    }
  }

  // cosine with each label's keyword pseudo-document alone
  if (nq && rt.kwDocOff.length > 1) {
    for (let i = 0; i < nq; i++) {
      const f = q.ids[i];
      const qv = q.vals[i];
      for (let j = rt.kwDocOff[f]; j < rt.kwDocOff[f + 1]; j++) cenKw[rt.kwDocLab[j]] += qv * rt.kwDocVal[j];
    }
  }

  const hits = keywordHits(model, item);
  if (hits.length) {
    for (const h of hits) {
      // longer keywords are more specific; a keyword shared by several labels counts less
      const spec = Math.min(1, Array.from(h.keyword).length / 4) / (rt.keywords.get(h.keyword)?.length ?? 1);
      const arr = h.sig === SIG_PRODUCT ? kwProduct : h.sig === SIG_NAME ? kwName : kwScope;
      arr[h.label] += h.w * spec;
      if (h.exact && h.sig === SIG_PRODUCT) kwExact[h.label] += h.w;
    }
    for (let l = 0; l < L; l++) {
      const k = kwProduct[l] + kwName[l] + kwScope[l];
      if (k > 0) raw[l] += sc.keywordWeight * (1 - Math.exp(-k));
    }
  }
  return { q, raw, knn, knnShare, knnMax, knnTop, cen, cenMain, cenFam, anc, kwProduct, kwName, kwScope, kwExact, cenKw, prodVote, hits, neighbours };
}

/** Indices of the (at most) m labels with the highest positive base score, best first (ties: lower index). */
function topByRaw(raw: Float64Array, m: number): number[] {
  const out: number[] = [];
  if (m <= 0) return out;
  let worst = -1;
  for (let l = 0; l < raw.length; l++) {
    const v = raw[l];
    if (!(v > 0)) continue;
    if (out.length < m) {
      out.push(l);
      if (out.length === m) {
        worst = 0;
        for (let a = 1; a < m; a++) if (raw[out[a]] < raw[out[worst]] || (raw[out[a]] === raw[out[worst]] && out[a] > out[worst])) worst = a;
      }
    } else if (v > raw[out[worst]]) {
      out[worst] = l;
      worst = 0;
      for (let a = 1; a < m; a++) if (raw[out[a]] < raw[out[worst]] || (raw[out[a]] === raw[out[worst]] && out[a] > out[worst])) worst = a;
    }
  }
  out.sort((a, b) => raw[b] - raw[a] || a - b);
  return out;
}

/* ================================================================== re-ranker */

const RERANK_FEATURES = [
  'base',
  'base_rel',
  'base_rank_inv',
  'knn',
  'knn_share',
  'knn_max',
  'knn_top',
  'cen',
  'cen_rel',
  'cen_word',
  'cen_whole',
  'cen_char',
  'cen_name',
  'cen_scope',
  'cen_industry',
  'anc1',
  'anc2',
  'anc1_knn_share',
  'log_prior',
  'no_examples',
  'kw_product',
  'kw_name',
  'kw_scope',
  'log_cen',
  'log_knn_share',
  'cen_main',
  'cen_main_rel',
  'kw_exact',
  'cen_kw',
  'prod_vote',
  // interactions: how much to trust one view depends on the others
  'knn_share*knn_top',
  'knn_share*cen_rel',
  'cen_rel*anc2',
  'cen_main_rel*cen_rel',
  'knn_share*cen_main_rel',
  'log_prior*cen_rel',
] as const;
const NF = RERANK_FEATURES.length;
const INTERACTIONS: Array<[number, number]> = RERANK_FEATURES.filter((n) => n.includes('*')).map((n) => {
  const [a, b] = n.split('*');
  return [RERANK_FEATURES.indexOf(a as never), RERANK_FEATURES.indexOf(b as never)];
});

interface RerankRow {
  /** candidates × NF, row-major */
  x: Float64Array;
  /** index of the true label among the candidates, -1 if absent */
  y: number;
}

/** Candidate labels (by base score) and their feature rows. */
function rerankFeatures(model: Model, s: Base): { cand: number[]; x: Float64Array } {
  const { rt, data } = model;
  const L = rt.L;
  const cand = topByRaw(s.raw, data.scoring.candidates);
  const x = new Float64Array(cand.length * NF);
  if (!cand.length) return { cand, x };
  const maxRaw = s.raw[cand[0]];
  let maxCen = 0;
  let maxCenMain = 0;
  for (const l of cand) {
    if (s.cen[l] > maxCen) maxCen = s.cen[l];
    if (s.cenMain[l] > maxCenMain) maxCenMain = s.cenMain[l];
  }
  // kNN share summed over the nearest ancestor group
  let groupShare: Float64Array | null = null;
  const groupOf = rt.anc.length ? rt.anc[0].groupOfLabel : null;
  if (groupOf) {
    groupShare = rt.scratch.groupShare;
    groupShare.fill(0);
    // each neighbour's vote share, summed per group (= knnShare summed over the group's labels)
    const counted = new Set<number>();
    for (const nb of s.neighbours) {
      const l = rt.exLabel[nb.doc];
      if (counted.has(l)) continue;
      counted.add(l);
      const g = groupOf[l];
      if (g >= 0) groupShare[g] += s.knnShare[l];
    }
  }
  cand.forEach((l, r) => {
    const o = r * NF;
    let k = 0;
    x[o + k++] = s.raw[l];
    x[o + k++] = maxRaw > 0 ? s.raw[l] / maxRaw : 0;
    x[o + k++] = 1 / (1 + r);
    x[o + k++] = s.knn[l];
    x[o + k++] = s.knnShare[l];
    x[o + k++] = s.knnMax[l];
    x[o + k++] = s.knnTop;
    x[o + k++] = s.cen[l];
    x[o + k++] = maxCen > 0 ? s.cen[l] / maxCen : 0;
    for (let fam = 0; fam < N_FAM; fam++) x[o + k++] = s.cenFam[fam * L + l];
    x[o + k++] = s.anc[0]?.[l] ?? 0;
    x[o + k++] = s.anc[1]?.[l] ?? 0;
    x[o + k++] = groupShare && groupOf && groupOf[l] >= 0 ? groupShare[groupOf[l]] : 0;
    x[o + k++] = rt.logPrior[l];
    x[o + k++] = rt.hasExamples[l] ? 0 : 1;
    x[o + k++] = 1 - Math.exp(-s.kwProduct[l]);
    x[o + k++] = 1 - Math.exp(-s.kwName[l]);
    x[o + k++] = 1 - Math.exp(-s.kwScope[l]);
    x[o + k++] = Math.log(1e-3 + s.cen[l]);
    x[o + k++] = Math.log(1e-3 + s.knnShare[l]);
    x[o + k++] = s.cenMain[l];
    x[o + k++] = maxCenMain > 0 ? s.cenMain[l] / maxCenMain : 0;
    x[o + k++] = 1 - Math.exp(-s.kwExact[l]);
    x[o + k++] = s.cenKw[l];
    x[o + k++] = s.prodVote[l];
    for (const [a, b] of INTERACTIONS) x[o + k++] = x[o + a] * x[o + b];
  });
  return { cand, x };
}

/** Solves H x = g for a symmetric positive-definite H (Cholesky); null if H is not. */
function solveSymmetric(H: Float64Array, g: Float64Array, n: number): Float64Array | null {
  const Lm = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = H[i * n + j];
      for (let k = 0; k < j; k++) sum -= Lm[i * n + k] * Lm[j * n + k];
      if (i === j) {
        if (!(sum > 1e-12)) return null;
        Lm[i * n + i] = Math.sqrt(sum);
      } else Lm[i * n + j] = sum / Lm[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = g[i];
    for (let k = 0; k < i; k++) sum -= Lm[i * n + k] * y[k];
    y[i] = sum / Lm[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < n; k++) sum -= Lm[k * n + i] * x[k];
    x[i] = sum / Lm[i * n + i];
  }
  return x;
}

/**
 * Conditional logit over the candidates plus a "none" outcome, standardised features, L2 penalty,
 * Newton's method on the mean negative log-likelihood. Deterministic.
 */
function fitReranker(rows: RerankRow[], l2: number): RerankerData | null {
  const usable = rows.filter((r) => r.x.length > 0);
  if (usable.length < 20) return null;
  const mean = new Float64Array(NF);
  const sd = new Float64Array(NF);
  let n = 0;
  for (const r of usable) {
    const C = r.x.length / NF;
    for (let c = 0; c < C; c++) {
      for (let k = 0; k < NF; k++) mean[k] += r.x[c * NF + k];
      n++;
    }
  }
  for (let k = 0; k < NF; k++) mean[k] /= n;
  for (const r of usable) {
    const C = r.x.length / NF;
    for (let c = 0; c < C; c++) for (let k = 0; k < NF; k++) sd[k] += (r.x[c * NF + k] - mean[k]) ** 2;
  }
  for (let k = 0; k < NF; k++) {
    // stored rounded, and used rounded here too, so a loaded model scores exactly the same
    mean[k] = round(mean[k]);
    const v = round(Math.sqrt(sd[k] / n));
    sd[k] = v > 1e-6 ? v : 1;
  }
  const Z = usable.map((r) => {
    const z = new Float64Array(r.x.length);
    for (let i = 0; i < r.x.length; i++) z[i] = (r.x[i] - mean[i % NF]) / sd[i % NF];
    return z;
  });
  // parameters: NF weights + null score
  const P = NF + 1;
  const R = usable.length;
  // mean negative log-likelihood + L2 (not on the "none" score), its gradient and Hessian
  const evaluate = (w: Float64Array, withDerivatives: boolean) => {
    let loss = 0;
    const grad = new Float64Array(P);
    const hess = withDerivatives ? new Float64Array(P * P) : null;
    const pz = new Float64Array(P);
    for (let e = 0; e < R; e++) {
      const z = Z[e];
      const C = z.length / NF;
      const yi = usable[e].y >= 0 ? usable[e].y : C;
      const p = new Float64Array(C + 1);
      let mx = w[NF];
      for (let c = 0; c < C; c++) {
        let v = 0;
        for (let k = 0; k < NF; k++) v += w[k] * z[c * NF + k];
        p[c] = v;
        if (v > mx) mx = v;
      }
      p[C] = w[NF];
      let tot = 0;
      for (let c = 0; c <= C; c++) tot += (p[c] = Math.exp(p[c] - mx));
      for (let c = 0; c <= C; c++) p[c] /= tot;
      loss -= Math.log(Math.max(p[yi], 1e-300));
      if (!withDerivatives || !hess) continue;
      // alternative c has features (z_c, 0); "none" has (0, …, 0, 1)
      pz.fill(0);
      for (let c = 0; c < C; c++) for (let k = 0; k < NF; k++) pz[k] += p[c] * z[c * NF + k];
      pz[NF] = p[C];
      for (let k = 0; k < P; k++) grad[k] += pz[k];
      if (yi < C) for (let k = 0; k < NF; k++) grad[k] -= z[yi * NF + k];
      else grad[NF] -= 1;
      for (let c = 0; c < C; c++) {
        const pc = p[c];
        if (pc < 1e-12) continue;
        const o = c * NF;
        for (let i = 0; i < NF; i++) {
          const a = pc * z[o + i];
          for (let j = 0; j <= i; j++) hess[i * P + j] += a * z[o + j];
        }
      }
      hess[NF * P + NF] += p[C];
      for (let i = 0; i < P; i++) for (let j = 0; j <= i; j++) hess[i * P + j] -= pz[i] * pz[j];
    }
    loss /= R;
    for (let k = 0; k < NF; k++) loss += 0.5 * l2 * w[k] * w[k];
    if (hess) {
      for (let k = 0; k < P; k++) grad[k] = grad[k] / R + (k < NF ? l2 * w[k] : 0);
      for (let i = 0; i < P; i++) {
        for (let j = 0; j <= i; j++) {
          hess[i * P + j] = hess[i * P + j] / R + (i === j ? (i < NF ? l2 : 1e-9) : 0);
          hess[j * P + i] = hess[i * P + j];
        }
      }
    }
    return { loss, grad, hess };
  };
  // Newton's method with backtracking: converges in a few dozen steps, deterministic
  const w = new Float64Array(P);
  let cur = evaluate(w, true);
  for (let it = 0; it < 50; it++) {
    const d = solveSymmetric(cur.hess as Float64Array, cur.grad, P);
    if (!d) break;
    let gd = 0;
    for (let k = 0; k < P; k++) gd += cur.grad[k] * d[k];
    let t = 1;
    let next = null as ReturnType<typeof evaluate> | null;
    const trial = new Float64Array(P);
    while (t > 1e-6) {
      for (let k = 0; k < P; k++) trial[k] = w[k] - t * d[k];
      const f = evaluate(trial, false);
      if (f.loss <= cur.loss - 1e-4 * t * gd) {
        next = f;
        break;
      }
      t /= 2;
    }
    if (!next) break;
    let step = 0;
    for (let k = 0; k < P; k++) step = Math.max(step, Math.abs(trial[k] - w[k]));
    w.set(trial);
    const improved = cur.loss - next.loss;
    cur = evaluate(w, true);
    if (step < 1e-6 || improved < 1e-10) break;
  }
  const ll = -cur.loss;
  // fit report
  let right = 0;
  for (let e = 0; e < usable.length; e++) {
    const z = Z[e];
    const C = z.length / NF;
    let best = -1;
    let bestV = w[NF];
    for (let c = 0; c < C; c++) {
      let v = 0;
      for (let k = 0; k < NF; k++) v += w[k] * z[c * NF + k];
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    if (best >= 0 && best === usable[e].y) right++;
  }
  return {
    featureNames: [...RERANK_FEATURES],
    mean: Array.from(mean),
    sd: Array.from(sd),
    weights: Array.from(w.subarray(0, NF), round),
    nullScore: round(w[NF]),
    fit: { rows: usable.length, logLik: round(ll), top1: round(right / usable.length) },
  };
}

/**
 * Scores of the candidate labels, best first: re-ranker probabilities, or (no re-ranker) the
 * softmax of the base score over all labels for the `limit` best labels with evidence.
 */
function ranked(model: Model, item: ItemText, limit: number): { s: Base; order: Array<{ l: number; p: number }> } {
  const { rt, data } = model;
  const s = baseScores(model, item);
  const rr = data.reranker;
  let order: Array<{ l: number; p: number }>;
  if (rr) {
    const { cand, x } = rerankFeatures(model, s);
    const C = cand.length;
    const sc = new Float64Array(C);
    let mx = rr.nullScore;
    for (let c = 0; c < C; c++) {
      let v = 0;
      for (let k = 0; k < NF; k++) v += rr.weights[k] * ((x[c * NF + k] - rr.mean[k]) / rr.sd[k]);
      sc[c] = v;
      if (v > mx) mx = v;
    }
    let tot = Math.exp(rr.nullScore - mx);
    for (let c = 0; c < C; c++) tot += (sc[c] = Math.exp(sc[c] - mx));
    order = cand.map((l, c) => ({ l, p: sc[c] / tot }));
    order.sort((a, b) => b.p - a.p || s.raw[b.l] - s.raw[a.l] || a.l - b.l);
    if (order.length > limit) order.length = Math.max(0, limit);
  } else {
    const T = data.scoring.temperature;
    let mx = 0;
    for (let l = 0; l < rt.L; l++) if (s.raw[l] > mx) mx = s.raw[l];
    let tot = 0;
    for (let l = 0; l < rt.L; l++) tot += Math.exp((s.raw[l] - mx) / T);
    order = topByRaw(s.raw, limit).map((l) => ({ l, p: Math.exp((s.raw[l] - mx) / T) / tot }));
  }
  return { s, order };
}

/* ================================================================== public prediction API */

/**
 * The k most likely labels, best first, each with its score in [0, 1] and the evidence behind it.
 * Only labels with evidence are returned, so fewer than k may come back (none for an empty item).
 */
export function predict(model: Model, item: ItemText, k = 3): Prediction[] {
  const { s, order } = ranked(model, item, k);
  const ctx: ExplainContext = { qi: null };
  return order.map(({ l, p }) => ({
    label: model.data.labels[l],
    score: clamp01(p),
    evidence: explain(model, s, l, ctx),
  }));
}

/** Like `predict` without the evidence (faster; for evaluation and bulk ranking). */
export function rank(model: Model, item: ItemText, k = 3): Array<{ label: string; score: number }> {
  const { order } = ranked(model, item, k);
  return order.map(({ l, p }) => ({ label: model.data.labels[l], score: clamp01(p) }));
}

/**
 * Scores of every label, aligned with `model.data.labels` (0 for labels without evidence or outside
 * the candidates). For roll-ups, e.g. level-3 → level-1 industries.
 */
export function labelDistribution(model: Model, item: ItemText): Float64Array {
  const { order } = ranked(model, item, model.rt.L);
  const out = new Float64Array(model.rt.L);
  for (const { l, p } of order) out[l] = p;
  return out;
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/* ================================================================== evidence */

const MAX_EVIDENCE = 6;

/** Shared between the labels explained for one item. */
interface ExplainContext {
  /** feature id → position in the query vector */
  qi: Map<number, number> | null;
}

function explain(model: Model, s: Base, l: number, ctx: ExplainContext): Evidence[] {
  const { rt, data } = model;
  const sc = data.scoring;
  const ev: Evidence[] = [];
  // matched terms, through the label's centroid
  const byTerm = new Map<string, Evidence>();
  for (let i = 0; i < s.q.ids.length; i++) {
    const f = s.q.ids[i];
    // the inverted lists are sorted by label: binary search
    let lo = rt.cenOff[f];
    let hi = rt.cenOff[f + 1] - 1;
    let cv = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const x = rt.cenLab[mid];
      if (x === l) {
        cv = rt.cenVal[mid];
        break;
      }
      if (x < l) lo = mid + 1;
      else hi = mid - 1;
    }
    if (cv <= 0) continue;
    const contrib = sc.centroidWeight * s.q.vals[i] * cv;
    const ft = s.q.feats[i];
    const key = s.q.keys[i];
    const term = termOf(key);
    let e: Evidence;
    if (ft.sig === SIG_PRODUCT) {
      e = { signal: 'product', term: ft.src, weight: contrib };
      if (key[0] !== 'p' && ft.src.toLowerCase() !== term) e.via = key[0] === 'c' ? `chars:${term}` : `word:${term}`;
    } else if (ft.sig === SIG_NAME) {
      e = { signal: 'name', term, weight: contrib, via: ft.src };
    } else {
      e = { signal: SIGNALS[ft.sig], term, weight: contrib };
    }
    const mk = `${e.signal}|${e.term}`;
    const prev = byTerm.get(mk);
    if (!prev) byTerm.set(mk, e);
    else {
      if (e.weight > prev.weight) {
        if (e.via !== undefined) prev.via = e.via;
        else delete prev.via;
      }
      prev.weight += e.weight;
    }
  }
  ev.push(...[...byTerm.values()].sort((a, b) => b.weight - a.weight).slice(0, 4));
  // keyword matches
  const seen = new Set<string>();
  for (const h of s.hits) {
    if (h.label !== l) continue;
    const mk = `${h.sig}|${h.keyword}|${h.src}`;
    if (seen.has(mk)) continue;
    seen.add(mk);
    ev.push({ signal: SIGNALS[h.sig], term: h.src, weight: sc.keywordWeight * h.w, via: `keyword:${h.keyword}` });
  }
  // nearest labelled examples of this label
  let tot = 0;
  for (const n of s.neighbours) tot += Math.pow(n.sim, sc.knnPower);
  let shown = 0;
  for (const n of s.neighbours) {
    if (rt.exLabel[n.doc] !== l || shown >= 2) continue;
    shown++;
    if (!ctx.qi) {
      ctx.qi = new Map();
      for (let i = 0; i < s.q.ids.length; i++) ctx.qi.set(s.q.ids[i], i);
    }
    const qi = ctx.qi;
    let best = -1;
    let bestV = 0;
    for (let j = rt.exOff[n.doc]; j < rt.exOff[n.doc + 1]; j++) {
      const i = qi.get(rt.exCols[j]);
      if (i === undefined) continue;
      const v = s.q.vals[i] * rt.exVals[j];
      if (v > bestV) {
        bestV = v;
        best = i;
      }
    }
    ev.push({
      signal: 'example',
      term: best >= 0 ? (s.q.feats[best].sig === SIG_PRODUCT && s.q.keys[best][0] === 'p' ? s.q.feats[best].src : termOf(s.q.keys[best])) : '',
      weight: tot > 0 ? (sc.knnWeight * Math.pow(n.sim, sc.knnPower) * s.knnTop) / tot : 0,
      via: data.exampleNames[n.doc],
    });
  }
  ev.sort((a, b) => b.weight - a.weight);
  return ev.slice(0, MAX_EVIDENCE).map((e) => ({ ...e, weight: Math.round(e.weight * 1e4) / 1e4 }));
}
