/**
 * The measurements of the supply section, in a child process on a fresh database (see
 * bench/lib/child.ts): builds a supply network, then times the supporting-rate use cases.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPglite, openPostgres, type Db } from '../../src/db/db.ts';
import { prepareDatabase } from '../../src/runtime.ts';
import { systemActor } from '../../src/modules/accounts/actor.ts';
import { chainDefinitionSchema } from '../../src/modules/chains/chains.schemas.ts';
import { importChainDefinition } from '../../src/modules/chains/chains.usecases.ts';
import { REFERENCE_DIR } from '../../src/modules/reference/reference.repository.ts';
import { createSupplyRepository, type SupplyLinkRow } from '../../src/modules/supply/supply.repository.ts';
import { getOutsideNodes, getSupplierMap, getSupplyRate } from '../../src/modules/supply/supply.usecases.ts';
import { childLog } from '../lib/child.ts';
import type { DbSpec } from '../lib/types.ts';

const ACTOR = systemActor('bench');
const YEARS = [2021, 2022, 2023, 2024, 2025];

export interface Timing {
  p50: number;
  p95: number;
  min: number;
  runs: number;
}
export interface SupplyMeasurement {
  buyerLinks: number;
  backgroundLinks: number;
  suppliers: number;
  setupSeconds: number;
  timings: Record<string, Timing>;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
}

async function open(spec: DbSpec): Promise<Db> {
  const db = spec.engine === 'pglite' ? await openPglite({ dataDir: spec.dataDir }) : await openPostgres(spec.url, { max: 4 });
  await prepareDatabase(db);
  return db;
}

function quantile(sorted: number[], q: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

async function time(runs: number, warmup: number, fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), min: ms[0], runs };
}

/**
 * Network: `suppliers` organisations spread over 京津冀 counties (40 %) and the other provinces
 * (60 %); one measured buyer in Beijing with `buyerLinks` links over 2021–2025 (parts placed on
 * the nodes of the nev-icv chain, every 7th unplaced); `otherBuyers` buyers in 北京/天津/河北
 * sharing `backgroundLinks` more links, so the buyer's rows are a small part of the table.
 */
