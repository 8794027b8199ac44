/**
 * Investment targets for 堵点 (招商线索) and the per-chain plan (一链一策).
 *
 * Targets: organisations outside 京津冀 (region null — the national listed companies of the demo)
 * ranked for a node by the attachment engine, with the examples being every organisation confirmed
 * on a node (any origin). A target needs the same specific evidence as an attachment (a node keyword
 * in a product, a product that is a node term, or a product shared with an organisation of the node);
 * its score is the node's per-chain score (attach.engine.ts). Reasons: matched products ↔ keywords,
 * similar confirmed organisations, the 申万 industry (and how many of the node's best targets share it).
 *
 * Key regions (产业布局重点区域) of a node: the 京津冀 districts (北京, 天津) and cities (河北) where
 * the node's neighbours on the chain map — suppliers (upstream edges) and customers (downstream
 * edges) — and the node itself already have confirmed organisations, weighted (own node 1.5,
 * neighbour 1); plus the division-of-labour region of a 堵点 (北京研发 → 天津中试 → 河北量产: attracting
 * production capacity → 河北), with reasons.
 *
 * Everything here is computed from one pass over the outside organisations per chain, cached in
 * memory until links, nodes or the number of outside organisations change.
 */
import type { Db, Queryable } from '../../db/db.ts';
import { notFound } from '../../errors.ts';
import { REGION_NAMES, type Region } from '../accounts/accounts.schemas.ts';
import { requireActor, type Actor } from '../accounts/actor.ts';
import { createChainsRepository } from '../chains/chains.repository.ts';
import { resolveChainId } from '../chains/chains.usecases.ts';
import { computeChainDiagnostics } from '../diagnostics/diagnostics.usecases.ts';
import { createListsRepository } from '../lists/lists.repository.ts';
import { buildAttachModel, chainScores, DEFAULT_THRESHOLDS, hasSpecificEvidence, mayMatch, orgText, refineMatches, toMatch, type AttachModel, type EvidenceMatch } from './attach.engine.ts';
import { createAttachRepository, type CandidateRow } from './attach.repository.ts';
import type { ChainPlan, TargetsResponse } from './attach.schemas.ts';
import { normalizeTerm, predict } from './classifier.ts';

type Deps = { db: Db };
type Outside = CandidateRow & { provinceCode: string | null; province: string | null; stockCode: string | null; tags: string[] };
type Target = TargetsResponse['targets'][number];

/** Minimum per-chain score of a target (the review threshold of attachment). */
const MIN_SCORE = DEFAULT_THRESHOLDS.review;

interface Cache {
  version: string;
  model: AttachModel;
  outside: Outside[];
  byId: Map<number, Outside>;
  /** chain → node → candidates (score desc) */
  ranked: Map<number, Map<number, Array<{ orgId: number; score: number }>>>;
  /** `${orgId}:${nodeId}` → target without rank / industry context (null: no specific evidence) */
  evidence: Map<string, Omit<Target, 'rank' | 'alreadyTarget'> | null>;
  examples: Map<number, Array<{ organizationId: number; name: string; region: Region | null }>>;
}
const caches = new WeakMap<Queryable, Cache>();

async function cacheFor(db: Db): Promise<Cache> {
  const repo = createAttachRepository(db);
  const version = await repo.dataVersion();
  const cur = caches.get(db);
  if (cur && cur.version === version) return cur;
  const [nodes, examples, outside] = await Promise.all([repo.nodes(), repo.examples({ anyOrigin: true }), repo.outsideOrganizations()]);
  const byNode = new Map<number, Array<{ organizationId: number; name: string; region: Region | null }>>();
  for (const { nodeId, org } of examples) {
    const a = byNode.get(nodeId) ?? [];
    a.push({ organizationId: org.id, name: org.shortName || org.name, region: org.region as Region | null });
    byNode.set(nodeId, a);
  }
  const c: Cache = {
    version,
    model: buildAttachModel(nodes, examples),
    outside,
    byId: new Map(outside.map((o) => [o.id, o])),
    ranked: new Map(),
    evidence: new Map(),
    examples: byNode,
  };
  caches.set(db, c);
  return c;
}

