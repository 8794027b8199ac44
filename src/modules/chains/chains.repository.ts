import type { Queryable } from '../../db/db.ts';

export interface ChainRow {
  id: number;
  code: string;
  name: string;
  nameEn: string | null;
  scope: string;
  leadRegion: 'BJ' | 'TJ' | 'HE' | null;
  ownerRegion: 'BJ' | 'TJ' | 'HE' | null;
  description: string | null;
  source: string;
  version: number;
}
export interface SegmentRow {
  id: number;
  chainId: number;
  name: string;
  nameEn: string | null;
  stage: 'upstream' | 'midstream' | 'downstream';
  position: number;
}
export interface NodeRow {
  id: number;
  chainId: number;
  segmentId: number;
  parentId: number | null;
  name: string;
  nameEn: string | null;
  keywords: string[];
  description: string | null;
  position: number;
}

const toChain = (r: any): ChainRow => ({
  id: r.id,
  code: r.code,
  name: r.name,
  nameEn: r.name_en,
  scope: r.scope,
  leadRegion: r.lead_region,
  ownerRegion: r.owner_region,
  description: r.description,
  source: r.source,
  version: r.version,
});
const toSegment = (r: any): SegmentRow => ({ id: r.id, chainId: r.chain_id, name: r.name, nameEn: r.name_en, stage: r.stage, position: r.position });
const toNode = (r: any): NodeRow => ({
  id: r.id,
  chainId: r.chain_id,
  segmentId: r.segment_id,
  parentId: r.parent_id,
  name: r.name,
  nameEn: r.name_en,
  keywords: r.keywords ?? [],
  description: r.description,
  position: r.position,
});

