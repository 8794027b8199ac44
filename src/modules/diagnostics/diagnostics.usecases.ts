import type { Db, Queryable } from '../../db/db.ts';
import { notFound } from '../../errors.ts';
import { REGIONS, type Region } from '../accounts/accounts.schemas.ts';
import { assertRegionWrite, requireActor, type Actor } from '../accounts/actor.ts';
import { diff, recordAudit } from '../audit/audit.repository.ts';
import { createChainsRepository, type ChainRow } from '../chains/chains.repository.ts';
import { createDiagnosticsRepository, type AnchorRow, type NodeRegionRow } from './diagnostics.repository.ts';
import {
  DEFAULT_RULES,
  OVERALL_SCOPE,
  completeRules,
  evaluateStatus,
  explainRules,
  mergeRules,
  regionScope,
  stagesCovered,
  stagesOf,
  type StatusVerdict,
} from './diagnostics.rules.ts';
import type {
  ChainDiagnostics,
  DiagnosticRules,
  DiagnosticRulesPatch,
  NodeDiagnosis,
  NodeDiagnostics,
  RegionCounts,
  RegionDiagnosis,
} from './diagnostics.schemas.ts';

type Deps = { db: Db };

/** Key enterprises listed per region and node (the count `anchors` is always complete): chain view, node panel. */
const KEY_ENTERPRISES_IN_CHAIN = 3;
const KEY_ENTERPRISES_IN_PANEL = 20;

export function emptyCounts(): RegionCounts {
  return {
    organizations: 0,
    byRole: { chain_leader: 0, key_enterprise: 0, supplier: 0, rnd: 0, pilot: 0, production: 0, service: 0 },
    stages: { rnd: 0, pilot: 0, production: 0 },
    stagesCovered: [],
    anchors: 0,
    revenueWan: null,
    revenueKnown: 0,
  };
}

function countsFromRow(r: NodeRegionRow): RegionCounts {
  const c: RegionCounts = {
    organizations: r.orgs,
    byRole: {
      chain_leader: r.chain_leader,
      key_enterprise: r.key_enterprise,
      supplier: r.supplier,
      rnd: r.rnd_role,
      pilot: r.pilot_role,
      production: r.production_role,
      service: r.service,
    },
    stages: { rnd: r.st_rnd, pilot: r.st_pilot, production: r.st_production },
    stagesCovered: [],
    anchors: r.chain_leader + r.key_enterprise,
    revenueWan: r.revenue_n > 0 ? Number(r.revenue_sum) : null,
    revenueKnown: r.revenue_n,
  };
  c.stagesCovered = stagesCovered(c);
  return c;
}

function addCounts(parts: RegionCounts[]): RegionCounts {
  const c = emptyCounts();
  for (const p of parts) {
    c.organizations += p.organizations;
    for (const k of Object.keys(c.byRole) as Array<keyof RegionCounts['byRole']>) c.byRole[k] += p.byRole[k];
    c.stages.rnd += p.stages.rnd;
    c.stages.pilot += p.stages.pilot;
    c.stages.production += p.stages.production;
    c.anchors += p.anchors;
    if (p.revenueWan !== null) c.revenueWan = (c.revenueWan ?? 0) + p.revenueWan;
    c.revenueKnown += p.revenueKnown;
  }
  c.stagesCovered = stagesCovered(c);
  return c;
}

const keyEnterprise = (a: AnchorRow) => ({
  organizationId: a.organization_id,
  name: a.name,
  shortName: a.short_name,
  region: a.region,
  role: a.role,
  revenueWan: a.revenue_wan,
});

/** Built field by field: object spread is the slowest part of diagnosing a 500-node chain. */
function regionDiagnosis(c: RegionCounts, v: StatusVerdict, keyEnterprises: RegionDiagnosis['keyEnterprises']): RegionDiagnosis {
  return {
    organizations: c.organizations,
    byRole: c.byRole,
    stages: c.stages,
    stagesCovered: c.stagesCovered,
    anchors: c.anchors,
    revenueWan: c.revenueWan,
    revenueKnown: c.revenueKnown,
    status: v.status,
    reason: v.reason,
    keyEnterprises,
  };
}

function anchorName(a: AnchorRow): string {
  return a.short_name || a.name;
}

export const linkStatusesFor = (rules: DiagnosticRules) => (rules.includeReview ? ['confirmed', 'review'] : ['confirmed']);

/**
 * Diagnoses one node from its per-region rows and its anchors. Exported for the node panel and
 * for proposals; `rows` are this node's rows only.
 */
