import type { z } from 'zod';
import type { Db, Queryable } from '../../db/db.ts';
import { createError, notFound, validationError } from '../../errors.ts';
import { assertOrganizationWrite, requireActor, type Actor } from '../accounts/actor.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { createPostingsRepository } from '../postings/postings.repository.ts';
import { canEditOrg, resolveActingOrg } from '../postings/postings.usecases.ts';
import type { Interest, interestContactsSchema, interestInputSchema, interestListQuerySchema, outcomeInputSchema } from './matching.schemas.ts';

/**
 * The interest → deal workflow: express interest → the other side accepts or declines → contacts
 * of both sides are shown → notes → outcome (no deal / intention / signed, with amount and region).
 * Nobody sees the other organisation's contact details before acceptance.
 */

type Deps = { db: Db };

const SELECT = `select i.*, p.title as posting_title, p.direction as posting_direction, p.kind as posting_kind,
       fp.title as from_posting_title,
       t.name as t_name, t.short_name as t_short, t.kind as t_kind, t.region as t_region,
       f.name as f_name, f.short_name as f_short, f.kind as f_kind, f.region as f_region
  from interests i
  join organizations t on t.id = i.target_org_id
  join organizations f on f.id = i.from_org_id
  left join postings p on p.id = i.posting_id
  left join postings fp on fp.id = i.from_posting_id`;

const ts = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

async function load(db: Queryable, id: number, forUpdate = false) {
  const rows = await db.query(`${SELECT} where i.id = $1 ${forUpdate ? 'for update of i' : ''}`, [id]);
  return rows[0] ?? null;
}

function sideOf(actor: Actor, r: any): 'from' | 'target' | 'observer' {
  if (actor.organizationId === Number(r.from_org_id)) return 'from';
  if (actor.organizationId === Number(r.target_org_id)) return 'target';
  return 'observer';
}

/** Parties (their users), officials and administrators see an interest; nobody else. */
function assertCanSee(actor: Actor, r: any) {
  if (actor.role === 'admin' || actor.role === 'official' || sideOf(actor, r) !== 'observer') return;
  throw notFound('interests', r.id);
}

/** A write on behalf of either side: that side's users, an official of its region, an administrator. */
function assertParty(actor: Actor, r: any) {
  const from = { id: Number(r.from_org_id), region: r.f_region ?? null };
  const target = { id: Number(r.target_org_id), region: r.t_region ?? null };
  if (canEditOrg(actor, from) || canEditOrg(actor, target)) return;
  throw createError({ code: 'interests.forbidden', message: '只有意向双方可以操作 / only the two parties may do this', status: 403 });
}

async function present(db: Queryable, actor: Actor, r: any): Promise<Interest> {
  const notes = await db.query(`select id, organization_id, author_name, body, created_at from interest_notes where interest_id = $1 order by created_at, id`, [r.id]);
  const org = (p: 't' | 'f') => ({ id: Number(r[p === 't' ? 'target_org_id' : 'from_org_id']), name: r[`${p}_name`], shortName: r[`${p}_short`] ?? null, kind: r[`${p}_kind`], region: r[`${p}_region`] ?? null });
  return {
    id: Number(r.id),
    posting: r.posting_id ? { id: Number(r.posting_id), title: r.posting_title, direction: r.posting_direction, kind: r.posting_kind } : null,
    fromPosting: r.from_posting_id ? { id: Number(r.from_posting_id), title: r.from_posting_title } : null,
    targetOrganization: org('t'),
    fromOrganization: org('f'),
    message: r.message ?? null,
    status: r.status,
    decidedAt: ts(r.decided_at),
    declineReason: r.decline_reason ?? null,
    outcome: r.outcome ?? null,
    outcomeAmountWan: r.outcome_amount_wan === null ? null : Number(r.outcome_amount_wan),
    outcomeRegion: r.outcome_region ?? null,
    outcomeNote: r.outcome_note ?? null,
    outcomeAt: ts(r.outcome_at),
    contactsVisible: r.status === 'accepted',
    side: sideOf(actor, r),
    canDecide: r.status === 'pending' && canEditOrg(actor, { id: Number(r.target_org_id), region: r.t_region ?? null }),
    notes: notes.map((n) => ({ id: Number(n.id), organizationId: n.organization_id === null ? null : Number(n.organization_id), authorName: n.author_name, body: n.body, createdAt: ts(n.created_at)! })),
    version: r.version,
    createdAt: ts(r.created_at)!,
    updatedAt: ts(r.updated_at)!,
  };
}

