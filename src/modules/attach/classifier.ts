/**
 * Attachment engine core (挂链): places an organisation onto the labels of a taxonomy from its name,
 * products, business scope and industry code, learning from labelled examples and/or keyword lists.
 *
 * Pure and dependency-injected: no database, no HTTP, no file access. The tokenizer defaults to the
 * project's jieba segmenter (src/lib/text.ts, domain dictionary) and can be replaced with
 * `options.tokenizer`.
 *
 * ## API
 * - `trainClassifier(examples, options?) → Model`; `options.keywordPrior` (label → keywords) adds
 *   keyword-defined labels, which work with zero examples; `options.ancestors` (label → parents)
 *   lets a taxonomy's hierarchy help rare labels.
 * - `predict(model, item, k) → [{ label, score, evidence[] }]`, best first; `rank` is the same
 *   without evidence; `labelDistribution` gives every label's score (for roll-ups).
 * - `serializeModel(model)` (a JSON-compatible object) and `loadModel(json)`: identical predictions.
 *
 * ## Representation
 * An organisation is a sparse TF-IDF vector (sublinear TF, L2-normalised) over
 * - `w:` jieba search-mode words of product names (business-scope words share this space, lower weight),
 * - `p:` whole product names, `c:` character 1–2-grams of product names (unseen compounds still match),
 * - `n:` words of the short and full name, `m:` character 1–2-grams of the short name, `x:` its last two
 *   characters (药业, 银行, 电子…),
 * - `i:` prefixes of an industry code (`C3841` → C, C3, C38, C384, C3841).
 * A product counts `productBase + revenueBoost · min(weight, 1)`. The weights are noisy, so: exactly
 * 0.001 (an item taken from the business scope) counts `scopeItemFactor`, weight ≤ 0 (eliminations)
 * `nonPositiveFactor`, no weight `unweightedFactor`. The "main products" (weight ≥ half the largest
 * revenue weight) are also scored on their own.
 *
 * ## Scoring (two stages)
 * 1. Base scorers: kNN over the labelled examples (cosine over the rarer terms — a term in more than
 *    `knnMaxDf` of the examples does not decide who is a neighbour —, similarity-weighted vote of the
 *    `knnK` nearest), per-label centroids (Rocchio; a label's keywords are folded in as a
 *    pseudo-document, so keyword-only labels have a centroid too), the centroids of its ancestors
 *    (`ancestors`, e.g. L3 → [L2, L1]) and direct keyword matches (`keywordPrior`) in products, names
 *    and scope. Their weighted sum picks the `candidates` best labels.
 *    Optional (`linear`, off by default): a linear scorer — multinomial logistic regression over the
 *    same example vectors (weights only for the (term, label) pairs seen in training, bias per
 *    label; AdaGrad, `linearEpochs` seeded passes averaged over the second half, L2 `linearL2`);
 *    its probability is added with `linearWeight` to the base score of the labels that have evidence.
 * 2. A stacked re-ranker — a conditional-logit model over ~35 per-(item, label) features of the base
 *    scorers (kNN share and similarities, centroid cosine per signal and for the main products,
 *    ancestor scores, keyword matches, label frequency, a few products of these) — is fitted on
 *    *out-of-fold* base scores (K-fold cross-fitting inside the training examples) and applied on top
 *    of base scorers trained on all examples. It has one extra "none of the candidates" outcome.
 *    With the linear scorer it also gets its probability, log-probability, probability relative to
 *    the best label, inverse rank among all labels, probability × kNN share and the probability
 *    summed over the label's ancestor groups (the linear scorer is trained inside each
 *    cross-fitting fold too, so these are out-of-fold as well).
 *
 * ## Scores and thresholds
 * With the re-ranker, `score` = its softmax probability, fitted by maximum likelihood on
 * out-of-fold data: an estimated probability that the label is the right one (the "none" outcome
 * keeps the mass of labels outside the candidates, so the scores of one item sum to ≤ 1). A
 * threshold of 0.5 therefore means "more likely right than wrong"; eval/attach.ts prints the
 * reliability table (share right per score bin) for chain-kg, where it holds to a few points.
 * With fewer than `rerankMinExamples` examples (e.g. keyword-only taxonomies) there is no re-ranker
 * and `score = softmax(base / temperature)` over all labels: in [0, 1] and monotone in the evidence,
 * but a ranking, not a probability — calibrate a threshold on a few checked items first.
 *
 * ## Evidence
 * Only labels with evidence are returned, and each carries it: the item's products, name words and
 * scope words that matched the label (`signal` product/name/scope/industry; for a product `term` is
 * the product name and `via` the word or characters that matched, or `keyword:<kw>` for a keyword
 * match), and the nearest labelled examples of that label (`signal: 'example'`, `via` = the example's
 * name, `term` = the strongest shared term). `weight` is the contribution to the base score.
 *
 * Prediction is synchronous and reuses per-model scratch arrays: one model must not be used from
 * two threads at once (worker threads each load their own copy).
 *
 * ## Measured
 * `npm run eval:attach -- --folds 5 --no-name-baseline --set …` (chain-kg, Shenwan level 3, seed
 * 20211019, 5-fold mean ± sd; "products" = companies with products, n ≈ 587 per fold; train = mean
 * per fold; pred/s = predict() with evidence, unseen items, wall / CPU, on a shared 2-core machine:
 * ± 20 % between runs).
 * Linear-scorer runs use rate 1, L2 1e-4 unless noted.
 *
 * | options                                                   | products top-1 / top-3  | all top-1 / top-3 | train  | pred/s        |
 * |-----------------------------------------------------------|-------------------------|-------------------|--------|---------------|
 * | defaults                                                  | 57.5 ± 1.1 / 79.1 ± 0.6 | 51.0 / 71.4       | 6.0 s  | 4,393 / 4,433 |
 * | linear, linearWeight 0, 10 passes, last iterate ¹         | 57.1 ± 1.3 / 79.8 ± 0.5 | 50.6 / 72.0       | 23.3 s | 2,679 / 3,079 |
 * | linear, linearWeight 1, 5 passes, last iterate ¹          | 56.9 ± 1.4 / 79.5 ± 0.8 | 50.6 / 71.6       | 16.1 s | 2,779 / 3,275 |
 * | linear, linearWeight 0.3, 6 passes averaged ¹             | 56.8 ± 0.8 / 79.6 ± 0.8 | 50.6 / 71.9       | 12.1 s | 3,384 / 3,335 |
 * | linear (current features ²), linearWeight 0, 6 passes     | 56.9 ± 1.3 / 79.3 ± 1.1 | 50.7 / 71.6       | 13.7 s | 3,319 / 3,366 |
 * | same, rerankL2 0.05                                       | 56.8 ± 0.8 / 79.5 ± 1.1 | 50.5 / 71.6       | 17.8 s | 2,876 / 3,089 |
 * | linear ², linearWeight 0.3, rate 0.5, L2 1e-3, 6 passes   | 57.2 ± 1.0 / 79.2 ± 1.0 | 50.9 / 71.6       | 14.7 s | 3,398 / 3,440 |
 * | knnK 10                                                   | 57.9 ± 1.3 / 79.3 ± 0.9 | 51.4 / 71.6       | 4.8 s  | 4,794 / 4,741 |
 * | knnK 25                                                   | 57.9 ± 1.2 / 79.0 ± 1.1 | 51.4 / 71.4       | 4.9 s  | 4,484 / 4,442 |
 * | candidates 50                                             | 57.6 ± 1.3 / 78.9 ± 0.8 | 51.1 / 71.4       | 8.4 s  | 4,032 / 4,337 |
 * | wordWeight 0.5 (chain-kg options have 0)                  | 57.8 ± 1.2 / 79.1 ± 0.9 | 51.3 / 71.4       | 6.0 s  | 3,129 / 3,054 |
 * | knnK 10, wordWeight 0.5                                   | 57.7 ± 1.4 / 79.3 ± 1.0 | 51.1 / 71.5       | 7.0 s  | 2,896 / 3,021 |
 * | nameWeight 1                                              | 57.4 ± 1.0 / 78.7 ± 0.7 | 50.6 / 70.3       | 4.6 s  | 4,862 / 4,806 |
 * | knnMaxDf 0.03                                             | 56.9 ± 1.4 / 78.6 ± 1.3 | 50.6 / 71.0       | 6.1 s  | 3,896 / 4,218 |
 * | rerankFolds 10                                            | 57.6 ± 0.9 / 79.1 ± 0.9 | 51.1 / 71.4       | 10.7 s | 3,701 / 4,396 |
 * | rerankL2 3e-3                                             | 57.6 ± 1.2 / 79.1 ± 0.8 | 51.1 / 71.4       | 6.7 s  | 4,039 / 4,320 |
 * | rerankL2 0.05                                             | 57.8 ± 1.0 / 79.0 ± 0.9 | 51.2 / 71.2       | 6.5 s  | 5,089 / 5,047 |
 * | industryWeight 2 (chain-kg items have no industry code)   | 57.5 ± 1.1 / 79.1 ± 0.6 | 51.0 / 71.4       | 6.7 s  | 4,157 / 4,345 |
 * | knnPower 1                                                | 57.2 ± 0.9 / 78.8 ± 1.0 | 51.0 / 71.0       | 6.9 s  | 4,831 / 4,780 |
 * | examplePrune 0.01                                         | 57.5 ± 1.1 / 79.1 ± 0.6 | 51.1 / 71.4       | 5.7 s  | 4,879 / 4,872 |
 * | defaults, re-run with the linear scorer's code in (off)   | 57.5 ± 1.1 / 79.1 ± 0.6 | 51.0 / 71.4       | 7.0 s  | 4,167 / 4,437 |
 * | lsa (dim 150, prefixes wpc, lsaWeight 0) ³               | 57.5 ± 1.6 / 78.7 ± 0.7 | 51.1 / 71.2       | 47.3 s | 1,089 / 1,085 |
 * | lsa, lsaDim 100, lsaWeight 0.5                            | 57.4 ± 1.3 / 78.7 ± 0.8 | 51.0 / 71.1       | 16.3 s | 1,568 / 1,562 |
 * | lsa, lsaDim 100, lsaPrefixes pw, lsaWeight 0.3            | 57.7 ± 1.1 / 78.9 ± 0.7 | 51.2 / 71.3       | 10.8 s | 1,762 / 1,753 |
 * | lsa, lsaDim 200, lsaPrefixes pcnmx (names too), weight 0  | 57.6 ± 1.1 / 79.3 ± 1.0 | 51.2 / 71.5       | 42.0 s | 889 / 886     |
 * | lsa, lsaDim 100, lsaWeight 1, lsaK 30                     | 57.5 ± 1.0 / 79.0 ± 0.7 | 51.1 / 71.4       | 15.8 s | 1,611 / 1,605 |
 * ¹ re-ranker without the lin_anc1/lin_anc2 features; ² with them (the code as it is).
 * ³ A latent-semantic (LSA) scorer — truncated SVD (randomized, seeded) of the training examples' whole-product
 * and product-character TF-IDF, kNN in the latent space, its scores in the base score and as 7 re-ranker
 * features, fitted inside the cross-fitting folds — was built, tested and measured, then REMOVED: every
 * variant within ± 0.2 points of the defaults' top-1, and its dense kNN cut predictions to 900–1,800/s.
 * The linear scorer alone (one 80/20 split, no re-ranker) is weaker than the base scorers (L3 top-1 with
 * products 47–49 % vs 50.0 %; a dense variant with weights for every label, 47.1 %) but
 * complementary to them (base + linear, linearWeight 1: 54.1 %); with the re-ranker it adds
 * 0.1–0.7 points of top-3 but loses 0.3–0.7 of top-1 in every variant tried, so it stays off.
 * No setting tried gains more than 0.4 points of top-1 (fold-to-fold sd ≈ 1): defaults unchanged.
 */