export function diagnoseNode(
  rows: NodeRegionRow[],
  anchors: AnchorRow[],
  rules: DiagnosticRules,
  keyEnterprisesShown = KEY_ENTERPRISES_IN_CHAIN,
): Omit<NodeDiagnosis, 'nodeId' | 'name' | 'segmentId'> {
  const byRegion = new Map(rows.map((r) => [r.region, countsFromRow(r)]));
  const regions = {} as Record<Region, RegionDiagnosis>;
  for (const reg of REGIONS) {
    const c = byRegion.get(reg) ?? emptyCounts();
    const mine = anchors.filter((a) => a.region === reg);
    const v = evaluateStatus(c, rules.region, regionScope(reg), mine.map(anchorName));
    regions[reg] = regionDiagnosis(c, v, mine.slice(0, keyEnterprisesShown).map(keyEnterprise));
  }
  const jjj = addCounts(REGIONS.map((r) => byRegion.get(r) ?? emptyCounts()));
  const inRegion = anchors.filter((a) => a.region !== null);
  const ov = evaluateStatus(jjj, rules.overall, OVERALL_SCOPE, inRegion.map(anchorName));
  return {
    overall: regionDiagnosis(jjj, ov, inRegion.slice(0, keyEnterprisesShown).map(keyEnterprise)),
    regions,
    outside: byRegion.get('outside') ?? emptyCounts(),
  };
}

export async function loadRules(db: Queryable, chainId: number) {
  const row = await createDiagnosticsRepository(db).getRules(chainId);
  return { rules: row ? completeRules(row.rules) : DEFAULT_RULES, row };
}

async function loadChain(db: Queryable, chainId: number): Promise<ChainRow> {
  const c = await createChainsRepository(db).getChain(chainId);
  if (!c) throw notFound('chains', chainId);
  return c;
}

/** The whole chain's diagnostics: two set-based queries (counts per node × region, anchors). No authorisation. */
export async function computeChainDiagnostics(db: Queryable, chain: ChainRow, rules?: DiagnosticRules): Promise<ChainDiagnostics> {
  const t0 = performance.now();
  const r = rules ?? (await loadRules(db, chain.id)).rules;
  const statuses = linkStatusesFor(r);
  const repo = createDiagnosticsRepository(db);
  // Sequential on purpose: inside a transaction they share one connection anyway, and each is small.
  const nodes = await repo.nodes(chain.id);
  const rows = await repo.chainNodeRegions(chain.id, statuses);
  const anchors = await repo.anchors(chain.id, statuses);
  const rowsBy = new Map<number, NodeRegionRow[]>();
  for (const row of rows) (rowsBy.get(row.node_id) ?? rowsBy.set(row.node_id, []).get(row.node_id)!).push(row);
  const anchorsBy = new Map<number, AnchorRow[]>();
  for (const a of anchors) (anchorsBy.get(a.node_id) ?? anchorsBy.set(a.node_id, []).get(a.node_id)!).push(a);
  const tally = () => ({ strong: 0, weak: 0, missing: 0 });
  const summary = { overall: tally(), BJ: tally(), TJ: tally(), HE: tally() };
  const out: NodeDiagnosis[] = nodes.map((n) => {
    const d = diagnoseNode(rowsBy.get(n.id) ?? [], anchorsBy.get(n.id) ?? [], r);
    summary.overall[d.overall.status]++;
    for (const reg of REGIONS) summary[reg][d.regions[reg].status]++;
    return { nodeId: n.id, name: n.name, segmentId: n.segmentId, ...d };
  });
  return {
    chain: { id: chain.id, code: chain.code, name: chain.name, leadRegion: chain.leadRegion },
    rules: r,
    explanation: explainRules(r),
    computedAt: new Date().toISOString(),
    tookMs: Math.round((performance.now() - t0) * 10) / 10,
    summary,
    nodes: out,
  };
}

export async function getChainDiagnostics(deps: Deps, actor: Actor | null, chainId: number): Promise<ChainDiagnostics> {
  requireActor(actor);
  return computeChainDiagnostics(deps.db, await loadChain(deps.db, chainId));
}

