import type { Db, Queryable } from '../../db/db.ts';
import { createError, notFound, validationError, type FieldErrors } from '../../errors.ts';
import { REGION_NAMES, type Region } from '../accounts/accounts.schemas.ts';
import { requireActor, type Actor } from '../accounts/actor.ts';
import { diff, recordAudit } from '../audit/audit.repository.ts';
import { createChainsRepository } from '../chains/chains.repository.ts';
import { computeRate, roundWan, share } from './supply.rate.ts';
import { createSupplyRepository, type OrgBrief, type ScopeFilter, type SupplyLinkRecord, type SupplyLinkRow } from './supply.repository.ts';
import type {
  OutsideNodes,
  SupplierListQuery,
  SupplierMap,
  SupplyLink,
  SupplyLinkInput,
  SupplyLinkListQuery,
  SupplyLinkPatch,
  SupplyRate,
  SupplyRateQuery,
  SupplyScope,
  SupplyScopeQuery,
  SupplyYearQuery,
} from './supply.schemas.ts';

type Deps = { db: Db };

// ------------------------------------------------------------------ authorisation

/**
 * Supply links of a buyer are written by officials of the BUYER's region, by administrators, and
 * by the enterprise users of the buyer itself. A buyer outside 京津冀 (no region): administrators
 * and its own users only.
 */
export function assertSupplyWrite(actor: Actor | null, buyer: Pick<OrgBrief, 'id' | 'name' | 'region'>): Actor {
  const a = requireActor(actor);
  if (a.role === 'admin') return a;
  if (a.role === 'official') {
    if (buyer.region && a.region === buyer.region) return a;
    const owner = buyer.region ? REGION_NAMES[buyer.region].zh : '京津冀以外';
    throw createError({
      code: 'auth.wrong_region',
      message: `采购方“${buyer.name}”属于${owner}，${REGION_NAMES[a.region!].zh}的账号只能维护本地区采购方的供应关系 / the buyer belongs to ${buyer.region ?? 'outside the region'}; officials of ${a.region} may only record supply links of their own region's buyers`,
      status: 403,
      fields: { buyerOrgId: '无权维护该采购方 / not your region' },
    });
  }
  if (a.role === 'enterprise' && a.organizationId === buyer.id) return a;
  throw createError({
    code: 'auth.not_owner',
    message: '只能维护本机构作为采购方的供应关系 / you may only record the purchases of your own organisation',
    status: 403,
    fields: { buyerOrgId: '不是本机构 / not your organisation' },
  });
}

function canEdit(actor: Actor, buyer: Pick<OrgBrief, 'id' | 'region'>): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role === 'official') return !!buyer.region && actor.region === buyer.region;
  return actor.role === 'enterprise' && actor.organizationId === buyer.id;
}

/**
 * Purchase data is commercially sensitive. Administrators and officials read every scope; an
 * enterprise or provider user reads the rates of their own organisation as a buyer only.
 */
function assertSupplyRead(actor: Actor | null, scope: ScopeFilter): Actor {
  const a = requireActor(actor);
  if (a.role === 'admin' || a.role === 'official') return a;
  if (a.organizationId !== null && scope.buyerId === a.organizationId) return a;
  throw createError({
    code: 'supply.forbidden',
    message: '机构用户只能查看本机构的配套情况 / organisation users may only see their own organisation’s supply figures',
    status: 403,
  });
}

// ------------------------------------------------------------------ scope

