import type { Db, Queryable } from '../../db/db.ts';
import { createError, notFound, validationError, type FieldErrors } from '../../errors.ts';
import { assertOrganizationWrite, requireActor, type Actor } from '../accounts/actor.ts';
import { diff, recordAudit } from '../audit/audit.repository.ts';
import { deriveStage, postingSearchText } from '../matching/matching.engine.ts';
import {
  POSTING_FIELDS_SCHEMAS,
  type Posting,
  type PostingInput,
  type PostingListQuery,
  type PostingPatch,
} from './postings.schemas.ts';
import { createPostingsRepository, type NodeRef, type PostingRecord, type PostingRow } from './postings.repository.ts';

type Deps = { db: Db };

const DAY = 86400000;
const DEFAULT_LIFETIME_DAYS = 90;
const MAX_LIFETIME_DAYS = 731;

/**
 * The organisation a write acts for: an organisation user acts for its own organisation; an
 * official (of that organisation's region) or an administrator names it.
 */
export async function resolveActingOrg(db: Queryable, actor: Actor, organizationId: number | undefined, field = 'organizationId') {
  const id = organizationId ?? actor.organizationId ?? undefined;
  if (!id)
    throw validationError({ [field]: '请指定代为操作的机构 / name the organisation you act for' }, '请指定机构 / organisation required');
  const org = await createPostingsRepository(db).orgBrief(id, { forShare: true });
  if (!org) throw validationError({ [field]: `机构 #${id} 不存在 / organisation not found` });
  assertOrganizationWrite(actor, org);
  return org;
}

/** Contacts and closed postings belong to their organisation; officials and admins see all. */
export function seesAllOf(actor: Actor, orgId: number): boolean {
  return actor.role === 'admin' || actor.role === 'official' || actor.organizationId === orgId;
}

export function canEditOrg(actor: Actor, org: { id: number; region: string | null }): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role === 'official') return !!org.region && org.region === actor.region;
  return actor.organizationId === org.id;
}