import { tokenizeForIndex } from '../../lib/text.ts';

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
  /**
   * Train the linear scorer: a multinomial logistic regression over the example vectors (see
   * "Scoring" above). Its probability is added to the base score (`linearWeight`) and, with the
   * re-ranker, gives it features. Off by default: it did not improve chain-kg (see "Measured").
   */
  linear: boolean;
  /** Base-score weight of the linear scorer's probability (labels with other evidence only). */
  linearWeight: number;
  /** AdaGrad passes over the examples. */
  linearEpochs: number;
  /** AdaGrad learning rate. */
  linearRate: number;
  /** L2 penalty (applied to the weights an example touches). */
  linearL2: number;
  /** Terms in fewer examples than this get no weights. */
  linearMinDf: number;
  /** Weights below this (absolute) are not stored. */
  linearPrune: number;
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
  charWeight: 0.6,
  charNgrams: [1, 2],
  nameWeight: 2,
  nameCharWeight: 1,
  nameCharNgrams: [1, 2],
  nameSuffixWeight: 1,
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
  linear: false,
  linearWeight: 0,
  linearEpochs: 6,
  linearRate: 1,
  linearL2: 1e-4,
  linearMinDf: 2,
  linearPrune: 1e-3,
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

interface LinearData {
  /** vocabulary id of each weight row */
  features: number[];
  /** row r (term features[r]) → label indices (cols) and weights (vals) */
  weights: Csr;
  bias: number[];
  /** last pass: mean log-likelihood and top-1 accuracy on the training examples, as they were scored during it */
  fit: { epochs: number; logLik: number; top1: number };
}