async function resolveScope(db: Queryable, q: SupplyScopeQuery): Promise<{ filter: ScopeFilter; scope: SupplyScope }> {
  if (q.buyer === undefined && q.chain === undefined && q.region === undefined)
    throw createError({
      code: 'supply.scope_required',
      message: '请指定采购方（buyer）、产业链（chain）或地区（region）/ give a buyer, a chain or a region',
      status: 400,
      fields: { buyer: '至少指定一项 / one of buyer, chain, region' },
    });
  const filter: ScopeFilter = {};
  const labels: string[] = [];
  let buyer: SupplyScope['buyer'] = null;
  let chain: SupplyScope['chain'] = null;
  if (q.buyer !== undefined) {
    const o = (await createSupplyRepository(db).orgs([q.buyer])).get(q.buyer);
    if (!o) throw notFound('organizations', q.buyer);
    buyer = { id: o.id, name: o.name, shortName: o.shortName, region: o.region };
    filter.buyerId = o.id;
    labels.push(o.shortName ?? o.name);
  }
  if (q.chain !== undefined) {
    const repo = createChainsRepository(db);
    const c = /^\d+$/.test(q.chain) ? await repo.getChain(Number(q.chain)) : await repo.getChain(q.chain);
    if (!c) throw notFound('chains', q.chain);
    chain = { id: c.id, code: c.code, name: c.name };
    filter.chainId = c.id;
    labels.push(c.name);
  }
  if (q.region !== undefined) {
    filter.region = q.region;
    labels.push(`${REGION_NAMES[q.region].zh}采购方`);
  }
  return { filter, scope: { buyer, chain, region: q.region ?? null, label: labels.join(' · ') } };
}

async function yearOf(db: Queryable, filter: ScopeFilter, year: number | undefined): Promise<number | null> {
  if (year !== undefined) return year;
  return createSupplyRepository(db).latestYear(filter);
}

// ------------------------------------------------------------------ supporting rate

/** 区域配套率 of a buyer, a chain or a buyer region: one year's summary per province, and the series. */
export async function getSupplyRate(deps: Deps, actor: Actor | null, q: SupplyRateQuery): Promise<SupplyRate> {
  requireActor(actor);
  const { filter, scope } = await resolveScope(deps.db, q);
  assertSupplyRead(actor, filter);
  const repo = createSupplyRepository(deps.db);
  const rows = await repo.rateRows(filter);
  const provinceNames = new Map(rows.filter((r) => r.province_code && r.province_name).map((r) => [r.province_code!, r.province_name!]));
  return { scope, ...computeRate(rows, { year: q.year, from: q.from, to: q.to, provinceNames }) };
}

/** The suppliers of a scope in one year, with their division (county where known) for the map. */
export async function getSupplierMap(deps: Deps, actor: Actor | null, q: SupplierListQuery): Promise<SupplierMap> {
  requireActor(actor);
  const { filter, scope } = await resolveScope(deps.db, q);
  assertSupplyRead(actor, filter);
  const repo = createSupplyRepository(deps.db);
  const year = await yearOf(deps.db, filter, q.year);
  if (year === null) return { scope, year: null, total: 0, suppliers: [], byDivision: [] };
  const [rows, divisions] = await Promise.all([repo.suppliers(filter, year, q.where, q.limit), repo.supplierDivisions(filter, year, q.where)]);
  return {
    scope,
    year,
    total: rows[0]?.total ?? 0,
    suppliers: rows.map((r: any) => ({
      id: r.id,
      name: r.name,
      shortName: r.short_name,
      region: r.region,
      provinceCode: r.province_code,
      provinceName: r.province_name ?? null,
      divisionCode: r.division_code,
      divisionName: r.division_name ?? null,
      divisionLevel: r.division_level ?? null,
      inside: r.region !== null,
      links: r.links,
      amountWan: roundWan(Number(r.amount)),
      parts: [...(r.parts as string[])].sort(),
      buyers: r.buyers,
    })),
    byDivision: divisions.map((d: any) => ({
      code: d.code,
      name: d.name,
      level: d.level,
      provinceCode: d.province_code,
      inside: ['11', '12', '13'].includes(d.province_code),
      suppliers: d.suppliers,
      links: d.links,
      amountWan: roundWan(Number(d.amount)),
    })),
  };
}

/**
 * The chain nodes where the scope still buys from outside 京津冀, biggest outside amount first:
 * candidates for matchmaking (对接) and for the 堵点 list. Each with its outside suppliers and the
 * number of 京津冀 organisations already attached to the node.
 */
