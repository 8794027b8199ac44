import type { Db, Queryable } from '../../db/db.ts';
import { createError, notFound } from '../../errors.ts';
import { addWords } from '../../lib/text.ts';
import type { Region } from '../accounts/accounts.schemas.ts';
import { assertRegionWrite, requireActor, type Actor } from '../accounts/actor.ts';
import { diff, recordAudit } from '../audit/audit.repository.ts';
import { cycleIfAdded, findCycle } from './dag.ts';
import { createChainsRepository, type ChainRow, type NodeRow } from './chains.repository.ts';
import type { ChainDefinition, ChainDetail, ChainSummary, LinkRole } from './chains.schemas.ts';
import type { z } from 'zod';
import type {
  chainInputSchema,
  chainPatchSchema,
  edgeInputSchema,
  linkInputSchema,
  linkPatchSchema,
  nodeInputSchema,
  nodePatchSchema,
  segmentInputSchema,
  segmentPatchSchema,
} from './chains.schemas.ts';

type Deps = { db: Db };

const emptyCounts = () => ({ BJ: 0, TJ: 0, HE: 0, outside: 0 });

function canEditChain(actor: Actor, chain: ChainRow) {
  return actor.role === 'admin' || (actor.role === 'official' && !!chain.ownerRegion && actor.region === chain.ownerRegion);
}

function assertChainWrite(actor: Actor | null, chain: ChainRow): Actor {
  return assertRegionWrite(actor, chain.ownerRegion, '产业链图谱');
}

async function loadChain(db: Queryable, id: number, forUpdate = false): Promise<ChainRow> {
  const c = await createChainsRepository(db).getChain(id, { forUpdate });
  if (!c) throw notFound('chains', id);
  return c;
}

export async function listChains(deps: Deps, actor: Actor | null): Promise<ChainSummary[]> {
  const a = requireActor(actor);
  const repo = createChainsRepository(deps.db);
  const [chains, counts, orgs] = await Promise.all([repo.listChains(), repo.chainCounts(), repo.chainOrgCounts()]);
  const countBy = new Map(counts.map((c) => [c.chain_id, c]));
  return chains.map((c) => {
    const byRegion = emptyCounts();
    for (const o of orgs) if (o.chain_id === c.id) byRegion[o.region as keyof typeof byRegion] = o.n;
    const k = countBy.get(c.id);
    return {
      id: c.id,
      code: c.code,
      name: c.name,
      nameEn: c.nameEn,
      scope: c.scope,
      leadRegion: c.leadRegion,
      description: c.description,
      source: c.source,
      segmentCount: k?.segments ?? 0,
      nodeCount: k?.nodes ?? 0,
      edgeCount: k?.edges ?? 0,
      organizationCount: byRegion.BJ + byRegion.TJ + byRegion.HE + byRegion.outside,
      byRegion,
      canEdit: canEditChain(a, c),
    };
  });
}

export async function resolveChainId(deps: Deps, idOrCode: string): Promise<number> {
  const repo = createChainsRepository(deps.db);
  const c = /^\d+$/.test(idOrCode) ? await repo.getChain(Number(idOrCode)) : await repo.getChain(idOrCode);
  if (!c) throw notFound('chains', idOrCode);
  return c.id;
}

