import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detach } from './csv.ts';

/**
 * Chinese text for search and matching: jieba with the project's domain dictionary
 * (data/dict/domain.dict.txt). Tokens are lower-cased; punctuation and stop words are dropped.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DOMAIN_DICT_PATH = join(ROOT, 'data', 'dict', 'domain.dict.txt');

let instance: Jieba | null = null;

export function jieba(): Jieba {
  if (!instance) {
    instance = Jieba.withDict(dict);
    instance.loadDict(readFileSync(DOMAIN_DICT_PATH));
  }
  return instance;
}

/** Words added at run time, in order (a worker thread's segmenter replays them: addedWords()). */
const added: string[] = [];

/** Adds words to the running segmenter (e.g. chain-node keywords loaded from the database). */
export function addWords(words: string[]): void {
  const fresh = words.map((w) => w.trim()).filter((w) => w.length >= 2 && !/\s/.test(w));
  if (!fresh.length) return;
  jieba().loadDict(Buffer.from(fresh.map((w) => `${w} 20000 n`).join('\n')));
  added.push(...fresh);
  pieceCache.clear(); // segmentation may change with the new words
}

/** The words added with addWords() so far, so that another thread can segment the same way. */
export function addedWords(): string[] {
  return [...added];
}

const STOP = new Set(
  '的 了 和 与 及 或 等 在 是 为 对 从 以 于 其 之 并 也 有 无 各 类 个 中 上 下 内 外 有限公司 有限责任公司 股份有限公司 股份 公司 集团 有限 责任 科技 技术 一般 项目 经营 范围 许可 依法 须经 批准 开展 活动 相关 部门 除外 凭 营业执照 依法自主 销售 服务 生产 制造 研发 开发 咨询 推广 转让 进出口 货物 代理 其他 业务 需要 希望 找到 寻找 寻求 需求 新型 首批 本地 我们 我司 进行 以及 能够 可以 一批 一家 伙伴 合作伙伴 欢迎 联系 目前 计划 用于 左右 以上 以下'.split(
    ' ',
  ),
);

const PUNCT = /^[\s\p{P}\p{S}\d.]+$/u;

function clean(tokens: string[], keepSingle = false): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    const w = t.trim().toLowerCase();
    if (!w || PUNCT.test(w)) continue;
    if (!keepSingle && codePoints(w) < 2) continue;
    out.push(w);
  }
  return out;
}

/** Number of code points, without building an array (a surrogate pair counts once). */
function codePoints(w: string): number {
  if (w.length > 2) return 3; // callers only ask "fewer than 2?"
  if (w.length === 2) return w.charCodeAt(0) >= 0xd800 && w.charCodeAt(0) <= 0xdbff ? 1 : 2;
  return w.length;
}

/** Precise-mode tokens, without stop words (for matching and queries). */
export function tokenize(text: string | null | undefined): string[] {
  if (!text) return [];
  return clean(jieba().cut(text, true)).filter((w) => !STOP.has(w));
}

/** Search-mode tokens (long words and their parts), for indexing. */
export function tokenizeForIndex(text: string | null | undefined): string[] {
  if (!text) return [];
  return clean(jieba().cutForSearch(text, true)).filter((w) => !STOP.has(w));
}

/** Character bigrams of a name, so that any two or more characters of a name find it. */
export function nameBigrams(name: string): string[] {
  const chars = [...name.replace(/[\s\p{P}\p{S}]/gu, '').toLowerCase()];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

/**
 * Characters at which the text can be cut before segmentation without changing the tokens: jieba
 * segments each run of Han characters, Latin letters, digits and + # & . _ % - on its own, and
 * everything else (these punctuation marks and white space) comes out as one-character tokens that
 * clean() drops. So tokens(text) = tokens(piece 1) + tokens(piece 2) + … in the same order.
 */
const PIECE_SEPARATORS = /[，。、；：！？（）【】《》〈〉「」『』“”‘’…—,;:!?()\[\]{}<>"'\s]+/;

/**
 * Index tokens of text pieces, memoised: organisation registers repeat the same 经营范围 items
 * (the SAMR standard wording), product names and sentences, so most pieces are seen before.
 * Bounded; emptied when the dictionary changes (addWords).
 */
const pieceCache = new Map<string, string[]>();
const PIECE_CACHE_MAX = 200_000;

function indexTokensOfPieces(text: string, out: Set<string>): void {
  const whole = pieceCache.get(text); // product names and short items repeat whole
  if (whole) {
    for (const t of whole) out.add(t);
    return;
  }
  for (const piece of text.split(PIECE_SEPARATORS)) {
    if (!piece) continue;
    let toks = pieceCache.get(piece);
    if (!toks) {
      toks = tokenizeForIndex(piece);
      if (pieceCache.size >= PIECE_CACHE_MAX) pieceCache.clear();
      pieceCache.set(detach(piece), toks);
    }
    for (const t of toks) out.add(t);
  }
}

/**
 * The text stored in organizations.search_text (and indexed as to_tsvector('simple', …)):
 * search-mode tokens of names, products and business scope, plus name bigrams. Deduplicated.
 */
export function buildSearchText(parts: {
  names: Array<string | null | undefined>;
  products?: string[];
  scope?: string | null;
  extra?: Array<string | null | undefined>;
}): string {
  const set = new Set<string>();
  for (const n of parts.names) {
    if (!n) continue;
    for (const t of tokenizeForIndex(n)) set.add(t);
    for (const b of nameBigrams(n)) set.add(b);
  }
  for (const p of parts.products ?? []) {
    indexTokensOfPieces(p, set);
    const w = p.trim().toLowerCase();
    if (w.length >= 2 && w.length <= 12 && !/\s/.test(w)) set.add(w);
  }
  if (parts.scope) indexTokensOfPieces(parts.scope.slice(0, 2000), set);
  for (const e of parts.extra ?? []) if (e) indexTokensOfPieces(e, set);
  // tsvector lexemes may not exceed 2 KB; the 'simple' parser also splits on punctuation.
  const out: string[] = [];
  for (const t of set) if (t.length < 100) out.push(t);
  return out.join(' '); // one flat string (a chain of + would be flattened again by every reader)
}

/** The original, uncached buildSearchText (kept to test that the cached one gives the same text). */
export function buildSearchTextUncached(parts: Parameters<typeof buildSearchText>[0]): string {
  const set = new Set<string>();
  for (const n of parts.names) {
    if (!n) continue;
    for (const t of tokenizeForIndex(n)) set.add(t);
    for (const b of nameBigrams(n)) set.add(b);
  }
  for (const p of parts.products ?? []) {
    for (const t of tokenizeForIndex(p)) set.add(t);
    const w = p.trim().toLowerCase();
    if (w.length >= 2 && w.length <= 12 && !/\s/.test(w)) set.add(w);
  }
  if (parts.scope) for (const t of tokenizeForIndex(parts.scope.slice(0, 2000))) set.add(t);
  for (const e of parts.extra ?? []) if (e) for (const t of tokenizeForIndex(e)) set.add(t);
  return [...set].filter((t) => t.length < 100).join(' ');
}

/**
 * Query tokens for plainto_tsquery('simple', …): precise-mode tokens of two or more characters;
 * a one-character query is kept as it is.
 */
export function queryTokens(q: string): string[] {
  const trimmed = q.trim();
  if (!trimmed) return [];
  const toks = tokenize(trimmed);
  if (toks.length) return [...new Set(toks)];
  const w = trimmed.toLowerCase();
  return [w];
}