export interface SerializedModel {
  format: 'chainatlas.attach.classifier';
  version: 3;
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
  reranker: RerankerData | null;
  /** the linear scorer (`scoring.linear`), absent or null when off */
  linear?: LinearData | null;
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
  /** character 1-/2-grams of products (c:) and names (m:), as numeric tables: [c1, c2, m1, m2] */
  gramTables: GramTable[];
  /** feature family of each vocabulary term (FAM_WORD terms become FAM_SCOPE when they come from the scope) */
  vocabFam: Int8Array;
  idf: Float64Array;
  postOff: Int32Array;
  postDoc: Int32Array;
  postVal: Float32Array;
  exLabel: Int32Array;
  exOff: Int32Array;
  exCols: Int32Array;
  exVals: Float32Array;
  cenOff: Int32Array;
  cenLab: Int32Array;
  cenVal: Float32Array;
  anc: Array<{ groupOfLabel: Int32Array; G: number; coef: Float64Array }>;
  logPrior: Float64Array;
  hasExamples: Uint8Array;
  keywords: Map<string, Int32Array>;
  /** every prefix of every keyword (including the keywords) */
  kwPrefixes: Set<string>;
  kwMaxLen: number;
  tokenize: (text: string) => string[];
  tokCache: Map<string, string[]>;
  keyCache: Map<string, string[]>;
  /** re-ranker weights with the standardisation folded in: score = rerankB + Σ rerankW·x */
  rerankW: Float64Array | null;
  rerankB: number;
  /** re-ranker feature count (the linear-scorer features are there only with a linear scorer) */
  nf: number;
  /** linear scorer by vocabulary id: weights of term f at linOff[f]..linOff[f+1] (null = off) */
  linOff: Int32Array | null;
  linLab: Int32Array;
  linVal: Float32Array;
  linBias: Float64Array;
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
  lin: Float64Array;
  anc: Float64Array[];
  ancGroup: Float64Array[];
  topDoc: Int32Array;
  topSim: Float64Array;
  groupShare: Float64Array;
  /** per vocabulary term, while extracting one item (all zero in between) */
  featV: Float64Array;
  featSrcV: Float64Array;
  featSig: Int8Array;
  featSrc: string[];
  /** per vocabulary term: its position in the current query vector, -1 otherwise */
  qpos: Int32Array;
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

function codePoints(chars: string[]): number[] {
  return chars.map((c) => c.codePointAt(0) as number);
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

/**
 * The distinct `w:` term keys of a product name, memoised: the same key strings come back each time,
 * so their hashes are computed once.
 */
function wordKeys(rt: TokenizerState, text: string): string[] {
  let keys = rt.keyCache.get(text);
  if (!keys) {
    keys = [...new Set(tokensCached(rt, text))].map((t) => 'w:' + t);
    if (rt.keyCache.size > 200_000) rt.keyCache.clear();
    rt.keyCache.set(text, keys);
  }
  return keys;
}

/** A word the segmenter keeps whole and no product name contains: separates texts in one call. */
const SEP = 'zqxsepzqx';

/**
 * Tokenizes the texts that are not cached yet in one segmenter call (the default jieba tokenizer
 * segments the pieces between non-Chinese characters independently, so this gives the same words as
 * one call per text, with one native call instead of many). Falls back to one call per text when
 * the separators do not come back as expected (e.g. a custom tokenizer).
 */
function prefetchTokens(rt: TokenizerState, texts: string[]): void {
  const todo = [...new Set(texts.filter((t) => !rt.tokCache.has(t)))];
  if (todo.length < 2 || rt.tokenize !== defaultTokenizer) return;
  const tokens = rt.tokenize(todo.join(` ${SEP} `));
  const parts: string[][] = [[]];
  for (const t of tokens) {
    if (t === SEP) parts.push([]);
    else parts[parts.length - 1].push(t);
  }
  if (parts.length !== todo.length) return;
  if (rt.tokCache.size > 200_000) rt.tokCache.clear();
  todo.forEach((t, i) => rt.tokCache.set(t, parts[i]));
}

interface TokenizerState {
  tokenize: (text: string) => string[];
  tokCache: Map<string, string[]>;
  keyCache: Map<string, string[]>;
}

/** Where extracted terms go: a map of every term (training) or the model's vocabulary (prediction). */
interface FeatureSink {
  add(key: string, v: number, sig: number, src: string): void;
  /** a character 1- or 2-gram given as a number (see gramCode): `kind` 0 = product (`c:`), 1 = name (`m:`) */
  addGram(kind: number, n: number, code: number, v: number, sig: number, src: string): void;
}

const GRAM_PREFIX = ['c:', 'm:'];

/** 1-gram: its code point; 2-gram of two BMP characters: both UTF-16 units in one int32; else null. */
function gramCode(cps: number[], i: number, n: number): number | null {
  if (n === 1) return cps[i];
  if (n !== 2) return null;
  const a = cps[i];
  const b = cps[i + 1];
  return a > 0xffff || b > 0xffff ? null : (a << 16) | b;
}

function gramString(n: number, code: number): string {
  return n === 1 ? String.fromCodePoint(code) : String.fromCharCode(code >>> 16, code & 0xffff);
}

/** Open-addressing int32 → id table for the character grams of one kind and length. */
interface GramTable {
  keys: Int32Array;
  vals: Int32Array;
  mask: number;
}

function gramTable(entries: Array<[number, number]>): GramTable {
  let size = 16;
  while (size < entries.length * 2) size *= 2;
  const keys = new Int32Array(size);
  const vals = new Int32Array(size).fill(-1);
  const mask = size - 1;
  for (const [code, id] of entries) {
    let h = Math.imul(code, 0x9e3779b1) & mask;
    while (vals[h] !== -1) h = (h + 1) & mask;
    keys[h] = code;
    vals[h] = id;
  }
  return { keys, vals, mask };
}

function gramLookup(t: GramTable, code: number): number {
  let h = Math.imul(code, 0x9e3779b1) & t.mask;
  for (;;) {
    const v = t.vals[h];
    if (v === -1) return -1;
    if (t.keys[h] === code) return v;
    h = (h + 1) & t.mask;
  }
}

/** Reused by addCharGrams (everything here is synchronous). */
const gramCodes = new Set<number>();
const gramStrs = new Set<string>();

/**
 * Adds the distinct character n-grams of `cps` (code points). 1- and 2-grams go through `addGram`
 * (a numeric lookup at prediction time), longer or non-BMP ones as strings.
 */
function addCharGrams(sink: FeatureSink, kind: number, cps: number[], ns: number[], v: number, sig: number, src: string): void {
  const codes = gramCodes;
  const strs = gramStrs;
  strs.clear();
  for (const n of ns) {
    codes.clear();
    for (let i = 0; i + n <= cps.length; i++) {
      const code = gramCode(cps, i, n);
      if (code !== null) {
        if (codes.has(code)) continue;
        codes.add(code);
        sink.addGram(kind, n, code, v, sig, src);
      } else {
        let g = '';
        for (let j = 0; j < n; j++) g += String.fromCodePoint(cps[i + j]);
        if (strs.has(g)) continue;
        strs.add(g);
        sink.add(GRAM_PREFIX[kind] + g, v, sig, src);
      }
    }
  }
}

/** Collects every term (training: the vocabulary is being built). */
class MapSink implements FeatureSink {
  readonly map = new Map<string, Feat>();
  addGram(kind: number, n: number, code: number, v: number, sig: number, src: string): void {
    this.add(GRAM_PREFIX[kind] + gramString(n, code), v, sig, src);
  }
  add(key: string, v: number, sig: number, src: string): void {
    if (!(v > 0)) return;
    const f = this.map.get(key);
    if (!f) this.map.set(key, { v, sig, src, srcV: v });
    else {
      f.v += v;
      if (v > f.srcV) {
        f.srcV = v;
        f.sig = sig;
        f.src = src;
      }
    }
  }
}

/**
 * Accumulates the terms the model knows straight into its scratch arrays (prediction): no per-item
 * map or objects. `ids` lists them; queryVector reads the arrays and clears them.
 */
class VocabSink implements FeatureSink {
  readonly ids: number[] = [];
  constructor(
    private readonly vocab: Map<string, number>,
    private readonly grams: GramTable[],
    private readonly z: Scratch,
  ) {}
  add(key: string, v: number, sig: number, src: string): void {
    if (!(v > 0)) return;
    const id = this.vocab.get(key);
    if (id !== undefined) this.addId(id, v, sig, src);
  }
  addGram(kind: number, n: number, code: number, v: number, sig: number, src: string): void {
    if (!(v > 0)) return;
    const id = gramLookup(this.grams[kind * 2 + n - 1], code);
    if (id >= 0) this.addId(id, v, sig, src);
  }
  private addId(id: number, v: number, sig: number, src: string): void {
    const z = this.z;
    if (z.featV[id] === 0) {
      this.ids.push(id);
      z.featV[id] = v;
      z.featSrcV[id] = v;
      z.featSig[id] = sig;
      z.featSrc[id] = src;
    } else {
      z.featV[id] += v;
      if (v > z.featSrcV[id]) {
        z.featSrcV[id] = v;
        z.featSig[id] = sig;
        z.featSrc[id] = src;
      }
    }
  }
}

/** Raw term weights of one organisation (before IDF and the sublinear transform), into `sink`. */
function extractInto(sink: FeatureSink, text: ItemText, f: FeatureOptions, tok: TokenizerState): void {
  const grams = new Set<string>();
  // one segmenter call for all the texts of this item that need words
  const toSegment: string[] = [];
  if (f.wordWeight > 0) for (const p of text.products ?? []) if (p && typeof p.name === 'string') toSegment.push(p.name.trim());
  if (f.nameWeight > 0) {
    for (const part of [text.name, text.fullName]) {
      if (typeof part !== 'string') continue;
      for (const piece of part.split(/\s+/)) if (piece) toSegment.push(piece.replace(NAME_NOISE, ''));
    }
  }
  if (toSegment.length > 1) prefetchTokens(tok, toSegment);
  for (const p of text.products ?? []) {
    if (!p || typeof p.name !== 'string') continue;
    const display = p.name.trim();
    const norm = normalizeTerm(display);
    const chars = Array.from(norm);
    if (chars.length < 2) continue;
    const factor = productFactor(p.weight, f);
    if (!(factor > 0)) continue;
    if (f.wholeWeight > 0) sink.add('p:' + norm, factor * f.wholeWeight, SIG_PRODUCT, display);
    if (f.wordWeight > 0) for (const k of wordKeys(tok, display)) sink.add(k, factor * f.wordWeight, SIG_PRODUCT, display);
    if (f.charWeight > 0) addCharGrams(sink, 0, codePoints(chars), f.charNgrams, factor * f.charWeight, SIG_PRODUCT, display);
  }
  const names = [text.name, text.fullName].filter((s): s is string => typeof s === 'string' && s.trim() !== '');
  if (names.length && f.nameWeight > 0) {
    grams.clear();
    const src = new Map<string, string>();
    for (const part of names) {
      for (const piece of part.split(/\s+/)) {
        if (!piece) continue;
        for (const t of tokensCached(tok, piece.replace(NAME_NOISE, ''))) {
          if (!grams.has(t)) src.set(t, piece);
          grams.add(t);
        }
      }
    }
    for (const t of grams) sink.add('n:' + t, f.nameWeight, SIG_NAME, src.get(t) as string);
  }
  if (text.name && f.nameCharWeight > 0) {
    for (const piece of text.name.split(/\s+/)) {
      if (!piece) continue;
      const chars = Array.from(normalizeTerm(piece.replace(/^\*?st/i, '').replace(NAME_NOISE, '')));
      addCharGrams(sink, 1, codePoints(chars), f.nameCharNgrams, f.nameCharWeight, SIG_NAME, piece);
      // the last two characters of a short name often say the trade: 药业, 银行, 电子, 环保
      if (f.nameSuffixWeight > 0 && chars.length >= 3) sink.add('x:' + chars.slice(-2).join(''), f.nameSuffixWeight, SIG_NAME, piece);
    }
  }
  if (text.scope && f.scopeWeight > 0) {
    grams.clear();
    for (const t of tok.tokenize(text.scope.slice(0, f.scopeMaxChars))) grams.add(t);
    for (const t of grams) sink.add('w:' + t, f.scopeWeight, SIG_SCOPE, t);
  }
  if (text.industryCode && f.industryWeight > 0) {
    const code = text.industryCode.trim().toUpperCase().replace(/[\s.]/g, '');
    for (let i = 1; i <= code.length; i++) {
      sink.add('i:' + code.slice(0, i), f.industryWeight, SIG_INDUSTRY, code.slice(0, i));
    }
  }
}

/** tf → 1 + ln tf (for tf > 1). */
const sublinear = (v: number, f: FeatureOptions): number => (f.sublinearTf && v > 1 ? 1 + Math.log(v) : v);

/** Every term of one organisation with its weight before IDF (training). */
function extractFeatures(text: ItemText, f: FeatureOptions, tok: TokenizerState): Map<string, Feat> {
  const sink = new MapSink();
  extractInto(sink, text, f, tok);
  for (const ft of sink.map.values()) ft.v = sublinear(ft.v, f);
  return sink.map;
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

/** Stored values are rounded (smaller JSON); a loaded model is built from the same values, so it predicts identically. */
const round = (x: number): number => Math.round(x * 1e7) / 1e7;

function pushRow(csr: Csr, cols: number[], vals: number[]): void {
  for (let i = 0; i < cols.length; i++) {
    csr.cols.push(cols[i]);
    csr.vals.push(vals[i]);
  }
  csr.offsets.push(csr.cols.length);
}

/** Row-major CSR (rows × V) → column-major lists (V × rows). */
function invert(csr: Csr, V: number): { off: Int32Array; row: Int32Array; val: Float32Array } {
  const off = new Int32Array(V + 1);
  for (const c of csr.cols) off[c + 1]++;
  for (let i = 0; i < V; i++) off[i + 1] += off[i];
  const pos = off.slice(0, V);
  const row = new Int32Array(csr.cols.length);
  const val = new Float32Array(csr.cols.length);
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
  const tok: TokenizerState = { tokenize: tokenizer, tokCache: new Map(), keyCache: new Map() };
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
      const inner = hydrate(build(trainIdx), tokenizer, tok);
      for (const i of holdIdx) {
        const s = baseScores(inner, usable[i].text);
        const f = rerankFeatures(inner, s);
        const y = f.cand.indexOf(inner.data.labels.indexOf(usable[i].label));
        rows.push({ x: f.x, y });
      }
    }
    reranker = fitReranker(rows, options.rerankL2 ?? 1e-2, rerankFeatureNames(scoring.linear));
  }
  const data = build(usable.map((_, i) => i));
  data.reranker = reranker;
  return hydrate(data, tokenizer, tok);
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
  const vecs: Array<{ cols: number[]; vals: number[] }> = [];
  for (let i = 0; i < N; i++) {
    const v = vectorize(raw[i]);
    vecs.push(v);
    const pv = pruned(v, scoring.examplePrune);
    pushRow(exCsr, pv.cols, pv.vals);
    const li = labelIndex.get(examples[i].label) as number;
    exLabels.push(li);
    labelCounts[li]++;
    const s = sums[li];
    for (let j = 0; j < v.cols.length; j++) s.set(v.cols[j], (s.get(v.cols[j]) ?? 0) + v.vals[j]);
  }

  const cenCsr: Csr = { offsets: [0], cols: [], vals: [] };
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
    }
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
    version: 3,
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
    reranker: null,
    ...(scoring.linear && N > 0 ? { linear: trainLinear(vecs, exLabels, L, vocab.length, df, vocab, scoring, options.seed ?? 17) } : {}),
  };
}