export async function getChainDetail(deps: Deps, actor: Actor | null, id: number): Promise<ChainDetail> {
  const a = requireActor(actor);
  const repo = createChainsRepository(deps.db);
  const chain = await loadChain(deps.db, id);
  const [segments, nodes, edges, counts, summaries] = await Promise.all([
    repo.segments(id),
    repo.nodes(id),
    repo.edges(id),
    repo.nodeCounts(id),
    listChains(deps, a),
  ]);
  const summary = summaries.find((s) => s.id === id)!;
  const regionBy = new Map<number, ReturnType<typeof emptyCounts>>();
  for (const r of counts.byRegion) {
    const c = regionBy.get(r.node_id) ?? emptyCounts();
    c[r.region as keyof ReturnType<typeof emptyCounts>] = r.n;
    regionBy.set(r.node_id, c);
  }
  const rolesBy = new Map<number, Record<string, number>>();
  for (const r of counts.byRole) {
    const c = rolesBy.get(r.node_id) ?? {};
    c[r.role] = r.n;
    rolesBy.set(r.node_id, c);
  }
  return {
    ...summary,
    version: chain.version,
    segments: segments.map((s) => ({ id: s.id, name: s.name, nameEn: s.nameEn, stage: s.stage, position: s.position })),
    nodes: nodes.map((n) => ({
      id: n.id,
      segmentId: n.segmentId,
      parentId: n.parentId,
      name: n.name,
      nameEn: n.nameEn,
      keywords: n.keywords,
      description: n.description,
      position: n.position,
      counts: regionBy.get(n.id) ?? emptyCounts(),
      roles: rolesBy.get(n.id) ?? {},
    })),
    edges: edges.map(([f, t]) => ({ fromNodeId: f, toNodeId: t })),
  };
}

export async function getNodeOrganizations(deps: Deps, actor: Actor | null, nodeId: number, opts: { includeReview?: boolean } = {}) {
  requireActor(actor);
  const repo = createChainsRepository(deps.db);
  const node = await repo.getNode(nodeId);
  if (!node) throw notFound('chain_nodes', nodeId);
  const rows = await repo.nodeOrganizations(nodeId, opts);
  return {
    node: {
      id: node.id,
      segmentId: node.segmentId,
      parentId: node.parentId,
      name: node.name,
      nameEn: node.nameEn,
      keywords: node.keywords,
      description: node.description,
      position: node.position,
    },
    organizations: rows.map((r: any) => ({
      linkId: r.link_id,
      organizationId: r.organization_id,
      name: r.name,
      shortName: r.short_name,
      kind: r.kind,
      region: r.region,
      divisionCode: r.division_code,
      divisionName: r.division_name,
      role: r.role,
      status: r.status,
      origin: r.origin,
      score: r.score,
      evidence: r.evidence,
      source: r.source,
    })),
  };
}

// ---------------------------------------------------------------- chain CRUD

export async function createChain(deps: Deps, actor: Actor | null, input: z.infer<typeof chainInputSchema>) {
  const a = requireActor(actor);
  const owner = (input.leadRegion ?? (a.role === 'official' ? a.region : null)) as Region | null;
  assertRegionWrite(a, owner, '产业链图谱');
  return deps.db.transaction(async (tx) => {
    const repo = createChainsRepository(tx);
    if (await repo.getChain(input.code))
      throw createError({ code: 'chains.code_already_exists', message: `代码 ${input.code} 已被使用 / code already used`, status: 409, fields: { code: '已存在 / exists' } });
    const c = await repo.insertChain({
      code: input.code,
      name: input.name,
      nameEn: input.nameEn ?? null,
      scope: input.scope,
      leadRegion: owner,
      ownerRegion: owner,
      description: input.description ?? null,
      source: input.source,
    });
    await recordAudit(tx, a, { action: 'create', entityType: 'chain', entityId: c.id, region: owner, summary: `新建产业链 ${c.name}`, after: c });
    return c;
  });
}

export async function updateChain(deps: Deps, actor: Actor | null, id: number, patch: z.infer<typeof chainPatchSchema>) {
  return deps.db.transaction(async (tx) => {
    const cur = await loadChain(tx, id, true);
    const a = assertChainWrite(actor, cur);
    const nextOwner = patch.leadRegion !== undefined ? patch.leadRegion : cur.ownerRegion;
    if (nextOwner !== cur.ownerRegion) assertRegionWrite(a, nextOwner ?? null, '产业链图谱');
    const next = await createChainsRepository(tx).updateChain(id, {
      name: patch.name ?? cur.name,
      nameEn: patch.nameEn !== undefined ? patch.nameEn : cur.nameEn,
      scope: patch.scope ?? cur.scope,
      leadRegion: patch.leadRegion !== undefined ? patch.leadRegion : cur.leadRegion,
      ownerRegion: nextOwner ?? null,
      description: patch.description !== undefined ? patch.description : cur.description,
    });
    const d = diff(cur as any, next as any);
    delete d.before.version;
    delete d.after.version;
    await recordAudit(tx, a, { action: 'update', entityType: 'chain', entityId: id, region: next.ownerRegion, summary: `修改产业链 ${next.name}`, ...d });
    return next;
  });
}

