/**
 * Access to the chain-kg data set (shared/data/chain-kg, GitHub liuhuanyong/ChainKnowledgeGraph —
 * no licence, see data/README.md) and its province join (shared/data/listed-companies/
 * chainkg_company_region.csv), with the identity checks its known defects call for.
 */
import { join } from 'node:path';
import { readCsv, readJsonLines } from './io.ts';
import { cleanProducts, type WeightedProduct } from './products.ts';

/** chain-kg README rule: 6 digits, then .SH if the code starts with 6 or 9, otherwise .SZ. */
export function normalizeCode(raw: string): string {
  const digits = raw.replace(/\D/g, '').slice(0, 6);
  if (digits.length !== 6) throw new Error(`chain-kg: bad company code ${JSON.stringify(raw)}`);
  return `${digits}.${digits[0] === '6' || digits[0] === '9' ? 'SH' : 'SZ'}`;
}

/** One row of chainkg_company_region.csv (= one row of chain-kg company.json, same order). */
export interface ChainKgCompany {
  line: number; // 1-based data line in company.json / chainkg_company_region.csv
  code: string; // normalized
  name: string; // chain-kg short name (as of 2021)
  fullname: string;
  area: string; // Tushare province short name, '' when unknown
  stockBasicName: string; // Tushare's current short name for the code, '' when not matched
}

export interface ChainKg {
  companies: ChainKgCompany[];
  byCode: Map<string, ChainKgCompany[]>; // rows per normalized code, in file order
  products: Map<string, WeightedProduct[]>; // raw company → product rows per normalized code
  /** Shenwan-2021 level-3 industry name per code (held-out companies are absent). */
  swIndustry: Map<string, string>;
}

export function loadChainKg(sharedDir: string): ChainKg {
  const kgDir = join(sharedDir, 'chain-kg');
  const raw = readJsonLines<{ name: string; fullname: string; code: string }>(join(kgDir, 'company.json'));
  const region = readCsv(join(sharedDir, 'listed-companies', 'chainkg_company_region.csv'));
  if (raw.length !== region.length) throw new Error(`chain-kg: company.json has ${raw.length} rows, the region join ${region.length}`);
  const companies: ChainKgCompany[] = region.map((r, i) => {
    const src = raw[i];
    // The join file is documented as one row per company.json row; hold it to that.
    if (normalizeCode(src.code) !== r.company_code || src.name !== r.name || src.fullname !== r.fullname) {
      throw new Error(`chain-kg: region row ${i + 1} (${r.company_code} ${r.name}) does not match company.json (${src.code} ${src.name})`);
    }
    return {
      line: i + 1,
      code: r.company_code,
      name: r.name.trim(),
      fullname: r.fullname.trim(),
      area: r.area.trim(),
      stockBasicName: r.stock_basic_name.trim(),
    };
  });
  const byCode = new Map<string, ChainKgCompany[]>();
  for (const c of companies) {
    const list = byCode.get(c.code);
    if (list) list.push(c);
    else byCode.set(c.code, [c]);
  }

  const products = new Map<string, WeightedProduct[]>();
  for (const r of readJsonLines<{ company_code: string; product_name: string; rel_weight: number }>(join(kgDir, 'company_product.json'))) {
    const code = normalizeCode(r.company_code);
    const list = products.get(code);
    const item = { name: r.product_name, weight: Number(r.rel_weight) };
    if (list) list.push(item);
    else products.set(code, [item]);
  }

  // Shenwan L3 names: company_industry's industry_name is authoritative (its codes are sometimes
  // wrong); two names differ from industry.json and map to its spelling (chain-kg README).
  const swNames = new Set(
    readJsonLines<{ code: string; name: string }>(join(kgDir, 'industry.json'))
      .filter((i) => !i.code.endsWith('00'))
      .map((i) => i.name),
  );
  const SW_ALIASES: Record<string, string> = { 其他建材Ⅲ: '其他建材', 其他能源设备Ⅲ: '其他电源设备Ⅲ' };
  const swIndustry = new Map<string, string>();
  for (const r of readJsonLines<{ company_code: string; industry_name: string }>(join(kgDir, 'company_industry.json'))) {
    const name = SW_ALIASES[r.industry_name] ?? r.industry_name;
    if (!swNames.has(name)) throw new Error(`chain-kg: industry name ${r.industry_name} is not a Shenwan level-3 name`);
    const code = normalizeCode(r.company_code);
    const prev = swIndustry.get(code);
    if (prev && prev !== name) throw new Error(`chain-kg: ${code} has two industries (${prev}, ${name})`);
    swIndustry.set(code, name);
  }
  return { companies, byCode, products, swIndustry };
}