export async function createInterest(deps: Deps, actor: Actor | null, input: z.infer<typeof interestInputSchema>): Promise<Interest> {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const from = await resolveActingOrg(tx, a, input.fromOrganizationId, 'fromOrganizationId');
    const prepo = createPostingsRepository(tx);
    let targetOrgId: number;
    let postingId: number | null = null;
    if (input.postingId) {
      const p = await prepo.getById(input.postingId, { forUpdate: false });
      if (!p) throw notFound('postings', input.postingId);
      if (p.status !== 'open' || p.expired)
        throw createError({ code: 'interests.posting_closed', message: '该发布已关闭或过期 / the posting is closed or expired', status: 409 });
      targetOrgId = p.organizationId;
      postingId = p.id;
    } else {
      const o = await prepo.orgBrief(input.organizationId!);
      if (!o || o.kind === 'government') throw notFound('organizations', input.organizationId!);
      targetOrgId = o.id;
    }
    if (targetOrgId === from.id) throw validationError({ postingId: '不能对本机构表达意向 / not with your own organisation' });
    if (input.fromPostingId) {
      const fp = await prepo.getById(input.fromPostingId);
      if (!fp || fp.organizationId !== from.id) throw validationError({ fromPostingId: '须为意向方自己的发布 / must be a posting of the interested organisation' });
    }
    const rows = await tx.query<{ id: number }>(
      `insert into interests (posting_id, target_org_id, from_org_id, from_posting_id, message, created_by)
       values ($1,$2,$3,$4,$5,$6)
       on conflict (target_org_id, from_org_id, coalesce(posting_id, 0)) where status in ('pending','accepted') do nothing
       returning id`,
      [postingId, targetOrgId, from.id, input.fromPostingId ?? null, input.message ?? null, a.userId || null],
    );
    if (!rows.length)
      throw createError({ code: 'interests.duplicate', message: '已表达过意向，正在处理中 / an interest is already pending or accepted', status: 409 });
    const r = await load(tx, Number(rows[0].id));
    await recordAudit(tx, a, {
      action: 'create',
      entityType: 'interest',
      entityId: r.id,
      region: from.region,
      summary: `${from.name} 对 ${r.t_name}${postingId ? `的发布“${r.posting_title}”` : ''}表达意向`,
      after: { postingId, targetOrgId, fromOrgId: from.id, fromPostingId: input.fromPostingId ?? null, message: input.message ?? null },
    });
    return present(tx, a, r);
  });
}

export async function getInterest(deps: Deps, actor: Actor | null, id: number): Promise<Interest> {
  const a = requireActor(actor);
  const r = await load(deps.db, id);
  if (!r) throw notFound('interests', id);
  assertCanSee(a, r);
  return present(deps.db, a, r);
}

export async function listInterests(deps: Deps, actor: Actor | null, q: z.infer<typeof interestListQuerySchema>): Promise<Interest[]> {
  const a = requireActor(actor);
  const where: string[] = [];
  const args: unknown[] = [];
  const arg = (v: unknown) => {
    args.push(v);
    return `$${args.length}`;
  };
  if (a.role === 'enterprise' || a.role === 'provider') {
    const me = arg(a.organizationId);
    where.push(q.box === 'sent' ? `i.from_org_id = ${me}` : q.box === 'received' ? `i.target_org_id = ${me}` : `(i.from_org_id = ${me} or i.target_org_id = ${me})`);
  } else if (a.role === 'official' && q.box !== 'all') {
    const r = arg(a.region);
    where.push(q.box === 'sent' ? `f.region = ${r}` : `t.region = ${r}`);
  }
  if (q.status) where.push(`i.status = ${arg(q.status)}`);
  if (q.postingId) where.push(`i.posting_id = ${arg(q.postingId)}`);
  const rows = await deps.db.query(`${SELECT} ${where.length ? `where ${where.join(' and ')}` : ''} order by i.created_at desc, i.id desc limit 500`, args);
  const out: Interest[] = [];
  for (const r of rows) out.push(await present(deps.db, a, r));
  return out;
}

export async function decideInterest(deps: Deps, actor: Actor | null, id: number, body: { decision: 'accept' | 'decline'; reason?: string }): Promise<Interest> {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const r = await load(tx, id, true);
    if (!r) throw notFound('interests', id);
    assertCanSee(a, r);
    // Only the side that received the interest decides.
    if (!canEditOrg(a, { id: Number(r.target_org_id), region: r.t_region ?? null }))
      throw createError({ code: 'interests.forbidden', message: '只有被联系的一方可以接受或拒绝 / only the receiving side decides', status: 403 });
    if (r.status !== 'pending')
      throw createError({ code: 'interests.conflict', message: `该意向已是“${r.status}”状态 / already ${r.status}`, status: 409 });
    const status = body.decision === 'accept' ? 'accepted' : 'declined';
    await tx.query(
      `update interests set status = $2, decided_by = $3, decided_at = now(), decline_reason = $4, version = version + 1, updated_at = now() where id = $1`,
      [id, status, a.userId || null, body.decision === 'decline' ? body.reason ?? null : null],
    );
    await recordAudit(tx, a, {
      action: body.decision,
      entityType: 'interest',
      entityId: id,
      region: r.t_region ?? null,
      summary: `${r.t_name}${status === 'accepted' ? '接受' : '拒绝'}了 ${r.f_name} 的意向`,
      before: { status: 'pending' },
      after: { status, reason: body.reason ?? null },
    });
    return present(tx, a, await load(tx, id));
  });
}

