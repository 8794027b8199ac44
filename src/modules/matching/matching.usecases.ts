import type { Db, Queryable } from '../../db/db.ts';
import { createError, validationError } from '../../errors.ts';
import { requireActor, type Actor } from '../accounts/actor.ts';
import type { Region } from '../accounts/accounts.schemas.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { createPostingsRepository, type PostingRecord } from '../postings/postings.repository.ts';
import type { PostingInput } from '../postings/postings.schemas.ts';
import { loadVisiblePosting, presentPosting } from '../postings/postings.usecases.ts';
import {
  buildChainContext,
  DEFAULT_SETTINGS,
  fieldTerms,
  prepareQuery,
  prescoreParams,
  rankCandidates,
  type Candidate,
  type MatchSettings,
  type QueryPosting,
} from './matching.engine.ts';
import { createMatchingRepository } from './matching.repository.ts';
import {
  matchSettingsSchema,
  type MatchResult,
  type PreferenceScope,
  PREFERENCE_SCOPES,
} from './matching.schemas.ts';

type Deps = { db: Db };

// ------------------------------------------------------------------ preferences

/** The settings that apply to a posting of an organisation in `region`: that region's, else global, else defaults. */
export async function effectiveSettings(db: Queryable, region: Region | null): Promise<{ scope: PreferenceScope; settings: MatchSettings }> {
  const prefs = await createMatchingRepository(db).getPreferences();
  if (region && prefs.has(region)) return { scope: region, settings: prefs.get(region)!.settings };
  if (prefs.has('global')) return { scope: 'global', settings: prefs.get('global')!.settings };
  return { scope: 'global', settings: DEFAULT_SETTINGS };
}

function canEditScope(actor: Actor, scope: PreferenceScope): boolean {
  if (actor.role === 'admin') return true;
  return actor.role === 'official' && actor.region === scope;
}

export async function listPreferences(deps: Deps, actor: Actor | null) {
  return preferencesView(deps.db, requireActor(actor));
}

async function preferencesView(db: Queryable, a: Actor) {
  const prefs = await createMatchingRepository(db).getPreferences();
  const global = prefs.get('global');
  return {
    defaults: DEFAULT_SETTINGS,
    scopes: PREFERENCE_SCOPES.map((scope) => {
      const own = prefs.get(scope);
      const inherited = own ?? (scope === 'global' ? null : global);
      return {
        scope,
        settings: (inherited?.settings ?? DEFAULT_SETTINGS) as MatchSettings,
        inherited: !own,
        version: own?.version ?? 0,
        updatedAt: own?.updatedAt ?? null,
        canEdit: canEditScope(a, scope),
      };
    }),
  };
}

/** Officials tune their region's preferences; administrators the global ones (and any region). Audited. */
export async function putPreferences(deps: Deps, actor: Actor | null, scope: PreferenceScope, body: { settings: MatchSettings; version?: number }) {
  const a = requireActor(actor);
  if (!canEditScope(a, scope))
    throw createError({
      code: a.role === 'official' ? 'auth.wrong_region' : 'auth.forbidden',
      message:
        a.role === 'official'
          ? `只能调整本地区（${a.region}）的撮合偏好 / officials tune their own region’s preferences only`
          : '只有官员和管理员可以调整撮合偏好 / only officials and administrators tune matching',
      status: 403,
    });
  const settings = matchSettingsSchema.parse(body.settings) as MatchSettings;
  return deps.db.transaction(async (tx) => {
    const repo = createMatchingRepository(tx);
    const cur = await repo.lockPreference(scope);
    if (body.version !== undefined && body.version !== (cur?.version ?? 0))
      throw createError({ code: 'matching.version_mismatch', message: '偏好已被他人修改，请刷新 / changed by someone else; reload', status: 409 });
    const before = cur?.settings ?? (await effectiveSettings(tx, scope === 'global' ? null : scope)).settings;
    await repo.putPreference(scope, settings, a.userId || null);
    await recordAudit(tx, a, {
      action: cur ? 'update' : 'create',
      entityType: 'matching_preferences',
      entityId: scope,
      region: scope === 'global' ? null : scope,
      summary: `调整撮合偏好（${scope}）`,
      before,
      after: settings,
    });
    return (await preferencesView(tx, a)).scopes.find((s) => s.scope === scope)!;
  });
}

