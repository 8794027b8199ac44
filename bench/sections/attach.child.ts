/**
 * The measurements of the attach section, in child processes (see bench/lib/child.ts).
 *
 * measureEngine (no database): attachment throughput of the engine on one core — suggestions with
 * tiers and evidence, exactly what runAttach computes per organisation — for the ten demo chains
 * (329 nodes) and for a 500-node taxonomy (the demo nodes + 171 nodes built from domain-dictionary
 * terms), over real records (the demo's 4,438 listed companies: 京津冀 + national, each with its
 * own product list) and generated register records (bench/generate.ts: names, products, 经营范围).
 * Baselines: the keyword matcher the engine replaced, and the engine without its pre-filter
 * (every organisation through the classifier).
 *
 * measureRun (per database engine): runAttach end to end over the demo seed plus cloned candidates —
 * read pages, score, batched writes (one upsert and one delete statement per page), audit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { openPglite, openPostgres, type Db } from '../../src/db/db.ts';
import { prepareDatabase } from '../../src/runtime.ts';
import { systemActor } from '../../src/modules/accounts/actor.ts';
import { buildAttachModel, suggest, type EngineNode, type EngineOrg } from '../../src/modules/attach/attach.engine.ts';
import { runAttach } from '../../src/modules/attach/attach.usecases.ts';
import { seedDemo } from '../../src/seed/demo.ts';
import { DOMAIN_DICT_PATH } from '../../src/lib/text.ts';
import { loadDemo } from '../../eval/attach-chains.ts';
import { generateOrganizationsCsv } from '../generate.ts';
import { childLog } from '../lib/child.ts';
import type { DbSpec } from '../lib/types.ts';

export interface Throughput {
  orgs: number;
  cpuSeconds: number;
  wallSeconds: number;
  orgsPerCpuSecond: number;
  suggestions: number;
  confirmed: number;
  review: number;
  scored: number;
}
export interface EngineMeasurement {
  trainMs: { demo: number; n500: number };
  nodes: { demo: number; n500: number };
  examples: number;
  populations: { real: number; generated: number };
  demo: { real: Throughput; generated: Throughput };
  n500: { real: Throughput; generated: Throughput };
  baselineKeyword: { real: Throughput; generated: Throughput };
  noPrefilter: { real: Throughput };
}

function cpu() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Times `make()`'s function over the records after the first 300, which warm it up (JIT). `make` runs
 * before the clock starts and builds a fresh model, so no measurement reuses another's token caches:
 * every measured record is tokenized and scored for the first time.
 */
function measure(all: EngineOrg[], make: () => (o: EngineOrg) => { n: number; c: number; r: number; scored: boolean }): Throughput {
  const fn = make();
  for (const o of all.slice(0, 300)) fn(o);
  const orgs = all.slice(300);
  const c0 = cpu();
  const t0 = performance.now();
  let suggestions = 0;
  let confirmed = 0;
  let review = 0;
  let scored = 0;
  for (const o of orgs) {
    const x = fn(o);
    suggestions += x.n;
    confirmed += x.c;
    review += x.r;
    if (x.scored) scored++;
  }
  const cpuSeconds = cpu() - c0;
  const wallSeconds = (performance.now() - t0) / 1000;
  return { orgs: orgs.length, cpuSeconds: +cpuSeconds.toFixed(3), wallSeconds: +wallSeconds.toFixed(3), orgsPerCpuSecond: Math.round(orgs.length / cpuSeconds), suggestions, confirmed, review, scored };
}

/** The placeholder matcher the engine replaced (src/seed/auto-attach.ts): keyword in a product, best node per chain. */
function keywordMatcher(nodes: EngineNode[]) {
  return (o: EngineOrg) => {
    const best = new Map<number, { node: number; score: number }>();
    for (const n of nodes) {
      const terms = n.keywords.filter((k) => k.length >= 2 && o.products.some((p) => p.includes(k) || (p.length >= 3 && k === p)));
      if (!terms.length) continue;
      const score = terms.reduce((s, t) => s + Math.min(t.length, 6), 0);
      const cur = best.get(n.chainId);
      if (!cur || score > cur.score) best.set(n.chainId, { node: n.id, score });
    }
    let n = 0;
    for (const b of best.values()) if (b.score >= 4) n++;
    return { n, c: n, r: 0, scored: true };
  };
}