export async function withdrawInterest(deps: Deps, actor: Actor | null, id: number): Promise<Interest> {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const r = await load(tx, id, true);
    if (!r) throw notFound('interests', id);
    assertCanSee(a, r);
    assertOrganizationWrite(a, { id: Number(r.from_org_id), region: r.f_region ?? null });
    if (r.status !== 'pending') throw createError({ code: 'interests.conflict', message: `该意向已是“${r.status}”状态 / already ${r.status}`, status: 409 });
    await tx.query(`update interests set status = 'withdrawn', version = version + 1, updated_at = now() where id = $1`, [id]);
    await recordAudit(tx, a, { action: 'withdraw', entityType: 'interest', entityId: id, region: r.f_region ?? null, summary: `${r.f_name} 撤回意向`, before: { status: 'pending' }, after: { status: 'withdrawn' } });
    return present(tx, a, await load(tx, id));
  });
}

/** Both sides' contacts — only once the interest is accepted. */
export async function interestContacts(deps: Deps, actor: Actor | null, id: number): Promise<z.infer<typeof interestContactsSchema>> {
  const a = requireActor(actor);
  const r = await load(deps.db, id);
  if (!r) throw notFound('interests', id);
  assertCanSee(a, r);
  if (r.status !== 'accepted')
    throw createError({
      code: 'interests.contacts_hidden',
      message: '对方接受意向后才显示双方联系方式 / contacts are shown once the interest is accepted',
      status: 403,
    });
  const rows = await deps.db.query(`select id, contact from organizations where id = any($1::bigint[])`, [[r.from_org_id, r.target_org_id]]);
  const contact = new Map(rows.map((x) => [Number(x.id), x.contact ?? null]));
  const org = (p: 't' | 'f') => ({ id: Number(r[p === 't' ? 'target_org_id' : 'from_org_id']), name: r[`${p}_name`], shortName: r[`${p}_short`] ?? null, kind: r[`${p}_kind`], region: r[`${p}_region`] ?? null });
  return {
    interestId: Number(r.id),
    from: { organization: org('f'), contact: contact.get(Number(r.from_org_id)) ?? null },
    target: { organization: org('t'), contact: contact.get(Number(r.target_org_id)) ?? null },
  };
}

export async function addNote(deps: Deps, actor: Actor | null, id: number, body: string): Promise<Interest> {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const r = await load(tx, id, true);
    if (!r) throw notFound('interests', id);
    assertCanSee(a, r);
    assertParty(a, r);
    if (r.status !== 'accepted')
      throw createError({ code: 'interests.not_accepted', message: '意向被接受后才能记录对接备注 / notes follow acceptance', status: 409 });
    const author = a.displayName === a.username ? a.username : `${a.displayName} (${a.username})`;
    const n = await tx.query<{ id: number }>(
      `insert into interest_notes (interest_id, organization_id, author_id, author_name, body) values ($1,$2,$3,$4,$5) returning id`,
      [id, a.organizationId, a.userId || null, author, body],
    );
    await tx.query(`update interests set updated_at = now() where id = $1`, [id]);
    await recordAudit(tx, a, { action: 'note', entityType: 'interest', entityId: id, region: r.t_region ?? null, summary: '对接备注', after: { noteId: Number(n[0].id), body } });
    return present(tx, a, await load(tx, id));
  });
}

export async function setOutcome(deps: Deps, actor: Actor | null, id: number, body: z.infer<typeof outcomeInputSchema>): Promise<Interest> {
  const a = requireActor(actor);
  return deps.db.transaction(async (tx) => {
    const r = await load(tx, id, true);
    if (!r) throw notFound('interests', id);
    assertCanSee(a, r);
    assertParty(a, r);
    if (r.status !== 'accepted')
      throw createError({ code: 'interests.not_accepted', message: '意向被接受后才能登记对接结果 / an outcome follows acceptance', status: 409 });
    const before = { outcome: r.outcome ?? null, amountWan: r.outcome_amount_wan === null ? null : Number(r.outcome_amount_wan), region: r.outcome_region ?? null, note: r.outcome_note ?? null };
    const after = { outcome: body.outcome, amountWan: body.amountWan ?? null, region: body.region ?? null, note: body.note ?? null };
    await tx.query(
      `update interests set outcome = $2, outcome_amount_wan = $3, outcome_region = $4, outcome_note = $5, outcome_at = now(),
         version = version + 1, updated_at = now() where id = $1`,
      [id, after.outcome, after.amountWan, after.region, after.note],
    );
    await recordAudit(tx, a, { action: 'outcome', entityType: 'interest', entityId: id, region: after.region ?? r.t_region ?? null, summary: `对接结果：${body.outcome}`, before, after });
    return present(tx, a, await load(tx, id));
  });
}