export async function resetPreferences(deps: Deps, actor: Actor | null, scope: PreferenceScope) {
  const a = requireActor(actor);
  if (!canEditScope(a, scope)) throw createError({ code: 'auth.forbidden', message: '无权调整该范围的撮合偏好 / not allowed', status: 403 });
  await deps.db.transaction(async (tx) => {
    const repo = createMatchingRepository(tx);
    const cur = await repo.lockPreference(scope);
    if (!cur) return;
    await repo.deletePreference(scope);
    await recordAudit(tx, a, { action: 'delete', entityType: 'matching_preferences', entityId: scope, region: scope === 'global' ? null : scope, summary: `恢复默认撮合偏好（${scope}）`, before: cur.settings });
  });
}

// ------------------------------------------------------------------ matching

export interface MatchOptions {
  limit: number;
  type: 'all' | 'postings' | 'organizations';
  /** Override (evaluation, benchmarks): skip the preference lookup. */
  settings?: MatchSettings;
  /** How many candidates SQL hands to the re-ranker per table (default 5 × limit, at least 100). */
  pool?: number;
}

interface QueryInput extends QueryPosting {
  postingId: number | null;
  nodeIds: number[];
}

/** The matching pipeline: preferences → chain context → SQL retrieval → engine re-rank → presentation. */
export async function runMatch(db: Queryable, actor: Actor, qp: QueryInput, opts: MatchOptions): Promise<MatchResult> {
  const t0 = performance.now();
  const repo = createMatchingRepository(db);
  // Independent reads run concurrently (on PostgreSQL they use separate pooled connections).
  const [eff, cd] = await Promise.all([
    opts.settings ? { scope: 'global' as PreferenceScope, settings: opts.settings } : effectiveSettings(db, qp.orgRegion),
    repo.chainData(qp.nodeIds, qp.organizationId),
  ]);
  const ctx = buildChainContext(qp.direction, qp.nodeIds, cd.own, cd.edges, cd.nodes);
  const q = prepareQuery(qp, eff.settings, ctx);
  const pp = prescoreParams(q);
  const pool = opts.pool ?? Math.max(100, opts.limit * 5);
  const wantPostings = opts.type !== 'organizations';
  const wantOrgs = opts.type !== 'postings' && qp.direction === 'demand';
  const none = { rows: [], steps: [] };
  const [pr, or] = await Promise.all([
    wantPostings ? repo.retrievePostings(pp, { excludeOrgId: qp.organizationId, pool }) : none,
    wantOrgs ? repo.retrieveOrganizations(pp, { excludeOrgId: qp.organizationId, pool }) : none,
  ]);

  const orgIds = [...new Set([...pr.rows.map((r) => Number(r.organization_id)), ...or.rows.map((r) => Number(r.id))])];
  const needsDerived = qp.kind === 'pilot_scale' || qp.kind === 'lab_testing';
  const [links, derived] = await Promise.all([
    repo.orgLinks(orgIds),
    needsDerived ? repo.derivedOffers(or.rows.map((r) => Number(r.id))) : new Map(),
  ]);
  const candidates: Candidate[] = [];
  for (const r of pr.rows) {
    const l = links.get(Number(r.organization_id));
    candidates.push({
      type: 'posting',
      id: Number(r.id),
      organizationId: Number(r.organization_id),
      orgKind: r.org_kind,
      region: r.org_region ?? null,
      kind: r.kind,
      fields: r.fields ?? {},
      stage: r.stage ?? null,
      regionsWanted: r.regions_wanted ?? [],
      deadline: r.deadline ? (r.deadline instanceof Date ? r.deadline.toISOString().slice(0, 10) : String(r.deadline).slice(0, 10)) : null,
      tokens: new Set(String(r.search_text ?? '').split(' ')),
      names: fieldTerms(r.kind, r.fields ?? {}),
      nodes: [...new Set([...(r.node_ids ?? []).map(Number), ...(l?.nodes ?? [])])],
      chains: l?.chains ?? [],
    });
  }
  const instruments = (or as { instruments?: Map<number, { text: string; names: string[] }> }).instruments ?? new Map();
  for (const r of or.rows) {
    const id = Number(r.id);
    const l = links.get(id);
    const inst = instruments.get(id);
    candidates.push({
      type: 'organization',
      id,
      organizationId: id,
      orgKind: r.kind,
      region: r.region ?? null,
      // an organisation's shared instruments count as its own words and names
      tokens: new Set(`${r.search_text ?? ''} ${inst?.text ?? ''}`.split(' ')),
      names: [...(r.products ?? []), ...(inst?.names ?? [])],
      nodes: l?.nodes ?? [],
      chains: l?.chains ?? [],
      derived: derived.get(id),
    });
  }
  // Names of candidate nodes outside the query's chains, for the explanations.
  const unknown = [...new Set(candidates.flatMap((c) => c.nodes))].filter((n) => !ctx.nodes.has(n));
  if (unknown.length) for (const [k, v] of await repo.nodeInfos(unknown)) ctx.nodes.set(k, v);

  const ranked = rankCandidates(q, candidates, opts.limit);
  const postingIds = ranked.filter((s) => s.candidate.type === 'posting').map((s) => s.candidate.id);
  const [postings, cards] = await Promise.all([
    createPostingsRepository(db).getByIds(postingIds),
    repo.orgCards([...new Set(ranked.map((s) => s.candidate.organizationId))]),
  ]);
  const nodeRefs = await createPostingsRepository(db).nodeRefs([...new Set([...postings.values()].flatMap((p) => p.nodeIds))]);
  const items = ranked.map((s, i) => ({
    rank: i + 1,
    type: s.candidate.type,
    score: s.score,
    organization: cards.get(s.candidate.organizationId),
    posting: s.candidate.type === 'posting' ? presentPosting(actor, postings.get(s.candidate.id)!, nodeRefs) : null,
    explanation: s.explanation,
  }));
  return {
    query: {
      postingId: qp.postingId,
      direction: qp.direction,
      kind: qp.kind,
      stage: q.stage.stage,
      stageReason: q.stage.reason,
      terms: q.terms.map((t) => ({ term: t.term, weight: Math.round(t.weight * 100) / 100, from: t.from })),
      preferenceScope: eff.scope,
      settings: eff.settings,
      retrieval: {
        steps: [...pr.steps.map((s) => `供需发布 ${s}`), ...or.steps.map((s) => `机构 ${s}`)],
        postings: pr.rows.length,
        organizations: or.rows.length,
        ms: Math.round((performance.now() - t0) * 10) / 10,
      },
    },
    items,
  } as MatchResult;
}

