/**
 * The measurements of the diagnostics section, run in a child process on a fresh database
 * (bench/lib/child.ts). Also usable directly: `runDiagnosticsBench({ engine, db, orgs, links })`
 * loads the synthetic data into an open, migrated database and returns the timings.
 *
 * Data: 10 chains (one of 500 nodes, the one measured, and nine of 300), `orgs` organisations
 * (京津冀 90 %, outside 10 %; 85 % enterprises) and `links` attachments spread over all 3,200
 * nodes (so the 500-node chain holds ~500/3200 of them), both loaded with COPY (db.copyRows). The
 * attachments go in through the normal table, so the statement-level triggers of migration 0002
 * keep node_org_stats current during the load (that cost is in the load time).
 */
import { openPglite, openPostgres, type Db } from '../../src/db/db.ts';
import { prepareDatabase } from '../../src/runtime.ts';
import { systemActor } from '../../src/modules/accounts/actor.ts';
import { createChainsRepository } from '../../src/modules/chains/chains.repository.ts';
import { chainNodeRegionsDirect, createDiagnosticsRepository } from '../../src/modules/diagnostics/diagnostics.repository.ts';
import { computeChainDiagnostics, getNodeDiagnostics } from '../../src/modules/diagnostics/diagnostics.usecases.ts';
import { runDiagnosticsProposals } from '../../src/modules/lists/lists.proposals.ts';
import { createServer } from '../../src/server/app.ts';
import { parseConfig } from '../../src/config.ts';
import { createUser } from '../../src/modules/accounts/accounts.usecases.ts';
import { childLog, rssSampler } from '../lib/child.ts';
import type { DbSpec, EngineName } from '../lib/types.ts';

export interface Timing {
  runs: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
}

export interface DiagnosticsMeasurement {
  engine: EngineName;
  orgs: number;
  links: number;
  chainNodes: number;
  chainLinks: number;
  statsRows: number;
  loadOrgsSeconds: number;
  loadLinksSeconds: number;
  vacuumSeconds: number;
  diagnostics: Timing;
  http: Timing & { bytes: number };
  nodePanel: Timing & { nodeLinks: number };
  direct: Timing;
  singleLinkInsert: Timing;
  singleLinkInsertBare: Timing;
  proposalsFirst: { ms: number; created: number };
  proposalsRerun: { ms: number; unchanged: number };
  summary: { strong: number; weak: number; missing: number };
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  maxRssSampled: number;
}

/** mulberry32 */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function timing(ms: number[]): Timing {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  const r = (x: number) => Math.round(x * 100) / 100;
  return { runs: s.length, p50: r(q(0.5)), p95: r(q(0.95)), min: r(s[0]), max: r(s[s.length - 1]) };
}

async function time(runs: number, warmup: number, fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return timing(ms);
}

const KINDS: Array<[string, number]> = [
  ['enterprise', 0.85],
  ['university', 0.03],
  ['institute', 0.04],
  ['pilot_platform', 0.02],
  ['open_lab', 0.01],
  ['financial', 0.02],
  ['association', 0.02],
  ['government', 0.01],
];
// Chain leaders and key enterprises are designated by officials: a few per node, not a share of
// every attachment (0.2 % + 0.02 % gives ~600 on the 500-node chain).
const ENTERPRISE_ROLES: Array<[string, number]> = [
  ['production', 0.7],
  ['supplier', 0.2],
  ['rnd', 0.05],
  ['key_enterprise', 0.002],
  ['pilot', 0.01],
  ['chain_leader', 0.0002],
  ['service', 0.0378],
];
const pickW = (r: () => number, xs: Array<[string, number]>) => {
  let x = r();
  for (const [v, w] of xs) if ((x -= w) < 0) return v;
  return xs[xs.length - 1][0];
};