export async function measureSupply(args: { spec: DbSpec; buyerLinks: number; backgroundLinks: number; otherBuyers: number; suppliers: number; runs: number }): Promise<SupplyMeasurement> {
  const db = await open(args.spec);
  const t0 = performance.now();
  try {
    // chain: the demo nev-icv map (≈ 40 nodes)
    const def = chainDefinitionSchema.parse(JSON.parse(readFileSync(join(REFERENCE_DIR, '..', 'demo', 'chains', 'nev-icv.json'), 'utf8')));
    const chain = await db.transaction((tx) => importChainDefinition(tx, ACTOR, def));
    const nodeIds = (await db.query<{ id: number }>(`select id from chain_nodes where chain_id = $1 order by id`, [chain.id])).map((r) => r.id);

    // organisations: suppliers and buyers, placed on real division codes
    const counties = (await db.query<{ code: string }>(`select code from divisions where level = 3 and province_code in ('11','12','13') order by code`)).map((r) => r.code);
    const provinces = (await db.query<{ code: string }>(`select code from divisions where level = 1 and province_code not in ('11','12','13') order by code`)).map((r) => r.code);
    await db.query(
      `insert into organizations (kind, name, division_code, province_code, region, source)
       select 'enterprise', '配套供应商' || i,
              case when i % 5 < 2 then ($1::text[])[1 + i % array_length($1::text[], 1)] else ($2::text[])[1 + i % array_length($2::text[], 1)] end,
              null, null, 'bench'
         from generate_series(1, $3::int) as i`,
      [counties, provinces, args.suppliers],
    );
    await db.query(
      `insert into organizations (kind, name, division_code, province_code, region, source)
       select 'enterprise', '整车企业' || i, (array['110115','120114','130102'])[1 + i % 3], null, null, 'bench'
         from generate_series(0, $1::int) as i`,
      [args.otherBuyers],
    );
    await db.query(
      `update organizations o set province_code = d.province_code,
              region = case d.province_code when '11' then 'BJ' when '12' then 'TJ' when '13' then 'HE' end
         from divisions d where d.code = o.division_code and o.source = 'bench'`,
    );
    const supplierIds = (await db.query<{ id: number }>(`select id from organizations where name like '配套供应商%' order by id`)).map((r) => r.id);
    const buyerIds = (await db.query<{ id: number }>(`select id from organizations where name like '整车企业%' order by id`)).map((r) => r.id);
    const buyer = buyerIds[0]; // 整车企业0, division 110115: a Beijing buyer

    // the measured buyer's links, through the product's write path (location columns copied)
    const perYear = Math.ceil(args.buyerLinks / YEARS.length);
    const rows: SupplyLinkRow[] = [];
    for (let i = 0; i < args.buyerLinks; i++) {
      const year = YEARS[Math.floor(i / perYear)];
      const k = i % perYear;
      rows.push({
        buyerOrgId: buyer,
        supplierOrgId: supplierIds[k % supplierIds.length],
        part: `零部件-${Math.floor(k / supplierIds.length)}-${k % 13}`,
        nodeId: i % 7 === 0 ? null : nodeIds[i % nodeIds.length],
        amountWan: 10 + ((i * 7919) % 5000),
        year,
        source: 'bench',
        sourceRef: null,
      });
    }
    for (let i = 0; i < rows.length; i += 2000) await db.transaction((tx) => createSupplyRepository(tx).upsertMany(rows.slice(i, i + 2000)));

    // background: other buyers' links, in bulk SQL; i ↦ (year, buyer, supplier, part) is one-to-one
    if (args.backgroundLinks > 0)
      await db.query(
        `insert into supply_links (buyer_org_id, supplier_org_id, part, node_id, amount_wan, year, source, buyer_region, supplier_province_code, supplier_region)
         select b.id, s.id, x.part, x.node, x.amount, x.year, 'bench', b.region, s.province_code, s.region
           from (select i, ($1::bigint[])[2 + (i / 5) % (array_length($1::bigint[], 1) - 1)] as buyer,
                        ($2::bigint[])[1 + (i / 5 / (array_length($1::bigint[], 1) - 1)) % array_length($2::bigint[], 1)] as supplier,
                        '背景件-' || (i / 5 / (array_length($1::bigint[], 1) - 1) / array_length($2::bigint[], 1)) as part,
                        case when i % 7 = 0 then null else ($3::bigint[])[1 + i % array_length($3::bigint[], 1)] end as node,
                        (10 + (i::bigint * 104729) % 5000)::numeric as amount,
                        2021 + i % 5 as year
                   from generate_series(0, $4::int - 1) as i) x
           join organizations b on b.id = x.buyer
           join organizations s on s.id = x.supplier
         on conflict do nothing`,
        [buyerIds, supplierIds, nodeIds, args.backgroundLinks],
      );
    await db.exec('analyze');
    const setupSeconds = (performance.now() - t0) / 1000;
    const backgroundLinks = (await db.query<{ n: number }>(`select count(*)::int as n from supply_links where buyer_org_id <> $1`, [buyer]))[0].n;
    childLog(`  supply network ready in ${setupSeconds.toFixed(1)} s: ${rows.length} + ${backgroundLinks} links\n`);

    const deps = { db };
    const timings: Record<string, Timing> = {};
    timings.buyerRate = await time(args.runs, 3, () => getSupplyRate(deps, ACTOR, { buyer }));
    timings.buyerSuppliers = await time(args.runs, 3, () => getSupplierMap(deps, ACTOR, { buyer, where: 'all', limit: 1000 }));
    timings.buyerOutsideNodes = await time(args.runs, 3, () => getOutsideNodes(deps, ACTOR, { buyer }));
    timings.chainRate = await time(Math.max(5, Math.floor(args.runs / 5)), 1, () => getSupplyRate(deps, ACTOR, { chain: 'nev-icv' }));
    timings.regionRate = await time(Math.max(5, Math.floor(args.runs / 5)), 1, () => getSupplyRate(deps, ACTOR, { region: 'BJ' }));

    // correctness: the use case's figures against direct SQL
    const r = await getSupplyRate(deps, ACTOR, { buyer });
    const direct = (
      await db.query<{ links: number; amount: number; inside: number }>(
        `select count(*)::int as links, sum(l.amount_wan) as amount,
                coalesce(sum(l.amount_wan) filter (where o.region is not null), 0) as inside
           from supply_links l join organizations o on o.id = l.supplier_org_id where l.buyer_org_id = $1 and l.year = 2025`,
        [buyer],
      )
    )[0];
    const seriesLinks = r.series.reduce((s, y) => s + y.total.links, 0);
    const checks = [
      { name: 'links of the buyer (all years)', ok: seriesLinks === rows.length, detail: `${seriesLinks} vs ${rows.length}` },
      { name: '2025 links', ok: r.summary.total.links === direct.links, detail: `${r.summary.total.links} vs ${direct.links}` },
      {
        name: '2025 rate by amount',
        ok: Math.abs((r.summary.rate.amountWan ?? -1) - direct.inside / direct.amount) < 1e-5,
        detail: `${r.summary.rate.amountWan} vs ${(direct.inside / direct.amount).toFixed(6)}`,
      },
    ];
    return { buyerLinks: rows.length, backgroundLinks, suppliers: supplierIds.length, setupSeconds, timings, checks };
  } finally {
    await db.close();
  }
}
