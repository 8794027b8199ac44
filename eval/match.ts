/**
 * Evaluation of the matching engine on chain-kg (npm run eval:match).
 *
 *   node --import tsx eval/match.ts [--data DIR] [--max N] [--json]
 *
 * Cases (built from real data, shared/data/chain-kg): a listed company C makes product P; P has
 * an upstream material M (product_product 上游材料) that listed companies also make. The demand is
 * "采购 M" published by C (kind procurement, items [M], a text naming P). The relevant suppliers
 * are the companies whose main products (company_product, cleaned) include M or a 产品小类 subtype
 * of M — C itself excluded. 上游材料 is dominated by recipes, so food and farm materials, generic
 * words and demanders in 食品饮料 / 农林牧渔 are dropped; cases keep 1–50 relevant suppliers.
 *
 * Where it runs: an in-memory PGlite with the real schema — every chain-kg company with products
 * is an organisation (region from listed-companies/chainkg_company_region.csv), and a chain
 * "申万行业上下游" is drawn from industry_up.json (the strongest upstream industries, acyclic) with
 * each company attached to its Shenwan level-3 industry. The engine runs through the product's
 * own use case (matchProbe → SQL retrieval + re-rank), so retrieval is part of what is measured.
 *
 * Reported in the same run, precision@10 and recall@50 (mean over cases):
 *   - engine, as shipped (default preferences: region and stage routing on);
 *   - engine, relevance only (stage and region weights 0: the labels know nothing of regions);
 *   - engine without the chain (no industry graph);
 *   - baseline 1: the organisation search box with the material name (tsvector + ts_rank, the
 *     plain text search of GET /api/organizations?q=M);
 *   - baseline 2: plain full-text search of the whole demand text (OR of its words, ts_rank).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPglite, type Db } from '../src/db/db.ts';
import { prepareDatabase } from '../src/runtime.ts';
import { queryTokens } from '../src/lib/text.ts';
import { systemActor } from '../src/modules/accounts/actor.ts';
import { chainKgPaths, loadChainKg, normalizeCode, normalizeProductName, parseJsonLines } from '../src/modules/attach/chainkg.ts';
import { importChainDefinition } from '../src/modules/chains/chains.usecases.ts';
import { DEFAULT_SETTINGS, type MatchSettings } from '../src/modules/matching/matching.engine.ts';
import { matchProbe } from '../src/modules/matching/matching.usecases.ts';
import type { OrganizationInput } from '../src/modules/organizations/organizations.schemas.ts';
import { prepareOrganizationRows } from '../src/modules/organizations/organizations.usecases.ts';
import { createOrganizationsRepository } from '../src/modules/organizations/organizations.repository.ts';
import { findCycle } from '../src/modules/chains/dag.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const argOf = (k: string) => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
const DATA = resolve(argOf('--data') ?? join(HERE, '..', '..', 'shared', 'data', 'chain-kg'));
const REGIONS_CSV = join(DATA, '..', 'listed-companies', 'chainkg_company_region.csv');
const MAX_CASES = Number(argOf('--max') ?? 400);
const JSON_OUT = args.includes('--json');

/** Recipe ingredients, farm produce and words that are not materials one procures by name. */
const EXCLUDED_MATERIALS = new Set(
  '大豆 水果 面粉 甘蔗 蔬菜 大米 蛋白质 酵母 牛奶 白砂糖 板蓝根 纯净水 大麦 谷氨酸钠 鸡蛋 豆腐 牛肉 猪肉 羊肉 鸡肉 食盐 食用油 淀粉 小麦 玉米 茶叶 中药材 饲料 生猪 鸡 鱼 虾 棉花 花生 油脂 调味品 白酒 啤酒 果汁 金属 控制 电器 摄像机 材料 原料 产品 设备 其他 电 水 气 能源 燃料'.split(
    ' ',
  ),
);
const EXCLUDED_DEMANDER_L1 = new Set(['340000', '110000']); // 食品饮料, 农林牧渔

interface Case {
  demander: string;
  product: string;
  material: string;
  relevant: Set<string>;
}

