import type { Db, Queryable } from '../../db/db.ts';
import { createError, notFound } from '../../errors.ts';
import type { Region } from '../accounts/accounts.schemas.ts';
import { assertRegionWrite, requireActor, type Actor } from '../accounts/actor.ts';
import { diff, recordAudit } from '../audit/audit.repository.ts';
import { createChainsRepository } from '../chains/chains.repository.ts';
import { resolveChainId } from '../chains/chains.usecases.ts';
import { createListsRepository, type EntryOrgRow, type EntryRow } from './lists.repository.ts';
import {
  ENTRY_ORG_ROLE_NAMES,
  ENTRY_STATUS_NAMES,
  LIST_KIND_NAMES,
  LIST_KINDS,
  ORG_ROLES_BY_KIND,
  type EntryInput,
  type EntryOrgRole,
  type EntryPatch,
  type EntryStatus,
  type ListEntry,
  type ListKind,
} from './lists.schemas.ts';
import { allowedTransitions, assertTransition } from './lists.workflow.ts';
import type { z } from 'zod';
import type { entryOrgInputSchema, listQuerySchema, transitionInputSchema } from './lists.schemas.ts';

type Deps = { db: Db };
const WHAT = '清单条目';

export const by = (a: Actor) => ({ id: a.userId || null, name: a.displayName === a.username ? a.username : `${a.displayName} (${a.username})` });

function canEdit(actor: Actor, e: Pick<EntryRow, 'region'>) {
  return actor.role === 'admin' || (actor.role === 'official' && actor.region === e.region);
}

export function toListEntry(actor: Actor, e: EntryRow, orgs: EntryOrgRow[]): ListEntry {
  const { segmentPosition: _s, nodePosition: _n, ...rest } = e;
  void _s;
  void _n;
  return {
    ...rest,
    organizations: orgs
      .filter((o) => o.entryId === e.id)
      .map((o) => ({
        organizationId: o.organizationId,
        name: o.name,
        shortName: o.shortName,
        kind: o.kind,
        region: o.region,
        role: o.role,
        note: o.note,
        addedBy: o.addedBy,
        addedAt: o.addedAt,
      })),
    allowedTransitions: allowedTransitions(e.status),
    canEdit: canEdit(actor, e),
  };
}

async function loadEntry(db: Queryable, id: number, forUpdate = false): Promise<EntryRow> {
  const e = await createListsRepository(db).get(id, { forUpdate });
  if (!e) throw notFound('list_entries', id);
  return e;
}

async function entryOut(db: Queryable, actor: Actor, id: number): Promise<ListEntry> {
  const repo = createListsRepository(db);
  const e = await loadEntry(db, id);
  return toListEntry(actor, e, await repo.orgsOf([id]));
}

async function checkNode(db: Queryable, chainId: number, nodeId: number) {
  const n = (await db.query(`select id, name, chain_id from chain_nodes where id = $1`, [nodeId]))[0];
  if (!n || n.chain_id !== chainId)
    throw createError({
      code: 'lists.invalid_node',
      message: '节点不在该产业链中 / the node is not in this chain',
      status: 400,
      fields: { nodeId: '不在本链 / not in this chain' },
    });
  return n as { id: number; name: string };
}

async function checkOrg(db: Queryable, organizationId: number, field = 'organizationId') {
  const o = (await db.query(`select id, name, short_name, region from organizations where id = $1`, [organizationId]))[0];
  if (!o)
    throw createError({
      code: 'lists.invalid_organization',
      message: `机构 ${organizationId} 不存在 / organisation ${organizationId} not found`,
      status: 400,
      fields: { [field]: '不存在 / not found' },
    });
  return o as { id: number; name: string; short_name: string | null; region: Region | null };
}

function checkOrgRole(kind: ListKind, role: EntryOrgRole, field = 'role') {
  const allowed = ORG_ROLES_BY_KIND[kind];
  if (!allowed.includes(role))
    throw createError({
      code: 'lists.invalid_org_role',
      message: `${LIST_KIND_NAMES[kind].zh}条目的机构只能是：${allowed.map((r) => ENTRY_ORG_ROLE_NAMES[r].zh).join('、')} / ${kind} entries link organisations as ${allowed.join(', ')}`,
      status: 400,
      fields: { [field]: `应为 ${allowed.join(' | ')} / must be ${allowed.join(' | ')}` },
    });
}

/** The fields an official sees change in the history. */
function snapshot(e: EntryRow) {
  return {
    kind: e.kind,
    nodeId: e.nodeId,
    node: e.nodeName,
    title: e.title,
    description: e.description,
    region: e.region,
    leadRegion: e.leadRegion,
    department: e.department,
    ownerName: e.ownerName,
    status: e.status,
    dueOn: e.dueOn,
  };
}

// ------------------------------------------------------------------ reads

