/**
 * Diagnostics propose list entries, with their reasons, and keep them current.
 *
 * Which conditions propose what (each switchable per chain in the rules, `proposals`):
 *   堵点 duandian:<node>:missing        京津冀 combined is “missing” on the node
 *   堵点 duandian:<node>:no_production  organisations, but no production-stage (10→N) enterprise
 *   堵点 duandian:<node>:weak           production exists, but 京津冀 combined is only “weak”
 *   卡点 kadian:<node>:no_rnd           production, but no R&D (0→1) organisation: technology from outside
 *   卡点 kadian:<node>:no_pilot         R&D, but neither a pilot (1→10) nor production: results stall
 *   重点企业 key_enterprise:org:<org>    a 京津冀 enterprise attached as 链主 / 重点企业, or the largest
 *                                      enterprise of a node by revenue (≥ keyEnterpriseMinRevenueWan)
 *
 * Which region owns (and leads) a proposal — rules.proposals.owner:
 *   division_of_labour (default), after the programme's 北京研发 → 天津中试 → 河北量产:
 *     卡点 no_rnd → 北京; 卡点 no_pilot → 天津; every 堵点 → 河北; 重点企业 → the enterprise's region.
 *   chain_lead: the chain's lead (owner) region; 重点企业 still go to the enterprise's region.
 *
 * Re-running (idempotent, keyed by proposal_key):
 *   - a new condition creates an entry: origin 'proposed', status 'proposed', decided false;
 *   - a still-undecided proposal gets the current title, reason, owner and figures (history records it);
 *   - an entry an official has decided (any edit, transition or organisation change sets `decided`)
 *     is never changed again, whatever the data says;
 *   - an undecided proposal whose condition no longer holds is kept, status unchanged, and marked
 *     proposal_stale (history records it); it is un-marked if the condition returns. Officials drop
 *     stale proposals themselves — nothing is deleted or dropped automatically.
 */
import type { Db, Queryable } from '../../db/db.ts';
import { notFound } from '../../errors.ts';
import { REGION_NAMES, REGIONS, type Region } from '../accounts/accounts.schemas.ts';
import { requireRole, systemActor, type Actor } from '../accounts/actor.ts';
import { diff, recordAudit } from '../audit/audit.repository.ts';
import { createChainsRepository, type ChainRow } from '../chains/chains.repository.ts';
import { LINK_ROLE_NAMES } from '../chains/chains.schemas.ts';
import { createDiagnosticsRepository, type AnchorRow } from '../diagnostics/diagnostics.repository.ts';
import { formatWan } from '../diagnostics/diagnostics.rules.ts';
import type { DiagnosticRules, NodeDiagnosis, RegionCounts } from '../diagnostics/diagnostics.schemas.ts';
import { computeChainDiagnostics, linkStatusesFor, loadRules } from '../diagnostics/diagnostics.usecases.ts';
import { createListsRepository, type EntryRow } from './lists.repository.ts';
import { LIST_KIND_NAMES, type ListKind, type ProposalsResult } from './lists.schemas.ts';
import { by } from './lists.usecases.ts';

export const REGION_DEPARTMENTS: Record<Region, string> = {
  BJ: '北京市经济和信息化局',
  TJ: '天津市工业和信息化局',
  HE: '河北省工业和信息化厅',
};

export interface Proposal {
  key: string;
  kind: ListKind;
  nodeId: number;
  region: Region;
  title: string;
  description: string;
  reason: string;
  facts: unknown;
  subjectOrganizationId?: number;
}

type Situation = 'missing' | 'no_production' | 'weak' | 'no_rnd' | 'no_pilot';
const DIVISION_OWNER: Record<Situation, Region> = { no_rnd: 'BJ', no_pilot: 'TJ', missing: 'HE', no_production: 'HE', weak: 'HE' };

const brief = (c: RegionCounts) => ({ organizations: c.organizations, rnd: c.stages.rnd, pilot: c.stages.pilot, production: c.stages.production, anchors: c.anchors });
const threeRegions = (n: NodeDiagnosis, f: (c: RegionCounts) => number) => REGIONS.map((r) => `${REGION_NAMES[r].zh} ${f(n.regions[r])}`).join('、');

interface RevenueTop {
  node_id: number;
  organization_id: number;
  name: string;
  short_name: string | null;
  region: Region;
  revenue_wan: number;
}