function loadCases(kg: ReturnType<typeof loadChainKg>) {
  const makers = new Map<string, Set<string>>();
  for (const [code, ps] of kg.products) for (const p of ps) (makers.get(p.name) ?? makers.set(p.name, new Set()).get(p.name)!).add(code);
  const rel = parseJsonLines<{ from_entity: string; to_entity: string; rel: string }>(readFileSync(join(DATA, 'product_product.json'), 'utf8'));
  const subtypes = new Map<string, Set<string>>();
  for (const r of rel)
    if (r.rel === '产品小类') {
      const f = normalizeProductName(r.from_entity);
      (subtypes.get(f) ?? subtypes.set(f, new Set()).get(f)!).add(normalizeProductName(r.to_entity));
    }
  const relevantOf = (m: string) => {
    const s = new Set(makers.get(m) ?? []);
    for (const x of subtypes.get(m) ?? []) for (const c of makers.get(x) ?? []) s.add(c);
    return s;
  };
  const cases: Case[] = [];
  const seen = new Set<string>();
  const pairs = rel
    .filter((r) => r.rel === '上游材料')
    .map((r) => [normalizeProductName(r.from_entity), normalizeProductName(r.to_entity)] as const)
    .filter(([p, m]) => p !== m && [...m].length >= 2 && !EXCLUDED_MATERIALS.has(m) && makers.has(p))
    .sort((a, b) => (a[1] + a[0]).localeCompare(b[1] + b[0]));
  for (const [p, m] of pairs) {
    const demanders = [...(makers.get(p) ?? [])]
      .filter((c) => !EXCLUDED_DEMANDER_L1.has((kg.labels.get(c)?.industryCode ?? '').slice(0, 2) + '0000'))
      .sort();
    for (const c of demanders.slice(0, 2)) {
      const relevant = relevantOf(m);
      relevant.delete(c);
      if (relevant.size < 1 || relevant.size > 50) continue;
      const key = `${c}|${m}`;
      if (seen.has(key)) continue;
      seen.add(key);
      cases.push({ demander: c, product: p, material: m, relevant });
    }
  }
  return cases;
}

async function buildDatabase(kg: ReturnType<typeof loadChainKg>, withChain: boolean) {
  const db = await openPglite({ dataDir: null });
  await prepareDatabase(db);
  const provinces = await db.query<{ code: string; name: string }>(`select code, name from divisions where level = 1`);
  const provinceOf = (area: string) => provinces.find((p) => p.name.startsWith(area))?.code ?? null;
  const area = new Map<string, string>();
  for (const line of readFileSync(REGIONS_CSV, 'utf8').split(/\r?\n/).slice(1)) {
    const cols = line.split(',');
    if (cols.length > 3) area.set(normalizeCode(cols[0]), cols[3]);
  }
  const codes = [...kg.products.keys()].filter((c) => kg.groups.has(c)).sort();
  const inputs: OrganizationInput[] = codes.map((c) => {
    const row = kg.groups.get(c)![0];
    return {
      kind: 'enterprise',
      name: row.fullName || row.name,
      shortName: row.name,
      aliases: [],
      divisionCode: provinceOf(area.get(c) ?? '') ?? null,
      products: kg.products.get(c)!.map((p) => p.name).slice(0, 200),
      tags: [],
      source: 'chain-kg (eval)',
      sourceRef: c,
    } as OrganizationInput;
  });
  const { rows, problems } = await prepareOrganizationRows(db, inputs, { skipUsccLookup: true });
  if (problems.length) throw new Error(`organisations: ${problems.slice(0, 3).map((p) => p.message).join('; ')}`);
  await createOrganizationsRepository(db).copyInsert([rows]);
  const idOf = new Map<string, number>();
  const codeOf = new Map<number, string>();
  for (const r of await db.query<{ id: number; source_ref: string }>(`select id, source_ref from organizations`)) {
    idOf.set(r.source_ref, Number(r.id));
    codeOf.set(Number(r.id), r.source_ref);
  }

  if (withChain) {
    // Industry chain from industry_up: for each industry its strongest upstream industries (count ≥ 3,
    // at most 6), added strongest first while the graph stays acyclic.
    const ups = parseJsonLines<{ industry: string; ups: Record<string, number> }>(readFileSync(join(DATA, 'industry_up.json'), 'utf8'));
    const used = new Set<string>([...kg.labels.values()].map((l) => l.industryName));
    const cand: Array<[string, string, number]> = [];
    for (const u of ups)
      Object.entries(u.ups)
        .filter(([n, k]) => k >= 3 && n !== u.industry)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .forEach(([n, k]) => cand.push([n, u.industry, k]));
    cand.sort((a, b) => b[2] - a[2]);
    const edges: Array<[string, string]> = [];
    for (const [f, t] of cand) {
      if (!used.has(f) || !used.has(t)) continue;
      edges.push([f, t]);
      if (findCycle([f, t], edges)) edges.pop();
    }
    const names = [...used].sort();
    await db.transaction((tx) =>
      importChainDefinition(tx, systemActor('eval'), {
        code: 'sw-industries',
        name: '申万行业上下游',
        scope: 'other',
        source: 'chain-kg industry_up.json (eval)',
        segments: [{ name: '行业', stage: 'midstream', nodes: names.map((n) => ({ name: n, keywords: [] })) }],
        edges,
      } as any),
    );
    const nodeId = new Map((await db.query<{ id: number; name: string }>(`select id, name from chain_nodes`)).map((r) => [r.name, Number(r.id)]));
    const links: string[] = [];
    for (const [code, l] of kg.labels) {
      const o = idOf.get(code);
      const n = nodeId.get(l.industryName);
      if (o && n) links.push(`(${o}, ${n})`);
    }
    for (let i = 0; i < links.length; i += 1000)
      await db.query(
        `insert into org_node_links (organization_id, node_id, chain_id, role, source)
         select v.o, v.n, c.chain_id, 'production', 'chain-kg label (eval)' from (values ${links.slice(i, i + 1000).join(',')}) v(o, n)
         join chain_nodes c on c.id = v.n`,
      );
  }
  await db.exec('analyze');
  return { db, idOf, codeOf };
}