export async function listChainEntries(deps: Deps, actor: Actor | null, chainIdOrCode: string, q: z.infer<typeof listQuerySchema>) {
  const a = requireActor(actor);
  const chainId = await resolveChainId(deps, chainIdOrCode);
  const chain = (await createChainsRepository(deps.db).getChain(chainId))!;
  const repo = createListsRepository(deps.db);
  const entries = await repo.list(chainId, q);
  const counts = await repo.counts(chainId);
  const orgs = await repo.orgsOf(entries.map((e) => e.id));
  const c = Object.fromEntries(LIST_KINDS.map((k) => [k, {} as Record<string, number>])) as Record<ListKind, Record<string, number>>;
  for (const r of counts) c[r.kind][r.status] = r.n;
  return {
    chain: { id: chain.id, code: chain.code, name: chain.name, leadRegion: chain.leadRegion },
    counts: c,
    entries: entries.map((e) => toListEntry(a, e, orgs)),
  };
}

export async function getEntry(deps: Deps, actor: Actor | null, id: number) {
  const a = requireActor(actor);
  return entryOut(deps.db, a, id);
}

export async function getEntryHistory(deps: Deps, actor: Actor | null, id: number) {
  requireActor(actor);
  await loadEntry(deps.db, id);
  const rows = await createListsRepository(deps.db).history(id);
  return {
    entryId: id,
    events: rows.map((r: any) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      actorId: r.actor_id,
      actorName: r.actor_name,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      region: r.region,
      summary: r.summary,
      before: r.before,
      after: r.after,
    })),
  };
}

// ------------------------------------------------------------------ writes

/** A new entry, owned by the official's region (administrators name the region). */
export async function createEntry(deps: Deps, actor: Actor | null, input: EntryInput) {
  const a = requireActor(actor);
  const region = (input.region ?? (a.role === 'official' ? a.region : null)) as Region | null;
  if (!region)
    throw createError({ code: 'validation.failed', message: '请指定条目所属地区 / region is required', status: 400, fields: { region: '必填 / required' } });
  assertRegionWrite(a, region, WHAT);
  const chainId = typeof input.chainId === 'number' ? input.chainId : await resolveChainId(deps, input.chainId);
  const id = await deps.db.transaction(async (tx) => {
    const chain = await createChainsRepository(tx).getChain(chainId);
    if (!chain) throw createError({ code: 'lists.invalid_chain', message: '产业链不存在 / chain not found', status: 400, fields: { chainId: '不存在 / not found' } });
    await checkNode(tx, chainId, input.nodeId);
    input.organizations.forEach((o, i) => checkOrgRole(input.kind, o.role, `organizations.${i}.role`));
    const orgs = [];
    for (const [i, o] of input.organizations.entries()) orgs.push({ ...(await checkOrg(tx, o.organizationId, `organizations.${i}.organizationId`)), role: o.role, note: o.note ?? null });
    const repo = createListsRepository(tx);
    const id = await repo.insert({
      chainId,
      nodeId: input.nodeId,
      kind: input.kind,
      region,
      title: input.title,
      description: input.description ?? null,
      leadRegion: input.leadRegion === undefined ? region : input.leadRegion,
      department: input.department ?? null,
      ownerName: input.ownerName ?? null,
      status: input.status,
      dueOn: input.dueOn ?? null,
      origin: 'manual',
      proposalKey: null,
      proposalReason: null,
      proposalFacts: null,
      decided: true,
      by: by(a),
    });
    for (const o of orgs) await repo.upsertOrg(id, { organizationId: o.id, role: o.role, note: o.note }, by(a));
    const e = (await repo.get(id))!;
    await recordAudit(tx, a, {
      action: 'create',
      entityType: 'list_entry',
      entityId: id,
      region,
      summary: `新建${LIST_KIND_NAMES[input.kind].zh}：${input.title}`,
      after: { ...snapshot(e), organizations: orgs.map((o) => ({ id: o.id, name: o.name, role: o.role, note: o.note })) },
    });
    return id;
  });
  return entryOut(deps.db, a, id);
}

export async function updateEntry(deps: Deps, actor: Actor | null, id: number, patch: EntryPatch) {
  const a = requireActor(actor);
  await deps.db.transaction(async (tx) => {
    const cur = await loadEntry(tx, id, true);
    assertRegionWrite(a, cur.region, WHAT);
    if (patch.region && patch.region !== cur.region) assertRegionWrite(a, patch.region, WHAT);
    if (patch.version !== undefined && patch.version !== cur.version)
      throw createError({
        code: 'lists.version_mismatch',
        message: '条目已被他人修改，请刷新后再试 / the entry was changed meanwhile; reload and try again',
        status: 409,
        details: { current: cur.version },
      });
    if (patch.nodeId !== undefined && patch.nodeId !== cur.nodeId) await checkNode(tx, cur.chainId, patch.nodeId);
    const { version: _v, ...fields } = patch;
    void _v;
    const repo = createListsRepository(tx);
    await repo.updateByOfficial(id, fields, by(a));
    const next = (await repo.get(id))!;
    const d = diff(snapshot(cur), snapshot(next));
    const changed = Object.keys(d.after);
    await recordAudit(tx, a, {
      action: 'update',
      entityType: 'list_entry',
      entityId: id,
      region: next.region,
      summary: changed.length ? `修改${LIST_KIND_NAMES[cur.kind].zh}：${changed.map(fieldName).join('、')}` : `确认${LIST_KIND_NAMES[cur.kind].zh}内容（无字段变化）`,
      ...d,
    });
  });
  return entryOut(deps.db, a, id);
}