export async function deleteChain(deps: Deps, actor: Actor | null, id: number) {
  await deps.db.transaction(async (tx) => {
    const cur = await loadChain(tx, id, true);
    const a = assertChainWrite(actor, cur);
    await createChainsRepository(tx).deleteChain(id);
    await recordAudit(tx, a, { action: 'delete', entityType: 'chain', entityId: id, region: cur.ownerRegion, summary: `删除产业链 ${cur.name}`, before: cur });
  });
}

// ---------------------------------------------------------------- segments

export async function createSegment(deps: Deps, actor: Actor | null, chainId: number, input: z.infer<typeof segmentInputSchema>) {
  return deps.db.transaction(async (tx) => {
    const chain = await loadChain(tx, chainId, true);
    const a = assertChainWrite(actor, chain);
    const repo = createChainsRepository(tx);
    const segs = await repo.segments(chainId);
    if (segs.some((s) => s.name === input.name)) throw duplicateName('segments', input.name);
    const s = await repo.insertSegment({
      chainId,
      name: input.name,
      nameEn: input.nameEn ?? null,
      stage: input.stage,
      position: input.position ?? segs.length,
    });
    await repo.touchChain(chainId);
    await recordAudit(tx, a, { action: 'create', entityType: 'chain', entityId: chainId, region: chain.ownerRegion, summary: `新增环节 ${s.name}`, after: { segment: s } });
    return s;
  });
}

export async function updateSegment(deps: Deps, actor: Actor | null, segmentId: number, patch: z.infer<typeof segmentPatchSchema>) {
  return deps.db.transaction(async (tx) => {
    const repo = createChainsRepository(tx);
    const cur = await repo.getSegment(segmentId);
    if (!cur) throw notFound('chain_segments', segmentId);
    const chain = await loadChain(tx, cur.chainId, true);
    const a = assertChainWrite(actor, chain);
    if (patch.name && patch.name !== cur.name && (await repo.segments(cur.chainId)).some((s) => s.name === patch.name))
      throw duplicateName('segments', patch.name);
    const next = await repo.updateSegment(segmentId, {
      name: patch.name ?? cur.name,
      nameEn: patch.nameEn !== undefined ? patch.nameEn : cur.nameEn,
      stage: patch.stage ?? cur.stage,
      position: patch.position ?? cur.position,
    });
    await repo.touchChain(cur.chainId);
    const d = diff(cur as any, next as any);
    await recordAudit(tx, a, { action: 'update', entityType: 'chain', entityId: cur.chainId, region: chain.ownerRegion, summary: `修改环节 ${next.name}`, before: { segment: d.before }, after: { segment: d.after } });
    return next;
  });
}

export async function deleteSegment(deps: Deps, actor: Actor | null, segmentId: number) {
  await deps.db.transaction(async (tx) => {
    const repo = createChainsRepository(tx);
    const cur = await repo.getSegment(segmentId);
    if (!cur) throw notFound('chain_segments', segmentId);
    const chain = await loadChain(tx, cur.chainId, true);
    const a = assertChainWrite(actor, chain);
    const nodes = (await repo.nodes(cur.chainId)).filter((n) => n.segmentId === segmentId);
    if (nodes.length)
      throw createError({
        code: 'chains.segment_in_use',
        message: `环节“${cur.name}”下还有 ${nodes.length} 个节点，请先移动或删除 / the segment still has ${nodes.length} nodes`,
        status: 409,
      });
    await repo.deleteSegment(segmentId);
    await repo.touchChain(cur.chainId);
    await recordAudit(tx, a, { action: 'delete', entityType: 'chain', entityId: cur.chainId, region: chain.ownerRegion, summary: `删除环节 ${cur.name}`, before: { segment: cur } });
  });
}

