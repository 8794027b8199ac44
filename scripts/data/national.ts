/**
 * data/demo/national-companies.json: chain-kg companies registered OUTSIDE 京津冀 — candidate
 * targets for 招商 (attracting investment). One record per normalized stock code.
 *
 * Province: the `area` of listed-companies/chainkg_company_region.csv (Tushare's province short name;
 * 深圳 is listed apart from 广东). Rows without an area (mostly delisted since 2021) are skipped.
 * swIndustry comes from chain-kg company_industry.json, from which the held-out labels were removed;
 * those companies simply have null here and nothing else fills it.
 */
import { join } from 'node:path';
import { productsFor, resolveIdentity, type ChainKg } from './chainkg.ts';
import { cmp, readCsv } from './io.ts';
import type { NationalCompany } from './schemas.ts';

const REGION_AREAS = new Set(['北京', '天津', '河北']);
const MAX_PRODUCTS = 20;

export interface NationalResult {
  companies: NationalCompany[];
  stats: Record<string, number>;
  /** Codes with chain-kg rows whose names do not fit the company (those rows are not used). */
  problems: string[];
}

export function buildNationalCompanies(sharedDir: string, kg: ChainKg): NationalResult {
  const provinceCodeOf = provinceCodeLookup(sharedDir);
  const stats: Record<string, number> = {};
  const bump = (k: string) => (stats[k] = (stats[k] ?? 0) + 1);
  const companies: NationalCompany[] = [];
  const problems: string[] = [];

  for (const [code, rows] of kg.byCode) {
    const areas = new Set(rows.map((r) => r.area));
    if (areas.size !== 1) throw new Error(`national: ${code} has rows in several areas (${[...areas].join(', ')})`);
    const area = rows[0].area;
    if (!area) {
      bump('skipped: no area (not in the current Tushare list)');
      continue;
    }
    if (REGION_AREAS.has(area)) continue;

    // Tushare's current short name when the code is still listed, else chain-kg's.
    const name = rows[0].stockBasicName || rows[0].name;
    const id = resolveIdentity(rows, name);
    if (rows.length > 1) bump('deduplicated codes (several chain-kg rows)');
    if (id.rejected.length) {
      problems.push(`${code} ${name}: chain-kg lines ${id.rejected.map((r) => `${r.line} (${r.fullname})`).join(', ')} (names do not fit); not used`);
    }
    if (!id.fullName) bump('fullName null (renamed since 2021, or chain-kg full name belongs to another company)');
    const products = id.known ? productsFor(kg, code, MAX_PRODUCTS) : [];
    if (!products.length) bump('no products');

    const sw = id.known ? (kg.swIndustry.get(code) ?? null) : null;
    if (!sw) bump('swIndustry null (not labelled, or held out)');
    companies.push({
      code,
      name,
      fullName: id.fullName,
      province: area,
      provinceCode: provinceCodeOf(area),
      products,
      swIndustry: sw,
    });
  }
  companies.sort((a, b) => cmp(a.code, b.code));
  stats.companies = companies.length;
  return { companies, stats, problems };
}

/** Tushare province short names (北京, 内蒙, 黑龙江, …) → 2-digit codes via divisions/provinces.csv. */
function provinceCodeLookup(sharedDir: string): (area: string) => string {
  const provinces = readCsv(join(sharedDir, 'divisions', 'provinces.csv'));
  const special: Record<string, string> = { 深圳: '44' }; // Shenzhen is listed apart from 广东
  return (area) => {
    const code = special[area] ?? provinces.find((p) => p.name.startsWith(area))?.code;
    if (!code) throw new Error(`national: unknown area ${area}`);
    return code;
  };
}