interface Scores {
  p10: number[];
  r50: number[];
  hit1: number[];
}
const newScores = (): Scores => ({ p10: [], r50: [], hit1: [] });
const RANKED: Record<string, string[][]> = {};
function score(s: Scores, ranked: string[], relevant: Set<string>, key?: string) {
  if (key) (RANKED[key] ??= []).push(ranked);
  const top10 = ranked.slice(0, 10).filter((c) => relevant.has(c)).length;
  const top50 = ranked.slice(0, 50).filter((c) => relevant.has(c)).length;
  s.p10.push(top10 / 10);
  s.r50.push(top50 / relevant.size);
  s.hit1.push(ranked.length && relevant.has(ranked[0]) ? 1 : 0);
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);

async function runEngine(db: Db, idOf: Map<string, number>, codeOf: Map<number, string>, cases: Case[], settings: MatchSettings, out: Scores, key?: string) {
  const actor = systemActor('eval');
  const ms: number[] = [];
  for (const c of cases) {
    const t = performance.now();
    const r = await matchProbe(
      { db },
      actor,
      {
        organizationId: idOf.get(c.demander),
        direction: 'demand',
        kind: 'procurement',
        title: `采购${c.material}`,
        description: `我司主营${c.product}，需要采购${c.material}，寻找稳定的供应商`,
        fields: { items: [c.material] },
        nodeIds: [],
        regionsWanted: [],
      } as any,
      { limit: 50, type: 'organizations', settings, pool: 200 },
    );
    ms.push(performance.now() - t);
    score(out, r.items.map((i) => codeOf.get(i.organization.id)!), c.relevant, key);
  }
  return ms;
}

async function runBaselines(db: Db, idOf: Map<string, number>, codeOf: Map<number, string>, cases: Case[], b1: Scores, b2: Scores) {
  const repo = createOrganizationsRepository(db);
  for (const c of cases) {
    const r1 = await repo.search({ q: c.material, page: 1, pageSize: 51 } as any);
    score(b1, r1.items.map((i) => codeOf.get(i.id)!).filter((x) => x !== c.demander), c.relevant, 'baseline1');
    const toks = queryTokens(`采购${c.material} 我司主营${c.product}，需要采购${c.material}，寻找稳定的供应商`);
    const tsq = toks.map((_, i) => `plainto_tsquery('simple', $${i + 1})`).join(' || ');
    const r2 = await db.query<{ id: number }>(
      `select id from organizations where search_tsv @@ (${tsq}) and id <> $${toks.length + 1}
        order by ts_rank(search_tsv, ${tsq}) desc, id limit 50`,
      [...toks, idOf.get(c.demander)],
    );
    score(b2, r2.map((x) => codeOf.get(Number(x.id))!), c.relevant);
  }
}