function duplicateName(what: 'segments' | 'nodes', name: string) {
  return createError({
    code: `chains.${what === 'segments' ? 'segment' : 'node'}_name_already_exists`,
    message: `名称“${name}”在本链中已存在 / name already used in this chain`,
    status: 409,
    fields: { name: '已存在 / exists' },
  });
}

// ---------------------------------------------------------------- nodes

async function checkParent(repo: ReturnType<typeof createChainsRepository>, chainId: number, nodeId: number | null, parentId: number | null | undefined) {
  if (!parentId) return;
  const nodes = await repo.nodes(chainId);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  if (!byId.has(parentId))
    throw createError({ code: 'chains.invalid_parent', message: '上级节点不在本链中 / the parent node is not in this chain', status: 400, fields: { parentId: '不在本链 / not in this chain' } });
  // parent links must not loop
  let p: number | null = parentId;
  const seen = new Set<number>();
  while (p) {
    if (p === nodeId || seen.has(p))
      throw createError({ code: 'chains.invalid_parent', message: '上级节点不能是自身或其下级 / a node cannot be its own ancestor', status: 400, fields: { parentId: '形成循环 / loop' } });
    seen.add(p);
    p = byId.get(p)?.parentId ?? null;
  }
}

export async function createNode(deps: Deps, actor: Actor | null, chainId: number, input: z.infer<typeof nodeInputSchema>) {
  const n = await deps.db.transaction(async (tx) => {
    const chain = await loadChain(tx, chainId, true);
    const a = assertChainWrite(actor, chain);
    const repo = createChainsRepository(tx);
    const seg = await repo.getSegment(input.segmentId);
    if (!seg || seg.chainId !== chainId)
      throw createError({ code: 'chains.invalid_segment', message: '环节不在本链中 / the segment is not in this chain', status: 400, fields: { segmentId: '不在本链 / not in this chain' } });
    const nodes = await repo.nodes(chainId);
    if (nodes.some((x) => x.name === input.name)) throw duplicateName('nodes', input.name);
    await checkParent(repo, chainId, null, input.parentId);
    const n = await repo.insertNode({
      chainId,
      segmentId: input.segmentId,
      parentId: input.parentId ?? null,
      name: input.name,
      nameEn: input.nameEn ?? null,
      keywords: [...new Set(input.keywords)],
      description: input.description ?? null,
      position: input.position ?? nodes.filter((x) => x.segmentId === input.segmentId).length,
    });
    await repo.touchChain(chainId);
    await recordAudit(tx, a, { action: 'create', entityType: 'chain', entityId: chainId, region: chain.ownerRegion, summary: `新增节点 ${n.name}`, after: { node: n } });
    return n;
  });
  addWords([n.name, ...n.keywords]);
  return n;
}

export async function updateNode(deps: Deps, actor: Actor | null, nodeId: number, patch: z.infer<typeof nodePatchSchema>) {
  const next = await deps.db.transaction(async (tx) => {
    const repo = createChainsRepository(tx);
    const cur = await repo.getNode(nodeId);
    if (!cur) throw notFound('chain_nodes', nodeId);
    const chain = await loadChain(tx, cur.chainId, true);
    const a = assertChainWrite(actor, chain);
    if (patch.segmentId && patch.segmentId !== cur.segmentId) {
      const seg = await repo.getSegment(patch.segmentId);
      if (!seg || seg.chainId !== cur.chainId)
        throw createError({ code: 'chains.invalid_segment', message: '环节不在本链中 / the segment is not in this chain', status: 400, fields: { segmentId: '不在本链 / not in this chain' } });
    }
    if (patch.name && patch.name !== cur.name && (await repo.nodes(cur.chainId)).some((x) => x.name === patch.name)) throw duplicateName('nodes', patch.name);
    if (patch.parentId !== undefined) await checkParent(repo, cur.chainId, nodeId, patch.parentId);
    // A node moved to another segment without a position goes to the end of that segment.
    const moved = patch.segmentId !== undefined && patch.segmentId !== cur.segmentId;
    const endOfSegment = moved && patch.position === undefined ? Math.max(-1, ...(await repo.nodes(cur.chainId)).filter((x) => x.segmentId === patch.segmentId).map((x) => x.position)) + 1 : null;
    const next = await repo.updateNode(nodeId, {
      segmentId: patch.segmentId ?? cur.segmentId,
      parentId: patch.parentId !== undefined ? patch.parentId : cur.parentId,
      name: patch.name ?? cur.name,
      nameEn: patch.nameEn !== undefined ? patch.nameEn : cur.nameEn,
      keywords: patch.keywords ? [...new Set(patch.keywords)] : cur.keywords,
      description: patch.description !== undefined ? patch.description : cur.description,
      position: patch.position ?? endOfSegment ?? cur.position,
    });
    await repo.touchChain(cur.chainId);
    const d = diff(cur as any, next as any);
    await recordAudit(tx, a, {
      action: 'update',
      entityType: 'chain',
      entityId: cur.chainId,
      region: chain.ownerRegion,
      summary: `修改节点 ${cur.name}${next.name !== cur.name ? ` → ${next.name}` : ''}`,
      before: { node: { id: nodeId, ...d.before } },
      after: { node: { id: nodeId, ...d.after } },
    });
    return next;
  });
  addWords([next.name, ...next.keywords]);
  return next;
}

