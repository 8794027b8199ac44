import type { Queryable } from '../../db/db.ts';
import { stageSql } from './diagnostics.rules.ts';

export interface NodeRegionRow {
  node_id: number;
  region: 'BJ' | 'TJ' | 'HE' | 'outside';
  orgs: number;
  chain_leader: number;
  key_enterprise: number;
  supplier: number;
  rnd_role: number;
  pilot_role: number;
  production_role: number;
  service: number;
  st_rnd: number;
  st_pilot: number;
  st_production: number;
  revenue_sum: number;
  revenue_n: number;
}

export interface AnchorRow {
  node_id: number;
  organization_id: number;
  name: string;
  short_name: string | null;
  region: 'BJ' | 'TJ' | 'HE' | null;
  role: 'chain_leader' | 'key_enterprise';
  revenue_wan: number | null;
}

const LINK_STAGE = stageSql('l.role', 'o.kind');

/** The per node × region figures, from the trigger-kept node_org_stats (one row per node × region × status). */
const NODE_REGION_COLUMNS = [
  'node_id',
  'region',
  'orgs',
  'chain_leader',
  'key_enterprise',
  'supplier',
  'rnd_role',
  'pilot_role',
  'production_role',
  'service',
  'st_rnd',
  'st_pilot',
  'st_production',
  'revenue_sum',
  'revenue_n',
] as const;
const NODE_REGION_SELECT = `
  select node_id, region, sum(n)::int as orgs,
         sum(chain_leader)::int as chain_leader, sum(key_enterprise)::int as key_enterprise, sum(supplier)::int as supplier,
         sum(rnd_role)::int as rnd_role, sum(pilot_role)::int as pilot_role, sum(production_role)::int as production_role,
         sum(service)::int as service, sum(st_rnd)::int as st_rnd, sum(st_pilot)::int as st_pilot, sum(st_production)::int as st_production,
         sum(revenue_sum)::float8 as revenue_sum, sum(revenue_n)::int as revenue_n
    from node_org_stats`;

/**
 * Wraps a query so that it returns ONE row holding a JSON array of arrays. PGlite decodes many
 * rows × columns slowly (2,000 × 15 took ~50 ms); one JSON value is decoded by JSON.parse in a few.
 * Same result on both engines.
 */
function asJsonArrays(sql: string, columns: readonly string[], orderBy?: string): string {
  return `select coalesce(json_agg(json_build_array(${columns.map((c) => `x.${c}`).join(', ')})${orderBy ? ` order by x.${orderBy}` : ''}), '[]') as j from (${sql}) x`;
}
async function jsonRows<T>(db: Queryable, sql: string, columns: readonly string[], params: unknown[], orderBy?: string): Promise<T[]> {
  const rows = await db.query<{ j: unknown[][] | string }>(asJsonArrays(sql, columns, orderBy), params);
  const raw = rows[0]?.j ?? [];
  const arrays = typeof raw === 'string' ? (JSON.parse(raw) as unknown[][]) : raw;
  return arrays.map((a) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) o[columns[i]] = a[i];
    return o as T;
  });
}

const ANCHOR_COLUMNS = ['node_id', 'organization_id', 'name', 'short_name', 'region', 'role', 'revenue_wan'] as const;

