/**
 * Evaluation of chain attachment (挂链) on the demo data: how often the tiers are right.
 *
 *   node --import tsx eval/attach-chains.ts [--confirm 0.6] [--review 0.15] [--json]
 *
 * No database: reads data/demo (chains, organisations, seed-facts attachments, supply links) and runs
 * the engine exactly as runAttach does for the demo seed — one model over the ten chains, the
 * seed-facts attachments (data/demo/seed-attachments.json) as the examples, the organisations of
 * 京津冀 as candidates, seed pairs skipped.
 *
 * Three measures:
 * 1. Hand-judged sample (eval/attach-chains.labels.json, 316 organisation × node pairs judged from
 *    the product lists): precision of the confirmed and review tiers over every suggestion the run
 *    stores — this is the population the demo seed writes. Unjudged suggestions are counted apart.
 * 2. Seed-facts attachments held out: for each organisation of seed-attachments.json, the model is
 *    trained on the OTHER organisations' attachments; its suggestions on the chains where it has seed
 *    attachments are right when the node is one of its seed nodes. Precision per tier, and recall
 *    (share of (organisation, chain) pairs whose seed node was suggested).
 * 3. Supply links (supply-links.json, illustrative): the 京津冀 suppliers were placed on nev-icv
 *    nodes by the product they supply; same measure on nev-icv.
 * Baseline: the placeholder keyword matcher the engine replaced (src/seed/auto-attach.ts, removed):
 * best node per chain by keyword-in-product, everything confirmed.
 * A threshold sweep shows the trade-off.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addWords } from '../src/lib/text.ts';
import { buildAttachModel, DEFAULT_THRESHOLDS, suggest, type EngineExample, type EngineNode, type EngineOrg, type Thresholds } from '../src/modules/attach/attach.engine.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEMO = resolve(HERE, '..', 'data', 'demo');

function args() {
  const a = { confirm: DEFAULT_THRESHOLDS.confirm, review: DEFAULT_THRESHOLDS.review, json: false };
  const v = process.argv.slice(2);
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '--confirm') a.confirm = Number(v[++i]);
    else if (v[i] === '--review') a.review = Number(v[++i]);
    else if (v[i] === '--json') a.json = true;
    else throw new Error(`unknown option ${v[i]}`);
  }
  return a;
}

interface DemoOrg extends EngineOrg {
  region: string | null;
  aliases: string[];
}

export function loadDemo() {
  const chains = readdirSync(join(DEMO, 'chains'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(DEMO, 'chains', f), 'utf8')));
  for (const c of chains) addWords(c.segments.flatMap((s: any) => s.nodes.flatMap((n: any) => [n.name, ...n.keywords])));
  const nodes: EngineNode[] = [];
  const nodeKey = new Map<string, number>();
  const nodeName = new Map<number, string>();
  chains.forEach((c: any, ci: number) => {
    for (const s of c.segments)
      for (const n of s.nodes) {
        const id = nodes.length + 1;
        nodes.push({ id, chainId: ci + 1, name: n.name, keywords: n.keywords, stage: s.stage });
        nodeKey.set(`${c.code}/${n.name}`, id);
        nodeName.set(id, `${c.code}/${n.name}`);
      }
  });
  const orgs: DemoOrg[] = (JSON.parse(readFileSync(join(DEMO, 'organizations.json'), 'utf8')) as any[]).map((o, i) => ({
    id: i + 1,
    name: o.name,
    shortName: o.shortName,
    aliases: o.aliases ?? [],
    kind: o.kind,
    products: o.products ?? [],
    businessScope: o.businessScope,
    description: o.description,
    industryCode: o.industryCode,
    region: ({ '11': 'BJ', '12': 'TJ', '13': 'HE' } as Record<string, string>)[String(o.divisionCode ?? '').slice(0, 2)] ?? null,
  }));
  const find = (name: string) => orgs.find((o) => o.name === name) ?? orgs.find((o) => o.shortName === name) ?? orgs.find((o) => o.aliases.includes(name));
  const seeds = (JSON.parse(readFileSync(join(DEMO, 'seed-attachments.json'), 'utf8')) as any[]).map((s) => {
    const org = find(s.org);
    const nodeId = nodeKey.get(`${s.chain}/${s.node}`);
    if (!org || !nodeId) throw new Error(`seed-attachments.json: ${s.org} → ${s.chain}/${s.node} not found`);
    return { org, nodeId, chainId: nodes[nodeId - 1].chainId };
  });
  const supply = new Map<number, { org: DemoOrg; nodes: Set<number> }>();
  for (const l of JSON.parse(readFileSync(join(DEMO, 'supply-links.json'), 'utf8')).links as any[]) {
    const o = l.node ? find(l.supplier) : undefined;
    if (!o || !o.region) continue;
    const e = supply.get(o.id) ?? { org: o, nodes: new Set<number>() };
    e.nodes.add(nodeKey.get(l.node)!);
    supply.set(o.id, e);
  }
  return { chains, nodes, nodeName, orgs, seeds, supply: [...supply.values()] };
}

type Tally = { right: number; wrong: number; unjudged: number };
const tally = (): Tally => ({ right: 0, wrong: 0, unjudged: 0 });
const precision = (t: Tally) => (t.right + t.wrong ? t.right / (t.right + t.wrong) : NaN);
const pct = (x: number) => (Number.isNaN(x) ? '—' : `${(x * 100).toFixed(0)} %`);

export function evaluate(demo: ReturnType<typeof loadDemo>, th: Thresholds) {
  const labels = new Map<string, boolean>(
    (JSON.parse(readFileSync(join(HERE, 'attach-chains.labels.json'), 'utf8')).labels as Array<{ org: string; node: string; ok: boolean }>).map((l) => [`${l.org}|${l.node}`, l.ok]),
  );
  const examples = (exclude?: number): EngineExample[] => demo.seeds.filter((s) => s.org.id !== exclude).map((s) => ({ nodeId: s.nodeId, org: s.org }));
  const seedPairs = new Set(demo.seeds.map((s) => `${s.org.id}|${s.nodeId}`));

  // 1. the demo run, judged by hand
  const am = buildAttachModel(demo.nodes, examples());
  const hand = { confirmed: tally(), review: tally() };
  const perChain = new Map<string, { confirmed: number; review: number }>();
  const candidates = demo.orgs.filter((o) => o.region);
  for (const o of candidates) {
    for (const s of suggest(am, o, { thresholds: th, skip: (_c, n) => seedPairs.has(`${o.id}|${n}`) }).suggestions) {
      const key = `${o.shortName ?? o.name}|${demo.nodeName.get(s.nodeId)}`;
      const j = labels.get(key);
      hand[s.tier][j === undefined ? 'unjudged' : j ? 'right' : 'wrong']++;
      const c = demo.nodeName.get(s.nodeId)!.split('/')[0];
      const pc = perChain.get(c) ?? { confirmed: 0, review: 0 };
      pc[s.tier]++;
      perChain.set(c, pc);
    }
  }

  // 2. seed-facts attachments held out (leave one organisation out)
  const seed = { confirmed: tally(), review: tally(), pairs: 0, found: 0, foundConfirmed: 0 };
  const byOrg = new Map<number, Map<number, Set<number>>>();
  for (const s of demo.seeds) {
    const m = byOrg.get(s.org.id) ?? new Map<number, Set<number>>();
    m.set(s.chainId, (m.get(s.chainId) ?? new Set()).add(s.nodeId));
    byOrg.set(s.org.id, m);
  }
  const heldOut = (orgId: number, truth: Map<number, Set<number>>, into: typeof seed) => {
    const org = demo.orgs[orgId - 1];
    const m = buildAttachModel(demo.nodes, examples(orgId));
    const r = suggest(m, org, { thresholds: th });
    for (const [chainId, nodes] of truth) {
      into.pairs++;
      const ss = r.suggestions.filter((s) => s.chainId === chainId);
      for (const s of ss) into[s.tier][nodes.has(s.nodeId) ? 'right' : 'wrong']++;
      if (ss.some((s) => nodes.has(s.nodeId))) into.found++;
      if (ss.some((s) => s.tier === 'confirmed' && nodes.has(s.nodeId))) into.foundConfirmed++;
    }
  };
  for (const [orgId, truth] of byOrg) heldOut(orgId, truth, seed);

  // 3. supply links (nev-icv)
  const sup = { confirmed: tally(), review: tally(), pairs: 0, found: 0, foundConfirmed: 0 };
  for (const e of demo.supply) heldOut(e.org.id, new Map([[demo.nodes[[...e.nodes][0] - 1].chainId, e.nodes]]), sup);

  return { thresholds: th, hand, perChain: Object.fromEntries(perChain), seed, supply: sup, candidates: candidates.length };
}

/** The placeholder the engine replaced: keyword in a product, best node per chain, all confirmed. */
export function baseline(demo: ReturnType<typeof loadDemo>) {
  const labels = new Map<string, boolean>(
    (JSON.parse(readFileSync(join(HERE, 'attach-chains.labels.json'), 'utf8')).labels as Array<{ org: string; node: string; ok: boolean }>).map((l) => [`${l.org}|${l.node}`, l.ok]),
  );
  const seeded = new Set(demo.seeds.map((s) => s.org.id));
  const t = tally();
  for (const o of demo.orgs.filter((x) => x.region && x.products.length && !seeded.has(x.id))) {
    const best = new Map<number, { node: number; score: number }>();
    for (const n of demo.nodes) {
      const terms = n.keywords.filter((k) => k.length >= 2 && o.products.some((p) => p.includes(k) || (p.length >= 3 && k === p)));
      if (!terms.length) continue;
      const score = terms.reduce((x, k) => x + Math.min(k.length, 6), 0);
      const cur = best.get(n.chainId);
      if (!cur || score > cur.score) best.set(n.chainId, { node: n.id, score });
    }
    for (const b of best.values()) {
      if (b.score < 4) continue;
      const j = labels.get(`${o.shortName ?? o.name}|${demo.nodeName.get(b.node)}`);
      t[j === undefined ? 'unjudged' : j ? 'right' : 'wrong']++;
    }
  }
  return t;
}