async function checkNodes(db: Queryable, ids: number[]): Promise<void> {
  if (!ids.length) return;
  const found = await createPostingsRepository(db).nodeRefs(ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw validationError({ nodeIds: `产业链节点不存在：${missing.join(', ')} / unknown chain nodes` });
}

function checkFields(kind: keyof typeof POSTING_FIELDS_SCHEMAS, fields: unknown) {
  const r = POSTING_FIELDS_SCHEMAS[kind].safeParse(fields);
  if (r.success) return r.data as Record<string, unknown>;
  const f: FieldErrors = {};
  for (const i of r.error.issues) f[['fields', ...i.path.map(String)].join('.')] = i.message;
  throw validationError(f, `结构化字段不符合“${kind}”类型 / fields do not fit kind ${kind}`);
}

function expiry(deadline: string | null | undefined, expiresAt: string | undefined, now = Date.now()): string {
  let t: number;
  if (expiresAt) t = Date.parse(expiresAt);
  else if (deadline) t = Date.parse(`${deadline}T23:59:59+08:00`);
  else t = now + DEFAULT_LIFETIME_DAYS * DAY;
  if (!(t > now)) throw validationError({ [expiresAt ? 'expiresAt' : 'deadline']: '下架时间须在将来 / must be in the future' });
  if (t > now + MAX_LIFETIME_DAYS * DAY) throw validationError({ expiresAt: '发布有效期最长两年 / at most two years' });
  return new Date(t).toISOString();
}

function auditView(r: PostingRow | PostingRecord) {
  const { searchText: _s, ...rest } = r as PostingRecord;
  const v: Record<string, unknown> = { ...rest };
  for (const k of ['createdAt', 'updatedAt', 'version', 'expired', 'orgName', 'orgShortName', 'orgKind', 'orgRegion']) delete v[k];
  return v;
}

/** The API view of postings (batch: one query for the chain nodes). Never includes contacts. */
export async function presentPostings(db: Queryable, actor: Actor, recs: PostingRecord[]): Promise<Posting[]> {
  const nodes = await createPostingsRepository(db).nodeRefs([...new Set(recs.flatMap((r) => r.nodeIds))]);
  return recs.map((r) => presentPosting(actor, r, nodes));
}

export function presentPosting(actor: Actor, r: PostingRecord, nodes: Map<number, NodeRef>): Posting {
  const st = deriveStage(r.kind, r.fields as Record<string, any>, r.stage);
  return {
    id: r.id,
    organization: { id: r.organizationId, name: r.orgName, shortName: r.orgShortName, kind: r.orgKind, region: r.orgRegion },
    direction: r.direction,
    kind: r.kind,
    title: r.title,
    description: r.description,
    fields: r.fields,
    stage: st.stage,
    stageSource: st.source,
    nodes: r.nodeIds.map((id) => nodes.get(id)).filter((x): x is NodeRef => !!x),
    regionsWanted: r.regionsWanted,
    deadline: r.deadline,
    expiresAt: r.expiresAt,
    status: r.status === 'open' && r.expired ? 'expired' : r.status,
    closedReason: r.closedReason,
    source: r.source,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    canEdit: canEditOrg(actor, { id: r.organizationId, region: r.orgRegion }),
  };
}

/** Builds the row of a new posting (validated); used by the use case and the demo seed. */
export async function preparePostingRow(
  db: Queryable,
  input: PostingInput,
  org: { id: number; kind: PostingRow['orgKind']; region: PostingRow['orgRegion'] },
  opts: { createdBy: number | null; source?: string; now?: number },
): Promise<PostingRow> {
  const fields = checkFields(input.kind, input.fields);
  const nodeIds = [...new Set(input.nodeIds ?? [])];
  await checkNodes(db, nodeIds);
  const row: PostingRow = {
    organizationId: org.id,
    orgRegion: org.region,
    orgKind: org.kind,
    direction: input.direction,
    kind: input.kind,
    title: input.title,
    description: input.description ?? '',
    fields,
    stage: input.stage ?? null,
    nodeIds,
    regionsWanted: [...new Set(input.regionsWanted ?? [])],
    deadline: input.deadline ?? null,
    expiresAt: expiry(input.deadline, input.expiresAt, opts.now),
    status: 'open',
    closedReason: null,
    source: opts.source ?? 'manual',
    createdBy: opts.createdBy,
    searchText: '',
  };
  row.searchText = postingSearchText(row);
  return row;
}

export async function createPosting(deps: Deps, actor: Actor | null, input: PostingInput): Promise<Posting> {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const org = await resolveActingOrg(tx, a, input.organizationId);
    const row = await preparePostingRow(tx, input, org, { createdBy: a.userId || null });
    const rec = await createPostingsRepository(tx).insert(row);
    await recordAudit(tx, a, {
      action: 'create',
      entityType: 'posting',
      entityId: rec.id,
      region: rec.orgRegion,
      summary: `发布${rec.direction === 'demand' ? '需求' : '供给'}：${rec.title}（${org.name}）`,
      after: auditView(rec),
    });
    return (await presentPostings(tx, a, [rec]))[0];
  });
}