function queryFromPosting(p: PostingRecord): QueryInput {
  return {
    postingId: p.id,
    direction: p.direction,
    kind: p.kind,
    title: p.title,
    description: p.description,
    fields: p.fields as Record<string, any>,
    stage: p.stage,
    regionsWanted: p.regionsWanted,
    deadline: p.deadline,
    orgRegion: p.orgRegion,
    organizationId: p.organizationId,
    nodeIds: p.nodeIds,
  };
}

/** Matches for a saved posting: for its organisation's users, officials and administrators. */
export async function matchPosting(deps: Deps, actor: Actor | null, postingId: number, opts: MatchOptions): Promise<MatchResult> {
  const a = requireActor(actor);
  const p = await loadVisiblePosting(deps.db, a, postingId);
  if (a.role !== 'admin' && a.role !== 'official' && a.organizationId !== p.organizationId)
    throw createError({ code: 'matching.forbidden', message: '只能查看本机构发布的撮合结果 / matches are shown to the posting’s organisation', status: 403 });
  return runMatch(deps.db, a, queryFromPosting(p), opts);
}

/** Matches for a posting that is not saved (a "try it" search). */
export async function matchProbe(deps: Deps, actor: Actor | null, probe: PostingInput, opts: MatchOptions): Promise<MatchResult> {
  const a = requireActor(actor);
  let orgId: number | null = probe.organizationId ?? a.organizationId ?? null;
  if ((a.role === 'enterprise' || a.role === 'provider') && probe.organizationId && probe.organizationId !== a.organizationId)
    throw createError({ code: 'auth.not_owner', message: '只能以本机构身份检索 / you search as your own organisation', status: 403 });
  let region: Region | null = null;
  if (orgId) {
    const o = await createPostingsRepository(deps.db).orgBrief(orgId);
    if (!o) throw validationError({ 'probe.organizationId': `机构 #${orgId} 不存在 / organisation not found` });
    region = o.region;
  } else orgId = null;
  if (probe.nodeIds?.length) {
    const found = await createPostingsRepository(deps.db).nodeRefs(probe.nodeIds);
    const missing = probe.nodeIds.filter((n) => !found.has(n));
    if (missing.length) throw validationError({ 'probe.nodeIds': `产业链节点不存在：${missing.join(', ')}` });
  }
  return runMatch(
    deps.db,
    a,
    {
      postingId: null,
      direction: probe.direction,
      kind: probe.kind,
      title: probe.title,
      description: probe.description,
      fields: probe.fields as Record<string, any>,
      stage: probe.stage ?? null,
      regionsWanted: probe.regionsWanted ?? [],
      deadline: probe.deadline ?? null,
      orgRegion: region,
      organizationId: orgId,
      nodeIds: probe.nodeIds ?? [],
    },
    opts,
  );
}