async function main() {
  const a = args();
  const demo = loadDemo();
  const r = evaluate(demo, { confirm: a.confirm, review: a.review });
  const base = baseline(demo);
  const sweep = [
    [0.5, 0.1],
    [0.5, 0.15],
    [0.6, 0.15],
    [0.6, 0.25],
    [0.7, 0.15],
    [0.8, 0.15],
  ].map(([confirm, review]) => evaluate(demo, { confirm, review }));
  if (a.json) {
    console.log(JSON.stringify({ result: r, baseline: base, sweep }, null, 1));
    return;
  }
  const row = (name: string, t: Tally) => ({ tier: name, suggestions: t.right + t.wrong + t.unjudged, right: t.right, wrong: t.wrong, unjudged: t.unjudged, precision: pct(precision(t)) });
  console.log(`Chain attachment on the demo data — thresholds confirm ${a.confirm} / review ${a.review}; ${r.candidates} 京津冀 candidates, ${demo.nodes.length} nodes, ${demo.seeds.length} seed-facts examples\n`);
  console.log('1. Hand-judged suggestions of the demo run (eval/attach-chains.labels.json)');
  console.table([row('confirmed', r.hand.confirmed), row('review', r.hand.review), row('old keyword matcher (all confirmed)', base)]);
  console.table(r.perChain);
  console.log('2. Seed-facts attachments held out (leave one organisation out)');
  console.table([row('confirmed', { ...r.seed.confirmed, unjudged: 0 }), row('review', { ...r.seed.review, unjudged: 0 })]);
  console.log(`   recall: the seed node was suggested for ${r.seed.found} of ${r.seed.pairs} (organisation, chain) pairs (${r.seed.foundConfirmed} confirmed); most of the others are universities and institutes without products`);
  console.log('3. Supply links (nev-icv nodes of the 京津冀 suppliers, illustrative)');
  console.table([row('confirmed', { ...r.supply.confirmed, unjudged: 0 }), row('review', { ...r.supply.review, unjudged: 0 })]);
  console.log(`   recall: ${r.supply.found} of ${r.supply.pairs} suppliers placed on one of their nodes (${r.supply.foundConfirmed} confirmed)\n`);
  console.log('Threshold sweep (hand-judged precision; seed held-out precision)');
  console.table(
    sweep.map((x) => ({
      'confirm ≥': x.thresholds.confirm,
      'review ≥': x.thresholds.review,
      confirmed: x.hand.confirmed.right + x.hand.confirmed.wrong + x.hand.confirmed.unjudged,
      'confirmed precision': pct(precision(x.hand.confirmed)),
      'in review': x.hand.review.right + x.hand.review.wrong + x.hand.review.unjudged,
      'review precision': pct(precision(x.hand.review)),
      'seed confirmed precision': pct(precision(x.seed.confirmed)),
      unjudged: x.hand.confirmed.unjudged + x.hand.review.unjudged,
    })),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