export function createDiagnosticsRepository(db: Queryable) {
  return {
    /** The chain's nodes in map order (segment, then node position): only what diagnostics needs. */
    async nodes(chainId: number): Promise<Array<{ id: number; name: string; segmentId: number }>> {
      return db.query(
        `select n.id, n.name, n.segment_id as "segmentId" from chain_nodes n join chain_segments s on s.id = n.segment_id
          where n.chain_id = $1 order by s.position, n.position, n.id`,
        [chainId],
      );
    },
    /** One row per node × region (BJ, TJ, HE, outside) that has attachments of the given statuses. */
    async chainNodeRegions(chainId: number, statuses: string[]): Promise<NodeRegionRow[]> {
      return jsonRows<NodeRegionRow>(
        db,
        `${NODE_REGION_SELECT} where chain_id = $1 and status = any($2::text[]) group by node_id, region having sum(n) > 0`,
        NODE_REGION_COLUMNS,
        [chainId, statuses],
      );
    },
    async nodeRegions(chainId: number, nodeId: number, statuses: string[]): Promise<NodeRegionRow[]> {
      return jsonRows<NodeRegionRow>(
        db,
        `${NODE_REGION_SELECT} where chain_id = $1 and node_id = $2 and status = any($3::text[]) group by node_id, region having sum(n) > 0`,
        NODE_REGION_COLUMNS,
        [chainId, nodeId, statuses],
      );
    },
    /** Chain leaders and key enterprises of a chain (or of one node), biggest first. */
    async anchors(chainId: number, statuses: string[], nodeId: number | null = null): Promise<AnchorRow[]> {
      return jsonRows<AnchorRow>(
        db,
        `select l.node_id, l.organization_id, o.name, o.short_name, o.region, l.role, o.revenue_wan::float8 as revenue_wan,
                row_number() over (order by l.node_id, (l.role = 'chain_leader') desc, o.revenue_wan desc nulls last, o.name, o.id) as rank
           from org_node_links l join organizations o on o.id = l.organization_id
          where l.chain_id = $1 and l.role in ('chain_leader', 'key_enterprise') and l.status = any($2::text[])
            and ($3::bigint is null or l.node_id = $3)`,
        ANCHOR_COLUMNS,
        [chainId, statuses, nodeId],
        'rank',
      );
    },
    /** The organisations on a node for the panel and the county map, 京津冀 and anchors first. */
    async nodeOrganizations(nodeId: number, statuses: string[], limit: number) {
      const rows = await jsonRows<{
        organization_id: number;
        role: string;
        status: string;
        name: string;
        short_name: string | null;
        kind: string;
        region: 'BJ' | 'TJ' | 'HE' | null;
        division_code: string | null;
        division_name: string | null;
        division_level: number | null;
        revenue_wan: number | null;
      }>(
        db,
        `select l.organization_id, l.role, l.status, o.name, o.short_name, o.kind, o.region, o.division_code,
                d.name as division_name, d.level as division_level, o.revenue_wan::float8 as revenue_wan,
                row_number() over (order by (o.region is null), case l.role when 'chain_leader' then 0 when 'key_enterprise' then 1 else 2 end,
                                   o.region, o.revenue_wan desc nulls last, o.name, o.id) as rank
           from org_node_links l join organizations o on o.id = l.organization_id
           left join divisions d on d.code = o.division_code
          where l.node_id = $1 and l.status = any($2::text[])
          order by rank
          limit $3`,
        ['organization_id', 'role', 'status', 'name', 'short_name', 'kind', 'region', 'division_code', 'division_name', 'division_level', 'revenue_wan'],
        [nodeId, statuses, limit],
        'rank',
      );
      const total = await db.query<{ n: number }>(`select count(*)::int as n from org_node_links where node_id = $1 and status = any($2::text[])`, [
        nodeId,
        statuses,
      ]);
      return { rows, total: total[0].n };
    },
    /** Attachments of a node per division (county when level 3), with stage counts. */
    async nodeCounties(nodeId: number, statuses: string[]) {
      return jsonRows<{ code: string | null; name: string | null; level: number | null; region: string | null; n: number; rnd: number; pilot: number; production: number }>(
        db,
        `select o.division_code as code, d.name, d.level, o.region, count(*)::int as n,
                count(*) filter (where ${LINK_STAGE.rnd})::int as rnd,
                count(*) filter (where ${LINK_STAGE.pilot})::int as pilot,
                count(*) filter (where ${LINK_STAGE.production})::int as production
           from org_node_links l join organizations o on o.id = l.organization_id
           left join divisions d on d.code = o.division_code
          where l.node_id = $1 and l.status = any($2::text[])
          group by o.division_code, d.name, d.level, o.region`,
        ['code', 'name', 'level', 'region', 'n', 'rnd', 'pilot', 'production'],
        [nodeId, statuses],
      );
    },
    async getRules(chainId: number): Promise<{ rules: unknown; updated_at: Date; updated_by_name: string; version: number } | null> {
      const rows = await db.query(`select rules, updated_at, updated_by_name, version from chain_diagnostic_rules where chain_id = $1`, [chainId]);
      return (rows[0] as any) ?? null;
    },
    async putRules(chainId: number, rules: unknown, by: { id: number | null; name: string }) {
      const rows = await db.query(
        `insert into chain_diagnostic_rules (chain_id, rules, updated_by, updated_by_name) values ($1, $2, $3, $4)
         on conflict (chain_id) do update set rules = excluded.rules, updated_by = excluded.updated_by,
           updated_by_name = excluded.updated_by_name, updated_at = now(), version = chain_diagnostic_rules.version + 1
         returning rules, updated_at, updated_by_name, version`,
        [chainId, JSON.stringify(rules), by.id, by.name],
      );
      return rows[0] as any;
    },
  };
}

/**
 * Recomputes node_org_stats from org_node_links (all chains, or one). The triggers keep it current;
 * this is for a TRUNCATE-free repair and for tests that check the triggers.
 */
export async function rebuildNodeOrgStats(db: Queryable, chainId: number | null = null): Promise<void> {
  await db.query(`delete from node_org_stats where ($1::bigint is null or chain_id = $1)`, [chainId]);
  const src = `org_node_links l join organizations o on o.id = l.organization_id${chainId === null ? '' : ` where l.chain_id = ${Number(chainId)}`}`;
  const sql = (await db.query<{ q: string }>(`select node_org_stats_sql($1, 1) as q`, [src]))[0].q;
  await db.query(sql);
}

/** The same per node × region figures computed straight from the attachments (no summary table). */
export async function chainNodeRegionsDirect(db: Queryable, chainId: number, statuses: string[]): Promise<NodeRegionRow[]> {
  return db.query<NodeRegionRow>(
    `select l.node_id, coalesce(o.region, 'outside') as region,
            count(*)::int as orgs,
            count(*) filter (where l.role = 'chain_leader')::int as chain_leader,
            count(*) filter (where l.role = 'key_enterprise')::int as key_enterprise,
            count(*) filter (where l.role = 'supplier')::int as supplier,
            count(*) filter (where l.role = 'rnd')::int as rnd_role,
            count(*) filter (where l.role = 'pilot')::int as pilot_role,
            count(*) filter (where l.role = 'production')::int as production_role,
            count(*) filter (where l.role = 'service')::int as service,
            count(*) filter (where ${LINK_STAGE.rnd})::int as st_rnd,
            count(*) filter (where ${LINK_STAGE.pilot})::int as st_pilot,
            count(*) filter (where ${LINK_STAGE.production})::int as st_production,
            coalesce(sum(o.revenue_wan), 0)::float8 as revenue_sum,
            count(o.revenue_wan)::int as revenue_n
       from org_node_links l join organizations o on o.id = l.organization_id
      where l.chain_id = $1 and l.status = any($2::text[])
      group by 1, 2`,
    [chainId, statuses],
  );
}
