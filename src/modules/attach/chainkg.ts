/**
 * Loaders for the chain-kg data set (shared/data/chain-kg, see its README): JSON Lines files of
 * A-share companies, their main products and their Shenwan-2021 level-3 industry.
 *
 * The data-quality rules of that README are applied here, once:
 * - company codes are normalised to `NNNNNN.SH` / `NNNNNN.SZ` (6 digits; `.SH` if the code starts
 *   with 6 or 9, otherwise `.SZ`; lower-case suffixes are accepted);
 * - the industry *name* of company_industry.json is authoritative and is mapped to industry.json by
 *   name (`其他建材Ⅲ` and `其他能源设备Ⅲ`, which have no exact match, keep their own codes 610303 /
 *   630306);
 * - products are cleaned: accounting lines (平衡项目, 分部间抵销, 调整项目, 合计, 未分配…), one-character
 *   names and duplicates are dropped.
 *
 * Pure functions over strings, plus thin `load*` wrappers that read files.
 */
import { readFileSync } from 'node:fs';
import type { TrainingExample, TrainOptions } from './classifier.ts';

export interface ChainKgCompany {
  /** The code exactly as written in company.json (e.g. `301079` or `600373.SH`). */
  rawCode: string;
  /** Normalised code (`301079.SZ`); a code that cannot be normalised stays as written. */
  code: string;
  name: string;
  fullName: string;
  location: string;
  time: string;
}

export interface ChainKgProduct {
  name: string;
  /** rel_weight as given: ~share of revenue; exactly 0.001 = taken from the business scope. */
  weight: number;
}

export interface ChainKgIndustry {
  code: string;
  name: string;
  level: 1 | 2 | 3;
}

export interface ChainKgLabel {
  /** Normalised company code. */
  code: string;
  companyName: string;
  /** Level-3 industry code, resolved from the industry name. */
  industryCode: string;
  industryName: string;
}

export interface IndustryTable {
  byCode: Map<string, ChainKgIndustry>;
  byName: Map<string, ChainKgIndustry>;
  /** Level-3 industries only. */
  level3: ChainKgIndustry[];
}

/* ------------------------------------------------------------------ JSON Lines */

/** Parses JSON Lines text (blank lines ignored). Throws with the line number on a bad line. */
export function parseJsonLines<T = Record<string, unknown>>(text: string, what = 'input'): T[] {
  const out: T[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch (e) {
      throw new Error(`${what}: line ${i + 1} is not valid JSON (${(e as Error).message})`);
    }
  }
  return out;
}

function readJsonLines<T = Record<string, unknown>>(path: string): T[] {
  return parseJsonLines<T>(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), path);
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/* ------------------------------------------------------------------ codes */

/**
 * `301079` → `301079.SZ`, `600373.sh` → `600373.SH`, `900901` → `900901.SH`.
 * Returns '' when the code has no leading 6 digits.
 */
export function normalizeCode(code: string): string {
  const m = /^\s*(\d{6})/.exec(code);
  if (!m) return '';
  const d = m[1];
  return `${d}.${d[0] === '6' || d[0] === '9' ? 'SH' : 'SZ'}`;
}

/** Level of a Shenwan code: xx0000 → 1, xxxx00 → 2, otherwise 3. */
export function industryLevel(code: string): 1 | 2 | 3 {
  if (code.endsWith('0000')) return 1;
  if (code.endsWith('00')) return 2;
  return 3;
}

/** Level-1 code of a Shenwan code (code[0:2] + '0000'). */
export const level1Of = (code: string): string => code.slice(0, 2) + '0000';
/** Level-2 code of a Shenwan code (code[0:4] + '00'). */
export const level2Of = (code: string): string => code.slice(0, 4) + '00';

/* ------------------------------------------------------------------ industries */

/** Names in company_industry.json that have no exact match in industry.json (README): keep the code. */
const NAME_ALIASES: Record<string, string> = {
  其他建材Ⅲ: '610303',
  其他能源设备Ⅲ: '630306',
};

export function parseIndustries(rows: Array<Record<string, unknown>>): IndustryTable {
  const byCode = new Map<string, ChainKgIndustry>();
  const byName = new Map<string, ChainKgIndustry>();
  for (const r of rows) {
    const code = str(r.code).trim();
    const name = str(r.name).trim();
    if (!/^\d{6}$/.test(code) || !name) continue;
    const ind: ChainKgIndustry = { code, name, level: industryLevel(code) };
    byCode.set(code, ind);
    if (!byName.has(name)) byName.set(name, ind);
  }
  const level3 = [...byCode.values()].filter((i) => i.level === 3);
  return { byCode, byName, level3 };
}

export function loadIndustries(path: string): IndustryTable {
  return parseIndustries(readJsonLines(path));
}

/**
 * Resolves a company_industry (code, name) pair to an industry.json entry: by name first
 * (authoritative), then the two README aliases, then by code as a last resort.
 */