/* ================================================================== linear scorer */

/**
 * Multinomial logistic regression over the (unpruned) example vectors, by AdaGrad: a weight for
 * each (term, label) pair where the term occurs in an example of the label (a term only pushes the
 * labels it was seen with, so the model stays sparse — a few weights per term, not one per label)
 * plus a bias per label; softmax over all labels. `linearEpochs` shuffled passes (seeded), L2 on
 * the weights each example touches. Deterministic.
 */
function trainLinear(
  vecs: Array<{ cols: number[]; vals: number[] }>,
  y: number[],
  L: number,
  V: number,
  df: Map<string, number>,
  vocab: string[],
  sc: ScoringOptions,
  seed: number,
): LinearData {
  const N = vecs.length;
  const keep = new Uint8Array(V);
  for (let f = 0; f < V; f++) keep[f] = (df.get(vocab[f]) as number) >= sc.linearMinDf ? 1 : 0;
  // support: the labels each term was seen with
  const seen = new Map<number, Set<number>>();
  for (let i = 0; i < N; i++) {
    for (const f of vecs[i].cols) {
      if (!keep[f]) continue;
      let st = seen.get(f);
      if (!st) seen.set(f, (st = new Set()));
      st.add(y[i]);
    }
  }
  const off = new Int32Array(V + 1);
  for (let f = 0; f < V; f++) off[f + 1] = off[f] + (seen.get(f)?.size ?? 0);
  const P = off[V];
  const lab = new Int32Array(P);
  for (const [f, st] of seen) lab.set([...st].sort((a, b) => a - b), off[f]);
  const W = new Float64Array(P);
  const G = new Float64Array(P);
  const b = new Float64Array(L);
  const Gb = new Float64Array(L);
  const z = new Float64Array(L);
  const rnd = mulberry32(seed * 7919 + 13);
  const order = Array.from({ length: N }, (_, i) => i);
  const eta = sc.linearRate;
  const l2 = sc.linearL2;
  const EPS = 1e-8;
  let logLik = 0;
  let right = 0;
  const epochs = Math.max(1, Math.round(sc.linearEpochs));
  // the weights are averaged over the passes of the second half (smoother than the last iterate)
  const avgFrom = Math.floor(epochs / 2);
  const Wsum = new Float64Array(P);
  const bsum = new Float64Array(L);
  for (let ep = 0; ep < epochs; ep++) {
    for (let i = N - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    logLik = 0;
    right = 0;
    for (const e of order) {
      const { cols, vals } = vecs[e];
      const yi = y[e];
      z.set(b);
      for (let t = 0; t < cols.length; t++) {
        const f = cols[t];
        const x = vals[t];
        for (let j = off[f]; j < off[f + 1]; j++) z[lab[j]] += x * W[j];
      }
      let mx = -Infinity;
      let arg = 0;
      for (let l = 0; l < L; l++) {
        if (z[l] > mx) {
          mx = z[l];
          arg = l;
        }
      }
      if (arg === yi) right++;
      let tot = 0;
      for (let l = 0; l < L; l++) tot += (z[l] = Math.exp(z[l] - mx));
      for (let l = 0; l < L; l++) z[l] /= tot;
      logLik += Math.log(Math.max(z[yi], 1e-300));
      z[yi] -= 1; // z = gradient of -log p_y with respect to the logits
      for (let l = 0; l < L; l++) {
        const g = z[l];
        Gb[l] += g * g;
        b[l] -= (eta * g) / (Math.sqrt(Gb[l]) + EPS);
      }
      for (let t = 0; t < cols.length; t++) {
        const f = cols[t];
        const x = vals[t];
        for (let j = off[f]; j < off[f + 1]; j++) {
          const g = x * z[lab[j]] + l2 * W[j];
          G[j] += g * g;
          W[j] -= (eta * g) / (Math.sqrt(G[j]) + EPS);
        }
      }
    }
    if (ep >= avgFrom) {
      for (let j = 0; j < P; j++) Wsum[j] += W[j];
      for (let l = 0; l < L; l++) bsum[l] += b[l];
    }
  }
  const nAvg = epochs - avgFrom;
  for (let j = 0; j < P; j++) W[j] = Wsum[j] / nAvg;
  for (let l = 0; l < L; l++) b[l] = bsum[l] / nAvg;
  const features: number[] = [];
  const weights: Csr = { offsets: [0], cols: [], vals: [] };
  for (let f = 0; f < V; f++) {
    const cols: number[] = [];
    const vals: number[] = [];
    for (let j = off[f]; j < off[f + 1]; j++) {
      const w = round(W[j]);
      if (Math.abs(w) >= sc.linearPrune) {
        cols.push(lab[j]);
        vals.push(w);
      }
    }
    if (!cols.length) continue;
    features.push(f);
    pushRow(weights, cols, vals);
  }
  return {
    features,
    weights,
    bias: Array.from(b, round),
    fit: { epochs, logLik: round(logLik / Math.max(1, N)), top1: round(right / Math.max(1, N)) },
  };
}

/* ================================================================== hydrate / serialise */

function hydrate(data: SerializedModel, tokenizer: (t: string) => string[], caches?: TokenizerState): Model {
  const L = data.labels.length;
  const V = data.vocab.length;
  const N = data.exampleIds.length;
  const post = invert(data.examples, V);
  const cen = invert(data.centroids, V);
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
  const kwPrefixes = new Set<string>();
  for (const [k, ls] of data.keywords) {
    keywords.set(k, Int32Array.from(ls));
    kwMaxLen = Math.max(kwMaxLen, k.length);
    for (let i = 1; i <= k.length; i++) kwPrefixes.add(k.slice(0, i));
  }
  // linear scorer: rows re-indexed by vocabulary id
  const lin = data.linear ?? null;
  let linOff: Int32Array | null = null;
  let linLab = new Int32Array(0);
  let linVal = new Float32Array(0);
  if (lin) {
    const off = new Int32Array(V + 1);
    const wo = lin.weights.offsets;
    lin.features.forEach((f, r) => (off[f + 1] = wo[r + 1] - wo[r]));
    for (let f = 0; f < V; f++) off[f + 1] += off[f];
    linLab = new Int32Array(off[V]);
    linVal = new Float32Array(off[V]);
    lin.features.forEach((f, r) => {
      for (let j = wo[r]; j < wo[r + 1]; j++) {
        linLab[off[f] + j - wo[r]] = lin.weights.cols[j];
        linVal[off[f] + j - wo[r]] = lin.weights.vals[j];
      }
    });
    linOff = off;
  }
  const rt: Runtime = {
    L,
    N,
    vocabIndex: new Map(data.vocab.map((k, i) => [k, i])),
    gramTables: buildGramTables(data.vocab),
    vocabFam: Int8Array.from(data.vocab, (k) => familyOf(k, SIG_PRODUCT)),
    idf: Float64Array.from(data.idf),
    postOff: post.off,
    postDoc: post.row,
    postVal: post.val,
    exLabel: Int32Array.from(data.exampleLabels),
    exOff: Int32Array.from(data.examples.offsets),
    exCols: Int32Array.from(data.examples.cols),
    exVals: Float32Array.from(data.examples.vals),
    cenOff: cen.off,
    cenLab: cen.row,
    cenVal: cen.val,
    anc,
    logPrior,
    hasExamples,
    keywords,
    kwPrefixes,
    kwMaxLen,
    tokenize: tokenizer,
    tokCache: caches?.tokCache ?? new Map(),
    keyCache: caches?.keyCache ?? new Map(),
    rerankW: data.reranker ? Float64Array.from(data.reranker.weights, (w, k) => w / (data.reranker as RerankerData).sd[k]) : null,
    rerankB: data.reranker ? -data.reranker.weights.reduce((acc, w, k) => acc + (w * (data.reranker as RerankerData).mean[k]) / (data.reranker as RerankerData).sd[k], 0) : 0,
    nf: rerankFeatureNames(!!lin).length,
    linOff,
    linLab,
    linVal,
    linBias: Float64Array.from(lin?.bias ?? []),
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
      kwName: new Float64Array(L),
      kwScope: new Float64Array(L),
      lin: new Float64Array(lin ? L : 0),
      anc: anc.map(() => new Float64Array(L)),
      ancGroup: anc.map((a) => new Float64Array(a.G)),
      topDoc: new Int32Array(Math.max(1, data.scoring.knnK)),
      topSim: new Float64Array(Math.max(1, data.scoring.knnK)),
      groupShare: new Float64Array(anc.length ? anc[0].G : 0),
      featV: new Float64Array(V),
      featSrcV: new Float64Array(V),
      featSig: new Int8Array(V),
      featSrc: new Array<string>(V).fill(''),
      qpos: new Int32Array(V).fill(-1),
    },
  };
  return { data, rt };
}