/** Pure: the proposals the current diagnostics call for. */
export function buildProposals(
  chain: Pick<ChainRow, 'ownerRegion'>,
  nodes: NodeDiagnosis[],
  rules: DiagnosticRules,
  anchors: AnchorRow[],
  revenueTops: RevenueTop[],
): Proposal[] {
  const p = rules.proposals;
  const owner = (s: Situation): Region => (p.owner === 'chain_lead' && chain.ownerRegion ? chain.ownerRegion : DIVISION_OWNER[s]);
  const out: Proposal[] = [];
  for (const n of nodes) {
    const o = n.overall;
    const facts = { overall: brief(o), BJ: brief(n.regions.BJ), TJ: brief(n.regions.TJ), HE: brief(n.regions.HE), outside: brief(n.outside) };
    const outsideProd = n.outside.stages.production;
    const outsideText = n.outside.organizations
      ? `；京津冀以外有 ${n.outside.organizations} 家机构挂在该节点上（其中量产企业 ${outsideProd} 家），可作为招商目标`
      : '';
    const push = (s: Situation, kind: ListKind, title: string, reason: string, description: string) =>
      out.push({ key: `${kind}:${n.nodeId}:${s}`, kind, nodeId: n.nodeId, region: owner(s), title, reason, description, facts });
    const attract = `建议按“一链一策”梳理「${n.name}」的招商目标企业${outsideProd ? '（可参考京津冀以外已挂链的量产企业）' : ''}，引导其在京津冀产业布局重点区域落地。`;

    if (p.duandianMissing && o.status === 'missing')
      push(
        'missing',
        'duandian',
        `「${n.name}」环节缺失`,
        `${o.organizations === 0 ? `京津冀没有挂在「${n.name}」上的机构` : `京津冀只有 ${o.organizations} 家机构挂在「${n.name}」上，少于 ${rules.overall.weak.minOrganizations} 家`}（${threeRegions(n, (c) => c.organizations)} 家）${outsideText}。`,
        attract,
      );
    if (p.duandianNoProduction && o.status !== 'missing' && o.stages.production === 0)
      push(
        'no_production',
        'duandian',
        `「${n.name}」缺少量产企业`,
        `京津冀没有「${n.name}」的量产（10→N）企业：现有研发（0→1）${o.stages.rnd} 家、中试（1→10）${o.stages.pilot} 家（机构数 ${threeRegions(n, (c) => c.organizations)}）${outsideText}。`,
        attract,
      );
    if (p.duandianWeak && o.status === 'weak' && o.stages.production > 0)
      push(
        'weak',
        'duandian',
        `「${n.name}」环节薄弱`,
        `京津冀「${n.name}」环节薄弱：${o.reason.replace(/^弱：京津冀合计/, '合计')}；各地量产企业：${threeRegions(n, (c) => c.stages.production)} 家${outsideText}。`,
        attract,
      );
    if (p.kadianNoRnd && o.stages.production > 0 && o.stages.rnd === 0)
      push(
        'no_rnd',
        'kadian',
        `「${n.name}」关键技术缺少本地研发力量`,
        `京津冀有「${n.name}」的量产（10→N）企业 ${o.stages.production} 家（${threeRegions(n, (c) => c.stages.production)}），但没有研发（0→1）机构（高校、科研院所或以研发角色挂链的企业），关键技术依赖区外。`,
        `建议组建京津冀联合攻关工作小组，或以“揭榜挂帅”方式面向高校、科研院所和企业征集「${n.name}」关键技术攻关团队。`,
      );
    if (p.kadianNoPilot && o.stages.rnd > 0 && o.stages.pilot === 0 && o.stages.production === 0)
      push(
        'no_pilot',
        'kadian',
        `「${n.name}」研发成果缺少中试转化`,
        `京津冀有「${n.name}」的研发（0→1）机构 ${o.stages.rnd} 家（${threeRegions(n, (c) => c.stages.rnd)}），但没有中试（1→10）平台，也没有量产企业，研发成果难以转化。`,
        `建议对接中试平台开展中试验证和工程化放大（天津中试 1→10），或以“揭榜挂帅”方式征集中试转化团队。`,
      );
  }

  // 重点企业: one entry per enterprise, tied to its first node (chain leader before key enterprise, map order).
  const nodeOrder = new Map(nodes.map((n, i) => [n.nodeId, i]));
  const nodeName = new Map(nodes.map((n) => [n.nodeId, n.name]));
  const byOrg = new Map<number, { org: { id: number; name: string; region: Region; revenue: number | null }; roles: Array<{ nodeId: number; why: string; rank: number }> }>();
  const add = (org: { id: number; name: string; region: Region; revenue: number | null }, nodeId: number, why: string, rank: number) => {
    const cur = byOrg.get(org.id) ?? { org, roles: [] };
    cur.roles.push({ nodeId, why, rank });
    byOrg.set(org.id, cur);
  };
  if (p.keyEnterpriseFromRoles)
    for (const a of anchors)
      if (a.region && nodeOrder.has(a.node_id))
        add({ id: a.organization_id, name: a.name, region: a.region, revenue: a.revenue_wan }, a.node_id, `以${LINK_ROLE_NAMES[a.role].zh}挂链「${nodeName.get(a.node_id)}」`, a.role === 'chain_leader' ? 0 : 1);
  if (p.keyEnterpriseMinRevenueWan !== null)
    for (const t of revenueTops)
      if (nodeOrder.has(t.node_id))
        add(
          { id: t.organization_id, name: t.name, region: t.region, revenue: t.revenue_wan },
          t.node_id,
          `营业收入 ${formatWan(t.revenue_wan)}，是京津冀「${nodeName.get(t.node_id)}」环节营收最高的企业（标准：不低于 ${formatWan(p.keyEnterpriseMinRevenueWan)}）`,
          2,
        );
  for (const { org, roles } of byOrg.values()) {
    roles.sort((x, y) => x.rank - y.rank || nodeOrder.get(x.nodeId)! - nodeOrder.get(y.nodeId)!);
    const whys = [...new Set(roles.map((r) => r.why))];
    out.push({
      key: `key_enterprise:org:${org.id}`,
      kind: 'key_enterprise',
      nodeId: roles[0].nodeId,
      region: org.region,
      title: org.name,
      reason: `${org.name}（${REGION_NAMES[org.region].zh}）${whys.slice(0, 4).join('；')}${whys.length > 4 ? `；等 ${whys.length} 项` : ''}。`,
      description: '建议纳入重点企业信息库，实施动态监测和“研发—转化—产业化”全周期服务。',
      facts: { organizationId: org.id, revenueWan: org.revenue, nodes: [...new Set(roles.map((r) => r.nodeId))] },
      subjectOrganizationId: org.id,
    });
  }
  return out;
}