/** 171 extra nodes from domain-dictionary terms that are not chain keywords, 4 terms each, 4 extra chains. */
function pad500(nodes: EngineNode[]): EngineNode[] {
  const used = new Set(nodes.flatMap((n) => [n.name, ...n.keywords]));
  const terms = readFileSync(DOMAIN_DICT_PATH, 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter((t) => t && /^[\u4e00-\u9fff]{3,8}$/.test(t) && !used.has(t));
  const out = [...nodes];
  const maxChain = Math.max(...nodes.map((n) => n.chainId));
  for (let i = 0; out.length < 500; i++) {
    const kw = [0, 1, 2, 3].map((k) => terms[(i * 4 + k) % terms.length]);
    out.push({ id: 10_000 + i, chainId: maxChain + 1 + (i % 4), name: kw[0], keywords: kw, stage: (['upstream', 'midstream', 'downstream'] as const)[i % 3] });
  }
  return out;
}

function generated(n: number, seed: number, dir: string): EngineOrg[] {
  const file = join(dir, `attach-orgs-${n}.csv`);
  generateOrganizationsCsv({ orgs: n, seed, file });
  const rows = parse(readFileSync(file, 'utf8').replace(/^\ufeff/, ''), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  return rows.map((r, i) => ({
    id: 1_000_000 + i,
    name: r['名称'],
    shortName: r['简称'] || null,
    kind: r['类型'] === '企业' ? 'enterprise' : 'institute',
    products: (r['主要产品'] || '').split('、').filter(Boolean),
    businessScope: r['经营范围'] || null,
    description: r['简介'] || null,
    industryCode: r['行业代码'] || null,
  }));
}

export async function measureEngine(args: { generated: number; seed: number; workDir: string }): Promise<EngineMeasurement> {
  const demo = loadDemo();
  const examples = demo.seeds.map((s) => ({ nodeId: s.nodeId, org: s.org }));
  const national = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'data', 'demo', 'national-companies.json'), 'utf8')) as any[];
  const real: EngineOrg[] = [
    ...demo.orgs,
    ...national.map((c, i) => ({ id: 100_000 + i, name: c.fullName || c.name, shortName: c.name, kind: 'enterprise', products: c.products, businessScope: null, description: null, industryCode: null })),
  ];
  childLog(`  attach: generating ${args.generated} register records…\n`);
  const gen = generated(args.generated, args.seed, args.workDir);

  const nodes500 = pad500(demo.nodes);
  const trainMs = { demo: 0, n500: 0 };
  const run = (nodes: EngineNode[], prefilter = true) => () => {
    const am = buildAttachModel(nodes, examples);
    trainMs[nodes === demo.nodes ? 'demo' : 'n500'] = Math.round(am.trainMs);
    return (o: EngineOrg) => {
      const r = suggest(am, o, { prefilter });
      let c = 0;
      for (const s of r.suggestions) if (s.tier === 'confirmed') c++;
      return { n: r.suggestions.length, c, r: r.suggestions.length - c, scored: r.scored };
    };
  };
  childLog('  attach: 10 demo chains…\n');
  const demoReal = measure(real, run(demo.nodes));
  const demoGen = measure(gen, run(demo.nodes));
  childLog('  attach: 500-node taxonomy…\n');
  const n500Real = measure(real, run(nodes500));
  const n500Gen = measure(gen, run(nodes500));
  childLog('  attach: baselines…\n');
  const kw = () => keywordMatcher(demo.nodes);
  return {
    trainMs,
    nodes: { demo: demo.nodes.length, n500: nodes500.length },
    examples: examples.length,
    populations: { real: real.length - 300, generated: gen.length - 300 },
    demo: { real: demoReal, generated: demoGen },
    n500: { real: n500Real, generated: n500Gen },
    baselineKeyword: { real: measure(real, kw), generated: measure(gen, kw) },
    noPrefilter: { real: measure(real, run(demo.nodes, false)) },
  };
}

export interface RunMeasurement {
  candidates: number;
  seconds: number;
  orgsPerSecond: number;
  created: number;
  confirmed: number;
  review: number;
  rerunSeconds: number;
  rerunUpdated: number;
  setupSeconds: number;
}

async function open(spec: DbSpec): Promise<Db> {
  const db = spec.engine === 'pglite' ? await openPglite({ dataDir: spec.dataDir }) : await openPostgres(spec.url, { max: 4 });
  await prepareDatabase(db);
  return db;
}

/**
 * runAttach end to end: the demo seed (which already runs it once), then `clones` copies of every
 * national company placed in Hebei as extra candidates (real product lists), then a full run over
 * every chain, then a re-run (nothing new: only comparisons, no writes).
 */
export async function measureRun(args: { spec: DbSpec; clones: number }): Promise<RunMeasurement> {
  const t0 = performance.now();
  const db = await open(args.spec);
  try {
    await seedDemo(db, { withAccounts: false });
    for (let k = 1; k <= args.clones; k++)
      await db.query(
        `insert into organizations (kind, name, short_name, region, division_code, province_code, products, source, search_text)
         select kind, name || '（河北' || $1::int || '）', short_name, 'HE', '130102', '13', products, 'bench clone', ''
           from organizations where region is null`,
        [k],
      );
    const setupSeconds = (performance.now() - t0) / 1000;
    const actor = systemActor('bench');
    let t = performance.now();
    const r = await runAttach({ db }, actor, {});
    const seconds = (performance.now() - t) / 1000;
    t = performance.now();
    const again = await runAttach({ db }, actor, {});
    const rerunSeconds = (performance.now() - t) / 1000;
    return {
      candidates: r.candidates,
      seconds: +seconds.toFixed(2),
      orgsPerSecond: Math.round(r.candidates / seconds),
      created: r.totals.created,
      confirmed: r.totals.confirmed,
      review: r.totals.review,
      rerunSeconds: +rerunSeconds.toFixed(2),
      rerunUpdated: again.totals.updated + again.totals.created + again.totals.removed,
      setupSeconds: +setupSeconds.toFixed(1),
    };
  } finally {
    await db.close();
  }
}