export function resolveIndustry(table: IndustryTable, code: string, name: string): ChainKgIndustry | undefined {
  const n = name.trim();
  const byName = table.byName.get(n);
  if (byName) return byName;
  const alias = NAME_ALIASES[n];
  if (alias && table.byCode.has(alias)) return table.byCode.get(alias);
  return table.byCode.get(code.trim());
}

/**
 * Level-3 industry → keywords for the classifier's `keywordPrior`: the industry's own name, without
 * the Ⅲ/Ⅱ level marks (锂电池, 白酒, 光伏电池组件…). This is the taxonomy's label text, available for
 * every label; it lets the engine match a product that names its industry outright.
 */
export function industryKeywords(table: IndustryTable): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const ind of table.level3) {
    const name = ind.name.replace(/[ⅠⅡⅢ]+$/u, '').trim();
    if ([...name].length >= 2) out[ind.code] = [name];
  }
  return out;
}

/** Level-3 industry → [level-2, level-1] codes, for the classifier's `ancestors`. */
export function industryAncestors(table: IndustryTable): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const ind of table.level3) out[ind.code] = [level2Of(ind.code), level1Of(ind.code)];
  return out;
}

/**
 * The engine options for Shenwan industries on chain-kg (used by `chain-atlas classify` and
 * eval/attach.ts): the taxonomy's hierarchy and label names, and character 1–2-grams of product
 * names instead of jieba words — measured on 5-fold cross-validation, words add nothing on top of
 * the characters here (57.3 ± 0.8 vs 57.5 ± 1.1 % level-3 top-1) and cost a third of the
 * prediction time (one segmenter call per organisation).
 */
export function chainKgTrainOptions(table: IndustryTable): TrainOptions {
  return {
    ancestors: industryAncestors(table),
    keywordPrior: industryKeywords(table),
    wordWeight: 0,
    charWeight: 1,
  };
}

/* ------------------------------------------------------------------ companies */

export function parseCompanies(rows: Array<Record<string, unknown>>): ChainKgCompany[] {
  const out: ChainKgCompany[] = [];
  for (const r of rows) {
    const rawCode = str(r.code).trim();
    if (!rawCode) continue;
    // a code without 6 leading digits cannot be normalised: it stays as written (and matches no label)
    const code = normalizeCode(rawCode) || rawCode;
    out.push({
      rawCode,
      code,
      name: str(r.name).trim(),
      fullName: str(r.fullname).trim(),
      location: str(r.location).trim(),
      time: str(r.time).trim(),
    });
  }
  return out;
}

export function loadCompanies(path: string): ChainKgCompany[] {
  return parseCompanies(readJsonLines(path));
}

/**
 * Groups company rows by normalised code, in first-seen order. 53 codes appear on several rows
 * (mostly renamed companies under old and new names, a few plain errors): a group keeps all its
 * rows, and callers merge their names.
 */
export function groupCompanies(companies: ChainKgCompany[]): Map<string, ChainKgCompany[]> {
  const groups = new Map<string, ChainKgCompany[]>();
  for (const c of companies) {
    const g = groups.get(c.code);
    if (g) g.push(c);
    else groups.set(c.code, [c]);
  }
  return groups;
}

/* ------------------------------------------------------------------ products */

/** Accounting and bookkeeping lines that appear as "products" in segment tables. */
const ACCOUNTING = [
  /抵销|抵减|抵消/, // 分部间抵销, 内部抵销数, 分部间相互抵减 …
  /^(平衡项目|调整项目?|调整|合计|总计|小计|补充信息|非主营业务|主营业务|主营|其他|其它)$/,
  /(合计|小计|总计)$/,
  /^未分配/,
  /^其[他它](业务|收入|项目|产品|行业|主营业务|业务收入|营业收入|业)?$/,
  /^(营业收入|营业成本|主营业务收入|其他业务收入|利息|租金)$/,
];

export function isAccountingLine(name: string): boolean {
  return ACCOUNTING.some((re) => re.test(name));
}

/** Product name as compared and stored: trimmed, inner whitespace removed, ASCII lower-cased. */
export function normalizeProductName(name: string): string {
  return name.replace(/\s+/g, '').replace(/[A-Z]/g, (c) => c.toLowerCase()).trim();
}

/**
 * Cleans one company's product rows: drops accounting lines, names shorter than two characters
 * and non-finite weights; merges duplicates (the highest weight wins). Order: weight descending.
 */
export function cleanProducts(rows: Array<{ name: string; weight: number }>): ChainKgProduct[] {
  const best = new Map<string, ChainKgProduct>();
  for (const r of rows) {
    const display = r.name.replace(/\s+/g, '').trim();
    if ([...display].length < 2) continue;
    if (isAccountingLine(display)) continue;
    const key = normalizeProductName(display);
    const w = Number.isFinite(r.weight) ? r.weight : 0;
    const prev = best.get(key);
    if (!prev || w > prev.weight) best.set(key, { name: display, weight: w });
  }
  return [...best.values()].sort((a, b) => b.weight - a.weight);
}