export async function updatePosting(deps: Deps, actor: Actor | null, id: number, patch: PostingPatch): Promise<Posting> {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const repo = createPostingsRepository(tx);
    const cur = await repo.getById(id, { forUpdate: true });
    if (!cur) throw notFound('postings', id);
    assertOrganizationWrite(a, { id: cur.organizationId, region: cur.orgRegion });
    if (patch.version !== undefined && patch.version !== cur.version)
      throw createError({
        code: 'postings.version_mismatch',
        message: '该发布已被他人修改，请刷新后重试 / the posting was changed by someone else; reload and retry',
        status: 409,
      });
    const fields = patch.fields ? checkFields(cur.kind, patch.fields) : cur.fields;
    const nodeIds = patch.nodeIds ? [...new Set(patch.nodeIds)] : cur.nodeIds;
    if (patch.nodeIds) await checkNodes(tx, nodeIds);
    const deadline = 'deadline' in patch ? patch.deadline ?? null : cur.deadline;
    const reopening = patch.status === 'open' && cur.status === 'closed';
    let expiresAt = cur.expiresAt;
    if (patch.expiresAt || ('deadline' in patch && patch.deadline) || (reopening && cur.expired)) expiresAt = expiry(deadline, patch.expiresAt);
    const status = patch.status ?? cur.status;
    const next: PostingRow = {
      ...cur,
      title: patch.title ?? cur.title,
      description: patch.description ?? cur.description,
      fields,
      stage: 'stage' in patch ? patch.stage ?? null : cur.stage,
      nodeIds,
      regionsWanted: patch.regionsWanted ? [...new Set(patch.regionsWanted)] : cur.regionsWanted,
      deadline,
      expiresAt,
      status,
      closedReason: status === 'closed' ? ('closedReason' in patch ? patch.closedReason ?? null : cur.closedReason) : null,
      searchText: '',
    };
    next.searchText = postingSearchText(next);
    const updated = await repo.update(id, next);
    const d = diff(auditView(cur), auditView(updated));
    if (Object.keys(d.after).length)
      await recordAudit(tx, a, {
        action: patch.status === 'closed' && cur.status === 'open' ? 'close' : 'update',
        entityType: 'posting',
        entityId: id,
        region: updated.orgRegion,
        summary: `修改 ${Object.keys(d.after).join(', ')}`,
        before: d.before,
        after: d.after,
      });
    return (await presentPostings(tx, a, [updated]))[0];
  });
}

export async function deletePosting(deps: Deps, actor: Actor | null, id: number): Promise<void> {
  const a = requireActor(actor);
  await deps.db.transaction(async (tx) => {
    const repo = createPostingsRepository(tx);
    const cur = await repo.getById(id, { forUpdate: true });
    if (!cur) throw notFound('postings', id);
    assertOrganizationWrite(a, { id: cur.organizationId, region: cur.orgRegion });
    const n = await tx.query<{ n: number }>(`select count(*)::int as n from interests where posting_id = $1`, [id]);
    if (n[0].n > 0)
      throw createError({
        code: 'postings.in_use',
        message: `该发布已有 ${n[0].n} 条意向，请关闭而不是删除 / it has interests: close it instead of deleting`,
        status: 409,
      });
    await repo.remove(id);
    await recordAudit(tx, a, {
      action: 'delete',
      entityType: 'posting',
      entityId: id,
      region: cur.orgRegion,
      summary: `删除发布：${cur.title}`,
      before: auditView(cur),
    });
  });
}

/** A posting as its viewer may see it: the live pool is public; others' closed or expired ones are not. */
export async function loadVisiblePosting(db: Queryable, actor: Actor, id: number): Promise<PostingRecord> {
  const rec = await createPostingsRepository(db).getById(id);
  if (!rec) throw notFound('postings', id);
  const live = rec.status === 'open' && !rec.expired;
  if (!live && !seesAllOf(actor, rec.organizationId)) throw notFound('postings', id);
  return rec;
}

export async function getPosting(deps: Deps, actor: Actor | null, id: number): Promise<Posting> {
  const a = requireActor(actor);
  const rec = await loadVisiblePosting(deps.db, a, id);
  return (await presentPostings(deps.db, a, [rec]))[0];
}

export async function listPostings(deps: Deps, actor: Actor | null, q: PostingListQuery) {
  const a = requireActor(actor);
  if (q.mine === '1' && !a.organizationId)
    throw validationError({ mine: '当前账号未绑定机构 / this account has no organisation' });
  const r = await createPostingsRepository(deps.db).list(q, q.mine === '1' ? a.organizationId : null, {
    allStatuses: a.role === 'admin' || a.role === 'official',
    ownOrgId: a.organizationId,
  });
  return { items: await presentPostings(deps.db, a, r.items), total: r.total, page: q.page, pageSize: q.pageSize };
}