async function revenueTops(db: Queryable, chainId: number, statuses: string[], minWan: number | null): Promise<RevenueTop[]> {
  if (minWan === null) return [];
  return db.query<RevenueTop>(
    `select distinct on (l.node_id) l.node_id, o.id as organization_id, o.name, o.short_name, o.region, o.revenue_wan::float8 as revenue_wan
       from org_node_links l join organizations o on o.id = l.organization_id
      where l.chain_id = $1 and l.status = any($2::text[]) and o.region is not null and o.kind = 'enterprise'
        and l.role in ('production', 'supplier', 'chain_leader', 'key_enterprise') and o.revenue_wan >= $3
      order by l.node_id, o.revenue_wan desc, o.id`,
    [chainId, statuses, minWan],
  );
}

const proposalView = (e: Pick<EntryRow, 'title' | 'description' | 'proposalReason' | 'region' | 'leadRegion' | 'department' | 'nodeId' | 'proposalStale'>) => ({
  title: e.title,
  description: e.description,
  proposalReason: e.proposalReason,
  region: e.region,
  leadRegion: e.leadRegion,
  department: e.department,
  nodeId: e.nodeId,
  proposalStale: e.proposalStale,
});

/**
 * Re-runs the chain's diagnostics and brings its proposals up to date (see the top of this file).
 * Officials of any region and administrators may run it: it decides nothing, and never changes an
 * entry an official has decided.
 */