export async function deleteNode(deps: Deps, actor: Actor | null, nodeId: number) {
  await deps.db.transaction(async (tx) => {
    const repo = createChainsRepository(tx);
    const cur = await repo.getNode(nodeId);
    if (!cur) throw notFound('chain_nodes', nodeId);
    const chain = await loadChain(tx, cur.chainId, true);
    const a = assertChainWrite(actor, chain);
    const edges = (await repo.edges(cur.chainId)).filter(([f, t]) => f === nodeId || t === nodeId);
    await repo.deleteNode(nodeId);
    await repo.touchChain(cur.chainId);
    await recordAudit(tx, a, { action: 'delete', entityType: 'chain', entityId: cur.chainId, region: chain.ownerRegion, summary: `删除节点 ${cur.name}`, before: { node: cur, edges } });
  });
}

// ---------------------------------------------------------------- edges

export async function addEdge(deps: Deps, actor: Actor | null, chainId: number, input: z.infer<typeof edgeInputSchema>) {
  return deps.db.transaction(async (tx) => {
    const chain = await loadChain(tx, chainId, true);
    const a = assertChainWrite(actor, chain);
    const repo = createChainsRepository(tx);
    const nodes = await repo.nodes(chainId);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const from = byId.get(input.fromNodeId);
    const to = byId.get(input.toNodeId);
    if (!from || !to)
      throw createError({
        code: 'chains.invalid_edge',
        message: '两个节点都必须属于本链 / both nodes must belong to this chain',
        status: 400,
        fields: { ...(from ? {} : { fromNodeId: '不在本链 / not in this chain' }), ...(to ? {} : { toNodeId: '不在本链 / not in this chain' }) },
      });
    const edges = await repo.edges(chainId);
    const cycle = cycleIfAdded(edges, from.id, to.id);
    if (cycle) throw cycleError(cycle.map((id) => byId.get(id)!));
    const added = await repo.insertEdge(chainId, from.id, to.id);
    if (added) {
      await repo.touchChain(chainId);
      await recordAudit(tx, a, { action: 'create', entityType: 'chain', entityId: chainId, region: chain.ownerRegion, summary: `新增供应关系 ${from.name} → ${to.name}`, after: { edge: [from.id, to.id] } });
    }
    return { fromNodeId: from.id, toNodeId: to.id };
  });
}

export function cycleError(cycle: Array<Pick<NodeRow, 'id' | 'name'>>) {
  const names = cycle.map((n) => n.name).join(' → ');
  return createError({
    code: 'chains.cycle_detected',
    message: `供应关系不能成环：${names} / this edge would close a cycle: ${names}`,
    status: 409,
    details: { cycle: cycle.map((n) => ({ id: n.id, name: n.name })) },
  });
}

