/**
 * Automatic attachment (挂链): bulk runs, background jobs, the review queue and its decisions.
 * The engine (scores, tiers, evidence) is attach.engine.ts; see docs/attach-and-targets.md.
 *
 * Re-running is safe:
 * - links an official decided (decided_by set) or that a person, the seed or an import made (origin
 *   manual / seed / import) are never changed, and their (organisation, node) pair is never suggested;
 * - a rejected decision (status rejected, decided_by set) stays, so the pair is never suggested again;
 *   moving a suggestion leaves such a rejected marker on the node it was moved away from;
 * - undecided auto links get the new score, tier, role and evidence, or are removed when they fell
 *   below the review threshold;
 * - writes are batched: per page of organisations one insert-or-update statement and one delete
 *   statement (the diagnostics triggers on org_node_links run once per statement).
 */
import type { Db, Queryable } from '../../db/db.ts';
import { createError, notFound } from '../../errors.ts';
import { REGION_NAMES, type Region } from '../accounts/accounts.schemas.ts';
import { requireActor, requireRole, type Actor } from '../accounts/actor.ts';
import { LINK_ROLE_NAMES, type LinkRole } from '../chains/chains.schemas.ts';
import { resolveChainId } from '../chains/chains.usecases.ts';
import { buildAttachModel, DEFAULT_THRESHOLDS, inferRole, MAX_NODES_PER_CHAIN, suggest, type AttachModel, type Thresholds } from './attach.engine.ts';
import { createAttachRepository, isProtected, type AutoLinkWrite, type CandidateRow, type LinkRow } from './attach.repository.ts';
import type { AttachResult, DecisionInput, Job, ReviewPage, RunInput } from './attach.schemas.ts';
import type { TrainOptions } from './classifier.ts';

type Deps = { db: Db | Queryable };

export interface RunAttachOptions {
  /** One chain (id or code); default every chain. */
  chainId?: number | string;
  /** Only these organisations (default: every organisation of 京津冀, i.e. with a region). */
  organizationIds?: number[];
  thresholds?: Thresholds;
  maxPerChain?: number;
  /** Organisations per page (one transaction and two statements per page). */
  pageSize?: number;
  /** Called after every page (and once at the start with done = 0). */
  onProgress?: (done: number, total: number) => void | Promise<void>;
  /** Engine options (tests, evaluation). */
  engine?: TrainOptions;
}

