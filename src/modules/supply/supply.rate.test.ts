import { describe, expect, it } from 'vitest';
import { computeRate } from './supply.rate.ts';
import type { RateRow } from './supply.repository.ts';

const names = new Map([
  ['11', '北京市'],
  ['12', '天津市'],
  ['13', '河北省'],
  ['44', '广东省'],
]);
const row = (year: number, province_code: string | null, region: string | null, links: number, suppliers: number, amount: number, with_amount = links): RateRow => ({
  year,
  province_code,
  region,
  links,
  suppliers,
  amount,
  with_amount,
});

describe('computeRate', () => {
  const rows = [
    row(2024, '12', 'TJ', 3, 2, 500),
    row(2024, '13', 'HE', 1, 1, 100),
    row(2024, '44', null, 2, 2, 400),
    row(2024, null, null, 1, 1, 0, 0),
    row(2023, '44', null, 1, 1, 300),
    row(2023, '11', 'BJ', 1, 1, 100),
  ];

  it('summarises the latest year by default, inside = 北京 + 天津 + 河北, unknown counted in the total only', () => {
    const r = computeRate(rows, { provinceNames: names });
    expect(r.years).toEqual([2023, 2024]);
    expect(r.summary.year).toBe(2024);
    expect(r.summary.total).toEqual({ links: 7, suppliers: 6, amountWan: 1000, linksWithAmount: 6 });
    expect(r.summary.inside).toEqual({ links: 4, suppliers: 3, amountWan: 600 });
    expect(r.summary.outside).toEqual({ links: 2, suppliers: 2, amountWan: 400 });
    expect(r.summary.unknown).toEqual({ links: 1, suppliers: 1, amountWan: 0 });
    expect(r.summary.rate).toEqual({ links: 0.571429, suppliers: 0.5, amountWan: 0.6 });
    expect(r.summary.byRegion.BJ).toEqual({ links: 0, suppliers: 0, amountWan: 0 });
    expect(r.summary.byProvince.map((p) => p.provinceName)).toEqual(['天津市', '河北省', '广东省', '所在地未知']);
  });

  it('gives a series per year and honours year, from and to', () => {
    const r = computeRate(rows, { year: 2023, from: 2023, to: 2023, provinceNames: names });
    expect(r.summary.rate.amountWan).toBe(0.25);
    expect(r.series.map((s) => [s.year, s.rate.amountWan])).toEqual([[2023, 0.25]]);
  });

  it('has null shares when nothing was bought (no division by zero)', () => {
    const r = computeRate([], { provinceNames: names });
    expect(r.summary.year).toBeNull();
    expect(r.summary.rate).toEqual({ links: null, suppliers: null, amountWan: null });
    expect(r.series).toEqual([]);
  });

  it('adds decimal amounts without floating-point noise', () => {
    const r = computeRate([row(2024, '12', 'TJ', 1, 1, 0.1), row(2024, '12', 'TJ', 1, 1, 0.2)], { provinceNames: names });
    expect(r.summary.total.amountWan).toBe(0.3);
  });
});