/** One pass over the outside organisations: per node of the chain, the candidates and their scores. */
function rankChain(c: Cache, chainId: number): Map<number, Array<{ orgId: number; score: number }>> {
  let r = c.ranked.get(chainId);
  if (r) return r;
  r = new Map();
  const chains = new Set([chainId]);
  for (const o of c.outside) {
    if (!mayMatch(c.model, o)) continue;
    const scores = chainScores(c.model, orgText(o, c.model.keywords), chains).get(chainId);
    if (!scores) continue;
    for (const s of scores) {
      if (s.score < MIN_SCORE) break;
      const a = r.get(s.nodeId) ?? [];
      a.push({ orgId: o.id, score: s.score });
      r.set(s.nodeId, a);
    }
  }
  for (const a of r.values()) a.sort((x, y) => y.score - x.score || x.orgId - y.orgId);
  c.ranked.set(chainId, r);
  return r;
}

const SHENWAN = /^申万:(.+)$/;
const industryOf = (o: Outside) => {
  for (const t of o.tags) {
    const m = SHENWAN.exec(t);
    if (m) return m[1];
  }
  return null;
};

function reasonsOf(matches: EvidenceMatch[]): Target['reasons'] {
  const out: Target['reasons'] = [];
  const seen = new Set<string>();
  const push = (r: Target['reasons'][number]) => {
    if (seen.has(r.text) || out.length >= 4) return;
    seen.add(r.text);
    out.push(r);
  };
  for (const m of matches.filter((x) => x.kind === 'keyword')) push({ kind: 'keyword', text: `产品「${m.text}」含节点关键词「${m.matched}」`, product: m.text, keyword: m.matched });
  for (const m of matches.filter((x) => x.kind === 'whole')) push({ kind: 'product', text: `主营产品「${m.text}」正是本节点的产品`, product: m.text });
  for (const m of matches.filter((x) => x.kind === 'example'))
    push({
      kind: 'similar',
      text: `与已挂在本节点的「${m.example?.name}」相似（${m.specific ? '同样有产品' : '共同词'}「${m.matched}」）`,
      example: m.example ?? undefined,
    });
  for (const m of matches.filter((x) => x.kind === 'word')) push({ kind: 'product', text: `产品「${m.text}」含「${m.matched}」`, product: m.text });
  return out;
}

/** The target entry of one candidate for one node, or null without specific evidence. */
function targetOf(c: Cache, orgId: number, nodeId: number, score: number): Omit<Target, 'rank' | 'alreadyTarget'> | null {
  const key = `${orgId}:${nodeId}`;
  if (c.evidence.has(key)) return c.evidence.get(key)!;
  const o = c.byId.get(orgId)!;
  const text = orgText(o, c.model.keywords);
  const label = String(nodeId);
  // evidence for this node: predict down to the node's rank among the organisation's labels
  let k = 5;
  let pred = predict(c.model.model, text, k).find((p) => p.label === label);
  while (!pred && k < c.model.labelNode.length) {
    k = Math.min(c.model.labelNode.length, k * 4);
    const all = predict(c.model.model, text, k);
    pred = all.find((p) => p.label === label);
    if (all.length < k) break;
  }
  let out: Omit<Target, 'rank' | 'alreadyTarget'> | null = null;
  if (pred) {
    const products = new Set((text.products ?? []).map((p) => normalizeTerm(p.name)));
    const matches = refineMatches(
      pred.evidence.map((e) => toMatch(e, c.model.exampleOrg)),
      c.model.nodeTerms.get(nodeId),
      products,
    ).filter((m) => m.signal !== 'name');
    if (hasSpecificEvidence(matches)) {
      const reasons = reasonsOf(matches);
      out = {
        score: Math.round(score * 1e4) / 1e4,
        organization: {
          id: o.id,
          name: o.name,
          shortName: o.shortName,
          kind: String(o.kind),
          provinceCode: o.provinceCode,
          province: o.province,
          stockCode: o.stockCode,
          industry: industryOf(o),
          products: o.products.slice(0, 12),
        },
        reasons,
        summary: reasons
          .slice(0, 2)
          .map((r) => r.text)
          .join('；'),
      };
    }
  }
  c.evidence.set(key, out);
  return out;
}