export function createChainsRepository(db: Queryable) {
  return {
    async listChains(): Promise<ChainRow[]> {
      return (await db.query(`select * from chains order by case scope when 'joint' then 0 else 1 end, id`)).map(toChain);
    },
    async getChain(idOrCode: number | string, opts: { forUpdate?: boolean } = {}): Promise<ChainRow | null> {
      const rows =
        typeof idOrCode === 'number'
          ? await db.query(`select * from chains where id = $1 ${opts.forUpdate ? 'for update' : ''}`, [idOrCode])
          : await db.query(`select * from chains where code = $1 ${opts.forUpdate ? 'for update' : ''}`, [idOrCode]);
      return rows[0] ? toChain(rows[0]) : null;
    },
    async insertChain(c: Omit<ChainRow, 'id' | 'version'>): Promise<ChainRow> {
      const rows = await db.query(
        `insert into chains (code, name, name_en, scope, lead_region, owner_region, description, source)
         values ($1,$2,$3,$4,$5,$6,$7,$8) returning *`,
        [c.code, c.name, c.nameEn, c.scope, c.leadRegion, c.ownerRegion, c.description, c.source],
      );
      return toChain(rows[0]);
    },
    async updateChain(id: number, c: Partial<ChainRow>): Promise<ChainRow> {
      const rows = await db.query(
        `update chains set name = coalesce($2, name), name_en = $3, scope = coalesce($4, scope), lead_region = $5,
           owner_region = $6, description = $7, version = version + 1, updated_at = now() where id = $1 returning *`,
        [id, c.name, c.nameEn, c.scope, c.leadRegion, c.ownerRegion, c.description],
      );
      return toChain(rows[0]);
    },
    async touchChain(id: number) {
      await db.query(`update chains set version = version + 1, updated_at = now() where id = $1`, [id]);
    },
    async deleteChain(id: number) {
      await db.query(`delete from chains where id = $1`, [id]);
    },
    async segments(chainId: number): Promise<SegmentRow[]> {
      return (await db.query(`select * from chain_segments where chain_id = $1 order by position, id`, [chainId])).map(toSegment);
    },
    async getSegment(id: number): Promise<SegmentRow | null> {
      const rows = await db.query(`select * from chain_segments where id = $1`, [id]);
      return rows[0] ? toSegment(rows[0]) : null;
    },
    async insertSegment(s: Omit<SegmentRow, 'id'>): Promise<SegmentRow> {
      const rows = await db.query(
        `insert into chain_segments (chain_id, name, name_en, stage, position) values ($1,$2,$3,$4,$5) returning *`,
        [s.chainId, s.name, s.nameEn, s.stage, s.position],
      );
      return toSegment(rows[0]);
    },
    async updateSegment(id: number, s: Omit<SegmentRow, 'id' | 'chainId'>): Promise<SegmentRow> {
      const rows = await db.query(
        `update chain_segments set name = $2, name_en = $3, stage = $4, position = $5, updated_at = now() where id = $1 returning *`,
        [id, s.name, s.nameEn, s.stage, s.position],
      );
      return toSegment(rows[0]);
    },
    async deleteSegment(id: number) {
      await db.query(`delete from chain_segments where id = $1`, [id]);
    },
    async nodes(chainId: number): Promise<NodeRow[]> {
      return (
        await db.query(
          `select n.* from chain_nodes n join chain_segments s on s.id = n.segment_id where n.chain_id = $1 order by s.position, n.position, n.id`,
          [chainId],
        )
      ).map(toNode);
    },
    async getNode(id: number): Promise<NodeRow | null> {
      const rows = await db.query(`select * from chain_nodes where id = $1`, [id]);
      return rows[0] ? toNode(rows[0]) : null;
    },
    async insertNode(n: Omit<NodeRow, 'id'>): Promise<NodeRow> {
      const rows = await db.query(
        `insert into chain_nodes (chain_id, segment_id, parent_id, name, name_en, keywords, description, position)
         values ($1,$2,$3,$4,$5,$6,$7,$8) returning *`,
        [n.chainId, n.segmentId, n.parentId, n.name, n.nameEn, n.keywords, n.description, n.position],
      );
      return toNode(rows[0]);
    },
    async updateNode(id: number, n: Omit<NodeRow, 'id' | 'chainId'>): Promise<NodeRow> {
      const rows = await db.query(
        `update chain_nodes set segment_id = $2, parent_id = $3, name = $4, name_en = $5, keywords = $6, description = $7,
           position = $8, updated_at = now() where id = $1 returning *`,
        [id, n.segmentId, n.parentId, n.name, n.nameEn, n.keywords, n.description, n.position],
      );
      return toNode(rows[0]);
    },
    async deleteNode(id: number) {
      await db.query(`delete from chain_nodes where id = $1`, [id]);
    },
    async edges(chainId: number): Promise<Array<[number, number]>> {
      const rows = await db.query<{ from_node_id: number; to_node_id: number }>(
        `select from_node_id, to_node_id from chain_edges where chain_id = $1 order by from_node_id, to_node_id`,
        [chainId],
      );
      return rows.map((r) => [r.from_node_id, r.to_node_id]);
    },
    async insertEdge(chainId: number, from: number, to: number): Promise<boolean> {
      const rows = await db.query(
        `insert into chain_edges (chain_id, from_node_id, to_node_id) values ($1,$2,$3) on conflict do nothing returning 1`,
        [chainId, from, to],
      );
      return rows.length > 0;
    },
    async deleteEdge(from: number, to: number): Promise<boolean> {
      const rows = await db.query(`delete from chain_edges where from_node_id = $1 and to_node_id = $2 returning 1`, [from, to]);
      return rows.length > 0;
    },
    /** Confirmed attachments per node and region, and per node and role. */
    async nodeCounts(chainId: number) {
      const byRegion = await db.query<{ node_id: number; region: string; n: number }>(
        `select l.node_id, coalesce(o.region, 'outside') as region, count(*)::int as n
           from org_node_links l join organizations o on o.id = l.organization_id
          where l.chain_id = $1 and l.status = 'confirmed' group by 1, 2`,
        [chainId],
      );
      const byRole = await db.query<{ node_id: number; role: string; n: number }>(
        `select node_id, role, count(*)::int as n from org_node_links where chain_id = $1 and status = 'confirmed' group by 1, 2`,
        [chainId],
      );
      return { byRegion, byRole };
    },
    async chainCounts() {
      return db.query<{ chain_id: number; segments: number; nodes: number; edges: number }>(
        `select c.id as chain_id,
           (select count(*)::int from chain_segments s where s.chain_id = c.id) as segments,
           (select count(*)::int from chain_nodes n where n.chain_id = c.id) as nodes,
           (select count(*)::int from chain_edges e where e.chain_id = c.id) as edges
         from chains c`,
      );
    },
    async chainOrgCounts() {
      return db.query<{ chain_id: number; region: string; n: number }>(
        `select l.chain_id, coalesce(o.region, 'outside') as region, count(distinct l.organization_id)::int as n
           from org_node_links l join organizations o on o.id = l.organization_id where l.status = 'confirmed' group by 1, 2`,
      );
    },
    async nodeOrganizations(nodeId: number, opts: { includeReview?: boolean } = {}) {
      return db.query(
        `select l.id as link_id, l.role, l.status, l.origin, l.score, l.evidence, l.source,
                o.id as organization_id, o.name, o.short_name, o.kind, o.region, o.division_code, d.name as division_name
           from org_node_links l join organizations o on o.id = l.organization_id left join divisions d on d.code = o.division_code
          where l.node_id = $1 and (l.status = 'confirmed' ${opts.includeReview ? `or l.status = 'review'` : ''})
          order by case l.role when 'chain_leader' then 0 when 'key_enterprise' then 1 else 2 end, o.region nulls last, o.name`,
        [nodeId],
      );
    },
    async getLink(id: number) {
      const rows = await db.query(`select * from org_node_links where id = $1`, [id]);
      return rows[0] ?? null;
    },
    async upsertLink(l: {
      organizationId: number;
      nodeId: number;
      chainId: number;
      role: string;
      status: string;
      origin: string;
      score?: number | null;
      evidence?: unknown;
      source: string;
      decidedBy?: number | null;
    }) {
      const rows = await db.query(
        `insert into org_node_links (organization_id, node_id, chain_id, role, status, origin, score, evidence, source, decided_by, decided_at)
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10, case when $10::bigint is null then null else now() end)
         on conflict (organization_id, node_id) do update set role = excluded.role, status = excluded.status,
           origin = excluded.origin, score = excluded.score, evidence = excluded.evidence, source = excluded.source,
           decided_by = excluded.decided_by, decided_at = excluded.decided_at, updated_at = now()
         returning *`,
        [l.organizationId, l.nodeId, l.chainId, l.role, l.status, l.origin, l.score ?? null, l.evidence === undefined ? null : JSON.stringify(l.evidence), l.source, l.decidedBy ?? null],
      );
      return rows[0];
    },
    async deleteLink(id: number) {
      await db.query(`delete from org_node_links where id = $1`, [id]);
    },
  };
}
export type ChainsRepository = ReturnType<typeof createChainsRepository>;