export async function getOutsideNodes(deps: Deps, actor: Actor | null, q: SupplyYearQuery): Promise<OutsideNodes> {
  requireActor(actor);
  const { filter, scope } = await resolveScope(deps.db, q);
  assertSupplyRead(actor, filter);
  const repo = createSupplyRepository(deps.db);
  const year = await yearOf(deps.db, filter, q.year);
  if (year === null) return { scope, year: null, nodes: [] };
  const [rows, suppliers] = await Promise.all([repo.outsideNodeRows(filter, year), repo.outsideSuppliersByNode(filter, year)]);
  const nodeIds = rows.map((r: any) => r.node_id).filter((x: number | null): x is number => x !== null);
  const [info, local] = await Promise.all([repo.nodeInfo(nodeIds), repo.localCandidates(nodeIds)]);
  const infoBy = new Map(info.map((n: any) => [n.id as number, n]));
  const localBy = new Map<number, { BJ: number; TJ: number; HE: number }>();
  for (const l of local) {
    const c = localBy.get(l.node_id) ?? { BJ: 0, TJ: 0, HE: 0 };
    c[l.region as Region] = l.n;
    localBy.set(l.node_id, c);
  }
  const suppliersBy = new Map<number | null, any[]>();
  for (const s of suppliers) {
    const list = suppliersBy.get(s.node_id) ?? [];
    list.push(s);
    suppliersBy.set(s.node_id, list);
  }
  const nodes = rows.map((r: any) => {
    const n = r.node_id === null ? null : infoBy.get(r.node_id);
    const inside = { links: r.in_links, suppliers: r.in_suppliers, amountWan: Number(r.in_amount) };
    const outside = { links: r.out_links, suppliers: r.out_suppliers, amountWan: Number(r.out_amount) };
    // Inside, outside and unknown suppliers are disjoint (one location per supplier), so they add up.
    const total = {
      links: inside.links + outside.links + r.unknown_links,
      suppliers: inside.suppliers + outside.suppliers + r.unknown_suppliers,
      amountWan: inside.amountWan + outside.amountWan + Number(r.unknown_amount),
    };
    const sup = suppliersBy.get(r.node_id) ?? [];
    return {
      nodeId: r.node_id,
      nodeName: n?.name ?? null,
      chainCode: n?.chain_code ?? null,
      chainName: n?.chain_name ?? null,
      segmentName: n?.segment_name ?? null,
      stage: n?.stage ?? null,
      outside: { ...outside, amountWan: roundWan(outside.amountWan) },
      inside: { ...inside, amountWan: roundWan(inside.amountWan) },
      insideShare: share(inside, total),
      parts: [...new Set(sup.flatMap((s) => s.parts as string[]))].sort(),
      outsideSuppliers: sup.map((s) => ({
        id: s.supplier_org_id,
        name: s.name,
        shortName: s.short_name,
        provinceCode: s.province_code,
        provinceName: s.province_name ?? null,
        links: s.links,
        amountWan: roundWan(Number(s.amount)),
        parts: [...(s.parts as string[])].sort(),
      })),
      localCandidates: r.node_id === null ? { BJ: 0, TJ: 0, HE: 0 } : (localBy.get(r.node_id) ?? { BJ: 0, TJ: 0, HE: 0 }),
    };
  });
  nodes.sort((a, b) => b.outside.amountWan - a.outside.amountWan || b.outside.links - a.outside.links || (a.nodeId ?? 0) - (b.nodeId ?? 0));
  return { scope, year, nodes };
}

// ------------------------------------------------------------------ links CRUD

function present(actor: Actor, r: SupplyLinkRecord): SupplyLink {
  return {
    id: r.id,
    buyer: r.buyer,
    supplier: { ...r.supplier, inside: r.supplier.region !== null },
    part: r.part,
    nodeId: r.nodeId,
    nodeName: r.nodeName,
    chainCode: r.chainCode,
    chainName: r.chainName,
    amountWan: r.amountWan,
    year: r.year,
    source: r.source,
    sourceRef: r.sourceRef,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    canEdit: canEdit(actor, r.buyer),
  };
}

/** What the audit log keeps of a link. */
function auditView(r: SupplyLinkRecord) {
  return {
    buyerOrgId: r.buyerOrgId,
    buyer: r.buyer.name,
    supplierOrgId: r.supplierOrgId,
    supplier: r.supplier.name,
    part: r.part,
    nodeId: r.nodeId,
    node: r.nodeName,
    amountWan: r.amountWan,
    year: r.year,
    source: r.source,
    sourceRef: r.sourceRef,
  };
}

