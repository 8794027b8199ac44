/**
 * The measurements of the matching section, in a child process on a fresh database (see
 * bench/lib/child.ts): loads N synthetic capability postings (default 1,000,000) of synthetic
 * organisations, then times the whole matching use case (matchProbe: preferences, chain context,
 * SQL retrieval on the GIN index, re-rank with explanations, presentation) for demand probes.
 *
 * Synthetic data: the vocabulary of bench/vocab.ts (chains, trades, products). A capability
 * has a kind (contract manufacturing, procurement, pilot, testing, R&D, licensing, financing), 1–3
 * products of one theme, a title and text in the style of real postings, structured fields of its
 * kind, an organisation in 北京/天津/河北 or elsewhere, and in 30 % of cases nodes of the nev-icv
 * chain. Search text is built by the product's own postingSearchText (jieba) for 20,000 distinct
 * templates; rows draw a template, an organisation and a region — so term frequencies are those
 * of the vocabulary, not of random strings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyText, openPglite, openPostgres, type Db } from '../../src/db/db.ts';
import { prepareDatabase } from '../../src/runtime.ts';
import { systemActor } from '../../src/modules/accounts/actor.ts';
import { chainDefinitionSchema } from '../../src/modules/chains/chains.schemas.ts';
import { importChainDefinition } from '../../src/modules/chains/chains.usecases.ts';
import { REFERENCE_DIR } from '../../src/modules/reference/reference.repository.ts';
import { buildSearchText } from '../../src/lib/text.ts';
import { postingSearchText } from '../../src/modules/matching/matching.engine.ts';
import { matchProbe } from '../../src/modules/matching/matching.usecases.ts';
import { POSTING_COLUMNS, type PostingRow } from '../../src/modules/postings/postings.repository.ts';
import type { PostingInput, PostingKind } from '../../src/modules/postings/postings.schemas.ts';
import { THEMES } from '../vocab.ts';
import { childLog } from '../lib/child.ts';
import type { DbSpec } from '../lib/types.ts';

const ACTOR = systemActor('bench');

export interface Timing {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
  runs: number;
}
export interface MatchingMeasurement {
  capabilities: number;
  organizations: number;
  setupSeconds: number;
  timings: Record<string, Timing>;
  retrieval: { meanPostingCandidates: number; meanOrgCandidates: number; widened: number; queries: number };
  checks: Array<{ name: string; ok: boolean; detail: string }>;
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

async function open(spec: DbSpec): Promise<Db> {
  const db = spec.engine === 'pglite' ? await openPglite({ dataDir: spec.dataDir }) : await openPostgres(spec.url, { max: 4 });
  await prepareDatabase(db);
  return db;
}

const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
function summarise(ms: number[]): Timing {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: q(s, 0.5), p95: q(s, 0.95), p99: q(s, 0.99), mean: s.reduce((a, b) => a + b, 0) / s.length, min: s[0], max: s[s.length - 1], runs: s.length };
}

const KINDS: Array<[PostingKind, number]> = [
  ['contract_manufacturing', 30],
  ['procurement', 30],
  ['pilot_scale', 10],
  ['lab_testing', 10],
  ['rnd_partner', 10],
  ['licensing', 5],
  ['financing', 5],
];
const REGIONS: Array<[string | null, string, number]> = [
  ['BJ', '110108', 25],
  ['TJ', '120116', 25],
  ['HE', '130100', 25],
  [null, '310000', 25],
];
function pickWeighted<T>(r: () => number, xs: Array<[T, ...unknown[]]>, w: (x: any) => number): T {
  const total = xs.reduce((a, x) => a + w(x), 0);
  let t = r() * total;
  for (const x of xs) if ((t -= w(x)) < 0) return x[0];
  return xs[xs.length - 1][0];
}
const pick = <T>(r: () => number, xs: readonly T[]) => xs[Math.floor(r() * xs.length)];

/** A posting of `kind` about products of one theme (same generator for the stored rows and the probes). */
export function synthPosting(r: () => number, kind: PostingKind, direction: 'capability' | 'demand'): { title: string; description: string; fields: Record<string, unknown>; theme: number } {
  const ti = Math.floor(r() * THEMES.length);
  const th = THEMES[ti];
  const prods = [pick(r, th.products), pick(r, th.products), pick(r, th.products)].slice(0, 1 + Math.floor(r() * 3));
  const p = prods[0];
  const offer = direction === 'capability';
  switch (kind) {
    case 'contract_manufacturing': {
      const procs = (['smt', 'machining', 'moulding', 'assembly', 'prototyping', 'first_article', 'sheet_metal', 'welding'] as const).filter(() => r() < 0.3);
      if (!procs.length) procs.push('machining');
      return {
        title: offer ? `承接${p}委托加工` : `寻找${p}代工厂`,
        description: `${offer ? '提供' : '需要'}${prods.join('、')}的加工服务，${th.chain}产业链配套`,
        fields: { processes: procs, quantity: Math.round(100 + r() * 100000), product: p, leadTimeDays: offer ? Math.round(3 + r() * 60) : undefined },
        theme: ti,
      };
    }
    case 'procurement':
      return {
        title: offer ? `供应${p}` : `采购${p}`,
        description: `${offer ? '长期供应' : '批量采购'}${prods.join('、')}，${th.chain}领域`,
        fields: { items: prods, quantity: Math.round(10 + r() * 10000), unit: '件', leadTimeDays: offer ? Math.round(3 + r() * 60) : undefined },
        theme: ti,
      };
    case 'pilot_scale':
      return {
        title: offer ? `${p}中试放大服务` : `${p}中试放大`,
        description: `${th.chain}中试平台，工艺验证与放大生产`,
        fields: { services: ['scale_up', 'process_validation'], product: p, volumeL: Math.round(50 + r() * 20000), grades: r() < 0.5 ? ['food'] : ['pharma_gmp'] },
        theme: ti,
      };
    case 'lab_testing':
      return { title: `${p}检验检测`, description: `${p}性能测试与认证，${th.chain}`, fields: { tests: [`${p}检测`, '性能测试'], accreditations: ['CMA'] }, theme: ti };
    case 'rnd_partner':
      return { title: offer ? `${p}技术研发合作` : `寻求${p}研发合作伙伴`, description: `${prods.join('、')}关键技术攻关`, fields: { topics: prods, mode: 'joint_rnd' }, theme: ti };
    case 'licensing':
      return { title: `${p}技术成果转化`, description: `${p}相关专利许可`, fields: { technology: `${p}制备技术`, mode: 'license' }, theme: ti };
    case 'financing':
    default:
      return { title: offer ? `${th.chain}产业投资` : `${p}项目融资`, description: `${th.chain}产业链企业股权融资`, fields: { amountWan: Math.round(100 + r() * 50000), instruments: ['equity'] }, theme: ti };
  }
}