function buildGramTables(vocab: string[]): GramTable[] {
  const entries: Array<Array<[number, number]>> = [[], [], [], []];
  vocab.forEach((key, id) => {
    const kind = GRAM_PREFIX.indexOf(key.slice(0, 2));
    if (kind < 0) return;
    const cps = codePoints(Array.from(key.slice(2)));
    if (cps.length !== 1 && cps.length !== 2) return;
    const code = gramCode(cps, 0, cps.length);
    if (code === null) return; // non-BMP 2-gram: looked up as a string
    entries[kind * 2 + cps.length - 1].push([code, id]);
  });
  return entries.map(gramTable);
}

/** The JSON-compatible form of a model: `JSON.stringify(serializeModel(m))` and back with `loadModel`. */
export function serializeModel(model: Model): SerializedModel {
  return model.data;
}

/** Rebuilds a model from `serializeModel` output (the object, or its JSON text). */
export function loadModel(input: SerializedModel | string, options: { tokenizer?: (text: string) => string[] } = {}): Model {
  const data = (typeof input === 'string' ? JSON.parse(input) : input) as SerializedModel;
  if (!data || data.format !== 'chainatlas.attach.classifier' || data.version !== 3) {
    throw new Error('loadModel: not a chainatlas.attach.classifier v3 model (retrain it)');
  }
  if (data.reranker && data.reranker.featureNames.join() !== rerankFeatureNames(!!data.linear).join()) {
    throw new Error('loadModel: the re-ranker was fitted on other features (retrain the model)');
  }
  return hydrate(data, options.tokenizer ?? defaultTokenizer);
}