/** company_product rows → normalised company code → cleaned products. */
export function parseCompanyProducts(rows: Array<Record<string, unknown>>): Map<string, ChainKgProduct[]> {
  const raw = new Map<string, Array<{ name: string; weight: number }>>();
  for (const r of rows) {
    const code = normalizeCode(str(r.company_code));
    const name = str(r.product_name);
    if (!code || !name) continue;
    const w = typeof r.rel_weight === 'number' ? r.rel_weight : Number(r.rel_weight);
    let list = raw.get(code);
    if (!list) raw.set(code, (list = []));
    list.push({ name, weight: w });
  }
  const out = new Map<string, ChainKgProduct[]>();
  for (const [code, list] of raw) {
    const clean = cleanProducts(list);
    if (clean.length) out.set(code, clean);
  }
  return out;
}

export function loadCompanyProducts(path: string): Map<string, ChainKgProduct[]> {
  return parseCompanyProducts(readJsonLines(path));
}

/* ------------------------------------------------------------------ labels */

export interface LabelLoadReport {
  labels: Map<string, ChainKgLabel>;
  /** Rows whose code disagreed with the name and were resolved by name. */
  resolvedByName: number;
  /** Rows whose industry could not be resolved at all (dropped). */
  unresolved: number;
  /** Codes labelled more than once with different industries (first kept). */
  conflicts: number;
}

/** company_industry rows → normalised company code → level-3 label (industry name authoritative). */
export function parseCompanyIndustries(rows: Array<Record<string, unknown>>, table: IndustryTable): LabelLoadReport {
  const labels = new Map<string, ChainKgLabel>();
  let resolvedByName = 0;
  let unresolved = 0;
  let conflicts = 0;
  for (const r of rows) {
    const code = normalizeCode(str(r.company_code));
    if (!code) continue;
    const given = str(r.industry_code).trim();
    const ind = resolveIndustry(table, given, str(r.industry_name));
    if (!ind) {
      unresolved++;
      continue;
    }
    if (ind.code !== given) resolvedByName++;
    const prev = labels.get(code);
    if (prev) {
      if (prev.industryCode !== ind.code) conflicts++;
      continue;
    }
    labels.set(code, {
      code,
      companyName: str(r.company_name).trim(),
      industryCode: ind.code,
      industryName: ind.name,
    });
  }
  return { labels, resolvedByName, unresolved, conflicts };
}

export function loadCompanyIndustries(path: string, table: IndustryTable): LabelLoadReport {
  return parseCompanyIndustries(readJsonLines(path), table);
}

/* ------------------------------------------------------------------ assembling */

export interface ChainKgData {
  industries: IndustryTable;
  companies: ChainKgCompany[];
  groups: Map<string, ChainKgCompany[]>;
  products: Map<string, ChainKgProduct[]>;
  labels: Map<string, ChainKgLabel>;
}

export interface ChainKgPaths {
  companies: string;
  products: string;
  labels: string;
  industries: string;
}

export function loadChainKg(paths: ChainKgPaths): ChainKgData {
  const industries = loadIndustries(paths.industries);
  const companies = loadCompanies(paths.companies);
  return {
    industries,
    companies,
    groups: groupCompanies(companies),
    products: loadCompanyProducts(paths.products),
    labels: loadCompanyIndustries(paths.labels, industries).labels,
  };
}

/** Standard file names inside a chain-kg directory. */
export function chainKgPaths(dir: string): ChainKgPaths {
  const j = (f: string) => `${dir.replace(/\/+$/, '')}/${f}`;
  return {
    companies: j('company.json'),
    products: j('company_product.json'),
    labels: j('company_industry.json'),
    industries: j('industry.json'),
  };
}

/**
 * The classifier input of one company: the names of all its company.json rows (renamed
 * companies keep old and new names; the label file's company_name is added when it differs), and
 * its cleaned products.
 */
export function companyText(
  code: string,
  data: Pick<ChainKgData, 'groups' | 'products' | 'labels'>,
): TrainingExample['text'] {
  const rows = data.groups.get(code) ?? [];
  const names = new Set<string>();
  const fullNames = new Set<string>();
  for (const r of rows) {
    if (r.name) names.add(r.name);
    if (r.fullName) fullNames.add(r.fullName);
  }
  const labelName = data.labels.get(code)?.companyName;
  if (labelName) names.add(labelName);
  const products = data.products.get(code) ?? [];
  return {
    name: [...names].join(' '),
    fullName: [...fullNames].join(' '),
    products: products.map((p) => ({ name: p.name, weight: p.weight })),
  };
}

/** Training examples (label = level-3 industry code) for the given normalised codes. */
export function labelledExamples(codes: Iterable<string>, data: ChainKgData): TrainingExample[] {
  const out: TrainingExample[] = [];
  for (const code of codes) {
    const l = data.labels.get(code);
    if (!l) continue;
    out.push({ id: code, label: l.industryCode, text: companyText(code, data) });
  }
  return out;
}
