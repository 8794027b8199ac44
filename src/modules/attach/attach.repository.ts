import type { Queryable } from '../../db/db.ts';
import type { Actor } from '../accounts/actor.ts';
import type { Stage } from '../chains/chains.schemas.ts';
import type { EngineNode, EngineOrg } from './attach.engine.ts';
import type { Job } from './attach.schemas.ts';

export interface ChainRowLite {
  id: number;
  code: string;
  name: string;
  ownerRegion: string | null;
  leadRegion: string | null;
}

export interface NodeRowFull extends EngineNode {
  segmentName: string;
  description: string | null;
  position: number;
  segmentPosition: number;
}

export interface CandidateRow extends EngineOrg {
  region: string | null;
}

export interface LinkRow {
  id: number;
  organizationId: number;
  nodeId: number;
  chainId: number;
  role: string;
  status: 'confirmed' | 'review' | 'rejected';
  origin: 'manual' | 'seed' | 'auto' | 'import';
  score: number | null;
  evidence: unknown;
  decidedBy: number | null;
}

/** A link an official (or a seed, an import, a person) made or decided: attachment runs never touch it. */
export const isProtected = (l: Pick<LinkRow, 'origin' | 'decidedBy'>) => l.origin !== 'auto' || l.decidedBy !== null;

export interface AutoLinkWrite {
  organizationId: number;
  nodeId: number;
  chainId: number;
  role: string;
  status: 'confirmed' | 'review';
  score: number;
  evidence: unknown;
}

export const AUTO_SOURCE = '挂链引擎自动建议 / attach engine (src/modules/attach)';

const ORG_TEXT_COLUMNS = `o.id, o.name, o.short_name, o.kind, o.products, o.business_scope, o.description, o.industry_code, o.region`;
const toCandidate = (r: any): CandidateRow => ({
  id: r.id,
  name: r.name,
  shortName: r.short_name,
  kind: r.kind,
  products: r.products ?? [],
  businessScope: r.business_scope,
  description: r.description,
  industryCode: r.industry_code,
  region: r.region,
});
const toLink = (r: any): LinkRow => ({
  id: r.id,
  organizationId: r.organization_id,
  nodeId: r.node_id,
  chainId: r.chain_id,
  role: r.role,
  status: r.status,
  origin: r.origin,
  score: r.score,
  evidence: r.evidence,
  decidedBy: r.decided_by,
});
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
const toJob = (r: any): Job => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  progress: r.progress,
  total: r.total,
  params: r.params,
  result: r.result,
  error: r.error,
  createdBy: r.created_by,
  createdByName: r.created_by_name,
  createdAt: iso(r.created_at)!,
  startedAt: iso(r.started_at),
  finishedAt: iso(r.finished_at),
  updatedAt: iso(r.updated_at)!,
});