export async function measureMatching(args: { spec: DbSpec; capabilities: number; organizations: number; queries: number; seed: number }): Promise<MatchingMeasurement> {
  const db = await open(args.spec);
  const t0 = performance.now();
  const r = rng(args.seed);
  try {
    const def = chainDefinitionSchema.parse(JSON.parse(readFileSync(join(REFERENCE_DIR, '..', 'demo', 'chains', 'nev-icv.json'), 'utf8')));
    const chain = await db.transaction((tx) => importChainDefinition(tx, ACTOR, def));
    const nodeIds = (await db.query<{ id: number }>(`select id from chain_nodes where chain_id = $1 order by id`, [chain.id])).map((x) => x.id);

    // organisations: names and products of a theme, in a region
    const orgKinds = ['enterprise', 'enterprise', 'enterprise', 'enterprise', 'enterprise', 'enterprise', 'institute', 'university', 'pilot_platform', 'open_lab'] as const;
    async function* orgLines() {
      let out = '';
      for (let i = 0; i < args.organizations; i++) {
        const th = THEMES[i % THEMES.length];
        const [region, division] = REGIONS[i % REGIONS.length];
        const kind = orgKinds[i % orgKinds.length];
        const name = `${'华鑫盛泰德瑞恒信达宏'[i % 10]}${'通海天新金源力科博创'[(i / 10) % 10 | 0]}${th.trades[i % th.trades.length]}${kind === 'enterprise' ? '有限公司' : kind === 'institute' ? '研究院' : kind === 'university' ? '学院' : kind === 'pilot_platform' ? '中试基地' : '开放实验室'}${i}`;
        const products = [th.products[i % th.products.length], th.products[(i * 7 + 3) % th.products.length]];
        const search = i < 3000 ? buildSearchText({ names: [name], products }) : null;
        out += [kind, name, division, division.slice(0, 2), region, products, search ?? '', 'bench'].map(copyText).join('\t') + '\n';
        if (out.length > 1_000_000) {
          yield out;
          out = '';
        }
      }
      if (out) yield out;
    }
    await db.copyRows('organizations', ['kind', 'name', 'division_code', 'province_code', 'region', 'products', 'search_text', 'source'], orgLines());
    // Search text of the rest: the same per theme × product pair (computed once per distinct pair).
    const orgRows = await db.query<{ id: number; kind: string; region: string | null }>(`select id, kind, region from organizations order by id`);
    const orgs = orgRows.map((o) => ({ id: Number(o.id), kind: o.kind, region: o.region }));
    const orgSearch = await db.query<{ products: string[]; n: number }>(`select products, count(*)::int as n from organizations where search_text = '' group by products`);
    for (const g of orgSearch)
      await db.query(`update organizations set search_text = $2 || ' ' || search_text where products = $1 and search_text = ''`, [g.products, buildSearchText({ names: [], products: g.products })]);
    childLog(`  ${orgs.length} organisations\n`);

    // 20,000 distinct capability templates with real jieba search text
    const templates: Array<Omit<PostingRow, 'organizationId' | 'orgRegion' | 'orgKind' | 'nodeIds' | 'expiresAt' | 'createdBy'>> = [];
    for (let i = 0; i < 20000; i++) {
      const kind = pickWeighted(r, KINDS, (x) => x[1]);
      const s = synthPosting(r, kind, 'capability');
      const fields = JSON.parse(JSON.stringify(s.fields));
      const row = { direction: 'capability' as const, kind, title: s.title, description: s.description, fields, stage: null, regionsWanted: [], deadline: null, status: 'open' as const, closedReason: null, source: 'bench', searchText: '' };
      row.searchText = postingSearchText(row);
      templates.push(row);
    }
    // load: drop the GIN indexes, COPY, rebuild (what a bulk import does)
    await db.exec(`drop index postings_search; drop index postings_nodes;`);
    const expires = new Date(Date.now() + 90 * 86400000).toISOString();
    const cols = POSTING_COLUMNS.map(([, c]) => c);
    let done = 0;
    async function* lines() {
      let out = '';
      for (let i = 0; i < args.capabilities; i++) {
        const t = templates[Math.floor(r() * templates.length)];
        const o = orgs[Math.floor(r() * orgs.length)];
        const nodes = r() < 0.3 ? [nodeIds[Math.floor(r() * nodeIds.length)]] : [];
        const row: PostingRow = { ...t, organizationId: o.id, orgRegion: o.region as any, orgKind: o.kind as any, nodeIds: nodes, expiresAt: expires, createdBy: null };
        out += POSTING_COLUMNS.map(([k]) => copyText(k === 'fields' ? JSON.stringify(row[k]) : (row as any)[k])).join('\t') + '\n';
        if (out.length > 4_000_000) {
          yield out;
          out = '';
          done = i + 1;
          if (done % 200000 < 20000) childLog(`  ${done.toLocaleString('en-US')} capabilities…\n`);
        }
      }
      if (out) yield out;
    }
    await db.copyRows('postings', cols, lines());
    childLog(`  indexing…\n`);
    await db.exec(`create index postings_search on postings using gin(search_tsv); create index postings_nodes on postings using gin(node_ids);`);
    await db.exec('analyze');
    const setupSeconds = (performance.now() - t0) / 1000;
    const n = (await db.query<{ n: number }>(`select count(*)::int as n from postings where direction = 'capability'`))[0].n;
    childLog(`  ${n.toLocaleString('en-US')} capabilities ready in ${setupSeconds.toFixed(0)} s\n`);

    // probes: demands of the same generator, from organisations of all regions, 30 % with chain nodes
    const probes: PostingInput[] = [];
    for (let i = 0; i < args.queries; i++) {
      const kind = pickWeighted(r, KINDS, (x) => x[1]);
      const s = synthPosting(r, kind, 'demand');
      const o = orgs[Math.floor(r() * orgs.length)];
      probes.push({
        organizationId: o.id,
        direction: 'demand',
        kind,
        title: s.title,
        description: s.description,
        fields: JSON.parse(JSON.stringify(s.fields)),
        nodeIds: r() < 0.3 ? [nodeIds[Math.floor(r() * nodeIds.length)]] : [],
        regionsWanted: r() < 0.5 ? [pick(r, ['BJ', 'TJ', 'HE'] as const)] : [],
      } as PostingInput);
    }
    const deps = { db };
    const run = (p: PostingInput, type: 'all' | 'postings') => matchProbe(deps, ACTOR, p, { limit: 20, type });
    for (const p of probes.slice(0, Math.min(10, probes.length))) await run(p, 'all'); // warm-up
    const all: number[] = [];
    const postingsOnly: number[] = [];
    let pc = 0,
      oc = 0,
      widened = 0;
    const checks: MatchingMeasurement['checks'] = [];
    let explained = 0,
      nonEmpty = 0,
      live = 0;
    for (const p of probes) {
      let t = performance.now();
      const res = await run(p, 'all');
      all.push(performance.now() - t);
      t = performance.now();
      await run(p, 'postings');
      postingsOnly.push(performance.now() - t);
      pc += res.query.retrieval.postings;
      oc += res.query.retrieval.organizations;
      if (res.query.retrieval.steps.some((s) => s.includes('任一关键词或产业链相邻'))) widened++;
      if (res.items.length) nonEmpty++;
      if (res.items.every((it) => it.explanation.reasons.length >= 5 && Math.abs(Object.values(it.explanation.contributions).reduce((a, b) => a + b, 0) - it.score) < 0.2)) explained++;
      if (res.items.every((it) => it.type !== 'posting' || it.posting!.status === 'open')) live++;
    }
    checks.push({ name: 'queries with results', ok: nonEmpty >= probes.length * 0.9, detail: `${nonEmpty}/${probes.length}` });
    checks.push({ name: 'every item explained (reasons; contributions sum to the score)', ok: explained === probes.length, detail: `${explained}/${probes.length}` });
    checks.push({ name: 'only live postings returned', ok: live === probes.length, detail: `${live}/${probes.length}` });
    return {
      capabilities: n,
      organizations: orgs.length,
      setupSeconds,
      timings: { all: summarise(all), postings: summarise(postingsOnly) },
      retrieval: { meanPostingCandidates: pc / probes.length, meanOrgCandidates: oc / probes.length, widened, queries: probes.length },
      checks,
    };
  } finally {
    await db.close();
  }
}