const isDb = (q: Db | Queryable): q is Db => typeof (q as Db).transaction === 'function';
const inTransaction = <T>(q: Db | Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> => (isDb(q) ? q.transaction(fn) : fn(q));
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Loads the chains' nodes and the decided links, and trains the attachment model over every chain. */
export async function loadAttachModel(db: Queryable, engine?: TrainOptions): Promise<AttachModel> {
  const repo = createAttachRepository(db);
  const [nodes, examples] = await Promise.all([repo.nodes(), repo.examples()]);
  return buildAttachModel(nodes, examples, { engine });
}

const sameScore = (a: number | null, b: number) => a !== null && Math.abs(a - b) < 5e-5;

/** JSON with object keys sorted (jsonb does not keep the key order), for comparing evidence. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v as object)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/**
 * Places the organisations of 京津冀 onto the nodes of one chain or all chains (see the top of this
 * file). Officials (any region) and administrators may run it: the engine decides nothing an
 * official decided, and every suggestion can be reviewed. One audit entry per chain of the run.
 */
export async function runAttach(deps: Deps, actor: Actor | null, opts: RunAttachOptions = {}): Promise<AttachResult> {
  const a = requireRole(actor, ['admin', 'official']);
  const t0 = performance.now();
  const thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
  if (!(thresholds.review >= 0 && thresholds.review <= thresholds.confirm && thresholds.confirm <= 1))
    throw createError({ code: 'validation.failed', message: '阈值应满足 0 ≤ 审核阈值 ≤ 确认阈值 ≤ 1 / thresholds must satisfy 0 ≤ review ≤ confirm ≤ 1', fields: { thresholds: '0 ≤ review ≤ confirm ≤ 1' } });
  const db = deps.db;
  const repo = createAttachRepository(db);
  const allChains = await repo.chains();
  let scope = allChains;
  if (opts.chainId !== undefined) {
    const id = typeof opts.chainId === 'number' ? opts.chainId : isDb(db) ? await resolveChainId({ db }, opts.chainId) : allChains.find((c) => c.code === opts.chainId || String(c.id) === opts.chainId)?.id;
    scope = allChains.filter((c) => c.id === id);
    if (!scope.length) throw notFound('chains', String(opts.chainId));
  }
  const scopeIds = scope.map((c) => c.id);
  const scopeSet = new Set(scopeIds);

  const am = await loadAttachModel(db, opts.engine);
  const cscope = { organizationIds: opts.organizationIds };
  const total = await repo.countCandidates(cscope);
  const per = new Map(scope.map((c) => [c.id, { created: { confirmed: 0, review: 0 }, updated: 0, unchanged: 0, removed: 0, rejected: 0 }]));
  let done = 0;
  let scored = 0;
  await opts.onProgress?.(0, total);

  const pageSize = opts.pageSize ?? 1000;
  let after = 0;
  for (;;) {
    const page = await repo.candidates(after, pageSize, cscope);
    if (!page.length) break;
    after = page[page.length - 1].id;
    const links = await repo.linksOf(
      page.map((o) => o.id),
      scopeIds,
    );
    const plan = planPage(am, page, links, scopeSet, thresholds, opts.maxPerChain ?? MAX_NODES_PER_CHAIN);
    scored += plan.scored;
    for (const [chainId, c] of plan.counts) {
      const p = per.get(chainId)!;
      p.created.confirmed += c.createdConfirmed;
      p.created.review += c.createdReview;
      p.updated += c.updated;
      p.unchanged += c.unchanged;
      p.removed += c.removed;
      p.rejected += c.rejected;
    }
    if (plan.writes.length || plan.deletes.length) {
      await inTransaction(db, async (tx) => {
        const r = createAttachRepository(tx);
        await r.deleteAutoLinks(plan.deletes);
        await r.upsertAutoLinks(plan.writes);
      });
    }
    done += page.length;
    await opts.onProgress?.(done, total);
    await yieldToLoop();
  }

  const finalCounts = await inTransaction(db, async (tx) => {
    const r = createAttachRepository(tx);
    if (!opts.organizationIds) {
      // auto links of organisations that left 京津冀 are not revisited by the pages: remove them
      await r.deleteAutoLinksOfNonCandidates(scopeIds);
    }
    const counts = await r.autoLinkCounts(scopeIds);
    await r.auditMany(
      a,
      scope.map((c) => {
        const p = per.get(c.id)!;
        const k = counts.get(c.id) ?? { confirmed: 0, review: 0, kept: 0 };
        return {
          action: 'attach_run',
          entityType: 'chain',
          entityId: c.id,
          region: c.ownerRegion,
          summary: `自动挂链：新增 ${p.created.confirmed + p.created.review}（自动确认 ${p.created.confirmed}、待审核 ${p.created.review}），更新 ${p.updated}，移除 ${p.removed}，未达阈值 ${p.rejected}；现有自动挂链 ${k.confirmed + k.review}（待审核 ${k.review}），人工或已审核 ${k.kept} 条未改动`,
          after: { ...p, links: { confirmed: k.confirmed, review: k.review }, kept: k.kept, thresholds, candidates: total },
        };
      }),
    );
    return counts;
  });

  const chains = scope.map((c) => {
    const p = per.get(c.id)!;
    const k = finalCounts.get(c.id) ?? { confirmed: 0, review: 0, kept: 0 };
    return { chainId: c.id, code: c.code, name: c.name, ...p, kept: k.kept, links: { confirmed: k.confirmed, review: k.review } };
  });
  const sum = (f: (c: (typeof chains)[number]) => number) => chains.reduce((n, c) => n + f(c), 0);
  return {
    chains,
    candidates: total,
    scored,
    examples: am.examples,
    labels: am.labelNode.length,
    thresholds,
    totals: {
      created: sum((c) => c.created.confirmed + c.created.review),
      confirmed: sum((c) => c.created.confirmed),
      review: sum((c) => c.created.review),
      updated: sum((c) => c.updated),
      removed: sum((c) => c.removed),
      rejected: sum((c) => c.rejected),
    },
    trainMs: Math.round(am.trainMs),
    tookMs: Math.round(performance.now() - t0),
  };
}

interface PageCounts {
  createdConfirmed: number;
  createdReview: number;
  updated: number;
  unchanged: number;
  removed: number;
  rejected: number;
}

/** Pure: what to write for one page of organisations, given their current links. */
export function planPage(am: AttachModel, page: CandidateRow[], links: LinkRow[], scope: Set<number>, thresholds: Thresholds, maxPerChain: number) {
  const byOrg = new Map<number, LinkRow[]>();
  for (const l of links) {
    const a = byOrg.get(l.organizationId);
    if (a) a.push(l);
    else byOrg.set(l.organizationId, [l]);
  }
  const counts = new Map<number, PageCounts>();
  const count = (chainId: number) => {
    let c = counts.get(chainId);
    if (!c) counts.set(chainId, (c = { createdConfirmed: 0, createdReview: 0, updated: 0, unchanged: 0, removed: 0, rejected: 0 }));
    return c;
  };
  const writes: AutoLinkWrite[] = [];
  const deletes: number[] = [];
  let scored = 0;
  for (const org of page) {
    const own = byOrg.get(org.id) ?? [];
    const blocked = new Set<number>();
    const taken = new Map<number, number>();
    const auto = new Map<number, LinkRow>();
    for (const l of own) {
      if (isProtected(l)) {
        blocked.add(l.nodeId);
        if (l.status !== 'rejected') taken.set(l.chainId, (taken.get(l.chainId) ?? 0) + 1);
      } else auto.set(l.nodeId, l);
    }
    const r = suggest(am, org, {
      thresholds,
      maxPerChain,
      chains: scope,
      skip: (_chainId, nodeId) => blocked.has(nodeId),
      taken: (chainId) => taken.get(chainId) ?? 0,
    });
    if (r.scored) scored++;
    for (const s of r.suggestions) {
      const node = am.nodes.get(s.nodeId)!;
      const role = inferRole(org.kind, node.stage);
      const cur = auto.get(s.nodeId);
      auto.delete(s.nodeId);
      const c = count(s.chainId);
      if (cur && cur.status === s.tier && cur.role === role && sameScore(cur.score, s.score) && canonicalJson(cur.evidence) === canonicalJson(s.evidence)) {
        c.unchanged++;
        continue;
      }
      if (cur) c.updated++;
      else if (s.tier === 'confirmed') c.createdConfirmed++;
      else c.createdReview++;
      writes.push({ organizationId: org.id, nodeId: s.nodeId, chainId: s.chainId, role, status: s.tier, score: s.score, evidence: s.evidence });
    }
    // undecided auto links that are no longer suggested
    for (const l of auto.values()) {
      deletes.push(l.id);
      count(l.chainId).removed++;
    }
    // the rejected tier: (organisation, chain) pairs with evidence below the thresholds, not stored
    for (const chainId of r.rejectedChains) count(chainId).rejected++;
  }
  return { writes, deletes, counts, scored };
}

/* ================================================================== jobs (bulk runs with progress) */

/** Runs of this process: the promise of each live job. */
const live = new Map<number, Promise<void>>();
/** A running job that has not moved for this long and is not live here is reported as failed. */
const STALE_MS = 10 * 60 * 1000;
/** Progress is written to the job row at most this often (and after the last page). */
const PROGRESS_EVERY = 500;

const actorName = (a: Actor) => (a.displayName === a.username ? a.username : `${a.displayName} (${a.username})`);

async function reapStale(db: Queryable, jobs: Job[]): Promise<Job[]> {
  const out: Job[] = [];
  for (const j of jobs) {
    if (!live.has(j.id) && Date.now() - new Date(j.updatedAt).getTime() > STALE_MS) {
      await createAttachRepository(db).failJob(j.id, '运行中断（服务器重启或进程退出）/ interrupted (the server stopped while it ran)');
      continue;
    }
    out.push(j);
  }
  return out;
}

/**
 * Starts a bulk run in the background of this server process and returns its job at once; poll
 * GET /api/attach/runs/:id. One run at a time: another request while one runs gets 409 naming it.
 */
export async function startAttachRun(deps: { db: Db }, actor: Actor | null, input: RunInput): Promise<Job> {
  const a = requireRole(actor, ['admin', 'official']);
  const repo = createAttachRepository(deps.db);
  const chainId = input.chainId === undefined ? undefined : typeof input.chainId === 'number' ? input.chainId : await resolveChainId(deps, input.chainId);
  if (chainId !== undefined && !(await repo.chains()).some((c) => c.id === chainId)) throw notFound('chains', chainId);
  const active = await reapStale(deps.db, await repo.activeJobs('attach'));
  if (active.length)
    throw createError({
      code: 'attach.run_in_progress',
      message: `已有一次自动挂链正在运行（任务 ${active[0].id}），请等待其完成 / attachment run ${active[0].id} is still running`,
      status: 409,
      details: { jobId: active[0].id },
    });
  const thresholds = input.thresholds ?? DEFAULT_THRESHOLDS;
  const total = await repo.countCandidates({});
  const job = await repo.insertJob({ kind: 'attach', params: { chainId: chainId ?? null, thresholds }, total, createdBy: a.userId || null, createdByName: actorName(a) });
  const run = (async () => {
    let last = 0;
    try {
      await repo.startJob(job.id);
      const result = await runAttach(deps, a, {
        chainId,
        thresholds,
        onProgress: async (done, tot) => {
          if (done - last >= PROGRESS_EVERY || done === tot) {
            last = done;
            await repo.progressJob(job.id, done, tot);
          }
        },
      });
      await repo.finishJob(job.id, result);
    } catch (e) {
      await repo.failJob(job.id, (e as Error).message ?? String(e)).catch(() => undefined);
    } finally {
      live.delete(job.id);
    }
  })();
  live.set(job.id, run);
  return (await repo.getJob(job.id))!;
}

export async function getAttachRun(deps: { db: Db }, actor: Actor | null, id: number): Promise<Job> {
  requireRole(actor, ['admin', 'official']);
  const repo = createAttachRepository(deps.db);
  const j = await repo.getJob(id);
  if (!j || j.kind !== 'attach') throw notFound('jobs', id);
  if (j.status === 'running' || j.status === 'queued') {
    const [kept] = await reapStale(deps.db, [j]);
    if (!kept) return (await repo.getJob(id))!;
  }
  return j;
}

export async function listAttachRuns(deps: { db: Db }, actor: Actor | null, limit = 20): Promise<Job[]> {
  requireRole(actor, ['admin', 'official']);
  return createAttachRepository(deps.db).listJobs('attach', limit);
}

/** Waits for the background runs of this process (tests, shutdown). */
export async function waitForAttachJobs(): Promise<void> {
  await Promise.all([...live.values()]);
}

/* ================================================================== review queue */

export async function getReviewQueue(
  deps: { db: Db },
  actor: Actor | null,
  q: { chainId?: string; nodeId?: number; region?: Region; minScore?: number; page: number; pageSize: number },
): Promise<ReviewPage> {
  const a = requireActor(actor);
  if (a.role !== 'admin' && a.role !== 'official')
    throw createError({ code: 'auth.forbidden', message: '只有官员和管理员可以查看挂链审核队列 / officials and administrators only', status: 403 });
  const chainId = q.chainId ? await resolveChainId(deps, q.chainId) : null;
  const { rows, total, byChain } = await createAttachRepository(deps.db).reviewPage({
    chainId,
    nodeId: q.nodeId ?? null,
    region: q.region ?? null,
    minScore: q.minScore ?? null,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  return {
    total,
    page: q.page,
    pageSize: q.pageSize,
    byChain: byChain.map((c) => ({ chainId: c.chain_id, code: c.code, name: c.name, count: c.n })),
    items: rows.map((r: any) => ({
      linkId: r.id,
      organization: {
        id: r.org_id,
        name: r.org_name,
        shortName: r.short_name,
        kind: r.kind,
        region: r.region,
        divisionCode: r.division_code,
        divisionName: r.division_name,
        products: (r.products ?? []).slice(0, 20),
      },
      chain: { id: r.chain_id, code: r.chain_code, name: r.chain_name },
      node: { id: r.node_id, name: r.node_name, segmentName: r.segment_name, stage: r.stage },
      role: r.role,
      origin: r.origin,
      score: r.score,
      evidence: r.evidence,
      source: r.source,
      createdAt: new Date(r.created_at).toISOString(),
      canDecide: a.role === 'admin' || (!!r.region && r.region === a.region),
    })),
  };
}

/**
 * Accepts, rejects or moves suggestions in bulk. All or nothing: every link must exist, be awaiting
 * review and belong to an organisation of the caller's region (officials; administrators: any),
 * otherwise nothing is written and the error names the links refused. Recorded with decided_by /
 * decided_at and one audit entry per organisation and link.
 */
export async function decideReview(deps: { db: Db }, actor: Actor | null, input: DecisionInput) {
  const a = requireActor(actor);
  if (a.role !== 'admin' && a.role !== 'official')
    throw createError({ code: 'auth.forbidden', message: '只有官员和管理员可以审核挂链建议 / officials and administrators only', status: 403 });
  const ids = [...new Set(input.linkIds)];
  return deps.db.transaction(async (tx) => {
    const repo = createAttachRepository(tx);
    const rows = await repo.lockLinks(ids);
    const found = new Set(rows.map((r: any) => r.id as number));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length)
      throw createError({
        code: 'attach.links_not_found',
        message: `挂链建议不存在：${missing.join('、')} / links not found: ${missing.join(', ')}`,
        status: 404,
        fields: { linkIds: missing.join(',') },
        details: { linkIds: missing },
      });
    const notReview = rows.filter((r: any) => r.status !== 'review');
    if (notReview.length)
      throw createError({
        code: 'attach.not_in_review',
        message: `以下挂链已处理，不在待审核状态：${notReview.map((r: any) => r.id).join('、')} / these links are not awaiting review: ${notReview.map((r: any) => r.id).join(', ')}`,
        status: 409,
        fields: { linkIds: notReview.map((r: any) => r.id).join(',') },
        details: { linkIds: notReview.map((r: any) => r.id) },
      });
    if (a.role !== 'admin') {
      const refused = rows.filter((r: any) => r.region !== a.region);
      if (refused.length) {
        const list = refused.map((r: any) => `${r.id}（${r.short_name || r.org_name}，${r.region ? REGION_NAMES[r.region as Region].zh : '京津冀以外'}）`);
        throw createError({
          code: 'auth.wrong_region',
          message: `${REGION_NAMES[a.region!].zh}的账号只能审核本地区机构的挂链，以下 ${refused.length} 条未处理（全部未写入）：${list.join('、')} / officials of ${a.region} may only decide on their own region's organisations; refused: ${refused.map((r: any) => r.id).join(', ')} (nothing was written)`,
          status: 403,
          fields: { linkIds: refused.map((r: any) => r.id).join(',') },
          details: { linkIds: refused.map((r: any) => r.id) },
        });
      }
    }
    const decidedBy = a.userId;
    let out: any[];
    const audits: Parameters<typeof repo.auditMany>[1] = [];
    const label = (r: any) => r.short_name || r.org_name;
    if (input.action === 'accept' || input.action === 'reject') {
      out = await repo.setDecision(ids, input.action === 'accept' ? 'confirmed' : 'rejected', decidedBy);
      for (const r of rows as any[])
        audits.push({
          action: input.action === 'accept' ? 'attach_accept' : 'attach_reject',
          entityType: 'organization',
          entityId: r.organization_id,
          region: r.region,
          summary: `挂链审核：${input.action === 'accept' ? '接受' : '拒绝'} ${label(r)} → ${r.node_name}（${LINK_ROLE_NAMES[r.role as LinkRole].zh}，得分 ${r.score ?? '—'}）${input.note ? `；${input.note}` : ''}`,
          before: { link: { id: r.id, nodeId: r.node_id, node: r.node_name, status: 'review', score: r.score } },
          after: { link: { id: r.id, nodeId: r.node_id, node: r.node_name, status: input.action === 'accept' ? 'confirmed' : 'rejected' }, ...(input.note ? { note: input.note } : {}) },
        });
    } else {
      const target = await repo.node(input.nodeId!);
      if (!target) throw createError({ code: 'attach.invalid_node', message: '目标节点不存在 / target node not found', status: 400, fields: { nodeId: '不存在 / not found' } });
      const otherChain = rows.filter((r: any) => r.chain_id !== target.chain_id);
      if (otherChain.length)
        throw createError({
          code: 'attach.invalid_node',
          message: `目标节点「${target.name}」不在这些挂链所属的产业链中：${otherChain.map((r: any) => r.id).join('、')} / the target node is in another chain than links ${otherChain.map((r: any) => r.id).join(', ')}`,
          status: 400,
          fields: { nodeId: '不在同一产业链 / not in the same chain' },
        });
      // each organisation ends on the target once: a selected link already there is accepted, the
      // first other one is moved, further ones of the same organisation are rejected (superseded)
      const staying = rows.filter((r: any) => r.node_id === target.id);
      const placed = new Set<number>(staying.map((r: any) => r.organization_id));
      const moving: any[] = [];
      const superseded: any[] = [];
      for (const r of rows as any[]) {
        if (r.node_id === target.id) continue;
        if (placed.has(r.organization_id)) superseded.push(r);
        else {
          placed.add(r.organization_id);
          moving.push(r);
        }
      }
      // links already on the target node: undecided ones give way; decided or manual ones block the move
      const existing = await repo.linksAt(moving.map((r: any) => ({ organizationId: r.organization_id, nodeId: target.id })));
      const blocking = existing.filter((l) => isProtected(l) && l.status !== 'review');
      if (blocking.length) {
        const orgs = new Set(blocking.map((l) => l.organizationId));
        const refused = moving.filter((r: any) => orgs.has(r.organization_id)).map((r: any) => r.id);
        throw createError({
          code: 'attach.target_taken',
          message: `这些机构在「${target.name}」上已有经确认或人工的挂链：${refused.join('、')} / these organisations already have a decided link on the target node: ${refused.join(', ')}`,
          status: 409,
          fields: { linkIds: refused.join(',') },
          details: { linkIds: refused },
        });
      }
      await repo.deleteLinks(existing.map((l) => l.id));
      const moved = moving.length
        ? await repo.moveLinks(
            moving.map((r: any) => ({
              id: r.id,
              nodeId: target.id,
              role: inferRole(r.kind, target.stage),
              evidence: { ...(r.evidence && typeof r.evidence === 'object' ? r.evidence : {}), movedFrom: { nodeId: r.node_id, name: r.node_name } },
            })),
            decidedBy,
          )
        : [];
      await repo.insertRejectedMarkers(
        moving.map((r: any) => ({ organizationId: r.organization_id, nodeId: r.node_id, chainId: r.chain_id, role: r.role, evidence: { movedTo: { nodeId: target.id, name: target.name } } })),
        decidedBy,
      );
      const kept = staying.length ? await repo.setDecision(staying.map((r: any) => r.id), 'confirmed', decidedBy) : [];
      const dropped = superseded.length ? await repo.setDecision(superseded.map((r: any) => r.id), 'rejected', decidedBy) : [];
      out = [...moved, ...kept, ...dropped];
      const supersededIds = new Set(superseded.map((r: any) => r.id));
      for (const r of rows as any[])
        audits.push({
          action: supersededIds.has(r.id) ? 'attach_reject' : 'attach_move',
          entityType: 'organization',
          entityId: r.organization_id,
          region: r.region,
          summary: supersededIds.has(r.id)
            ? `挂链审核：${label(r)} 已放在「${target.name}」，拒绝其在「${r.node_name}」的建议${input.note ? `；${input.note}` : ''}`
            : r.node_id === target.id
              ? `挂链审核：接受 ${label(r)} → ${target.name}${input.note ? `；${input.note}` : ''}`
              : `挂链审核：将 ${label(r)} 从「${r.node_name}」移到「${target.name}」并确认${input.note ? `；${input.note}` : ''}`,
          before: { link: { id: r.id, nodeId: r.node_id, node: r.node_name, status: 'review', score: r.score } },
          after: supersededIds.has(r.id)
            ? { link: { id: r.id, nodeId: r.node_id, node: r.node_name, status: 'rejected' }, ...(input.note ? { note: input.note } : {}) }
            : { link: { id: r.id, nodeId: target.id, node: target.name, status: 'confirmed' }, ...(input.note ? { note: input.note } : {}) },
        });
    }
    await repo.auditMany(a, audits);
    return {
      action: input.action,
      decided: out.length,
      links: out
        .map((r: any) => ({ linkId: r.id, organizationId: r.organization_id, nodeId: r.node_id, status: r.status, role: r.role }))
        .sort((x, y) => x.linkId - y.linkId),
    };
  });
}