/* ================================================================== base scoring */

interface QueryVec {
  ids: number[];
  vals: number[];
  /** signal of each term's strongest source */
  sigs: number[];
  /** each term's strongest source text (a product name, a name, …) */
  srcs: string[];
  fams: number[];
  /** 1 for terms whose strongest source is a main product (the largest revenue shares) */
  main: number[];
  /** 1 / norm of the main-product part of the vector (0 if none) */
  mainInv: number;
  /** index of the product a term mainly came from (< MAX_PRODUCT_GROUPS), -1 for other terms */
  prod: number[];
}

/** Products beyond this many are not told apart in the evidence grouping. */
const MAX_PRODUCT_GROUPS = 64;

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
  const z = rt.scratch;
  const sink = new VocabSink(rt.vocabIndex, rt.gramTables, z);
  extractInto(sink, item, data.features, rt);
  const q: QueryVec = { ids: sink.ids, vals: [], sigs: [], srcs: [], fams: [], main: [], mainInv: 0, prod: [] };
  const mains = mainProducts(item);
  const prodIndex = new Map<string, number>();
  for (const p of item.products ?? []) {
    if (!p || typeof p.name !== 'string' || prodIndex.size >= MAX_PRODUCT_GROUPS) continue;
    const name = p.name.trim();
    if (!prodIndex.has(name)) prodIndex.set(name, prodIndex.size);
  }
  let s = 0;
  let sm = 0;
  for (const id of q.ids) {
    const v = sublinear(z.featV[id], data.features) * rt.idf[id];
    const sig = z.featSig[id];
    const src = z.featSrc[id];
    z.featV[id] = 0;
    q.vals.push(v);
    q.sigs.push(sig);
    q.srcs.push(src);
    const fam = rt.vocabFam[id];
    q.fams.push(fam === FAM_WORD && sig === SIG_SCOPE ? FAM_SCOPE : fam);
    const isMain = sig === SIG_PRODUCT && mains.has(src) ? 1 : 0;
    q.main.push(isMain);
    q.prod.push(sig === SIG_PRODUCT ? (prodIndex.get(src) ?? -1) : -1);
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
  const scan = (raw: string, sig: number, w: number, src: string | null): void => {
    // by UTF-16 code units (the prefixes are built the same way)
    const text = normalizeTerm(raw);
    const n = text.length;
    for (let i = 0; i < n; i++) {
      let sub = text[i];
      if (!rt.kwPrefixes.has(sub)) continue;
      for (let j = i + 1; j < n && j - i < rt.kwMaxLen; j++) {
        sub += text[j];
        // extend only while some keyword starts with what we have
        if (!rt.kwPrefixes.has(sub)) break;
        const ls = rt.keywords.get(sub);
        if (!ls) continue;
        if (ASCII_WORD.test(sub)) {
          const before = i > 0 ? text[i - 1] : '';
          const after = j + 1 < n ? text[j + 1] : '';
          if (/[a-z0-9]/.test(before) || /[a-z0-9]/.test(after)) continue;
        }
        const key = `${sig}|${sub}|${src ?? ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const exact = i === 0 && j === n - 1;
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
  /** linear scorer: probability of every label (null = no linear scorer) and the largest one */
  lin: Float64Array | null;
  linMax: number;
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

  z.kwName.fill(0);
  z.kwScope.fill(0);
  const { raw, knn, knnShare, knnMax, cen, cenMain, cenFam, kwProduct, kwName, kwScope, kwExact } = z;
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
      for (let j = cenOff[f]; j < end; j++) {
        const l = cenLab[j];
        const c = qv * cenVal[j];
        cen[l] += c;
        cenFam[base + l] += c;
        if (mv) cenMain[l] += mv * cenVal[j];
      }
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

  let lin: Float64Array | null = null;
  let linMax = 0;
  if (rt.linOff) {
    lin = z.lin;
    lin.set(rt.linBias);
    const { linOff, linLab, linVal } = rt;
    for (let i = 0; i < nq; i++) {
      const f = q.ids[i];
      const qv = q.vals[i];
      for (let j = linOff[f]; j < linOff[f + 1]; j++) lin[linLab[j]] += qv * linVal[j];
    }
    let mx = -Infinity;
    for (let l = 0; l < L; l++) if (lin[l] > mx) mx = lin[l];
    let tot = 0;
    for (let l = 0; l < L; l++) tot += (lin[l] = Math.exp(lin[l] - mx));
    for (let l = 0; l < L; l++) lin[l] /= tot;
    linMax = 1 / tot;
    // it re-weights the labels that have evidence of their own
    const w = sc.linearWeight ?? 0;
    if (w) for (let l = 0; l < L; l++) if (raw[l] > 0) raw[l] += w * lin[l];
  }
  return { q, raw, knn, knnShare, knnMax, knnTop, cen, cenMain, cenFam, anc, kwProduct, kwName, kwScope, kwExact, lin, linMax, hits, neighbours };
}

/** Indices of the (at most) m labels with the highest positive base score, best first (ties: lower index). */
function topByRaw(raw: Float64Array, m: number): number[] {
  // min-heap of the best m so far, ordered worst first: lower score, then higher index
  const heap: number[] = [];
  if (m <= 0) return heap;
  const worse = (a: number, b: number) => raw[a] < raw[b] || (raw[a] === raw[b] && a > b);
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let w = i;
      if (l < heap.length && worse(heap[l], heap[w])) w = l;
      if (r < heap.length && worse(heap[r], heap[w])) w = r;
      if (w === i) return;
      [heap[i], heap[w]] = [heap[w], heap[i]];
      i = w;
    }
  };
  for (let l = 0; l < raw.length; l++) {
    if (!(raw[l] > 0)) continue;
    if (heap.length < m) {
      heap.push(l);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i], heap[parent])) break;
        [heap[i], heap[parent]] = [heap[parent], heap[i]];
        i = parent;
      }
    } else if (worse(heap[0], l)) {
      heap[0] = l;
      down(0);
    }
  }
  heap.sort((a, b) => raw[b] - raw[a] || a - b);
  return heap;
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
  // interactions: how much to trust one view depends on the others
  'knn_share*knn_top',
  'knn_share*cen_rel',
  'cen_rel*anc2',
  'cen_main_rel*cen_rel',
  'knn_share*cen_main_rel',
  'log_prior*cen_rel',
] as const;
/** Re-ranker features of the linear scorer (only when the model has one). */
const LINEAR_FEATURES = ['lin_p', 'lin_logp', 'lin_rel', 'lin_rank_inv', 'lin_p*knn_share', 'lin_anc1', 'lin_anc2'] as const;

function rerankFeatureNames(linear: boolean): string[] {
  return linear ? [...RERANK_FEATURES, ...LINEAR_FEATURES] : [...RERANK_FEATURES];
}
const INTERACTIONS: Array<[number, number]> = RERANK_FEATURES.filter((n) => n.includes('*')).map((n) => {
  const [a, b] = n.split('*');
  return [RERANK_FEATURES.indexOf(a as never), RERANK_FEATURES.indexOf(b as never)];
});

interface RerankRow {
  /** candidates × nf, row-major */
  x: Float64Array;
  /** index of the true label among the candidates, -1 if absent */
  y: number;
}

/** Candidate labels (by base score) and their feature rows. */
function rerankFeatures(model: Model, s: Base): { cand: number[]; x: Float64Array } {
  const { rt, data } = model;
  const L = rt.L;
  const cand = topByRaw(s.raw, data.scoring.candidates);
  const NF = rt.nf;
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
  // the linear scorer's probability summed over each ancestor group (level-2 / level-1 industry)
  const linGroup: Float64Array[] = [];
  if (s.lin) {
    for (let a = 0; a < Math.min(2, rt.anc.length); a++) {
      const lv = rt.anc[a];
      const g = rt.scratch.ancGroup[a];
      g.fill(0);
      for (let l = 0; l < L; l++) if (lv.groupOfLabel[l] >= 0) g[lv.groupOfLabel[l]] += s.lin[l];
      linGroup.push(g);
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
    for (const [a, b] of INTERACTIONS) x[o + k++] = x[o + a] * x[o + b];
    if (s.lin) {
      const p = s.lin[l];
      let above = 0;
      for (let m = 0; m < L; m++) if (s.lin[m] > p) above++;
      x[o + k++] = p;
      x[o + k++] = Math.log(1e-4 + p);
      x[o + k++] = s.linMax > 0 ? p / s.linMax : 0;
      x[o + k++] = 1 / (1 + above);
      x[o + k++] = p * s.knnShare[l];
      for (let a = 0; a < 2; a++) {
        const gi = a < linGroup.length ? rt.anc[a].groupOfLabel[l] : -1;
        x[o + k++] = gi >= 0 ? linGroup[a][gi] : 0;
      }
    }
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
function fitReranker(rows: RerankRow[], l2: number, names: string[]): RerankerData | null {
  const NF = names.length;
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
    featureNames: names,
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
    const rw = rt.rerankW as Float64Array;
    const NF = rt.nf;
    for (let c = 0; c < C; c++) {
      let v = rt.rerankB;
      for (let k = 0; k < NF; k++) v += rw[k] * x[c * NF + k];
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
  const ctx: ExplainContext = { qiSet: false };
  const out = order.map(({ l, p }) => ({
    label: model.data.labels[l],
    score: clamp01(p),
    evidence: explain(model, s, l, ctx),
  }));
  if (ctx.qiSet) for (const id of s.q.ids) model.rt.scratch.qpos[id] = -1;
  return out;
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
  /** scratch.qpos holds the query positions (set once, cleared at the end) */
  qiSet: boolean;
}

function explain(model: Model, s: Base, l: number, ctx: ExplainContext): Evidence[] {
  const { rt, data } = model;
  const sc = data.scoring;
  const ev: Evidence[] = [];
  // matched terms, through the label's centroid; the terms of one product are grouped under it
  // group key: the product's index, or signal + term for the other signals (name word, name
  // characters and name suffix that spell the same term are one piece of evidence)
  const groups = new Map<number | string, { w: number; best: number; bestW: number }>();
  const q = s.q;
  for (let i = 0; i < q.ids.length; i++) {
    const f = q.ids[i];
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
    const contrib = sc.centroidWeight * q.vals[i] * cv;
    const key = q.prod[i] >= 0 ? q.prod[i] : `${q.sigs[i]}|${termOf(data.vocab[f])}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { w: contrib, best: i, bestW: contrib });
    else {
      g.w += contrib;
      if (contrib > g.bestW) {
        g.bestW = contrib;
        g.best = i;
      }
    }
  }
  const top = [...groups.values()].sort((a, b) => b.w - a.w || a.best - b.best).slice(0, 4);
  for (const g of top) {
    const sig = q.sigs[g.best];
    const src = q.srcs[g.best];
    const k = data.vocab[q.ids[g.best]];
    const term = termOf(k);
    let e: Evidence;
    if (sig === SIG_PRODUCT) {
      e = { signal: 'product', term: src, weight: g.w };
      if (k[0] !== 'p' && src.toLowerCase() !== term) e.via = k[0] === 'c' ? `chars:${term}` : `word:${term}`;
    } else if (sig === SIG_NAME) {
      e = { signal: 'name', term, weight: g.w, via: src };
    } else {
      e = { signal: SIGNALS[sig], term, weight: g.w };
    }
    ev.push(e);
  }
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
    const qpos = rt.scratch.qpos;
    if (!ctx.qiSet) {
      ctx.qiSet = true;
      for (let i = 0; i < q.ids.length; i++) qpos[q.ids[i]] = i;
    }
    let best = -1;
    let bestV = 0;
    for (let j = rt.exOff[n.doc]; j < rt.exOff[n.doc + 1]; j++) {
      const i = qpos[rt.exCols[j]];
      if (i < 0) continue;
      const v = s.q.vals[i] * rt.exVals[j];
      if (v > bestV) {
        bestV = v;
        best = i;
      }
    }
    ev.push({
      signal: 'example',
      term: best >= 0 ? (q.sigs[best] === SIG_PRODUCT && data.vocab[q.ids[best]][0] === 'p' ? q.srcs[best] : termOf(data.vocab[q.ids[best]])) : '',
      weight: tot > 0 ? (sc.knnWeight * Math.pow(n.sim, sc.knnPower) * s.knnTop) / tot : 0,
      via: data.exampleNames[n.doc],
    });
  }
  ev.sort((a, b) => b.weight - a.weight);
  return ev.slice(0, MAX_EVIDENCE).map((e) => ({ ...e, weight: Math.round(e.weight * 1e4) / 1e4 }));
}