export async function removeEdge(deps: Deps, actor: Actor | null, chainId: number, input: z.infer<typeof edgeInputSchema>) {
  await deps.db.transaction(async (tx) => {
    const chain = await loadChain(tx, chainId, true);
    const a = assertChainWrite(actor, chain);
    const repo = createChainsRepository(tx);
    const removed = await repo.deleteEdge(input.fromNodeId, input.toNodeId);
    if (!removed) throw notFound('chain_edges', `${input.fromNodeId}->${input.toNodeId}`);
    await repo.touchChain(chainId);
    await recordAudit(tx, a, { action: 'delete', entityType: 'chain', entityId: chainId, region: chain.ownerRegion, summary: `删除供应关系`, before: { edge: [input.fromNodeId, input.toNodeId] } });
  });
}

// ---------------------------------------------------------------- links (挂链)

/**
 * Attaches an organisation to a node. Officials attach organisations of their own region, an
 * administrator any; an organisation's own user may propose its attachment, which waits for review.
 */
export async function createLink(deps: Deps, actor: Actor | null, input: z.infer<typeof linkInputSchema>) {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const repo = createChainsRepository(tx);
    const node = await repo.getNode(input.nodeId);
    if (!node) throw createError({ code: 'chains.invalid_node', message: '节点不存在 / node not found', status: 400, fields: { nodeId: '不存在 / not found' } });
    const org = (await tx.query(`select id, name, region from organizations where id = $1`, [input.organizationId]))[0];
    if (!org) throw createError({ code: 'chains.invalid_organization', message: '机构不存在 / organisation not found', status: 400, fields: { organizationId: '不存在 / not found' } });
    let status = input.status;
    if ((a.role === 'enterprise' || a.role === 'provider') && a.organizationId === org.id) status = 'review';
    else assertRegionWrite(a, org.region, '机构');
    const link = await repo.upsertLink({
      organizationId: org.id,
      nodeId: node.id,
      chainId: node.chainId,
      role: input.role,
      status,
      origin: 'manual',
      source: input.source,
      decidedBy: status === 'review' ? null : a.userId || null,
    });
    await recordAudit(tx, a, {
      action: 'create',
      entityType: 'organization',
      entityId: org.id,
      region: org.region,
      summary: `挂链：${org.name} → ${node.name}（${input.role}）`,
      after: { link: { id: link.id, nodeId: node.id, node: node.name, role: input.role, status } },
    });
    return { id: link.id as number, status };
  });
}

export async function updateLink(deps: Deps, actor: Actor | null, linkId: number, patch: z.infer<typeof linkPatchSchema>) {
  return deps.db.transaction(async (tx) => {
    const repo = createChainsRepository(tx);
    const cur = await repo.getLink(linkId);
    if (!cur) throw notFound('links', linkId);
    const org = (await tx.query(`select id, name, region from organizations where id = $1`, [cur.organization_id]))[0];
    const a = assertRegionWrite(actor, org.region, '机构');
    let nodeId = cur.node_id as number;
    let chainId = cur.chain_id as number;
    if (patch.nodeId && patch.nodeId !== nodeId) {
      const node = await repo.getNode(patch.nodeId);
      if (!node) throw createError({ code: 'chains.invalid_node', message: '节点不存在 / node not found', status: 400, fields: { nodeId: '不存在 / not found' } });
      await repo.deleteLink(linkId);
      nodeId = node.id;
      chainId = node.chainId;
    }
    const next = await repo.upsertLink({
      organizationId: cur.organization_id,
      nodeId,
      chainId,
      role: (patch.role ?? cur.role) as LinkRole,
      status: patch.status ?? cur.status,
      origin: cur.origin,
      score: cur.score,
      evidence: cur.evidence,
      source: cur.source,
      decidedBy: a.userId || null,
    });
    await recordAudit(tx, a, {
      action: 'update',
      entityType: 'organization',
      entityId: org.id,
      region: org.region,
      summary: `修改挂链 ${org.name}`,
      before: { link: { nodeId: cur.node_id, role: cur.role, status: cur.status } },
      after: { link: { nodeId, role: next.role, status: next.status } },
    });
    return { id: next.id as number, status: next.status as string };
  });
}

