import type { Region } from '../accounts/accounts.schemas.ts';
import type { RateRow } from './supply.repository.ts';
import type { Measure, RateSummary, Share, SupplyRate } from './supply.schemas.ts';

/**
 * The supporting-rate arithmetic, from links grouped by (year, supplier province).
 *
 * Distinct suppliers add up across provinces because every supplier has exactly one province; they
 * do not add up across years, which is why every figure is per year.
 * inside  = suppliers in 北京, 天津 or 河北;
 * outside = suppliers in another province;
 * unknown = suppliers with no recorded location (counted in the total, never as inside).
 * rate    = inside ÷ total, by links, by distinct suppliers and by amount.
 */

const REGION_BY_PROVINCE: Record<string, Region> = { '11': 'BJ', '12': 'TJ', '13': 'HE' };

export const emptyMeasure = (): Measure => ({ links: 0, suppliers: 0, amountWan: 0 });

function add(m: Measure, r: { links: number; suppliers: number; amount: number }) {
  m.links += r.links;
  m.suppliers += r.suppliers;
  m.amountWan += Number(r.amount);
}

/** Amounts in 万元 to 2 decimals, so sums of decimals print as the user typed them. */
export const roundWan = (x: number) => Math.round(x * 100) / 100;
const roundMeasure = (m: Measure): Measure => ({ ...m, amountWan: roundWan(m.amountWan) });

export function ratio(a: number, b: number): number | null {
  if (!b) return null;
  return Math.round((a / b) * 1e6) / 1e6;
}

export function share(part: Measure, total: Measure): Share {
  return { links: ratio(part.links, total.links), suppliers: ratio(part.suppliers, total.suppliers), amountWan: ratio(part.amountWan, total.amountWan) };
}

const isInside = (r: Pick<RateRow, 'region'>) => r.region !== null;

interface YearAgg {
  total: Measure;
  withAmount: number;
  inside: Measure;
  outside: Measure;
  unknown: Measure;
  byRegion: Record<Region, Measure>;
  byProvince: Map<string | null, Measure>;
}

function aggregateYear(rows: RateRow[]): YearAgg {
  const a: YearAgg = {
    total: emptyMeasure(),
    withAmount: 0,
    inside: emptyMeasure(),
    outside: emptyMeasure(),
    unknown: emptyMeasure(),
    byRegion: { BJ: emptyMeasure(), TJ: emptyMeasure(), HE: emptyMeasure() },
    byProvince: new Map(),
  };
  for (const r of rows) {
    add(a.total, r);
    a.withAmount += r.with_amount;
    if (r.province_code === null) add(a.unknown, r);
    else if (isInside(r)) {
      add(a.inside, r);
      add(a.byRegion[(r.region as Region) ?? REGION_BY_PROVINCE[r.province_code]], r);
    } else add(a.outside, r);
    const p = a.byProvince.get(r.province_code) ?? emptyMeasure();
    add(p, r);
    a.byProvince.set(r.province_code, p);
  }
  return a;
}

const UNKNOWN_PROVINCE = '所在地未知';

/** Orders provinces: the three 京津冀 members first (北京, 天津, 河北), then by amount, links, code. */
function provinceOrder(a: [string | null, Measure], b: [string | null, Measure]) {
  const ra = a[0] && REGION_BY_PROVINCE[a[0]] ? 0 : a[0] === null ? 2 : 1;
  const rb = b[0] && REGION_BY_PROVINCE[b[0]] ? 0 : b[0] === null ? 2 : 1;
  if (ra !== rb) return ra - rb;
  if (ra === 0) return a[0]!.localeCompare(b[0]!);
  return b[1].amountWan - a[1].amountWan || b[1].links - a[1].links || String(a[0]).localeCompare(String(b[0]));
}

/**
 * Builds the answer of a rate query: the summary of one year (by default the latest year with
 * data), per province with shares, and the series of every year in [from, to].
 */
export function computeRate(
  rows: RateRow[],
  opts: { year?: number; from?: number; to?: number; provinceNames: Map<string, string> },
): Omit<SupplyRate, 'scope'> {
  const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
  const year = opts.year ?? (years.length ? years[years.length - 1] : null);
  const nameOf = (code: string | null) => (code === null ? UNKNOWN_PROVINCE : (opts.provinceNames.get(code) ?? code));

  const byYear = new Map<number, RateRow[]>();
  for (const r of rows) {
    const list = byYear.get(r.year) ?? [];
    list.push(r);
    byYear.set(r.year, list);
  }

  const cur = aggregateYear(year === null ? [] : (byYear.get(year) ?? []));
  const summary: RateSummary = {
    year,
    total: { ...roundMeasure(cur.total), linksWithAmount: cur.withAmount },
    inside: roundMeasure(cur.inside),
    outside: roundMeasure(cur.outside),
    unknown: roundMeasure(cur.unknown),
    rate: share(cur.inside, cur.total),
    byRegion: { BJ: roundMeasure(cur.byRegion.BJ), TJ: roundMeasure(cur.byRegion.TJ), HE: roundMeasure(cur.byRegion.HE) },
    byProvince: [...cur.byProvince.entries()].sort(provinceOrder).map(([code, m]) => ({
      provinceCode: code,
      provinceName: nameOf(code),
      region: code ? (REGION_BY_PROVINCE[code] ?? null) : null,
      inside: !!code && !!REGION_BY_PROVINCE[code],
      ...roundMeasure(m),
      share: share(m, cur.total),
    })),
  };

  const series = years
    .filter((y) => (opts.from === undefined || y >= opts.from) && (opts.to === undefined || y <= opts.to))
    .map((y) => {
      const a = aggregateYear(byYear.get(y)!);
      return {
        year: y,
        total: roundMeasure(a.total),
        inside: roundMeasure(a.inside),
        rate: share(a.inside, a.total),
        byRegion: { BJ: roundMeasure(a.byRegion.BJ), TJ: roundMeasure(a.byRegion.TJ), HE: roundMeasure(a.byRegion.HE) },
        byProvince: [...a.byProvince.entries()].sort(provinceOrder).map(([code, m]) => ({
          provinceCode: code,
          provinceName: nameOf(code),
          inside: !!code && !!REGION_BY_PROVINCE[code],
          ...roundMeasure(m),
        })),
      };
    });
  return { years, summary, series };
}