/** The best targets of a node, with reasons; the industry reason counts peers among them. */
function topTargets(c: Cache, chainId: number, nodeId: number, limit: number, already: Set<number>): Target[] {
  const cands = rankChain(c, chainId).get(nodeId) ?? [];
  const out: Target[] = [];
  for (const x of cands) {
    if (out.length >= limit) break;
    const t = targetOf(c, x.orgId, nodeId, x.score);
    if (t) out.push({ ...t, reasons: [...t.reasons], rank: out.length + 1, alreadyTarget: already.has(x.orgId) });
  }
  const byIndustry = new Map<string, number>();
  for (const t of out) if (t.organization.industry) byIndustry.set(t.organization.industry, (byIndustry.get(t.organization.industry) ?? 0) + 1);
  for (const t of out) {
    const ind = t.organization.industry;
    if (!ind) continue;
    const n = byIndustry.get(ind)!;
    t.reasons.push({ kind: 'industry', text: n > 1 ? `申万行业「${ind}」（本节点前 ${out.length} 名中有 ${n} 家同属该行业）` : `申万行业「${ind}」` });
  }
  return out;
}

const ADD_TARGET = 'POST /api/list-entries/:entryId/organizations { organizationId, role: "target", note } (lists module; officials of the entry’s region)';

export async function getNodeTargets(deps: Deps, actor: Actor | null, nodeId: number, opts: { limit: number; entryId?: number }): Promise<TargetsResponse> {
  requireActor(actor);
  const repo = createAttachRepository(deps.db);
  const node = await repo.node(nodeId);
  if (!node) throw notFound('chain_nodes', nodeId);
  let already = new Set<number>();
  if (opts.entryId) {
    const orgs = await createListsRepository(deps.db).orgsOf([opts.entryId]);
    already = new Set(orgs.filter((o) => o.role === 'target').map((o) => o.organizationId));
  }
  const c = await cacheFor(deps.db);
  return {
    node: {
      id: node.id,
      name: node.name,
      chainId: node.chain_id,
      chainCode: node.chain_code,
      chainName: node.chain_name,
      segmentName: node.segment_name,
      stage: node.stage,
      keywords: node.keywords ?? [],
    },
    entryId: opts.entryId ?? null,
    candidates: c.outside.length,
    examples: c.examples.get(node.id) ?? [],
    method: `挂链引擎：节点名称与关键词 + 本节点已确认机构的产品作为样例；需有具体证据（产品含节点关键词、产品即节点产品或与样例机构相同），得分为该节点在本链中的份额（≥ ${MIN_SCORE}）`,
    targets: topTargets(c, node.chain_id, node.id, opts.limit, already),
    addTarget: ADD_TARGET,
  };
}

export async function getEntryTargets(deps: Deps, actor: Actor | null, entryId: number, opts: { limit: number }): Promise<TargetsResponse> {
  requireActor(actor);
  const e = await createListsRepository(deps.db).get(entryId);
  if (!e) throw notFound('list_entries', entryId);
  if (!e.nodeId) throw notFound('chain_nodes', `entry ${entryId}`);
  return getNodeTargets(deps, actor, e.nodeId, { limit: opts.limit, entryId });
}

/* ------------------------------------------------------------------ plan (一链一策) */

/**
 * District for 北京 / 天津, city for 河北; the province (level 1) when only that is known (most listed
 * companies of the demo carry only a province code).
 */
export function areaOf(region: string | null, divisionCode: string | null): string | null {
  if (!region || !divisionCode || !/^\d{6}$/.test(divisionCode)) return null;
  const province = divisionCode.slice(0, 2) + '0000';
  if (region === 'HE') return divisionCode.slice(2, 4) === '00' ? province : divisionCode.slice(0, 4) + '00';
  return divisionCode.slice(4, 6) === '00' ? province : divisionCode;
}