export async function runDiagnosticsBench(opts: { engine: EngineName; db: Db; orgs: number; links: number; seed?: number; runs?: number }): Promise<DiagnosticsMeasurement> {
  const { db, engine } = opts;
  const r = rng(opts.seed ?? 42);
  const runs = opts.runs ?? 30;
  const log = (m: string) => childLog(`[bench] ${engine}: ${m}\n`);
  const sampler = rssSampler();
  const checks: DiagnosticsMeasurement['checks'] = [];

  // ── chains: one of 500 nodes (measured) + nine of 300 ──
  const repo = createChainsRepository(db);
  const nodeIds: number[] = [];
  const nodeChain: number[] = [];
  let target = 0;
  for (let c = 0; c < 10; c++) {
    const nodes = c === 0 ? 500 : 300;
    await db.transaction(async (tx) => {
      const trepo = createChainsRepository(tx);
      const chain = await trepo.insertChain({
        code: `bench-${c}`,
        name: c === 0 ? '合成产业链（500 节点）' : `合成产业链 ${c}`,
        nameEn: null,
        scope: 'other',
        leadRegion: (['BJ', 'TJ', 'HE'] as const)[c % 3],
        ownerRegion: (['BJ', 'TJ', 'HE'] as const)[c % 3],
        description: null,
        source: 'bench',
      });
      if (c === 0) target = chain.id;
      const segs: number[] = [];
      for (let s = 0; s < 5; s++)
        segs.push((await trepo.insertSegment({ chainId: chain.id, name: `环节${s}`, nameEn: null, stage: (['upstream', 'midstream', 'midstream', 'downstream', 'downstream'] as const)[s], position: s })).id);
      const rows = await tx.query<{ id: number }>(
        `insert into chain_nodes (chain_id, segment_id, name, position)
         select $1, ($2::bigint[])[1 + (i * 5 / $3)], '节点' || $4 || '-' || i, i from generate_series(0, $3 - 1) i returning id`,
        [chain.id, segs, nodes, c],
      );
      for (const x of rows) {
        nodeIds.push(x.id);
        nodeChain.push(chain.id);
      }
    });
  }
  const chainNodes = 500;
  log(`10 chains, ${nodeIds.length} nodes`);

  // ── organisations (COPY) ──
  const counties = await db.query<{ code: string; province_code: string }>(`select code, province_code from divisions where level = 3 and province_code in ('11','12','13') order by code`);
  const outside = await db.query<{ code: string; province_code: string }>(`select code, province_code from divisions where level = 2 and province_code not in ('11','12','13') order by code limit 60`);
  const byProv: Record<string, string[]> = { '11': [], '12': [], '13': [] };
  for (const c of counties) byProv[c.province_code].push(c.code);
  const kinds: string[] = new Array(opts.orgs);
  const t0 = performance.now();
  async function* orgLines() {
    let buf = '';
    for (let i = 0; i < opts.orgs; i++) {
      const kind = pickW(r, KINDS);
      kinds[i] = kind;
      const x = r();
      let region: string, div: string, prov: string;
      if (x < 0.9) {
        region = x < 0.3 ? 'BJ' : x < 0.6 ? 'TJ' : 'HE';
        prov = region === 'BJ' ? '11' : region === 'TJ' ? '12' : '13';
        const list = byProv[prov];
        div = list[Math.floor(r() * list.length)];
      } else {
        region = '\\N';
        const o = outside[Math.floor(r() * outside.length)];
        div = o.code;
        prov = o.province_code;
      }
      const revenue = kind === 'enterprise' && r() < 0.4 ? String(Math.round(100 + r() * r() * 500_000)) : '\\N';
      buf += `${kind}\t合成机构${i}\t${region}\t${div}\t${prov}\t${revenue}\tbench\n`;
      if (buf.length > 4_000_000) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  await db.copyRows('organizations', ['kind', 'name', 'region', 'division_code', 'province_code', 'revenue_wan', 'source'], orgLines());
  const loadOrgsSeconds = (performance.now() - t0) / 1000;
  const firstId = (await db.query<{ n: number }>(`select min(id)::bigint as n from organizations`))[0].n;
  log(`${opts.orgs.toLocaleString('en-US')} organisations in ${loadOrgsSeconds.toFixed(1)} s`);

  // ── attachments (COPY; the 0002 triggers maintain node_org_stats) ──
  const per = Math.floor(opts.links / opts.orgs);
  const extra = opts.links - per * opts.orgs;
  const t1 = performance.now();
  async function* linkLines() {
    let buf = '';
    for (let i = 0; i < opts.orgs; i++) {
      const k = per + (i < extra ? 1 : 0);
      const used = new Set<number>();
      for (let j = 0; j < k; j++) {
        let ni = Math.floor(r() * nodeIds.length);
        while (used.has(ni)) ni = Math.floor(r() * nodeIds.length);
        used.add(ni);
        const kind = kinds[i];
        const role =
          kind === 'enterprise' ? pickW(r, ENTERPRISE_ROLES) : kind === 'pilot_platform' ? 'pilot' : ['university', 'institute', 'open_lab'].includes(kind) ? 'rnd' : 'service';
        const y = r();
        const status = y < 0.9 ? 'confirmed' : y < 0.98 ? 'review' : 'rejected';
        buf += `${firstId + i}\t${nodeIds[ni]}\t${nodeChain[ni]}\t${role}\t${status}\tauto\tbench\n`;
      }
      if (buf.length > 4_000_000) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  await db.copyRows('org_node_links', ['organization_id', 'node_id', 'chain_id', 'role', 'status', 'origin', 'source'], linkLines());
  const loadLinksSeconds = (performance.now() - t1) / 1000;
  log(`${opts.links.toLocaleString('en-US')} attachments in ${loadLinksSeconds.toFixed(1)} s (incl. summary maintenance)`);
  const t2 = performance.now();
  await db.exec('vacuum analyze');
  const vacuumSeconds = (performance.now() - t2) / 1000;

  const chain = (await repo.getChain(target))!;
  const chainLinks = (await db.query<{ n: number }>(`select count(*)::int as n from org_node_links where chain_id = $1`, [target]))[0].n;
  const statsRows = (await db.query<{ n: number }>(`select count(*)::int as n from node_org_stats where chain_id = $1`, [target]))[0].n;

  // ── checks: the kept summary equals a count from the attachments ──
  const kept = await createDiagnosticsRepository(db).chainNodeRegions(target, ['confirmed']);
  const direct0 = await chainNodeRegionsDirect(db, target, ['confirmed']);
  const key = (x: any) => JSON.stringify({ ...x, revenue_sum: Math.round(Number(x.revenue_sum)) });
  const a = kept.map(key).sort();
  const b = direct0.map(key).sort();
  checks.push({ name: 'summary = direct count', ok: JSON.stringify(a) === JSON.stringify(b), detail: `${a.length} node × region rows` });
  const totalOrgs = kept.reduce((s, x) => s + x.orgs, 0);
  const expected = (await db.query<{ n: number }>(`select count(*)::int as n from org_node_links where chain_id = $1 and status = 'confirmed'`, [target]))[0].n;
  checks.push({ name: 'organisations counted', ok: totalOrgs === expected, detail: `${totalOrgs} of ${expected}` });

  // ── timings ──
  log(`diagnostics of the 500-node chain × ${runs}…`);
  let last = await computeChainDiagnostics(db, chain);
  checks.push({ name: 'every node diagnosed', ok: last.nodes.length === chainNodes, detail: `${last.nodes.length} nodes` });
  const diagnostics = await time(runs, 3, async () => {
    last = await computeChainDiagnostics(db, chain);
  });
  // the same through HTTP: session check, use case, response validation and JSON serialisation
  const app = await createServer({ db, config: parseConfig({ CHAINATLAS_LOG_LEVEL: 'silent' }) }, { logger: false, webDir: null });
  await app.ready();
  await createUser({ db }, systemActor('bench'), { username: 'bench_official', displayName: 'bench', password: 'bench-password-123', role: 'official', region: 'TJ', organizationId: null });
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bench_official', password: 'bench-password-123' } });
  const cookie = login.cookies.find((c) => c.name === 'ca_session')!.value;
  let bytes = 0;
  const httpT = await time(runs, 3, async () => {
    const res = await app.inject({ method: 'GET', url: `/api/chains/${target}/diagnostics`, cookies: { ca_session: cookie } });
    if (res.statusCode !== 200) throw new Error(`GET diagnostics: ${res.statusCode} ${res.body.slice(0, 200)}`);
    bytes = res.rawPayload.length;
  });
  await app.close();
  const http = { ...httpT, bytes };

  const busiest = (await db.query<{ node_id: number; n: number }>(`select node_id, count(*)::int as n from org_node_links where chain_id = $1 group by 1 order by 2 desc limit 1`, [target]))[0];
  const actor = systemActor('bench');
  const nodePanel = await time(runs, 2, () => getNodeDiagnostics({ db }, actor, busiest.node_id));
  log(`direct aggregation (no summary table) × 5…`);
  const direct = await time(5, 1, () => chainNodeRegionsDirect(db, target, ['confirmed']));

  // the write cost the triggers add: attaching one organisation
  const ins: number[] = [];
  for (let i = 0; i < 100; i++) {
    const org = firstId + Math.floor(r() * opts.orgs);
    const node = nodeIds[Math.floor(r() * 500)];
    const t = performance.now();
    await db.query(
      `insert into org_node_links (organization_id, node_id, chain_id, role, source) values ($1, $2, $3, 'production', 'bench') on conflict (organization_id, node_id) do nothing`,
      [org, node, target],
    );
    ins.push(performance.now() - t);
  }
  const singleLinkInsert = timing(ins);
  // the same without the summary trigger (rows removed again before it is re-enabled)
  const bare: number[] = [];
  await db.exec(`alter table org_node_links disable trigger org_node_links_stats_ins`);
  for (let i = 0; i < 100; i++) {
    const org = firstId + Math.floor(r() * opts.orgs);
    const node = nodeIds[Math.floor(r() * 500)];
    const t = performance.now();
    await db.query(
      `insert into org_node_links (organization_id, node_id, chain_id, role, source) values ($1, $2, $3, 'production', 'bench-bare') on conflict (organization_id, node_id) do nothing`,
      [org, node, target],
    );
    bare.push(performance.now() - t);
  }
  await db.exec(`alter table org_node_links disable trigger org_node_links_stats_del`);
  await db.query(`delete from org_node_links where source = 'bench-bare'`);
  await db.exec(`alter table org_node_links enable trigger org_node_links_stats_del`);
  await db.exec(`alter table org_node_links enable trigger org_node_links_stats_ins`);
  const singleLinkInsertBare = timing(bare);

  log('proposals…');
  let t = performance.now();
  const p1 = await runDiagnosticsProposals({ db }, actor, target);
  const proposalsFirst = { ms: Math.round(performance.now() - t), created: p1.created };
  t = performance.now();
  const p2 = await runDiagnosticsProposals({ db }, actor, target);
  const proposalsRerun = { ms: Math.round(performance.now() - t), unchanged: p2.unchanged };
  checks.push({ name: 're-run changes nothing', ok: p2.created === 0 && p2.updated === 0 && p2.stale === 0, detail: JSON.stringify({ created: p2.created, updated: p2.updated, stale: p2.stale }) });

  return {
    engine,
    orgs: opts.orgs,
    links: opts.links,
    chainNodes,
    chainLinks,
    statsRows,
    loadOrgsSeconds,
    loadLinksSeconds,
    vacuumSeconds,
    diagnostics,
    http,
    nodePanel: { ...nodePanel, nodeLinks: busiest.n },
    direct,
    singleLinkInsert,
    singleLinkInsertBare,
    proposalsFirst,
    proposalsRerun,
    summary: last.summary.overall,
    checks,
    maxRssSampled: sampler.stop(),
  };
}

/** Child-process entry: a fresh database from `spec`, migrated, then runDiagnosticsBench. */
export async function measureDiagnostics(args: { spec: DbSpec; orgs: number; links: number; seed: number; runs: number }): Promise<DiagnosticsMeasurement> {
  const db = args.spec.engine === 'pglite' ? await openPglite({ dataDir: args.spec.dataDir }) : await openPostgres(args.spec.url, { max: 4 });
  try {
    await prepareDatabase(db);
    return await runDiagnosticsBench({ engine: args.spec.engine, db, orgs: args.orgs, links: args.links, seed: args.seed, runs: args.runs });
  } finally {
    await db.close();
  }
}
