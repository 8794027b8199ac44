/**
 * Synthetic organisation register for benchmarks: a CSV in the import format (Chinese headers),
 * deterministic for a given seed and reference data.
 *
 *   node --import tsx bench/generate.ts --orgs 100000 [--seed 42] [--out file.csv]
 *
 * Names: region prefix (city or county of a real 京津冀 division) + 字号 + 行业词 + legal form, or
 * 字号 + 行业词 + （城市）+ legal form. Products, 经营范围 and 简介 come from bench/vocab.ts (chain terms,
 * standard 经营范围 wording) plus the domain dictionary. Every division and industry code is one the
 * reference data has; ~30 % of rows carry a valid 统一社会信用代码 (GB 32100 check character), unique
 * within the file. The function also returns what the post-load check expects to find.
 */
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { usccCheckChar } from '../src/modules/organizations/uscc.ts';
import { ORG_KIND_NAMES, type OrgKind } from '../src/modules/organizations/organizations.schemas.ts';
import { loadReference, type County } from './lib/reference.ts';
import { queryTokens } from '../src/lib/text.ts';
import {
  COMMON_SCOPE,
  DESCRIPTION_TEMPLATES,
  KINDS_EXTRA,
  SCOPE_GENERAL_TAIL,
  SCOPE_PERMIT_TAIL,
  TAGS,
  THEMES,
  TRADE_NAME_CHARS,
  UNIVERSITIES,
} from './vocab.ts';

export const CSV_HEADER = ['名称', '简称', '类型', '统一社会信用代码', '行政区划代码', '行业代码', '主要产品', '经营范围', '简介', '员工人数', '营业收入（万元）', '注册资本（万元）', '成立日期', '网站', '标签'];

export interface GeneratedSample {
  row: number; // spreadsheet row (header is row 1)
  name: string;
  uscc: string | null;
  divisionCode: string;
  industryCode: string | null;
}

export interface GenerateResult {
  file: string;
  rows: number;
  bytes: number;
  seconds: number;
  withUscc: number;
  byRegion: Record<'BJ' | 'TJ' | 'HE', number>;
  /** Product terms that occur nowhere else in the indexed text: rows listing them, rows having them only elsewhere (should be 0). */
  probes: Array<{ term: string; rows: number; elsewhere: number }>;
  samples: GeneratedSample[];
  /** Hash of the vocabulary and reference codes used: equal hashes + equal seed = equal file. */
  vocabularyHash: string;
  avgScopeChars: number;
}

/** mulberry32: small, fast, good enough for synthetic data. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick<T>(xs: readonly T[]): T {
      return xs[Math.floor(next() * xs.length)];
    },
    chance: (p: number) => next() < p,
    /** k distinct items (k ≤ xs.length), in random order. */
    sample<T>(xs: readonly T[], k: number): T[] {
      const out: T[] = [];
      const used = new Set<number>();
      k = Math.min(k, xs.length);
      while (out.length < k) {
        const i = Math.floor(next() * xs.length);
        if (!used.has(i)) {
          used.add(i);
          out.push(xs[i]);
        }
      }
      return out;
    },
  };
}

/** GB 11714 organisation code: 8 characters + check character. */
function orgCode(body8: string): string {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 8; i++) s += Number(body8[i]) * w[i];
  const c = 11 - (s % 11);
  return body8 + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

const USCC_PREFIX: Record<OrgKind, string> = {
  enterprise: '91',
  university: '12',
  institute: '12',
  pilot_platform: '91',
  open_lab: '12',
  financial: '91',
  association: '51',
  government: '11',
};

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
}

function shortCountyName(name: string): string {
  const s = name.replace(/(满族自治县|回族自治县|自治县|新区|矿区|区|县|市)$/, '');
  return s.length >= 2 ? s : name;
}