export async function getNodeDiagnostics(deps: Deps, actor: Actor | null, nodeId: number, opts: { limit?: number } = {}): Promise<NodeDiagnostics> {
  requireActor(actor);
  const db = deps.db;
  const node = (
    await db.query(
      `select n.id, n.name, n.description, n.chain_id, n.segment_id, s.name as segment_name, s.stage, c.code as chain_code, c.name as chain_name
         from chain_nodes n join chain_segments s on s.id = n.segment_id join chains c on c.id = n.chain_id where n.id = $1`,
      [nodeId],
    )
  )[0];
  if (!node) throw notFound('chain_nodes', nodeId);
  const { rules } = await loadRules(db, node.chain_id);
  const statuses = linkStatusesFor(rules);
  const repo = createDiagnosticsRepository(db);
  const rows = await repo.nodeRegions(node.chain_id, nodeId, statuses);
  const anchors = await repo.anchors(node.chain_id, statuses, nodeId);
  const orgs = await repo.nodeOrganizations(nodeId, statuses, opts.limit ?? 500);
  const counties = await repo.nodeCounties(nodeId, statuses);
  const entries = await db.query(`select id, kind, title, status, region, origin, proposal_stale from list_entries where node_id = $1 order by kind, id`, [nodeId]);
  const d = diagnoseNode(rows, anchors, rules, KEY_ENTERPRISES_IN_PANEL);
  let unplaced = 0;
  const countyList: NodeDiagnostics['counties'] = [];
  for (const c of counties) {
    if (c.level === 3 && c.code) {
      countyList.push({ code: c.code, name: c.name ?? c.code, region: (c.region as Region) ?? null, organizations: c.n, rnd: c.rnd, pilot: c.pilot, production: c.production });
    } else unplaced += c.n;
  }
  countyList.sort((a, b) => b.organizations - a.organizations || a.code.localeCompare(b.code));
  return {
    node: {
      id: node.id,
      name: node.name,
      description: node.description,
      chainId: node.chain_id,
      chainCode: node.chain_code,
      chainName: node.chain_name,
      segmentId: node.segment_id,
      segmentName: node.segment_name,
      stage: node.stage,
    },
    explanation: explainRules(rules),
    ...d,
    organizations: orgs.rows.map((o: any) => ({
      organizationId: o.organization_id,
      name: o.name,
      shortName: o.short_name,
      kind: o.kind,
      region: o.region,
      divisionCode: o.division_code,
      divisionName: o.division_name,
      divisionLevel: o.division_level,
      role: o.role,
      status: o.status,
      stages: stagesOf(o.role, o.kind),
      revenueWan: o.revenue_wan,
    })),
    organizationsTotal: orgs.total,
    counties: countyList,
    unplaced,
    entries: entries.map((e: any) => ({ id: e.id, kind: e.kind, title: e.title, status: e.status, region: e.region, origin: e.origin, proposalStale: e.proposal_stale })),
  };
}

// ------------------------------------------------------------------ rules

function canEditRules(actor: Actor, chain: ChainRow) {
  return actor.role === 'admin' || (actor.role === 'official' && !!chain.ownerRegion && actor.region === chain.ownerRegion);
}

async function rulesResponse(db: Queryable, actor: Actor, chain: ChainRow) {
  const { rules, row } = await loadRules(db, chain.id);
  return {
    chainId: chain.id,
    rules,
    defaults: DEFAULT_RULES,
    isDefault: JSON.stringify(rules) === JSON.stringify(DEFAULT_RULES),
    explanation: explainRules(rules),
    updatedAt: row ? new Date(row.updated_at).toISOString() : null,
    updatedBy: row?.updated_by_name ?? null,
    version: row?.version ?? 0,
    canEdit: canEditRules(actor, chain),
  };
}

export async function getDiagnosticRules(deps: Deps, actor: Actor | null, chainId: number) {
  const a = requireActor(actor);
  return rulesResponse(deps.db, a, await loadChain(deps.db, chainId));
}

/** Changes a chain's rules (merged with the current ones). Officials of the chain's owner region, or an admin. */
export async function updateDiagnosticRules(deps: Deps, actor: Actor | null, chainId: number, patch: DiagnosticRulesPatch) {
  return deps.db.transaction(async (tx) => {
    const chain = await createChainsRepository(tx).getChain(chainId, { forUpdate: true });
    if (!chain) throw notFound('chains', chainId);
    const a = assertRegionWrite(actor, chain.ownerRegion, '产业链的诊断规则');
    const { rules: cur } = await loadRules(tx, chainId);
    const next = mergeRules(cur, patch);
    await createDiagnosticsRepository(tx).putRules(chainId, next, { id: a.userId || null, name: a.displayName });
    const d = diff(flatten(cur), flatten(next));
    await recordAudit(tx, a, {
      action: 'update',
      entityType: 'chain',
      entityId: chainId,
      region: chain.ownerRegion,
      summary: `修改诊断规则：${Object.keys(d.after).join('、') || '无变化'}`,
      before: { diagnosticRules: d.before },
      after: { diagnosticRules: d.after },
    });
    return rulesResponse(tx, a, chain);
  });
}

/** `{ 'region.strong.minProduction': 2, … }` — a readable before → after in the audit log. */
function flatten(o: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (o && typeof o === 'object' && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = o;
  return out;
}
