/**
 * Section `supply`: the regional supporting rate (区域配套率) of one buyer with 10k supply links,
 * through the product's use case (getSupplyRate: scope lookup, the grouped query, province names,
 * the per-year arithmetic) — p50 / p95 over repeated runs, on PGlite and PostgreSQL, each on a
 * fresh database in a fresh process. Issue #4 target: < 100 ms. Also timed: the supplier map and
 * the outside-bought nodes of that buyer, the rate of the whole chain and of all Beijing buyers.
 * The buyer's rows sit among other buyers' links (--supply.background, default 200,000).
 *
 * Options: --supply.links N (default 10000), --supply.background N (default 200000),
 *          --supply.buyers N (other buyers, default 100), --supply.suppliers N (default 5000),
 *          --supply.runs N (default 50)
 */
import { fileURLToPath } from 'node:url';
import { runInChild } from '../lib/child.ts';
import type { BenchContext, EngineName, ResultRow, Section, SectionResult } from '../lib/types.ts';
import type { SupplyMeasurement } from './supply.child.ts';

const CHILD = fileURLToPath(new URL('./supply.child.ts', import.meta.url));
const TARGET_MS = 100;

export const section: Section = {
  name: 'supply',
  title: 'Regional supporting rate (getSupplyRate) of a buyer with 10k supply links',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const opt = (k: string, d: number) => Number(ctx.options[`supply.${k}`] ?? d);
    const args = {
      buyerLinks: opt('links', 10_000),
      backgroundLinks: opt('background', 200_000),
      otherBuyers: opt('buyers', 100),
      suppliers: opt('suppliers', 5000),
      runs: opt('runs', 50),
    };
    const live = ctx.engines.filter((e) => e.available);
    const m: Partial<Record<EngineName, SupplyMeasurement>> = {};
    const errors: Partial<Record<EngineName, string>> = {};
    for (const e of live) {
      const spec = await e.fresh('supply');
      try {
        ctx.log(`${e.name}: supply network (${args.buyerLinks} + ${args.backgroundLinks} links), ${args.runs} runs…`);
        m[e.name] = (await runInChild<SupplyMeasurement>(CHILD, 'measureSupply', { spec, ...args })).result;
      } catch (err: any) {
        errors[e.name] = err.message;
        ctx.log(`${e.name}: supply FAILED: ${err.message}`);
      } finally {
        await e.drop(spec);
      }
    }
    return supplyResult(live.map((e) => e.name), m, errors, args);
  },
};

export function supplyResult(
  engines: EngineName[],
  m: Partial<Record<EngineName, SupplyMeasurement>>,
  errors: Partial<Record<EngineName, string>>,
  args: { buyerLinks: number; backgroundLinks: number; runs: number },
): SectionResult {
  const per = <T>(f: (k: EngineName) => T | null) => Object.fromEntries(engines.map((k) => [k, f(k)])) as Partial<Record<EngineName, T | null>>;
  const t = (k: EngineName, key: string, q: 'p50' | 'p95') => (m[k] ? m[k]!.timings[key][q] : errors[k] ? 'FAILED' : null);
  const N = args.buyerLinks.toLocaleString('en-US');
  const rows: ResultRow[] = [
    { metric: `rate of a buyer with ${N} links, p50`, unit: 'ms', values: per((k) => t(k, 'buyerRate', 'p50')), note: `getSupplyRate: per province × year, by links, suppliers, amount (${args.runs} runs)` },
    { metric: `rate of a buyer with ${N} links, p95`, unit: 'ms', values: per((k) => t(k, 'buyerRate', 'p95')) },
    {
      metric: 'target',
      values: per((k) => {
        const x = m[k]?.timings.buyerRate;
        if (!x) return null;
        return x.p95 < TARGET_MS ? `< ${TARGET_MS} ms: met (p95)` : x.p50 < TARGET_MS ? `< ${TARGET_MS} ms: met at p50 only` : `< ${TARGET_MS} ms: NOT met`;
      }),
      note: 'issue #4',
    },
    { metric: 'supplier map of that buyer, p50 / p95', values: per((k) => (m[k] ? `${m[k]!.timings.buyerSuppliers.p50.toFixed(1)} / ${m[k]!.timings.buyerSuppliers.p95.toFixed(1)} ms` : null)), note: 'getSupplierMap: latest year, with divisions' },
    { metric: 'outside-bought nodes, p50 / p95', values: per((k) => (m[k] ? `${m[k]!.timings.buyerOutsideNodes.p50.toFixed(1)} / ${m[k]!.timings.buyerOutsideNodes.p95.toFixed(1)} ms` : null)), note: 'getOutsideNodes: nodes, outside suppliers, local candidates' },
    { metric: 'rate of the chain (all buyers), p50', unit: 'ms', values: per((k) => (m[k] ? m[k]!.timings.chainRate.p50 : null)), note: 'links placed on nev-icv nodes' },
    { metric: 'rate of all Beijing buyers, p50', unit: 'ms', values: per((k) => (m[k] ? m[k]!.timings.regionRate.p50 : null)), note: 'region = BJ' },
    {
      kind: 'check',
      metric: 'figures vs direct SQL',
      values: per((k) => {
        const c = m[k]?.checks;
        if (!c) return null;
        const bad = c.filter((x) => !x.ok);
        return bad.length ? `FAILED ${bad.length}/${c.length}` : `ok ${c.length}/${c.length}`;
      }),
      note: 'link counts per year and the 2025 rate by amount',
    },
    { kind: 'info', metric: 'network', values: per((k) => (m[k] ? `${m[k]!.buyerLinks} + ${m[k]!.backgroundLinks} links, ${m[k]!.suppliers} suppliers` : null)), note: 'setup excluded from the timings' },
    { kind: 'info', metric: 'setup', unit: 's', values: per((k) => m[k]?.setupSeconds ?? null) },
  ];
  const notes: string[] = [];
  for (const k of engines) {
    for (const c of m[k]?.checks.filter((x) => !x.ok) ?? []) notes.push(`✗ ${k}: ${c.name}: ${c.detail}`);
    if (errors[k]) notes.push(`✗ ${k}: ${errors[k]}`);
  }
  return { title: `${section.title} — ${N} buyer links among ${args.backgroundLinks.toLocaleString('en-US')} others`, rows, notes, data: { args, measurements: m, errors } };
}

/** For a runner without the section registry: measure one database you opened yourself. */
export async function runSupplyBench(opts: { engine: EngineName; spec: import('../lib/types.ts').DbSpec } & Partial<{ buyerLinks: number; backgroundLinks: number; otherBuyers: number; suppliers: number; runs: number }>) {
  const { measureSupply } = await import('./supply.child.ts');
  const args = { buyerLinks: opts.buyerLinks ?? 10_000, backgroundLinks: opts.backgroundLinks ?? 200_000, otherBuyers: opts.otherBuyers ?? 100, suppliers: opts.suppliers ?? 5000, runs: opts.runs ?? 50 };
  const r = await measureSupply({ spec: opts.spec, ...args });
  return supplyResult([opts.engine], { [opts.engine]: r }, {}, args).rows;
}