async function main() {
  const t0 = performance.now();
  const kg = loadChainKg(chainKgPaths(DATA));
  let cases = loadCases(kg);
  const total = cases.length;
  // a deterministic spread over materials: at most 3 cases per material
  const perMaterial = new Map<string, number>();
  cases = cases.filter((c) => {
    const n = perMaterial.get(c.material) ?? 0;
    perMaterial.set(c.material, n + 1);
    return n < 3;
  });
  cases = cases.slice(0, MAX_CASES);
  process.stderr.write(`[eval:match] ${cases.length} cases (of ${total} candidates), ${new Set(cases.map((c) => c.material)).size} materials; loading PGlite…\n`);

  const withChain = await buildDatabase(kg, true);
  cases = cases.filter((c) => withChain.idOf.has(c.demander));
  const relevanceOnly: MatchSettings = { ...DEFAULT_SETTINGS, weights: { ...DEFAULT_SETTINGS.weights, stage: 0, region: 0 } };
  const results: Record<string, Scores> = { engine: newScores(), engineRelevance: newScores(), engineNoChain: newScores(), baseline1: newScores(), baseline2: newScores() };
  const msEngine = await runEngine(withChain.db, withChain.idOf, withChain.codeOf, cases, DEFAULT_SETTINGS, results.engine);
  await runEngine(withChain.db, withChain.idOf, withChain.codeOf, cases, relevanceOnly, results.engineRelevance, 'engineRelevance');
  await runBaselines(withChain.db, withChain.idOf, withChain.codeOf, cases, results.baseline1, results.baseline2);
  await withChain.db.close();
  const noChain = await buildDatabase(kg, false);
  await runEngine(noChain.db, noChain.idOf, noChain.codeOf, cases, relevanceOnly, results.engineNoChain);
  await noChain.db.close();

  const diffN = Number(argOf('--diff') ?? 0);
  if (diffN) {
    let shown = 0;
    cases.forEach((c, i) => {
      const e = RANKED.engineRelevance[i];
      const b = RANKED.baseline1[i];
      const depth = Number(argOf('--diff-depth') ?? 10);
      const missed = b.slice(0, depth).filter((x) => c.relevant.has(x) && !e.slice(0, depth).includes(x));
      if (!missed.length || shown++ >= diffN) return;
      const name = (code: string) => `${kg.groups.get(code)?.[0]?.name ?? code}[${(kg.products.get(code) ?? []).map((p) => p.name).filter((p) => p.includes(c.material.slice(0, 2))).slice(0, 3).join('/')}]`;
      console.log(`- 采购${c.material}（${c.product}）: engine top-10 misses ${missed.map(name).join(', ')}; engine top-5: ${e.slice(0, 5).map((x) => `${c.relevant.has(x) ? '✓' : '✗'}${name(x)}`).join(', ')}`);
    });
  }
  const relSizes = cases.map((c) => c.relevant.size);
  const ceiling = mean(relSizes.map((n) => Math.min(10, n) / 10));
  const label: Record<string, string> = {
    engine: 'engine (default preferences)',
    engineRelevance: 'engine, relevance only (stage/region weight 0)',
    engineNoChain: 'engine, relevance only, no chain graph',
    baseline1: 'baseline 1: org search box, q = material',
    baseline2: 'baseline 2: full-text search of the demand text',
  };
  const rows = Object.entries(results).map(([k, s]) => ({ system: label[k], precisionAt10: mean(s.p10), recallAt50: mean(s.r50), hitAt1: mean(s.hit1), cases: s.p10.length }));
  if (JSON_OUT) {
    console.log(JSON.stringify({ cases: cases.length, ceilingP10: ceiling, rows }, null, 2));
    return;
  }
  const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - [...s].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)));
  console.log(`\nnpm run eval:match — demand "采购 <material>" → relevant suppliers (chain-kg), in-memory PGlite, same run`);
  console.log(`cases: ${cases.length} (${new Set(cases.map((c) => c.material)).size} materials, ${new Set(cases.map((c) => c.demander)).size} demanders); relevant suppliers per case: median ${relSizes.sort((a, b) => a - b)[Math.floor(relSizes.length / 2)]}, mean ${mean(relSizes).toFixed(1)}, max ${Math.max(...relSizes)}`);
  console.log(`precision@10 ceiling (cases with fewer than 10 relevant suppliers): ${ceiling.toFixed(3)}\n`);
  console.log(`| ${pad('system', 48)} | precision@10 | recall@50 | hit@1 | cases |`);
  console.log(`|${'-'.repeat(50)}|-------------:|----------:|------:|------:|`);
  for (const r of rows) console.log(`| ${pad(r.system, 48)} | ${r.precisionAt10.toFixed(3).padStart(12)} | ${r.recallAt50.toFixed(3).padStart(9)} | ${r.hitAt1.toFixed(3).padStart(5)} | ${String(r.cases).padStart(5)} |`);
  const sorted = [...msEngine].sort((a, b) => a - b);
  console.log(`\nengine latency per case (top-50, PGlite in memory): p50 ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms, p95 ${sorted[Math.floor(sorted.length * 0.95)].toFixed(1)} ms; total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