const areaLevel = (code: string) => (code.endsWith('0000') ? 1 : code.endsWith('00') ? 2 : 3);

const DIVISION_OF_LABOUR = {
  region: 'HE' as Region,
  stage: 'production',
  text: '京津冀分工：北京研发（0→1）→ 天津中试（1→10）→ 河北量产（10→N）。堵点招商引进的是量产能力，优先在河北布局。',
};

export async function getChainPlan(deps: Deps, actor: Actor | null, chainIdOrCode: string): Promise<ChainPlan> {
  const a = requireActor(actor);
  const chainId = await resolveChainId(deps, chainIdOrCode);
  const chain = (await createChainsRepository(deps.db).getChain(chainId))!;
  const repo = createAttachRepository(deps.db);
  const lists = createListsRepository(deps.db);
  const [diag, nodes, edges, entries, confirmed] = await Promise.all([
    computeChainDiagnostics(deps.db, chain),
    repo.nodes(chainId),
    repo.edges(chainId),
    lists.list(chainId, { kind: 'duandian', excludeStatus: ['dropped'] }),
    repo.confirmedOnChain(chainId),
  ]);
  const entryOrgs = await lists.orgsOf(entries.map((e) => e.id));
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  const diagBy = new Map(diag.nodes.map((n) => [n.nodeId, n]));
  const onNode = new Map<number, typeof confirmed>();
  for (const r of confirmed) (onNode.get(r.node_id) ?? onNode.set(r.node_id, []).get(r.node_id)!).push(r);
  const areaCodes = new Set<string>();
  for (const r of confirmed) {
    const ar = areaOf(r.region, r.division_code);
    if (ar) areaCodes.add(ar);
  }
  const areaNames = await repo.divisionNames([...areaCodes]);
  const c = await cacheFor(deps.db);
  const canEdit = (region: Region) => a.role === 'admin' || (a.role === 'official' && a.region === region);

  const byNode = new Map<number, typeof entries>();
  for (const e of entries) if (e.nodeId) (byNode.get(e.nodeId) ?? byNode.set(e.nodeId, []).get(e.nodeId)!).push(e);
  const planNodes: ChainPlan['nodes'] = [];
  let targetCount = 0;
  const byStatus: Record<string, number> = {};
  for (const n of nodes) {
    const es = byNode.get(n.id);
    if (!es?.length) continue;
    const d = diagBy.get(n.id);
    const upstream = edges.filter(([, t]) => t === n.id).map(([f]) => f);
    const downstream = edges.filter(([f]) => f === n.id).map(([, t]) => t);
    const orgCount = (id: number) => new Set((onNode.get(id) ?? []).filter((r) => r.region).map((r) => r.organization_id)).size;
    // key regions: where the neighbours (and the node itself) already are
    const areas = new Map<string, { score: number; orgs: Set<number>; region: Region; reasons: Map<string, string[]> }>();
    const add = (nodeId: number, weight: number, label: string) => {
      for (const r of onNode.get(nodeId) ?? []) {
        const ar = areaOf(r.region, r.division_code);
        if (!ar) continue;
        const x = areas.get(ar) ?? { score: 0, orgs: new Set<number>(), region: r.region as Region, reasons: new Map() };
        x.score += weight;
        x.orgs.add(r.organization_id);
        const names = x.reasons.get(label) ?? [];
        if (!names.includes(r.short_name || r.name)) names.push(r.short_name || r.name);
        x.reasons.set(label, names);
        areas.set(ar, x);
      }
    };
    add(n.id, 1.5, `本节点「${n.name}」已有`);
    for (const u of upstream) add(u, 1, `上游（供应方）「${nodeById.get(u)?.name}」已有`);
    for (const dn of downstream) add(dn, 1, `下游（需求方）「${nodeById.get(dn)?.name}」已有`);
    const sentence = (label: string, names: string[]) => `${label} ${names.length} 家（${names.slice(0, 3).join('、')}${names.length > 3 ? ' 等' : ''}）`;
    let keyRegions = [...areas.entries()]
      .sort((x, y) => y[1].score - x[1].score || y[1].orgs.size - x[1].orgs.size || x[0].localeCompare(y[0]))
      .slice(0, 3)
      .map(([code, x]) => ({
        divisionCode: code,
        name: areaNames.get(code) ?? code,
        region: x.region,
        level: areaLevel(code),
        score: Math.round(x.score * 10) / 10,
        organizations: x.orgs.size,
        reasons: [...x.reasons.entries()].map(([label, names]) => sentence(label, names)),
      }));
    // the division-of-labour region (河北 for 堵点) is always proposed, with its best city
    const dol = DIVISION_OF_LABOUR.region;
    if (!keyRegions.some((k) => k.region === dol)) {
      const best = [...areas.entries()].filter(([, x]) => x.region === dol).sort((x, y) => y[1].score - x[1].score)[0];
      const chainCities = new Map<string, Set<number>>();
      for (const r of confirmed) {
        const ar = r.region === dol ? areaOf(r.region, r.division_code) : null;
        if (ar) (chainCities.get(ar) ?? chainCities.set(ar, new Set()).get(ar)!).add(r.organization_id);
      }
      const fallback = [...chainCities.entries()].sort((x, y) => y[1].size - x[1].size || x[0].localeCompare(y[0]))[0];
      const pick = best ? { code: best[0], orgs: best[1].orgs.size, score: best[1].score, reasons: [...best[1].reasons.entries()].map(([l, ns]) => sentence(l, ns)) } : fallback ? { code: fallback[0], orgs: fallback[1].size, score: 0, reasons: [`该市已有本链机构 ${fallback[1].size} 家`] } : null;
      if (pick)
        keyRegions.push({
          divisionCode: pick.code,
          name: areaNames.get(pick.code) ?? pick.code,
          region: dol,
          level: areaLevel(pick.code),
          score: Math.round(pick.score * 10) / 10,
          organizations: pick.orgs,
          reasons: [...pick.reasons, `${REGION_NAMES[dol].zh}承接量产（10→N），符合京津冀产业分工`],
        });
    } else {
      keyRegions = keyRegions.map((k) => (k.region === dol ? { ...k, reasons: [...k.reasons, `${REGION_NAMES[dol].zh}承接量产（10→N），符合京津冀产业分工`] } : k));
    }
    const status = d?.overall.status ?? 'missing';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    const planEntries = es.map((e) => {
      const targets = entryOrgs
        .filter((o) => o.entryId === e.id && o.role === 'target')
        .map((o) => ({ organizationId: o.organizationId, name: o.name, shortName: o.shortName, region: o.region, note: o.note }));
      targetCount += targets.length;
      return {
        id: e.id,
        title: e.title,
        status: e.status,
        region: e.region,
        leadRegion: e.leadRegion,
        department: e.department,
        origin: e.origin,
        proposalReason: e.proposalReason,
        targets,
        canEdit: canEdit(e.region),
      };
    });
    const already = new Set(planEntries.flatMap((e) => e.targets.map((t) => t.organizationId)));
    planNodes.push({
      node: { id: n.id, name: n.name, segmentName: n.segmentName, stage: n.stage },
      status,
      statusReason: d?.overall.reason ?? '',
      neighbours: {
        upstream: upstream.map((id) => ({ id, name: nodeById.get(id)?.name ?? String(id), organizations: orgCount(id) })),
        downstream: downstream.map((id) => ({ id, name: nodeById.get(id)?.name ?? String(id), organizations: orgCount(id) })),
      },
      entries: planEntries,
      suggestedTargets: topTargets(c, chainId, n.id, 5, already),
      keyRegions,
      divisionOfLabour: DIVISION_OF_LABOUR,
    });
  }
  return {
    chain: { id: chain.id, code: chain.code, name: chain.name, leadRegion: chain.leadRegion },
    generatedAt: new Date().toISOString(),
    summary: { nodes: planNodes.length, entries: entries.length, targets: targetCount, byStatus },
    nodes: planNodes,
  };
}