const FIELD_NAMES: Record<string, string> = {
  nodeId: '节点',
  node: '节点名称',
  title: '标题',
  description: '说明',
  region: '归属地区',
  leadRegion: '牵头地区',
  department: '牵头部门',
  ownerName: '责任人',
  status: '状态',
  dueOn: '完成时限',
};
const fieldName = (k: string) => FIELD_NAMES[k] ?? k;

export async function transitionEntry(deps: Deps, actor: Actor | null, id: number, input: z.infer<typeof transitionInputSchema>) {
  const a = requireActor(actor);
  await deps.db.transaction(async (tx) => {
    const cur = await loadEntry(tx, id, true);
    assertRegionWrite(a, cur.region, WHAT);
    assertTransition(cur.status, input.to);
    await createListsRepository(tx).updateByOfficial(id, { status: input.to }, by(a));
    await recordAudit(tx, a, {
      action: 'transition',
      entityType: 'list_entry',
      entityId: id,
      region: cur.region,
      summary: `状态：${ENTRY_STATUS_NAMES[cur.status].zh} → ${ENTRY_STATUS_NAMES[input.to].zh}${input.note ? `（${input.note}）` : ''}`,
      before: { status: cur.status },
      after: { status: input.to, ...(input.note ? { note: input.note } : {}) },
    });
  });
  return entryOut(deps.db, a, id);
}

const OPEN_FOR_APPLICANTS: EntryStatus[] = ['accepted', 'in_progress'];

/**
 * Links an organisation to an entry (or changes its role / note). Officials of the entry's region
 * and administrators; an enterprise or provider user may also apply (揭榜) for its own organisation
 * to an accepted or in-progress 卡点.
 */
export async function addEntryOrganization(deps: Deps, actor: Actor | null, id: number, input: z.infer<typeof entryOrgInputSchema>) {
  const a = requireActor(actor);
  await deps.db.transaction(async (tx) => {
    const cur = await loadEntry(tx, id, true);
    const selfApply = (a.role === 'enterprise' || a.role === 'provider') && a.organizationId === input.organizationId && input.role === 'applicant';
    if (selfApply) {
      if (cur.kind !== 'kadian' || !OPEN_FOR_APPLICANTS.includes(cur.status))
        throw createError({
          code: 'lists.not_open',
          message: '只有已确认或推进中的卡点接受揭榜申报 / only accepted or in-progress bottlenecks take applications',
          status: 409,
        });
    } else assertRegionWrite(a, cur.region, WHAT);
    checkOrgRole(cur.kind, input.role);
    const org = await checkOrg(tx, input.organizationId);
    const repo = createListsRepository(tx);
    const before = await repo.getOrg(id, org.id);
    if (selfApply && before) throw createError({ code: 'lists.already_applied', message: '本机构已在该条目中 / your organisation is already on this entry', status: 409 });
    const note = input.note === undefined ? (before?.note ?? null) : input.note;
    await repo.upsertOrg(id, { organizationId: org.id, role: input.role, note }, by(a));
    if (!selfApply) await repo.updateByOfficial(id, {}, by(a));
    const roleZh = ENTRY_ORG_ROLE_NAMES[input.role].zh;
    await recordAudit(tx, a, {
      action: before ? 'org_update' : 'org_add',
      entityType: 'list_entry',
      entityId: id,
      region: cur.region,
      summary: before
        ? `修改关联机构 ${org.name}：${ENTRY_ORG_ROLE_NAMES[before.role].zh} → ${roleZh}`
        : selfApply
          ? `${org.name} 揭榜申报`
          : `添加${roleZh}：${org.name}`,
      before: before ? { organization: { id: org.id, name: org.name, role: before.role, note: before.note } } : undefined,
      after: { organization: { id: org.id, name: org.name, role: input.role, note } },
    });
  });
  return entryOut(deps.db, a, id);
}

export async function removeEntryOrganization(deps: Deps, actor: Actor | null, id: number, organizationId: number) {
  const a = requireActor(actor);
  await deps.db.transaction(async (tx) => {
    const cur = await loadEntry(tx, id, true);
    assertRegionWrite(a, cur.region, WHAT);
    const repo = createListsRepository(tx);
    const before = await repo.getOrg(id, organizationId);
    if (!before) throw notFound('list_entry_orgs', `${id}/${organizationId}`);
    const org = await checkOrg(tx, organizationId);
    await repo.deleteOrg(id, organizationId);
    await repo.updateByOfficial(id, {}, by(a));
    await recordAudit(tx, a, {
      action: 'org_remove',
      entityType: 'list_entry',
      entityId: id,
      region: cur.region,
      summary: `移除${ENTRY_ORG_ROLE_NAMES[before.role].zh}：${org.name}`,
      before: { organization: { id: org.id, name: org.name, role: before.role, note: before.note } },
    });
  });
  return entryOut(deps.db, a, id);
}