export async function deleteLink(deps: Deps, actor: Actor | null, linkId: number) {
  await deps.db.transaction(async (tx) => {
    const repo = createChainsRepository(tx);
    const cur = await repo.getLink(linkId);
    if (!cur) throw notFound('links', linkId);
    const org = (await tx.query(`select id, name, region from organizations where id = $1`, [cur.organization_id]))[0];
    const a = assertRegionWrite(actor, org.region, '机构');
    await repo.deleteLink(linkId);
    await recordAudit(tx, a, { action: 'delete', entityType: 'organization', entityId: org.id, region: org.region, summary: `取消挂链 ${org.name}`, before: { link: cur } });
  });
}

// ---------------------------------------------------------------- definitions (seed / import)

/**
 * Creates a whole chain from a definition (data/demo/chains/*.json, or an imported sheet).
 * Checks names and the DAG first; writes nothing when anything is wrong.
 */
export async function importChainDefinition(tx: Queryable, actor: Actor, def: ChainDefinition): Promise<ChainRow> {
  const names = new Set<string>();
  const problems: string[] = [];
  for (const s of def.segments)
    for (const n of s.nodes) {
      if (names.has(n.name)) problems.push(`节点重名：${n.name}`);
      names.add(n.name);
    }
  for (const s of def.segments) for (const n of s.nodes) if (n.parent && !names.has(n.parent)) problems.push(`${n.name} 的上级节点“${n.parent}”不存在`);
  for (const [f, t] of def.edges) for (const x of [f, t]) if (!names.has(x)) problems.push(`供应关系中的节点“${x}”不存在`);
  if (problems.length) throw createError({ code: 'chains.invalid_definition', message: problems.join('；'), status: 400 });
  const cycle = findCycle([...names], def.edges as Array<[string, string]>);
  if (cycle) throw cycleError(cycle.map((name) => ({ id: 0, name })));

  const repo = createChainsRepository(tx);
  if (await repo.getChain(def.code))
    throw createError({ code: 'chains.code_already_exists', message: `代码 ${def.code} 已被使用 / code already used`, status: 409 });
  const chain = await repo.insertChain({
    code: def.code,
    name: def.name,
    nameEn: def.nameEn ?? null,
    scope: def.scope,
    leadRegion: def.leadRegion ?? null,
    ownerRegion: def.leadRegion ?? null,
    description: def.description ?? null,
    source: def.source,
  });
  const ids = new Map<string, number>();
  const parents: Array<[number, string]> = [];
  let sp = 0;
  for (const s of def.segments) {
    const seg = await repo.insertSegment({ chainId: chain.id, name: s.name, nameEn: s.nameEn ?? null, stage: s.stage, position: sp++ });
    let np = 0;
    for (const n of s.nodes) {
      const node = await repo.insertNode({
        chainId: chain.id,
        segmentId: seg.id,
        parentId: null,
        name: n.name,
        nameEn: n.nameEn ?? null,
        keywords: [...new Set(n.keywords)],
        description: n.description ?? null,
        position: np++,
      });
      ids.set(n.name, node.id);
      if (n.parent) parents.push([node.id, n.parent]);
    }
  }
  for (const [id, parent] of parents) await tx.query(`update chain_nodes set parent_id = $2 where id = $1`, [id, ids.get(parent)]);
  for (const [f, t] of def.edges) await repo.insertEdge(chain.id, ids.get(f)!, ids.get(t)!);
  await recordAudit(tx, actor, {
    action: 'create',
    entityType: 'chain',
    entityId: chain.id,
    region: chain.ownerRegion,
    summary: `导入产业链图谱 ${chain.name}（${names.size} 个节点，${def.edges.length} 条供应关系）`,
    after: { code: def.code, source: def.source },
  });
  addWords([...names, ...def.segments.flatMap((s) => s.nodes.flatMap((n) => n.keywords))]);
  return chain;
}

/** Loads node names and keywords into the segmenter so chain terms stay whole. */
export async function loadChainVocabulary(db: Queryable) {
  const rows = await db.query<{ name: string; keywords: string[] }>(`select name, keywords from chain_nodes`);
  addWords(rows.flatMap((r) => [r.name, ...(r.keywords ?? [])]));
}