const describe = (r: SupplyLinkRecord) => `${r.buyer.shortName ?? r.buyer.name} ← ${r.supplier.shortName ?? r.supplier.name}：${r.part}（${r.year}）`;

/** Checks the supplier and node of a link; every problem is named by its field. */
async function checkRefs(tx: Queryable, row: { buyerOrgId: number; supplierOrgId: number; nodeId: number | null }, supplier: OrgBrief | undefined) {
  const fields: FieldErrors = {};
  if (!supplier) fields.supplierOrgId = `机构 #${row.supplierOrgId} 不存在 / no such organisation`;
  else if (row.supplierOrgId === row.buyerOrgId) fields.supplierOrgId = '供应商不能是采购方自己 / the supplier cannot be the buyer';
  if (row.nodeId !== null && !(await createSupplyRepository(tx).nodeExists(row.nodeId))) fields.nodeId = `产业链节点 #${row.nodeId} 不存在 / no such chain node`;
  if (Object.keys(fields).length) throw validationError(fields, Object.values(fields).join('；'));
}

function duplicate(existingId: number) {
  return createError({
    code: 'supply.duplicate_link',
    message: `该采购方当年已有同一供应商、同一零部件的记录（#${existingId}），请修改那一条 / a link with the same buyer, supplier, part and year exists (#${existingId})`,
    status: 409,
    fields: { part: `与 #${existingId} 重复 / duplicate of #${existingId}` },
    details: { existingId },
  });
}

export async function createSupplyLink(deps: Deps, actor: Actor | null, input: SupplyLinkInput): Promise<SupplyLink> {
  requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const repo = createSupplyRepository(tx);
    const orgs = await repo.orgs([input.buyerOrgId, input.supplierOrgId]);
    const buyer = orgs.get(input.buyerOrgId);
    if (!buyer) throw validationError({ buyerOrgId: `机构 #${input.buyerOrgId} 不存在 / no such organisation` }, `采购方机构 #${input.buyerOrgId} 不存在 / no such buyer`);
    const a = assertSupplyWrite(actor, buyer);
    const row: SupplyLinkRow = {
      buyerOrgId: input.buyerOrgId,
      supplierOrgId: input.supplierOrgId,
      part: input.part,
      nodeId: input.nodeId ?? null,
      amountWan: input.amountWan ?? null,
      year: input.year,
      source: input.source,
      sourceRef: input.sourceRef ?? null,
    };
    await checkRefs(tx, row, orgs.get(input.supplierOrgId));
    const id = await repo.insert(row);
    if (id === null) throw duplicate((await repo.findKey(row))!);
    const rec = (await repo.get(id))!;
    await recordAudit(tx, a, { action: 'create', entityType: 'supply_link', entityId: id, region: buyer.region, summary: `新增供应关系 ${describe(rec)}`, after: auditView(rec) });
    return present(a, rec);
  });
}

export async function updateSupplyLink(deps: Deps, actor: Actor | null, id: number, patch: SupplyLinkPatch): Promise<SupplyLink> {
  requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const repo = createSupplyRepository(tx);
    const cur = await repo.get(id, { forUpdate: true });
    if (!cur) throw notFound('supply', id);
    const a = assertSupplyWrite(actor, cur.buyer);
    if (patch.version !== undefined && patch.version !== cur.version)
      throw createError({ code: 'supply.version_mismatch', message: '该记录已被他人修改，请刷新后重试 / the record was changed by someone else; reload and retry', status: 409 });
    const row: SupplyLinkRow = {
      buyerOrgId: cur.buyerOrgId,
      supplierOrgId: patch.supplierOrgId ?? cur.supplierOrgId,
      part: patch.part ?? cur.part,
      nodeId: patch.nodeId !== undefined ? patch.nodeId : cur.nodeId,
      amountWan: patch.amountWan !== undefined ? patch.amountWan : cur.amountWan,
      year: patch.year ?? cur.year,
      source: cur.source,
      sourceRef: patch.sourceRef !== undefined ? patch.sourceRef : cur.sourceRef,
    };
    const supplier = row.supplierOrgId === cur.supplierOrgId ? cur.supplier : (await repo.orgs([row.supplierOrgId])).get(row.supplierOrgId);
    await checkRefs(tx, row, supplier);
    const other = await repo.findKey(row);
    if (other !== null && other !== id) throw duplicate(other);
    await repo.update(id, row);
    const next = (await repo.get(id))!;
    const d = diff(auditView(cur), auditView(next));
    if (Object.keys(d.after).length)
      await recordAudit(tx, a, {
        action: 'update',
        entityType: 'supply_link',
        entityId: id,
        region: next.buyer.region,
        summary: `修改供应关系 ${describe(next)}：${Object.keys(d.after).join(', ')}`,
        before: d.before,
        after: d.after,
      });
    return present(a, next);
  });
}

