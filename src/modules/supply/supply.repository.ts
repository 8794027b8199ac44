import type { Queryable } from '../../db/db.ts';

/** A link ready to be written (validated; organisations and node known to exist). */
export interface SupplyLinkRow {
  buyerOrgId: number;
  supplierOrgId: number;
  part: string;
  nodeId: number | null;
  amountWan: number | null;
  year: number;
  source: string;
  sourceRef: string | null;
}

/** Resolved filters of a rate query. All present filters apply together. */
export interface ScopeFilter {
  buyerId?: number;
  chainId?: number;
  region?: string;
}

export type WhereSide = 'all' | 'inside' | 'outside';

export interface OrgBrief {
  id: number;
  name: string;
  shortName: string | null;
  region: 'BJ' | 'TJ' | 'HE' | null;
  provinceCode: string | null;
  divisionCode: string | null;
}

const toOrg = (r: any): OrgBrief => ({
  id: r.id,
  name: r.name,
  shortName: r.short_name,
  region: r.region,
  provinceCode: r.province_code,
  divisionCode: r.division_code,
});

/** SQL for "supplier inside 京津冀" / "outside (location known)" on alias l. */
export const INSIDE_SQL = `l.supplier_region is not null`;
export const OUTSIDE_SQL = `(l.supplier_region is null and l.supplier_province_code is not null)`;

function sideSql(side: WhereSide): string {
  return side === 'inside' ? `and ${INSIDE_SQL}` : side === 'outside' ? `and ${OUTSIDE_SQL}` : '';
}

/** Builds the scope condition on alias l, appending its parameters to args. */
export function scopeSql(scope: ScopeFilter, args: unknown[]): string {
  const parts: string[] = [];
  const arg = (v: unknown) => {
    args.push(v);
    return `$${args.length}`;
  };
  if (scope.buyerId !== undefined) parts.push(`l.buyer_org_id = ${arg(scope.buyerId)}`);
  if (scope.region !== undefined) parts.push(`l.buyer_region = ${arg(scope.region)}`);
  if (scope.chainId !== undefined) parts.push(`l.node_id in (select n.id from chain_nodes n where n.chain_id = ${arg(scope.chainId)})`);
  return parts.length ? parts.join(' and ') : 'true';
}

const LINK_SELECT = `
  select l.*,
         b.name as b_name, b.short_name as b_short_name, b.region as b_region, b.province_code as b_province_code, b.division_code as b_division_code,
         s.name as s_name, s.short_name as s_short_name, s.region as s_region, s.province_code as s_province_code, s.division_code as s_division_code,
         p.name as s_province_name, n.name as node_name, c.code as chain_code, c.name as chain_name
    from supply_links l
    join organizations b on b.id = l.buyer_org_id
    join organizations s on s.id = l.supplier_org_id
    left join divisions p on p.code = s.province_code || '0000'
    left join chain_nodes n on n.id = l.node_id
    left join chains c on c.id = n.chain_id`;

export interface SupplyLinkRecord extends SupplyLinkRow {
  id: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  buyer: OrgBrief;
  supplier: OrgBrief & { provinceName: string | null };
  nodeName: string | null;
  chainCode: string | null;
  chainName: string | null;
}

export function toLinkRecord(r: any): SupplyLinkRecord {
  return {
    id: r.id,
    buyerOrgId: r.buyer_org_id,
    supplierOrgId: r.supplier_org_id,
    part: r.part,
    nodeId: r.node_id,
    amountWan: r.amount_wan,
    year: r.year,
    source: r.source,
    sourceRef: r.source_ref,
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    buyer: { id: r.buyer_org_id, name: r.b_name, shortName: r.b_short_name, region: r.b_region, provinceCode: r.b_province_code, divisionCode: r.b_division_code },
    supplier: {
      id: r.supplier_org_id,
      name: r.s_name,
      shortName: r.s_short_name,
      region: r.s_region,
      provinceCode: r.s_province_code,
      divisionCode: r.s_division_code,
      provinceName: r.s_province_name ?? null,
    },
    nodeName: r.node_name ?? null,
    chainCode: r.chain_code ?? null,
    chainName: r.chain_name ?? null,
  };
}

/** Rows grouped by year and supplier province (the input of the rate computation). */
export interface RateRow {
  year: number;
  province_code: string | null;
  region: string | null;
  links: number;
  suppliers: number;
  amount: number;
  with_amount: number;
  province_name?: string | null;
}