export function generateOrganizationsCsv(opts: { orgs: number; seed?: number; file: string; usccShare?: number; referenceDir?: string }): GenerateResult {
  const t0 = performance.now();
  const seed = opts.seed ?? 42;
  const usccShare = opts.usccShare ?? 0.3;
  const r = rng(seed);
  const ref = loadReference(opts.referenceDir);

  const themes = THEMES.map((t) => ({ ...t, industries: t.industries.filter((c) => ref.industryCodes.has(c)) }));
  for (const t of themes) if (!t.industries.length) throw new Error(`no industry code of chain ${t.chain} is in the reference data`);
  const themeWheel: number[] = [];
  themes.forEach((t, i) => {
    for (let k = 0; k < t.weight; k++) themeWheel.push(i);
  });
  const extraKinds = Object.fromEntries(
    Object.entries(KINDS_EXTRA).map(([k, v]) => [k, { suffixes: v.suffixes, industries: v.industries.filter((c) => ref.industryCodes.has(c)) }]),
  ) as unknown as Record<Exclude<OrgKind, 'enterprise'>, { suffixes: readonly string[]; industries: string[] }>;
  const byProvince: Record<string, County[]> = { '11': [], '12': [], '13': [] };
  for (const c of ref.counties) byProvince[c.provinceCode].push(c);
  const extraTerms = ref.extraTerms;

  // Probe terms: products that no other generated text can contain, so the post-load full-text
  // count must equal exactly the number of rows listing them.
  const otherText = [
    ...themes.flatMap((t) => [...t.trades, ...t.scope, ...t.permits]),
    ...COMMON_SCOPE,
    SCOPE_GENERAL_TAIL,
    SCOPE_PERMIT_TAIL,
    ...DESCRIPTION_TEMPLATES,
    ...UNIVERSITIES,
    ...Object.values(KINDS_EXTRA).flatMap((k) => k.suffixes),
    ...ref.counties.map((c) => c.name + c.cityName),
    ...TAGS,
  ];
  const allProducts = [...new Set([...themes.flatMap((t) => t.products), ...extraTerms])];
  const probeCandidates = themes
    .map((t) =>
      t.products.find(
        // one query token (so the search API asks exactly this), and in no other text
        (p) => /^[\u4e00-\u9fff]{4,}$/.test(p) && queryTokens(p).join(' ') === p && !otherText.some((x) => x.includes(p)) && !allProducts.some((x) => x !== p && x.includes(p)),
      ),
    )
    .filter((x): x is string => !!x);
  const probes = [probeCandidates[0], probeCandidates[Math.floor(probeCandidates.length / 2)], probeCandidates[probeCandidates.length - 1]]
    .filter((x, i, a) => x && a.indexOf(x) === i)
    .map((term) => ({ term, rows: 0, elsewhere: 0 }));

  const vocabularyHash = createHash('sha256')
    .update(JSON.stringify([themes, COMMON_SCOPE, TRADE_NAME_CHARS, extraTerms, ref.counties.map((c) => c.code + c.name), KINDS_EXTRA]))
    .digest('hex')
    .slice(0, 12);

  const fd = openSync(opts.file, 'w');
  let buf = '\ufeff' + CSV_HEADER.join(',') + '\n';
  const flush = () => {
    writeSync(fd, buf);
    buf = '';
  };
  const byRegion = { BJ: 0, TJ: 0, HE: 0 };
  const samples: GeneratedSample[] = [];
  const sampleEvery = Math.max(1, Math.floor(opts.orgs / 5));
  let withUscc = 0;
  let scopeChars = 0;
  // A bijection on 0..10^8-1 (3^17 is prime to 10), so organisation codes are unique in the file.
  const mult = 129140163;
  const offset = (seed * 7919) % 100_000_000;

  for (let i = 0; i < opts.orgs; i++) {
    const rowNo = i + 2;
    // Where: 北京 34 %, 天津 26 %, 河北 40 %.
    const pr = r.next();
    const prov = pr < 0.34 ? '11' : pr < 0.6 ? '12' : '13';
    const county = r.pick(byProvince[prov]);
    byRegion[prov === '11' ? 'BJ' : prov === '12' ? 'TJ' : 'HE']++;
    const theme = themes[r.pick(themeWheel)];
    const k = r.next();
    const kind: OrgKind =
      k < 0.955 ? 'enterprise' : k < 0.97 ? 'institute' : k < 0.975 ? 'pilot_platform' : k < 0.98 ? 'open_lab' : k < 0.987 ? 'financial' : k < 0.994 ? 'association' : k < 0.997 ? 'university' : 'government';

    const zihao = r.pick(TRADE_NAME_CHARS) + r.pick(TRADE_NAME_CHARS) + (r.chance(0.15) ? r.pick(TRADE_NAME_CHARS) : '');
    const trade = r.pick(theme.trades);
    const place = county.functionalZone || r.chance(0.65) ? county.cityName : shortCountyName(county.name);
    let name: string;
    let shortName = '';
    let industry: string | null = r.pick(theme.industries);
    if (kind === 'enterprise') {
      const f = r.next();
      const form = f < 0.6 ? '有限公司' : f < 0.75 ? '有限责任公司' : f < 0.92 ? '股份有限公司' : '集团有限公司';
      name = r.chance(0.22) ? `${zihao}${trade}（${county.cityName}）${form}` : `${place}${zihao}${trade}${form}`;
      if (r.chance(0.4)) shortName = zihao + trade.slice(0, 2);
    } else {
      const x = extraKinds[kind];
      const suffix = r.pick(x.suffixes);
      if (kind === 'government') name = `${county.name}${suffix}`;
      else if (kind === 'association') name = `${place}${theme.chain}${suffix}`;
      else if (kind === 'university') name = `${place}${zihao}${suffix}`;
      else name = `${place}${zihao}${theme.chain}${suffix}`;
      industry = x.industries.length ? r.pick(x.industries) : null;
    }

    const nProducts = kind === 'enterprise' ? 1 + r.int(6) : r.int(3);
    const products = r.sample(theme.products, nProducts);
    if (extraTerms.length && r.chance(0.1)) {
      const e = r.pick(extraTerms);
      if (!products.includes(e)) products.push(e);
    }

    let uscc = '';
    if (r.chance(usccShare)) {
      const body = String((((i * mult) % 100_000_000) + offset) % 100_000_000).padStart(8, '0');
      const first17 = USCC_PREFIX[kind] + county.code + orgCode(body);
      uscc = first17 + usccCheckChar(first17);
      withUscc++;
    }

    let scope = '';
    let description = '';
    if (kind !== 'government') {
      const items = [...r.sample(theme.scope, 2 + r.int(5)), ...r.sample(COMMON_SCOPE, 1 + r.int(5))];
      scope = '一般项目：' + items.join('；') + '。' + SCOPE_GENERAL_TAIL;
      if (theme.permits.length && r.chance(0.3)) scope += '许可项目：' + r.sample(theme.permits, 1 + r.int(2)).join('；') + '。' + SCOPE_PERMIT_TAIL;
      scopeChars += scope.length;
      if (r.chance(0.35)) {
        const p1 = products[0] ?? theme.chain + '相关产品';
        const p2 = products[1] ?? '配套产品';
        description = r
          .pick(DESCRIPTION_TEMPLATES)
          .replace('{year}', String(1995 + r.int(30)))
          .replace('{place}', county.cityName + (county.cityName === county.name ? '' : county.name))
          .replace('{trade}', theme.chain)
          .replace('{chain}', theme.chain)
          .replace('{uni}', r.pick(UNIVERSITIES))
          .replace('{p1}', p1)
          .replace('{p2}', p2)
          .replace('{n}', String(3 + r.int(200)));
      }
    }

    const employees = kind === 'enterprise' ? Math.floor(Math.exp(2.5 + r.next() * 6)) : 10 + r.int(500);
    const revenue = kind === 'enterprise' && r.chance(0.7) ? (Math.exp(4 + r.next() * 8)).toFixed(2) : '';
    const capital = kind === 'enterprise' || kind === 'financial' ? String(Math.round(Math.exp(4 + r.next() * 7))) : '';
    const y = 1990 + r.int(36);
    const founded = `${y}-${String(1 + r.int(12)).padStart(2, '0')}-${String(1 + r.int(28)).padStart(2, '0')}`;
    const website = r.chance(0.15) ? `https://www.c${(i * 2654435761 >>> 0).toString(36)}.com.cn` : '';
    const tags = kind === 'enterprise' && r.chance(0.25) ? r.sample(TAGS, 1 + r.int(2)).join('、') : '';

    for (const p of probes) {
      if (products.includes(p.term)) p.rows++;
      else if (name.includes(p.term) || shortName.includes(p.term) || scope.includes(p.term) || description.slice(0, 500).includes(p.term)) p.elsewhere++;
    }
    if (i % sampleEvery === 0 && samples.length < 5) samples.push({ row: rowNo, name, uscc: uscc || null, divisionCode: county.code, industryCode: industry });

    buf +=
      csvCell(name) + ',' + shortName + ',' + ORG_KIND_NAMES[kind].zh + ',' + uscc + ',' + county.code + ',' + (industry ?? '') + ',' +
      csvCell(products.join('、')) + ',' + csvCell(scope) + ',' + csvCell(description) + ',' + employees + ',' + revenue + ',' + capital + ',' +
      founded + ',' + website + ',' + tags + '\n';
    if (buf.length > 1 << 20) flush();
  }
  flush();
  closeSync(fd);
  return {
    file: opts.file,
    rows: opts.orgs,
    bytes: statSync(opts.file).size,
    seconds: (performance.now() - t0) / 1000,
    withUscc,
    byRegion,
    probes,
    samples,
    vocabularyHash,
    avgScopeChars: Math.round(scopeChars / Math.max(1, opts.orgs)),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (n: string, d?: string) => {
    const i = process.argv.indexOf(n);
    return i >= 0 ? process.argv[i + 1] : d;
  };
  const orgs = Number(arg('--orgs', '10000'));
  const out = arg('--out', `orgs-${orgs}.csv`)!;
  const res = generateOrganizationsCsv({ orgs, seed: Number(arg('--seed', '42')), file: out, referenceDir: arg('--reference') });
  console.log(JSON.stringify({ ...res, mb: +(res.bytes / 1e6).toFixed(1), rowsPerSecond: Math.round(res.rows / res.seconds) }, null, 2));
}