export async function deleteSupplyLink(deps: Deps, actor: Actor | null, id: number): Promise<void> {
  requireActor(actor);
  await deps.db.transaction(async (tx) => {
    const repo = createSupplyRepository(tx);
    const cur = await repo.get(id, { forUpdate: true });
    if (!cur) throw notFound('supply', id);
    const a = assertSupplyWrite(actor, cur.buyer);
    await repo.remove(id);
    await recordAudit(tx, a, { action: 'delete', entityType: 'supply_link', entityId: id, region: cur.buyer.region, summary: `删除供应关系 ${describe(cur)}`, before: auditView(cur) });
  });
}

export async function getSupplyLink(deps: Deps, actor: Actor | null, id: number): Promise<SupplyLink> {
  const a = requireActor(actor);
  const rec = await createSupplyRepository(deps.db).get(id);
  if (!rec) throw notFound('supply', id);
  if (a.role !== 'admin' && a.role !== 'official' && a.organizationId !== rec.buyerOrgId && a.organizationId !== rec.supplierOrgId)
    throw createError({ code: 'supply.forbidden', message: '只能查看本机构的供应关系 / you may only see your own organisation’s supply links', status: 403 });
  return present(a, rec);
}

/**
 * Lists links (newest year, biggest amount first). Enterprise and provider users see only links
 * where their organisation is the buyer or the supplier.
 */
export async function listSupplyLinks(deps: Deps, actor: Actor | null, q: SupplyLinkListQuery) {
  const a = requireActor(actor);
  const hasScope = q.buyer !== undefined || q.chain !== undefined || q.region !== undefined;
  const { filter } = hasScope ? await resolveScope(deps.db, q) : { filter: {} as ScopeFilter };
  const restricted = a.role !== 'admin' && a.role !== 'official';
  if (restricted && a.organizationId === null) throw createError({ code: 'supply.forbidden', message: '无权查看 / not allowed', status: 403 });
  const r = await createSupplyRepository(deps.db).list(filter, {
    supplierId: q.supplier,
    year: q.year,
    nodeId: q.nodeId,
    where: q.where,
    visibleTo: restricted ? a.organizationId! : undefined,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  return { items: r.items.map((x) => present(a, x)), total: r.total, page: q.page, pageSize: q.pageSize };
}

/** Buyers that have supply links (largest purchase volume first); organisation users see their own. */
export async function listSupplyBuyers(deps: Deps, actor: Actor | null, q: { region?: string; q?: string }) {
  const a = requireActor(actor);
  const own = a.role === 'admin' || a.role === 'official' ? null : a.organizationId ?? -1;
  const rows = await deps.db.query(
    `select o.id, o.name, o.short_name, o.region, count(*)::int as links, count(distinct l.supplier_org_id)::int as suppliers,
            coalesce(sum(l.amount_wan), 0)::float8 as amount_wan, array_agg(distinct l.year order by l.year) as years
       from supply_links l join organizations o on o.id = l.buyer_org_id
      where ($1::text is null or l.buyer_region = $1) and ($2::bigint is null or l.buyer_org_id = $2)
        and ($3::text is null or o.name like '%' || $3 || '%' or o.short_name like '%' || $3 || '%')
      group by o.id, o.name, o.short_name, o.region
      order by amount_wan desc, o.id limit 200`,
    [q.region ?? null, own, q.q ?? null],
  );
  return rows.map((r: any) => ({
    id: r.id,
    name: r.name,
    shortName: r.short_name,
    region: r.region,
    links: r.links,
    suppliers: r.suppliers,
    amountWan: Number(r.amount_wan),
    years: (r.years ?? []).map(Number),
  }));
}
