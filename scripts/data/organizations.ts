/**
 * data/demo/organizations.json: the 632 京津冀 listed companies (Tushare list + chain-kg names and
 * products) and the organisations named in seed-facts (scripts/data/seed-facts-orgs.ts), merged
 * where they are the same organisation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { productsFor, resolveIdentity, sameShortName, type ChainKg } from './chainkg.ts';
import type { Division } from './divisions.ts';
import { cmp, readCsv } from './io.ts';
import { BUSINESS_CHANGED } from './listed-overrides.ts';
import type { Organization } from './schemas.ts';
import { SEED_ORGS, type SeedOrg } from './seed-facts-orgs.ts';
import { FINANCIAL_TUSHARE_INDUSTRIES, TUSHARE_TO_GBT4754 } from './tushare-to-gbt4754.ts';

export const LISTED_SOURCE = 'listed-companies/jingjinji_listed.csv';
const EXPECTED_LISTED: Record<string, number> = { 北京: 478, 天津: 71, 河北: 83 };
const PROVINCE_OF_AREA: Record<string, string> = { 北京: '110000', 天津: '120000', 河北: '130000' };
const MAX_PRODUCTS = 25;

export interface OrganizationsResult {
  organizations: Organization[];
  stats: Record<string, number>;
  /** Data problems met on the way (reported by the build, see data/README.md). */
  problems: string[];
}

export function buildOrganizations(sharedDir: string, kg: ChainKg, divisions: Division[]): OrganizationsResult {
  const problems: string[] = [];
  const stats: Record<string, number> = {};
  const bump = (k: string) => (stats[k] = (stats[k] ?? 0) + 1);

  // Hebei prefecture cities, for placing a company by the prefix of its full name (唐山… → 130200).
  const hebeiCities = divisions
    .filter((d) => d.level === 2 && d.province === '13')
    .map((d) => ({ code: d.code, stem: d.name.replace(/市$/, '') }));
  const hebeiCityOf = (fullName: string) =>
    hebeiCities.find((c) => fullName.replace(/^河北省?/, '').startsWith(c.stem))?.code ?? null;

  // ---- (a) listed companies
  const listed = readCsv(join(sharedDir, LISTED_SOURCE));
  const byArea: Record<string, number> = {};
  for (const r of listed) byArea[r.area] = (byArea[r.area] ?? 0) + 1;
  for (const [area, n] of Object.entries(EXPECTED_LISTED)) {
    if (byArea[area] !== n) throw new Error(`organizations: expected ${n} listed companies in ${area}, found ${byArea[area] ?? 0}`);
  }
  if (listed.length !== 632) throw new Error(`organizations: expected 632 listed companies, found ${listed.length}`);

  // The mapping table must cover every Tushare category, not only those met in 京津冀 today.
  const missing = [...new Set(readCsv(join(sharedDir, 'listed-companies', 'stock_basic.csv')).map((r) => r.industry.trim()))]
    .filter((i) => i && !(i in TUSHARE_TO_GBT4754));
  if (missing.length) throw new Error(`organizations: Tushare industries missing from tushare-to-gbt4754.ts: ${missing.join(', ')}`);

  const orgs = new Map<string, Organization>();
  for (const r of listed) {
    const code = r.ts_code;
    const shortName = r.name.trim();
    const industry = r.industry.trim();
    const changed = code in BUSINESS_CHANGED;
    const id = resolveIdentity(changed ? [] : kg.byCode.get(code) ?? [], shortName);
    if (id.rejected.length) {
      const lines = id.rejected.map((x) => x.line).join(', ');
      const names = id.rejected.map((x) => x.fullname).join('、');
      problems.push(`${code} ${shortName}: chain-kg lines ${lines} carry other companies' full names (${names}); not used`);
    }
    if (changed) bump('listed: chain-kg not used (business changed)');
    else if (id.fullName) bump('listed: name = chain-kg full name');
    else if (id.known) bump('listed: name = Tushare short name (renamed since chain-kg)');
    else bump('listed: name = Tushare short name (no usable chain-kg row)');

    const name = id.fullName ?? shortName;
    const aliases = [...(id.row && id.row.name !== shortName ? [id.row.name] : []), ...id.formerNames];
    const area = r.area.trim();
    let divisionCode = PROVINCE_OF_AREA[area];
    if (!divisionCode) throw new Error(`organizations: ${code} has area ${area} outside 京津冀`);
    if (area === '河北' && id.fullName) divisionCode = hebeiCityOf(id.fullName) ?? divisionCode;
    if (divisionCode.endsWith('0000')) bump('listed: placed at province level');
    else bump('listed: placed at city level (full-name prefix)');

    const products = id.known ? productsFor(kg, code, MAX_PRODUCTS) : [];
    if (products.length) bump('listed: with chain-kg products');
    if (!industry) bump('listed: industry blank (held out) → null');

    orgs.set(`listed:${code}`, {
      key: `listed:${code}`,
      kind: FINANCIAL_TUSHARE_INDUSTRIES.has(industry) ? 'financial' : 'enterprise',
      name,
      shortName,
      aliases: uniqueNames(aliases, [name, shortName]),
      divisionCode,
      industryCode: industry ? TUSHARE_TO_GBT4754[industry] : null,
      stockCode: code,
      products,
      businessScope: null,
      description: null,
      employees: null,
      revenueWan: null,
      tags: ['上市公司'],
      source: LISTED_SOURCE,
      sourceRef: code,
    });
  }

  // ---- (b) seed-facts organisations
  const seedFacts = readSeedFacts(sharedDir);
  for (const s of SEED_ORGS) {
    const mention = seedFacts.find([s.mention ?? null, s.name, s.shortName, ...s.aliases]);
    if (s.listed) {
      const key = `listed:${s.listed}`;
      const o = orgs.get(key);
      if (!o) throw new Error(`organizations: seed record ${s.name} points to ${s.listed}, which is not a 京津冀 listed company`);
      mergeSeedIntoListed(o, s, mention);
      bump('seed: merged into a listed company');
    } else {
      const key = `seed:${s.name}`;
      if (orgs.has(key)) throw new Error(`organizations: duplicate seed record ${s.name}`);
      orgs.set(key, {
        key,
        kind: s.kind,
        name: s.name,
        shortName: s.shortName,
        aliases: uniqueNames(s.aliases, [s.name, s.shortName]),
        divisionCode: s.divisionCode,
        industryCode: s.industryCode,
        stockCode: s.stockCode ?? null,
        products: uniqueNames(s.products, []).slice(0, MAX_PRODUCTS),
        businessScope: null,
        description: s.description,
        employees: null,
        revenueWan: null,
        tags: uniqueNames(s.tags, []),
        source: `seed-facts §${mention.section}`,
        sourceRef: `seed-facts.md:${mention.line}`,
      });
      bump('seed: own record');
    }
  }

  const organizations = [...orgs.values()].sort((a, b) => cmp(a.key, b.key));
  return { organizations, stats, problems };
}

