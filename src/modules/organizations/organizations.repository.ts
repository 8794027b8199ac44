import type { Queryable } from '../../db/db.ts';
import { copyText } from '../../db/copy.ts';
import type { Region } from '../accounts/accounts.schemas.ts';
import type { OrganizationListQuery, OrganizationSummary, OrgKind } from './organizations.schemas.ts';
import { queryTokens } from '../../lib/text.ts';

/** A row ready to be written: validated, with derived fields (province, region, search text). */
export interface OrganizationRow {
  kind: OrgKind;
  name: string;
  shortName: string | null;
  aliases: string[];
  uscc: string | null;
  divisionCode: string | null;
  provinceCode: string | null;
  region: Region | null;
  industryCode: string | null;
  stockCode: string | null;
  products: string[];
  businessScope: string | null;
  description: string | null;
  employees: number | null;
  revenueWan: number | null;
  registeredCapitalWan: number | null;
  foundedOn: string | null;
  website: string | null;
  contact: Record<string, string> | null;
  tags: string[];
  source: string;
  sourceRef: string | null;
  searchText: string;
}

export const ORG_COLUMNS: Array<[keyof OrganizationRow, string]> = [
  ['kind', 'kind'],
  ['name', 'name'],
  ['shortName', 'short_name'],
  ['aliases', 'aliases'],
  ['uscc', 'uscc'],
  ['divisionCode', 'division_code'],
  ['provinceCode', 'province_code'],
  ['region', 'region'],
  ['industryCode', 'industry_code'],
  ['stockCode', 'stock_code'],
  ['products', 'products'],
  ['businessScope', 'business_scope'],
  ['description', 'description'],
  ['employees', 'employees'],
  ['revenueWan', 'revenue_wan'],
  ['registeredCapitalWan', 'registered_capital_wan'],
  ['foundedOn', 'founded_on'],
  ['website', 'website'],
  ['contact', 'contact'],
  ['tags', 'tags'],
  ['source', 'source'],
  ['sourceRef', 'source_ref'],
  ['searchText', 'search_text'],
];

export interface OrganizationRecord extends OrganizationRow {
  id: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  divisionName: string | null;
  industryName: string | null;
}

export function toRecord(r: any): OrganizationRecord {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    shortName: r.short_name,
    aliases: r.aliases ?? [],
    uscc: r.uscc,
    divisionCode: r.division_code,
    provinceCode: r.province_code,
    region: r.region,
    industryCode: r.industry_code,
    stockCode: r.stock_code,
    products: r.products ?? [],
    businessScope: r.business_scope,
    description: r.description,
    employees: r.employees,
    revenueWan: r.revenue_wan,
    registeredCapitalWan: r.registered_capital_wan,
    foundedOn: r.founded_on ? (r.founded_on instanceof Date ? r.founded_on.toISOString().slice(0, 10) : String(r.founded_on).slice(0, 10)) : null,
    website: r.website,
    contact: r.contact,
    tags: r.tags ?? [],
    source: r.source,
    sourceRef: r.source_ref,
    searchText: r.search_text,
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    divisionName: r.division_name ?? null,
    industryName: r.industry_name ?? null,
  };
}

export function toSummary(r: any): OrganizationSummary {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    shortName: r.short_name,
    region: r.region,
    divisionCode: r.division_code,
    divisionName: r.division_name ?? null,
    industryCode: r.industry_code,
    industryName: r.industry_name ?? null,
    stockCode: r.stock_code,
    products: r.products ?? [],
    source: r.source,
  };
}

function params(row: OrganizationRow): unknown[] {
  return ORG_COLUMNS.map(([k]) => {
    const v = row[k];
    if (k === 'contact') return v ? JSON.stringify(v) : null;
    return v;
  });
}