// ---------------------------------------------------------------------------------------------
// Identity checks. chain-kg has codes shared by several rows (renamed companies under old and new
// full names, and plain errors such as 龙软科技 carrying ten other companies' full names), and many
// companies were renamed after its 2021 snapshot. A full name is only used when it fits the name
// the company goes by.

/** A stock short name without trading-status decorations (*ST, ST, PT, -U/-W, A/B share letters, 退). */
export function bareShortName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/-[A-Z]+$/, '')
    .replace(/^(S\*ST|\*ST|SST|ST|PT|S)(?=[\p{Script=Han}A-Z])/u, '')
    .replace(/^退市/, '')
    .replace(/(?<=\p{Script=Han})(A|B|B股|退)$/u, '')
    .toUpperCase();
}

const isSubsequence = (needle: string, hay: string) => {
  const n = [...needle];
  let i = 0;
  for (const ch of hay) if (i < n.length && ch === n[i]) i++;
  return i === n.length;
};

/** Two short names denote the same name (one is an abbreviation of the other: *ST东易 ~ 东易日盛). */
export function sameShortName(a: string, b: string): boolean {
  const x = bareShortName(a);
  const y = bareShortName(b);
  if (!x || !y) return x === y;
  return x === y || isSubsequence(x, y) || isSubsequence(y, x);
}

const GENERIC_WORDS = ['科技', '股份', '集团', '控股', '实业', '发展', '国际', '投资', '技术', '有限', '公司', '中国'];

/**
 * Whether a full name plausibly belongs to a short name: at least half of the short name's
 * distinctive characters (company-form words such as 科技/股份/集团 removed) occur in the full
 * name. Accepts 沪农商行 → 上海农村商业银行…, 中科曙光 → 曙光信息产业…; rejects 龙软科技 →
 * 中国交通建设股份有限公司, 京源环保 → 大连港股份有限公司.
 */
export function fullNameFits(shortName: string, fullName: string): boolean {
  let s = bareShortName(shortName);
  for (const w of GENERIC_WORDS) s = s.split(w).join('');
  const chars = [...new Set(s)];
  if (!chars.length) return true;
  const full = fullName.normalize('NFKC').toUpperCase();
  return chars.filter((c) => full.includes(c)).length / chars.length >= 0.5;
}

export interface ResolvedIdentity {
  /** The chain-kg full name, when it fits the company's current short name. */
  fullName: string | null;
  /** Chain-kg row whose identity matches the current name (source of fullName). */
  row: ChainKgCompany | null;
  /** Former names: chain-kg (short, full) of a company renamed since, when self-consistent. */
  formerNames: string[];
  /** The code has chain-kg rows describing this company (current or former name). */
  known: boolean;
  /** Rows that carry another company's identity (logged as data problems). */
  rejected: ChainKgCompany[];
}

export function resolveIdentity(rows: readonly ChainKgCompany[], currentName: string): ResolvedIdentity {
  const current = rows.filter((r) => sameShortName(r.name, currentName) && fullNameFits(currentName, r.fullname));
  const renamed = rows.filter((r) => !sameShortName(r.name, currentName) && fullNameFits(r.name, r.fullname));
  const rejected = rows.filter((r) => !current.includes(r) && !renamed.includes(r));
  const currentFull = current[0]?.fullname;
  const formerNames = [...new Set(renamed.flatMap((r) => [r.fullname, r.name]))].filter((n) => n !== currentFull);
  return {
    fullName: current[0]?.fullname ?? null,
    row: current[0] ?? null,
    formerNames,
    known: current.length > 0 || renamed.length > 0,
    rejected,
  };
}

export function productsFor(kg: ChainKg, code: string, cap: number): string[] {
  return cleanProducts(kg.products.get(code) ?? [], cap);
}