function mergeSeedIntoListed(o: Organization, s: SeedOrg, mention: { section: number; line: number }): void {
  // Guard against a wrong ts_code in the seed table: the names must agree.
  if (!sameShortName(s.shortName ?? s.name, o.shortName!) && s.name !== o.name) {
    throw new Error(`organizations: seed record ${s.name} does not match listed ${o.stockCode} ${o.name}`);
  }
  if (s.industryCode !== null) {
    throw new Error(`organizations: seed record ${s.name} merges into ${o.stockCode}; its industry must come from Tushare only`);
  }
  if (s.kind !== o.kind) throw new Error(`organizations: seed record ${s.name} is ${s.kind}, listed ${o.stockCode} is ${o.kind}`);
  // A Tushare short name standing in for the name gives way to the seed record's full name.
  if (o.name === o.shortName) o.name = s.name;
  o.aliases = uniqueNames([...o.aliases, s.name, s.shortName, ...s.aliases], [o.name, o.shortName]);
  // The seed record's district, when it is more precise than what the listing gives.
  if (s.divisionCode.slice(0, 2) !== o.divisionCode.slice(0, 2)) {
    throw new Error(`organizations: seed record ${s.name} places ${o.stockCode} in another province`);
  }
  if (precision(s.divisionCode) > precision(o.divisionCode)) o.divisionCode = s.divisionCode;
  // Curated products first, then chain-kg's by weight.
  o.products = uniqueNames([...s.products, ...o.products], []).slice(0, MAX_PRODUCTS);
  o.description = s.description;
  o.tags = uniqueNames([...o.tags, ...s.tags], []);
  o.source = `${LISTED_SOURCE} + seed-facts §${mention.section}`;
  o.sourceRef = `${o.stockCode} + seed-facts.md:${mention.line}`;
}

/** 3 = county, 2 = city, 1 = province. */
const precision = (code: string) => (code.endsWith('0000') ? 1 : code.endsWith('00') ? 2 : 3);

/** Trimmed, non-empty, first occurrence kept, minus the names in `exclude`. */
function uniqueNames(names: ReadonlyArray<string | null | undefined>, exclude: ReadonlyArray<string | null | undefined>): string[] {
  const seen = new Set(exclude.filter((x): x is string => !!x));
  const out: string[] = [];
  for (const n of names) {
    const t = n?.trim();
    if (t && !seen.has(t)) {
      seen.add(t);
      out.push(t);
    }
  }
  return out;
}

/**
 * Where seed-facts.md mentions an organisation: the first line (in §3 first, then anywhere) that
 * contains one of its names. The build fails when a seed record is not mentioned at all.
 */
function readSeedFacts(sharedDir: string) {
  const lines = readFileSync(join(sharedDir, '..', 'domain', 'seed-facts.md'), 'utf8').split('\n');
  const sectionOf: number[] = [];
  let section = 0;
  for (const l of lines) {
    const m = /^## (\d+)\./.exec(l);
    if (m) section = Number(m[1]);
    sectionOf.push(section);
  }
  return {
    find(names: ReadonlyArray<string | null>): { section: number; line: number } {
      const terms = names.filter((n): n is string => !!n);
      // A whole-word mention (天津大学 in "天津大学, 南开大学", not in "天津大学合成生物前沿研究院")
      // is preferred over a part of a longer name.
      const whole = (l: string, t: string) => new RegExp(`${escapeRegExp(t)}(?!\\p{Script=Han})`, 'u').test(l);
      const part = (l: string, t: string) => l.includes(t);
      for (const preferred of [3, null]) {
        for (const match of [whole, part]) {
          for (const t of terms) {
            const i = lines.findIndex((l, k) => (preferred === null || sectionOf[k] === preferred) && match(l, t));
            if (i >= 0) return { section: sectionOf[i], line: i + 1 };
          }
        }
      }
      throw new Error(`organizations: seed record ${terms[0]} is not mentioned in seed-facts.md`);
    },
  };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