export function createSupplyRepository(db: Queryable) {
  return {
    async orgs(ids: number[]): Promise<Map<number, OrgBrief>> {
      if (!ids.length) return new Map();
      const rows = await db.query(`select id, name, short_name, region, province_code, division_code from organizations where id = any($1::bigint[])`, [ids]);
      return new Map(rows.map((r) => [r.id as number, toOrg(r)]));
    },

    async nodeExists(id: number): Promise<boolean> {
      return (await db.query(`select 1 from chain_nodes where id = $1`, [id])).length > 0;
    },

    async get(id: number, opts: { forUpdate?: boolean } = {}): Promise<SupplyLinkRecord | null> {
      const rows = await db.query(`${LINK_SELECT} where l.id = $1 ${opts.forUpdate ? 'for update of l' : ''}`, [id]);
      return rows[0] ? toLinkRecord(rows[0]) : null;
    },

    async findKey(k: { buyerOrgId: number; supplierOrgId: number; part: string; year: number }): Promise<number | null> {
      const rows = await db.query<{ id: number }>(
        `select id from supply_links where buyer_org_id = $1 and supplier_org_id = $2 and part = $3 and year = $4`,
        [k.buyerOrgId, k.supplierOrgId, k.part, k.year],
      );
      return rows[0]?.id ?? null;
    },

    /** Inserts one link (location columns copied from organizations); null when the key exists. */
    async insert(row: SupplyLinkRow): Promise<number | null> {
      const rows = await db.query<{ id: number }>(
        `insert into supply_links (buyer_org_id, supplier_org_id, part, node_id, amount_wan, year, source, source_ref,
                                   buyer_region, supplier_province_code, supplier_region)
         select $1, $2, $3, $4, $5, $6, $7, $8, b.region, s.province_code, s.region
           from organizations b, organizations s where b.id = $1 and s.id = $2
         on conflict (buyer_org_id, supplier_org_id, part, year) do nothing
         returning id`,
        [row.buyerOrgId, row.supplierOrgId, row.part, row.nodeId, row.amountWan, row.year, row.source, row.sourceRef],
      );
      return rows[0]?.id ?? null;
    },

    async update(id: number, row: SupplyLinkRow): Promise<void> {
      await db.query(
        `update supply_links l set supplier_org_id = $2, part = $3, node_id = $4, amount_wan = $5, year = $6, source_ref = $7,
                supplier_province_code = s.province_code, supplier_region = s.region, version = l.version + 1, updated_at = now()
           from organizations s where s.id = $2 and l.id = $1`,
        [id, row.supplierOrgId, row.part, row.nodeId, row.amountWan, row.year, row.sourceRef],
      );
    },

    async remove(id: number): Promise<void> {
      await db.query(`delete from supply_links where id = $1`, [id]);
    },

    /**
     * Inserts or updates many links at once (import, seed). A row whose (buyer, supplier, part,
     * year) exists updates its node, amount and provenance. Returns each row's id and whether it
     * was created.
     */
    async upsertMany(rows: SupplyLinkRow[]): Promise<Array<{ id: number; inserted: boolean }>> {
      if (!rows.length) return [];
      return db.query<{ id: number; inserted: boolean }>(
        `insert into supply_links (buyer_org_id, supplier_org_id, part, node_id, amount_wan, year, source, source_ref,
                                   buyer_region, supplier_province_code, supplier_region)
         select u.buyer, u.supplier, u.part, u.node, u.amount, u.year, u.source, u.source_ref, b.region, s.province_code, s.region
           from unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::numeric[], $6::int[], $7::text[], $8::text[])
                  as u(buyer, supplier, part, node, amount, year, source, source_ref)
           join organizations b on b.id = u.buyer
           join organizations s on s.id = u.supplier
         on conflict (buyer_org_id, supplier_org_id, part, year) do update
            set node_id = excluded.node_id, amount_wan = excluded.amount_wan, source = excluded.source, source_ref = excluded.source_ref,
                version = supply_links.version + 1, updated_at = now()
         returning id, (xmax = 0) as inserted`,
        [
          rows.map((r) => r.buyerOrgId),
          rows.map((r) => r.supplierOrgId),
          rows.map((r) => r.part),
          rows.map((r) => r.nodeId),
          rows.map((r) => r.amountWan),
          rows.map((r) => r.year),
          rows.map((r) => r.source),
          rows.map((r) => r.sourceRef),
        ],
      );
    },

    /** How many of these rows already exist (same buyer, supplier, part and year). */
    async countExisting(rows: SupplyLinkRow[]): Promise<number> {
      if (!rows.length) return 0;
      const r = await db.query<{ n: number }>(
        `select count(*)::int as n from supply_links l
           join unnest($1::bigint[], $2::bigint[], $3::text[], $4::int[]) as u(buyer, supplier, part, year)
             on l.buyer_org_id = u.buyer and l.supplier_org_id = u.supplier and l.part = u.part and l.year = u.year`,
        [rows.map((x) => x.buyerOrgId), rows.map((x) => x.supplierOrgId), rows.map((x) => x.part), rows.map((x) => x.year)],
      );
      return r[0].n;
    },

    async list(
      scope: ScopeFilter,
      f: { supplierId?: number; year?: number; nodeId?: number; where: WhereSide; visibleTo?: number; limit: number; offset: number },
    ): Promise<{ items: SupplyLinkRecord[]; total: number }> {
      const args: unknown[] = [];
      let where = scopeSql(scope, args);
      const arg = (v: unknown) => {
        args.push(v);
        return `$${args.length}`;
      };
      if (f.supplierId !== undefined) where += ` and l.supplier_org_id = ${arg(f.supplierId)}`;
      if (f.year !== undefined) where += ` and l.year = ${arg(f.year)}`;
      if (f.nodeId !== undefined) where += ` and l.node_id = ${arg(f.nodeId)}`;
      if (f.visibleTo !== undefined) where += ` and (l.buyer_org_id = ${arg(f.visibleTo)} or l.supplier_org_id = $${args.length})`;
      where += ` ${sideSql(f.where)}`;
      const total = (await db.query<{ n: number }>(`select count(*)::int as n from supply_links l where ${where}`, args))[0].n;
      const rows = await db.query(
        `${LINK_SELECT} where ${where} order by l.year desc, l.amount_wan desc nulls last, l.id limit ${arg(f.limit)} offset ${arg(f.offset)}`,
        args,
      );
      return { items: rows.map(toLinkRecord), total };
    },

    /** Links grouped by year and supplier province: the whole input of a supporting-rate answer. */
    async rateRows(scope: ScopeFilter): Promise<RateRow[]> {
      const args: unknown[] = [];
      const where = scopeSql(scope, args);
      // Two levels (per supplier, then per province) rather than count(distinct): a hash
      // aggregate instead of a sort per group, which matters for chains and regions.
      return db.query<RateRow>(
        `select y.*, d.name as province_name
           from (select x.year, x.province_code, x.region, sum(x.links)::int as links, count(*)::int as suppliers,
                        sum(x.amount) as amount, sum(x.with_amount)::int as with_amount
                   from (select l.year, l.supplier_province_code as province_code, l.supplier_region as region, l.supplier_org_id,
                                count(*) as links, coalesce(sum(l.amount_wan), 0) as amount, count(l.amount_wan) as with_amount
                           from supply_links l where ${where}
                          group by l.year, l.supplier_province_code, l.supplier_region, l.supplier_org_id) x
                  group by x.year, x.province_code, x.region) y
           left join divisions d on d.code = y.province_code || '0000'`,
        args,
      );
    },

    async latestYear(scope: ScopeFilter): Promise<number | null> {
      const args: unknown[] = [];
      const where = scopeSql(scope, args);
      const rows = await db.query<{ y: number | null }>(`select max(l.year) as y from supply_links l where ${where}`, args);
      return rows[0]?.y ?? null;
    },

    /** Suppliers of the scope in a year, biggest amount first, with their location for the map. */
    async suppliers(scope: ScopeFilter, year: number, side: WhereSide, limit: number) {
      const args: unknown[] = [];
      const where = scopeSql(scope, args);
      args.push(year, limit);
      return db.query(
        `with s as (
           select l.supplier_org_id as id, count(*)::int as links, coalesce(sum(l.amount_wan), 0) as amount,
                  count(distinct l.buyer_org_id)::int as buyers, array_agg(distinct l.part) as parts
             from supply_links l where ${where} and l.year = $${args.length - 1} ${sideSql(side)}
            group by l.supplier_org_id)
         select s.*, o.name, o.short_name, o.region, o.province_code, o.division_code,
                d.name as division_name, d.level as division_level, p.name as province_name, count(*) over () as total
           from s join organizations o on o.id = s.id
           left join divisions d on d.code = o.division_code
           left join divisions p on p.code = o.province_code || '0000'
          order by s.amount desc, s.links desc, o.id
          limit $${args.length}`,
        args,
      );
    },

    /** The same suppliers summed per division: county (or city) inside 京津冀, province outside. */
    async supplierDivisions(scope: ScopeFilter, year: number, side: WhereSide) {
      const args: unknown[] = [];
      const where = scopeSql(scope, args);
      args.push(year);
      return db.query(
        `with s as (
           select l.supplier_org_id as id, count(*)::int as links, coalesce(sum(l.amount_wan), 0) as amount
             from supply_links l where ${where} and l.year = $${args.length} ${sideSql(side)}
            group by l.supplier_org_id),
         placed as (
           select case when o.region is null then o.province_code || '0000' else o.division_code end as code, s.links, s.amount
             from s join organizations o on o.id = s.id
            where o.division_code is not null)
         select x.code, d.name, d.level, d.province_code, count(*)::int as suppliers, sum(x.links)::int as links, sum(x.amount) as amount
           from placed x join divisions d on d.code = x.code
          group by x.code, d.name, d.level, d.province_code
          order by amount desc, suppliers desc, x.code`,
        args,
      );
    },

    /** Per node: inside and outside measures, for nodes with at least one outside purchase. */
    async outsideNodeRows(scope: ScopeFilter, year: number) {
      const args: unknown[] = [];
      const where = scopeSql(scope, args);
      args.push(year);
      return db.query(
        `select l.node_id,
                count(*) filter (where ${INSIDE_SQL})::int as in_links,
                count(distinct l.supplier_org_id) filter (where ${INSIDE_SQL})::int as in_suppliers,
                coalesce(sum(l.amount_wan) filter (where ${INSIDE_SQL}), 0) as in_amount,
                count(*) filter (where ${OUTSIDE_SQL})::int as out_links,
                count(distinct l.supplier_org_id) filter (where ${OUTSIDE_SQL})::int as out_suppliers,
                coalesce(sum(l.amount_wan) filter (where ${OUTSIDE_SQL}), 0) as out_amount,
                count(*) filter (where l.supplier_province_code is null)::int as unknown_links,
                count(distinct l.supplier_org_id) filter (where l.supplier_province_code is null)::int as unknown_suppliers,
                coalesce(sum(l.amount_wan) filter (where l.supplier_province_code is null), 0) as unknown_amount
           from supply_links l where ${where} and l.year = $${args.length}
          group by l.node_id
         having count(*) filter (where ${OUTSIDE_SQL}) > 0`,
        args,
      );
    },

    async outsideSuppliersByNode(scope: ScopeFilter, year: number) {
      const args: unknown[] = [];
      const where = scopeSql(scope, args);
      args.push(year);
      return db.query(
        `with x as (
           select l.node_id, l.supplier_org_id, count(*)::int as links, coalesce(sum(l.amount_wan), 0) as amount, array_agg(distinct l.part) as parts
             from supply_links l where ${where} and l.year = $${args.length} and ${OUTSIDE_SQL}
            group by l.node_id, l.supplier_org_id)
         select x.*, o.name, o.short_name, o.province_code, p.name as province_name
           from x join organizations o on o.id = x.supplier_org_id
           left join divisions p on p.code = o.province_code || '0000'
          order by x.amount desc, x.links desc, o.id`,
        args,
      );
    },

    async nodeInfo(ids: number[]) {
      if (!ids.length) return [];
      return db.query(
        `select n.id, n.name, c.code as chain_code, c.name as chain_name, s.name as segment_name, s.stage
           from chain_nodes n join chains c on c.id = n.chain_id join chain_segments s on s.id = n.segment_id
          where n.id = any($1::bigint[])`,
        [ids],
      );
    },

    /** Confirmed 京津冀 organisations attached to each node (matchmaking candidates). */
    async localCandidates(ids: number[]) {
      if (!ids.length) return [];
      return db.query<{ node_id: number; region: string; n: number }>(
        `select l.node_id, o.region, count(distinct l.organization_id)::int as n
           from org_node_links l join organizations o on o.id = l.organization_id
          where l.node_id = any($1::bigint[]) and l.status = 'confirmed' and o.region is not null
          group by l.node_id, o.region`,
        [ids],
      );
    },
  };
}
export type SupplyRepository = ReturnType<typeof createSupplyRepository>;