export async function runDiagnosticsProposals(deps: { db: Db }, actor: Actor | null, chainId: number): Promise<ProposalsResult> {
  const a = requireRole(actor, ['admin', 'official']);
  const t0 = performance.now();
  return deps.db.transaction(async (tx) => {
    const chain = await createChainsRepository(tx).getChain(chainId, { forUpdate: true });
    if (!chain) throw notFound('chains', chainId);
    const { rules } = await loadRules(tx, chainId);
    const diag = await computeChainDiagnostics(tx, chain, rules);
    const statuses = linkStatusesFor(rules);
    const anchors = await createDiagnosticsRepository(tx).anchors(chainId, statuses);
    const tops = await revenueTops(tx, chainId, statuses, rules.proposals.keyEnterpriseMinRevenueWan);
    const proposals = buildProposals(chain, diag.nodes, rules, anchors, tops);

    const repo = createListsRepository(tx);
    const existing = await repo.proposalsOf(chainId);
    const byKey = new Map(existing.map((e) => [e.proposalKey!, e]));
    const res = { created: 0, updated: 0, unchanged: 0, stale: 0, refreshed: 0, keptDecided: 0 };
    const checked: number[] = [];
    const who = by(a);
    for (const p of proposals) {
      const e = byKey.get(p.key);
      byKey.delete(p.key);
      const want = { title: p.title, description: p.description, proposalReason: p.reason, region: p.region, leadRegion: p.region, department: REGION_DEPARTMENTS[p.region], nodeId: p.nodeId, proposalStale: false };
      if (!e) {
        const id = await repo.insert({
          chainId,
          nodeId: p.nodeId,
          kind: p.kind,
          region: p.region,
          title: p.title,
          description: p.description,
          leadRegion: p.region,
          department: REGION_DEPARTMENTS[p.region],
          ownerName: null,
          status: 'proposed',
          dueOn: null,
          origin: 'proposed',
          proposalKey: p.key,
          proposalReason: p.reason,
          proposalFacts: p.facts,
          decided: false,
          by: who,
        });
        if (p.subjectOrganizationId) await repo.upsertOrg(id, { organizationId: p.subjectOrganizationId, role: 'subject', note: null }, { id: null, name: '诊断建议' });
        await recordAudit(tx, a, {
          action: 'propose',
          entityType: 'list_entry',
          entityId: id,
          region: p.region,
          summary: `诊断建议${LIST_KIND_NAMES[p.kind].zh}：${p.title}`,
          after: { ...want, kind: p.kind, status: 'proposed', proposalKey: p.key },
        });
        res.created++;
        continue;
      }
      if (e.decided) {
        res.keptDecided++;
        continue;
      }
      const d = diff(proposalView(e), want);
      if (!Object.keys(d.after).length) {
        res.unchanged++;
        checked.push(e.id);
        continue;
      }
      await repo.updateProposal(e.id, {
        nodeId: p.nodeId,
        region: p.region,
        leadRegion: p.region,
        department: REGION_DEPARTMENTS[p.region],
        title: p.title,
        description: p.description,
        reason: p.reason,
        facts: p.facts,
        stale: false,
      });
      if (e.proposalStale) res.refreshed++;
      else res.updated++;
      await recordAudit(tx, a, {
        action: 'proposal_update',
        entityType: 'list_entry',
        entityId: e.id,
        region: p.region,
        summary: e.proposalStale ? `重新诊断：条件再次成立，建议恢复有效` : `重新诊断：更新建议依据`,
        ...d,
      });
    }
    // Conditions that no longer hold.
    for (const e of byKey.values()) {
      if (e.decided) {
        res.keptDecided++;
        continue;
      }
      if (e.proposalStale) {
        res.unchanged++;
        checked.push(e.id);
        continue;
      }
      await repo.setStale(e.id, true);
      await recordAudit(tx, a, {
        action: 'proposal_stale',
        entityType: 'list_entry',
        entityId: e.id,
        region: e.region,
        summary: '重新诊断：提出该建议的条件已不成立，标记为已过时（保留待官员处理）',
        before: { proposalStale: false },
        after: { proposalStale: true },
      });
      res.stale++;
    }
    await repo.markProposalsChecked(checked);
    return { chainId, ...res, proposals: proposals.length, tookMs: Math.round(performance.now() - t0) };
  });
}

/** Proposals for every chain (after seeding the demo data, for instance). */
export async function runProposalsForAllChains(db: Db, actor: Actor = systemActor('diagnostics')): Promise<ProposalsResult[]> {
  const chains = await createChainsRepository(db).listChains();
  const out: ProposalsResult[] = [];
  for (const c of chains) out.push(await runDiagnosticsProposals({ db }, actor, c.id));
  return out;
}