export function createAttachRepository(db: Queryable) {
  return {
    async chains(): Promise<ChainRowLite[]> {
      const rows = await db.query(`select id, code, name, owner_region, lead_region from chains order by id`);
      return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, ownerRegion: r.owner_region, leadRegion: r.lead_region }));
    },

    async nodes(chainId?: number): Promise<NodeRowFull[]> {
      const rows = await db.query(
        `select n.id, n.chain_id, n.name, n.keywords, n.description, n.position, s.name as segment_name, s.stage, s.position as segment_position
           from chain_nodes n join chain_segments s on s.id = n.segment_id
          where ($1::bigint is null or n.chain_id = $1)
          order by n.chain_id, s.position, n.position, n.id`,
        [chainId ?? null],
      );
      return rows.map((r) => ({
        id: r.id,
        chainId: r.chain_id,
        name: r.name,
        keywords: r.keywords ?? [],
        stage: r.stage as Stage,
        segmentName: r.segment_name,
        description: r.description,
        position: r.position,
        segmentPosition: r.segment_position,
      }));
    },

    async edges(chainId: number): Promise<Array<[number, number]>> {
      const rows = await db.query<{ f: number; t: number }>(`select from_node_id as f, to_node_id as t from chain_edges where chain_id = $1`, [chainId]);
      return rows.map((r) => [r.f, r.t]);
    },

    /**
     * The examples: confirmed links an official decided, or that a person, the seed or an import
     * made (origin manual / seed / import), with their organisations' texts. `anyOrigin`: every
     * confirmed link, undecided automatic ones included (what the investment targets learn from).
     */
    async examples({ anyOrigin = false }: { anyOrigin?: boolean } = {}): Promise<Array<{ nodeId: number; org: CandidateRow }>> {
      const rows = await db.query(
        `select l.node_id, ${ORG_TEXT_COLUMNS}
           from org_node_links l join organizations o on o.id = l.organization_id
          where l.status = 'confirmed'${anyOrigin ? '' : ` and (l.origin <> 'auto' or l.decided_by is not null)`}
          order by l.node_id, o.id`,
      );
      return rows.map((r) => ({ nodeId: r.node_id, org: toCandidate(r) }));
    },

    async countCandidates(scope: { organizationIds?: number[]; outside?: boolean }): Promise<number> {
      const rows = await db.query<{ n: number }>(
        `select count(*)::int as n from organizations o
          where ${scope.outside ? 'o.region is null' : 'o.region is not null'} and ($1::bigint[] is null or o.id = any($1::bigint[]))`,
        [scope.organizationIds ?? null],
      );
      return rows[0].n;
    },

    /** One page of candidates, by id (keyset). */
    async candidates(afterId: number, limit: number, scope: { organizationIds?: number[]; outside?: boolean }): Promise<CandidateRow[]> {
      const rows = await db.query(
        `select ${ORG_TEXT_COLUMNS} from organizations o
          where ${scope.outside ? 'o.region is null' : 'o.region is not null'} and o.id > $1 and ($3::bigint[] is null or o.id = any($3::bigint[]))
          order by o.id limit $2`,
        [afterId, limit, scope.organizationIds ?? null],
      );
      return rows.map(toCandidate);
    },

    async linksOf(orgIds: number[], chainIds: number[]): Promise<LinkRow[]> {
      if (!orgIds.length) return [];
      const rows = await db.query(
        `select id, organization_id, node_id, chain_id, role, status, origin, score, evidence, decided_by
           from org_node_links where organization_id = any($1::bigint[]) and chain_id = any($2::bigint[])`,
        [orgIds, chainIds],
      );
      return rows.map(toLink);
    },

    /**
     * Inserts new suggestions and updates undecided auto links, in ONE statement (the diagnostics
     * triggers on org_node_links run once per statement). The conflict clause never overwrites a
     * link that was decided or made by a person in the meantime.
     */
    async upsertAutoLinks(rows: AutoLinkWrite[]): Promise<number> {
      if (!rows.length) return 0;
      const res = await db.query(
        `insert into org_node_links (organization_id, node_id, chain_id, role, status, origin, score, evidence, source)
         select x.organization_id, x.node_id, x.chain_id, x.role, x.status, 'auto', x.score, x.evidence, $2
           from jsonb_to_recordset($1::jsonb) as x(organization_id bigint, node_id bigint, chain_id bigint, role text, status text, score real, evidence jsonb)
         on conflict (organization_id, node_id) do update
            set role = excluded.role, status = excluded.status, score = excluded.score, evidence = excluded.evidence,
                source = excluded.source, updated_at = now()
          where org_node_links.origin = 'auto' and org_node_links.decided_by is null
         returning id`,
        [
          JSON.stringify(
            rows.map((r) => ({ organization_id: r.organizationId, node_id: r.nodeId, chain_id: r.chainId, role: r.role, status: r.status, score: r.score, evidence: r.evidence })),
          ),
          AUTO_SOURCE,
        ],
      );
      return res.length;
    },

    /** Removes undecided auto links (one statement). */
    async deleteAutoLinks(ids: number[]): Promise<number> {
      if (!ids.length) return 0;
      const res = await db.query(`delete from org_node_links where id = any($1::bigint[]) and origin = 'auto' and decided_by is null returning id`, [ids]);
      return res.length;
    },

    /** Removes links (checked by the caller: suggestions giving way to a move). */
    async deleteLinks(ids: number[]): Promise<void> {
      if (ids.length) await db.query(`delete from org_node_links where id = any($1::bigint[])`, [ids]);
    },

    /** Undecided auto links of the chains whose organisation is no longer a candidate (left 京津冀). */
    async deleteAutoLinksOfNonCandidates(chainIds: number[]): Promise<number> {
      const res = await db.query(
        `delete from org_node_links l using organizations o
          where o.id = l.organization_id and o.region is null and l.chain_id = any($1::bigint[]) and l.origin = 'auto' and l.decided_by is null
          returning l.id`,
        [chainIds],
      );
      return res.length;
    },

    async autoLinkCounts(chainIds: number[]): Promise<Map<number, { confirmed: number; review: number; kept: number }>> {
      const rows = await db.query<{ chain_id: number; confirmed: number; review: number; kept: number }>(
        `select chain_id,
                count(*) filter (where origin = 'auto' and decided_by is null and status = 'confirmed')::int as confirmed,
                count(*) filter (where origin = 'auto' and decided_by is null and status = 'review')::int as review,
                count(*) filter (where origin <> 'auto' or decided_by is not null)::int as kept
           from org_node_links where chain_id = any($1::bigint[]) group by chain_id`,
        [chainIds],
      );
      return new Map(rows.map((r) => [r.chain_id, { confirmed: r.confirmed, review: r.review, kept: r.kept }]));
    },

    /* ---------------------------------------------------------------- review queue */

    async reviewPage(f: { chainId: number | null; nodeId: number | null; region: string | null; minScore: number | null; limit: number; offset: number }) {
      const params = [f.chainId, f.nodeId, f.region, f.minScore, f.limit, f.offset];
      const where = `l.status = 'review' and ($1::bigint is null or l.chain_id = $1) and ($2::bigint is null or l.node_id = $2)
                 and ($3::text is null or o.region = $3) and ($4::float8 is null or l.score >= $4)`;
      const rows = await db.query(
        `select l.id, l.role, l.origin, l.score, l.evidence, l.source, l.created_at,
                o.id as org_id, o.name as org_name, o.short_name, o.kind, o.region, o.division_code, d.name as division_name, o.products,
                c.id as chain_id, c.code as chain_code, c.name as chain_name,
                n.id as node_id, n.name as node_name, s.name as segment_name, s.stage
           from org_node_links l
           join organizations o on o.id = l.organization_id
           join chain_nodes n on n.id = l.node_id
           join chain_segments s on s.id = n.segment_id
           join chains c on c.id = l.chain_id
           left join divisions d on d.code = o.division_code
          where ${where}
          order by l.score desc nulls last, l.id
          limit $5 offset $6`,
        params,
      );
      const total = await db.query<{ n: number }>(
        `select count(*)::int as n from org_node_links l join organizations o on o.id = l.organization_id where ${where}`,
        params.slice(0, 4),
      );
      const byChain = await db.query<{ chain_id: number; code: string; name: string; n: number }>(
        `select c.id as chain_id, c.code, c.name, count(*)::int as n
           from org_node_links l join organizations o on o.id = l.organization_id join chains c on c.id = l.chain_id
          where l.status = 'review' and ($1::bigint is null or l.node_id = $1) and ($2::text is null or o.region = $2) and ($3::float8 is null or l.score >= $3)
          group by c.id, c.code, c.name order by c.id`,
        [f.nodeId, f.region, f.minScore],
      );
      return { rows, total: total[0].n, byChain };
    },

    /** The links to decide, locked, with their organisation and node. */
    async lockLinks(ids: number[]) {
      return db.query(
        `select l.id, l.organization_id, l.node_id, l.chain_id, l.role, l.status, l.origin, l.score, l.evidence, l.decided_by,
                o.name as org_name, o.short_name, o.kind, o.region, n.name as node_name
           from org_node_links l join organizations o on o.id = l.organization_id join chain_nodes n on n.id = l.node_id
          where l.id = any($1::bigint[])
          order by l.id
          for update of l`,
        [ids],
      );
    },

    async setDecision(ids: number[], status: 'confirmed' | 'rejected', decidedBy: number) {
      return db.query(
        `update org_node_links set status = $2, decided_by = $3, decided_at = now(), updated_at = now()
          where id = any($1::bigint[]) returning id, organization_id, node_id, status, role`,
        [ids, status, decidedBy],
      );
    },

    /** Moves links to other nodes (confirmed, decided), one statement. */
    async moveLinks(rows: Array<{ id: number; nodeId: number; role: string; evidence: unknown }>, decidedBy: number) {
      return db.query(
        `update org_node_links l
            set node_id = x.node_id, role = x.role, evidence = x.evidence, status = 'confirmed', decided_by = $2, decided_at = now(), updated_at = now()
           from jsonb_to_recordset($1::jsonb) as x(id bigint, node_id bigint, role text, evidence jsonb)
          where l.id = x.id
          returning l.id, l.organization_id, l.node_id, l.status, l.role`,
        [JSON.stringify(rows.map((r) => ({ id: r.id, node_id: r.nodeId, role: r.role, evidence: r.evidence }))), decidedBy],
      );
    },

    /** Rejected, decided markers: the engine never suggests these (organisation, node) pairs again. */
    async insertRejectedMarkers(rows: Array<{ organizationId: number; nodeId: number; chainId: number; role: string; evidence: unknown }>, decidedBy: number) {
      if (!rows.length) return;
      await db.query(
        `insert into org_node_links (organization_id, node_id, chain_id, role, status, origin, evidence, source, decided_by, decided_at)
         select x.organization_id, x.node_id, x.chain_id, x.role, 'rejected', 'auto', x.evidence, $2, $3, now()
           from jsonb_to_recordset($1::jsonb) as x(organization_id bigint, node_id bigint, chain_id bigint, role text, evidence jsonb)
         on conflict (organization_id, node_id) do nothing`,
        [
          JSON.stringify(rows.map((r) => ({ organization_id: r.organizationId, node_id: r.nodeId, chain_id: r.chainId, role: r.role, evidence: r.evidence }))),
          '挂链审核：移出原节点 / moved away in review',
          decidedBy,
        ],
      );
    },

    /** Links on the given nodes of the given organisations (move targets). */
    async linksAt(pairs: Array<{ organizationId: number; nodeId: number }>) {
      if (!pairs.length) return [];
      const rows = await db.query(
        `select l.id, l.organization_id, l.node_id, l.chain_id, l.role, l.status, l.origin, l.score, l.evidence, l.decided_by
           from org_node_links l join jsonb_to_recordset($1::jsonb) as x(organization_id bigint, node_id bigint)
             on l.organization_id = x.organization_id and l.node_id = x.node_id`,
        [JSON.stringify(pairs.map((p) => ({ organization_id: p.organizationId, node_id: p.nodeId })))],
      );
      return rows.map(toLink);
    },

    async node(id: number) {
      const rows = await db.query(
        `select n.id, n.chain_id, n.name, n.keywords, n.description, s.name as segment_name, s.stage, c.code as chain_code, c.name as chain_name
           from chain_nodes n join chain_segments s on s.id = n.segment_id join chains c on c.id = n.chain_id where n.id = $1`,
        [id],
      );
      return rows[0] ?? null;
    },

    /** Many audit entries in one statement (same shape as recordAudit). */
    async auditMany(actor: Actor, recs: Array<{ action: string; entityType: string; entityId: string | number; region: string | null; summary: string; before?: unknown; after?: unknown }>) {
      if (!recs.length) return;
      await db.query(
        `insert into audit_log (actor_id, actor_name, action, entity_type, entity_id, region, summary, before, after)
         select $2, $3, x.action, x.entity_type, x.entity_id, x.region, x.summary, x.before, x.after
           from jsonb_to_recordset($1::jsonb) as x(action text, entity_type text, entity_id text, region text, summary text, before jsonb, after jsonb)`,
        [
          JSON.stringify(
            recs.map((r) => ({
              action: r.action,
              entity_type: r.entityType,
              entity_id: String(r.entityId),
              region: r.region,
              summary: r.summary,
              before: r.before ?? null,
              after: r.after ?? null,
            })),
          ),
          actor.userId || null,
          actor.displayName === actor.username ? actor.username : `${actor.displayName} (${actor.username})`,
        ],
      );
    },

    /* ---------------------------------------------------------------- jobs */

    async insertJob(j: { kind: string; params: unknown; total: number; createdBy: number | null; createdByName: string }): Promise<Job> {
      const rows = await db.query(
        `insert into jobs (kind, params, total, created_by, created_by_name) values ($1, $2, $3, $4, $5) returning *`,
        [j.kind, JSON.stringify(j.params ?? null), j.total, j.createdBy, j.createdByName],
      );
      return toJob(rows[0]);
    },
    async getJob(id: number): Promise<Job | null> {
      const rows = await db.query(`select * from jobs where id = $1`, [id]);
      return rows[0] ? toJob(rows[0]) : null;
    },
    async listJobs(kind: string, limit: number): Promise<Job[]> {
      return (await db.query(`select * from jobs where kind = $1 order by created_at desc, id desc limit $2`, [kind, limit])).map(toJob);
    },
    async activeJobs(kind: string): Promise<Job[]> {
      return (await db.query(`select * from jobs where kind = $1 and status in ('queued', 'running') order by id`, [kind])).map(toJob);
    },
    async startJob(id: number) {
      await db.query(`update jobs set status = 'running', started_at = now(), updated_at = now() where id = $1`, [id]);
    },
    async progressJob(id: number, progress: number, total: number) {
      await db.query(`update jobs set progress = $2, total = $3, updated_at = now() where id = $1 and status = 'running'`, [id, progress, total]);
    },
    async finishJob(id: number, result: unknown) {
      await db.query(`update jobs set status = 'done', progress = total, result = $2, finished_at = now(), updated_at = now() where id = $1`, [id, JSON.stringify(result)]);
    },
    async failJob(id: number, error: string) {
      await db.query(`update jobs set status = 'failed', error = $2, finished_at = now(), updated_at = now() where id = $1`, [id, error.slice(0, 2000)]);
    },

    /* ---------------------------------------------------------------- targets and plan */

    /** Organisations outside 京津冀 with products, with their province. */
    async outsideOrganizations(): Promise<Array<CandidateRow & { provinceCode: string | null; province: string | null; stockCode: string | null; tags: string[] }>> {
      const rows = await db.query(
        `select ${ORG_TEXT_COLUMNS}, o.province_code, p.name as province, o.stock_code, o.tags
           from organizations o left join divisions p on p.code = o.province_code || '0000'
          where o.region is null and cardinality(o.products) > 0
          order by o.id`,
      );
      return rows.map((r) => ({ ...toCandidate(r), provinceCode: r.province_code, province: r.province, stockCode: r.stock_code, tags: r.tags ?? [] }));
    },

    /** Confirmed organisations of the nodes (examples shown with the targets; key regions). */
    async confirmedOnChain(chainId: number) {
      return db.query<{ node_id: number; organization_id: number; name: string; short_name: string | null; region: string | null; division_code: string | null; kind: string }>(
        `select l.node_id, o.id as organization_id, o.name, o.short_name, o.region, o.division_code, o.kind
           from org_node_links l join organizations o on o.id = l.organization_id
          where l.chain_id = $1 and l.status = 'confirmed'
          order by l.node_id, o.id`,
        [chainId],
      );
    },

    async divisionNames(codes: string[]): Promise<Map<string, string>> {
      if (!codes.length) return new Map();
      const rows = await db.query<{ code: string; name: string }>(`select code, name from divisions where code = any($1::text[])`, [codes]);
      return new Map(rows.map((r) => [r.code, r.name]));
    },

    /** A cheap fingerprint of what the targets depend on (links, nodes, organisations outside). */
    async dataVersion(): Promise<string> {
      const rows = await db.query(
        `select (select count(*)::int from org_node_links) as links, (select max(updated_at) from org_node_links) as lu,
                (select max(updated_at) from chain_nodes) as nu, (select count(*)::int from organizations where region is null) as outside`,
      );
      const r = rows[0];
      return `${r.links}|${iso(r.lu)}|${iso(r.nu)}|${r.outside}`;
    },
  };
}
export type AttachRepository = ReturnType<typeof createAttachRepository>;