export function createOrganizationsRepository(db: Queryable) {
  return {
    async insert(row: OrganizationRow): Promise<OrganizationRecord> {
      const cols = ORG_COLUMNS.map(([, c]) => c);
      const rows = await db.query(
        `insert into organizations (${cols.join(',')}) values (${cols.map((_, i) => `$${i + 1}`).join(',')}) returning *`,
        params(row),
      );
      return toRecord(rows[0]);
    },

    async update(id: number, row: OrganizationRow): Promise<OrganizationRecord> {
      const cols = ORG_COLUMNS.map(([, c]) => c);
      const rows = await db.query(
        `update organizations set ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')},
           version = version + 1, updated_at = now() where id = $1 returning *`,
        [id, ...params(row)],
      );
      return toRecord(rows[0]);
    },

    async remove(id: number): Promise<void> {
      await db.query(`delete from organizations where id = $1`, [id]);
    },

    async getById(id: number, opts: { forUpdate?: boolean } = {}): Promise<OrganizationRecord | null> {
      const rows = await db.query(
        `select o.*, d.name as division_name, i.name as industry_name from organizations o
           left join divisions d on d.code = o.division_code left join industries i on i.code = o.industry_code
          where o.id = $1 ${opts.forUpdate ? 'for update of o' : ''}`,
        [id],
      );
      return rows[0] ? toRecord(rows[0]) : null;
    },

    async findUscc(uscc: string): Promise<number | null> {
      const rows = await db.query<{ id: number }>(`select id from organizations where uscc = $1`, [uscc]);
      return rows[0]?.id ?? null;
    },

    async findUsccs(usccs: string[]): Promise<Map<string, number>> {
      if (!usccs.length) return new Map();
      const rows = await db.query<{ id: number; uscc: string }>(`select id, uscc from organizations where uscc = any($1::text[])`, [usccs]);
      return new Map(rows.map((r) => [r.uscc, r.id]));
    },

    async links(orgId: number) {
      return db.query(
        `select l.id, l.chain_id, c.code as chain_code, c.name as chain_name, l.node_id, n.name as node_name,
                s.name as segment_name, s.stage, l.role, l.status, l.origin, l.score, l.source
           from org_node_links l join chain_nodes n on n.id = l.node_id join chain_segments s on s.id = n.segment_id
           join chains c on c.id = l.chain_id
          where l.organization_id = $1 and l.status <> 'rejected' order by c.id, s.position, n.position`,
        [orgId],
      );
    },

    async search(q: OrganizationListQuery): Promise<{ items: OrganizationSummary[]; total: number }> {
      const where: string[] = [];
      const args: unknown[] = [];
      const arg = (v: unknown) => {
        args.push(v);
        return `$${args.length}`;
      };
      let rank = 'null::real';
      if (q.q) {
        const tokens = queryTokens(q.q);
        const tsq = `plainto_tsquery('simple', ${arg(tokens.join(' '))})`;
        const like = arg(`%${q.q.replace(/[%_\\]/g, (m) => '\\' + m)}%`);
        where.push(`(o.search_tsv @@ ${tsq} or o.name like ${like} or o.short_name like ${like} or o.stock_code = upper(${arg(q.q)}))`);
        rank = `(case when o.short_name = ${arg(q.q)} or o.name = $${args.length} then 10 else 0 end
                 + case when o.name like ${like} or o.short_name like ${like} then 2 else 0 end
                 + ts_rank(o.search_tsv, ${tsq}))`;
      }
      if (q.region === 'outside') where.push(`o.region is null`);
      else if (q.region) where.push(`o.region = ${arg(q.region)}`);
      if (q.kind) where.push(`o.kind = ${arg(q.kind)}`);
      if (q.industry) where.push(`o.industry_code like ${arg(q.industry)} || '%'`);
      if (q.division) {
        const d = arg(q.division);
        where.push(`(o.division_code = ${d} or o.division_code in (select code from divisions where parent_code = ${d})
                     or o.province_code || '0000' = ${d})`);
      }
      if (q.nodeId) where.push(`exists (select 1 from org_node_links l where l.organization_id = o.id and l.node_id = ${arg(q.nodeId)} and l.status = 'confirmed')`);
      if (q.chainId) where.push(`exists (select 1 from org_node_links l where l.organization_id = o.id and l.chain_id = ${arg(q.chainId)} and l.status = 'confirmed')`);
      const whereSql = where.length ? `where ${where.join(' and ')}` : '';
      const offset = (q.page - 1) * q.pageSize;
      const rows = await db.query(
        `select o.id, o.kind, o.name, o.short_name, o.region, o.division_code, o.industry_code, o.stock_code,
                o.products[1:8] as products, o.source, d.name as division_name, i.name as industry_name,
                ${rank} as rank, count(*) over () as total
           from organizations o
           left join divisions d on d.code = o.division_code
           left join industries i on i.code = o.industry_code
          ${whereSql}
          order by ${q.q ? 'rank desc,' : ''} o.region nulls last, o.id
          limit ${arg(q.pageSize)} offset ${arg(offset)}`,
        args,
      );
      let total = rows[0]?.total ?? 0;
      if (!rows.length && offset > 0) {
        const c = await db.query<{ n: number }>(`select count(*)::int as n from organizations o ${whereSql}`, args.slice(0, args.length - 2));
        total = c[0].n;
      }
      return { items: rows.map(toSummary), total };
    },

    async stats() {
      const byRegionKind = await db.query<{ region: string; kind: string; count: number }>(
        `select coalesce(region, 'outside') as region, kind, count(*)::int as count from organizations group by 1, 2 order by 1, 2`,
      );
      const byDivision = await db.query<{ code: string; name: string; level: number; count: number }>(
        `select d.code, d.name, d.level, count(*)::int as count from organizations o join divisions d on d.code = o.division_code
          where o.region is not null group by d.code, d.name, d.level order by d.code`,
      );
      const total = byRegionKind.reduce((s, r) => s + r.count, 0);
      return { total, byRegionKind, byDivision };
    },

    /**
     * Bulk update: `lines` is COPY text of (id, every ORG_COLUMNS column) per row; the rows are
     * staged in a temporary table (dropped at commit) and written with one UPDATE, which does what
     * update() does row by row (all columns, version + 1, updated_at).
     */
    async updateFromCopy(lines: string): Promise<void> {
      const cols = ORG_COLUMNS.map(([, c]) => c);
      await db.query(`create temp table if not exists organizations_import_stage (like organizations including defaults) on commit drop`);
      await db.query(`truncate organizations_import_stage`);
      await db.copyRows('organizations_import_stage', ['id', ...cols], [lines]);
      await db.query(
        `update organizations o set ${cols.map((c) => `${c} = s.${c}`).join(', ')}, version = o.version + 1, updated_at = now()
           from organizations_import_stage s where o.id = s.id`,
      );
    },

    /** Bulk insert with COPY; rows must be validated already. */
    async copyInsert(rows: AsyncIterable<OrganizationRow[]> | Iterable<OrganizationRow[]>): Promise<void> {
      const cols = ORG_COLUMNS.map(([, c]) => c);
      async function* lines() {
        for await (const batch of rows as AsyncIterable<OrganizationRow[]>) {
          let out = '';
          for (const row of batch) out += ORG_COLUMNS.map(([k]) => copyText(row[k])).join('\t') + '\n';
          yield out;
        }
      }
      await db.copyRows('organizations', cols, lines());
    },
  };
}
export type OrganizationsRepository = ReturnType<typeof createOrganizationsRepository>;
