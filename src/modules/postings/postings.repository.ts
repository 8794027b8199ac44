import type { Queryable } from '../../db/db.ts';
import { queryTokens } from '../../lib/text.ts';
import type { Region } from '../accounts/accounts.schemas.ts';
import type { OrgKind } from '../organizations/organizations.schemas.ts';
import type { Direction, MatchStage, PostingKind, PostingListQuery } from './postings.schemas.ts';

export interface PostingRow {
  organizationId: number;
  orgRegion: Region | null;
  orgKind: OrgKind;
  direction: Direction;
  kind: PostingKind;
  title: string;
  description: string;
  fields: Record<string, unknown>;
  stage: MatchStage | null;
  nodeIds: number[];
  regionsWanted: Region[];
  deadline: string | null;
  expiresAt: string;
  status: 'open' | 'closed';
  closedReason: string | null;
  source: string;
  createdBy: number | null;
  searchText: string;
}

export interface PostingRecord extends PostingRow {
  id: number;
  version: number;
  expired: boolean;
  createdAt: string;
  updatedAt: string;
  orgName: string;
  orgShortName: string | null;
}

const COLUMNS: Array<[keyof PostingRow, string]> = [
  ['organizationId', 'organization_id'],
  ['orgRegion', 'org_region'],
  ['orgKind', 'org_kind'],
  ['direction', 'direction'],
  ['kind', 'kind'],
  ['title', 'title'],
  ['description', 'description'],
  ['fields', 'fields'],
  ['stage', 'stage'],
  ['nodeIds', 'node_ids'],
  ['regionsWanted', 'regions_wanted'],
  ['deadline', 'deadline'],
  ['expiresAt', 'expires_at'],
  ['status', 'status'],
  ['closedReason', 'closed_reason'],
  ['source', 'source'],
  ['createdBy', 'created_by'],
  ['searchText', 'search_text'],
];
export const POSTING_COLUMNS = COLUMNS;

export const isoDate = (v: unknown): string | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);

export function toPostingRecord(r: any): PostingRecord {
  return {
    id: r.id,
    organizationId: r.organization_id,
    orgRegion: r.org_region,
    orgKind: r.org_kind,
    direction: r.direction,
    kind: r.kind,
    title: r.title,
    description: r.description ?? '',
    fields: r.fields ?? {},
    stage: r.stage,
    nodeIds: (r.node_ids ?? []).map(Number),
    regionsWanted: r.regions_wanted ?? [],
    deadline: isoDate(r.deadline),
    expiresAt: new Date(r.expires_at).toISOString(),
    status: r.status,
    closedReason: r.closed_reason,
    source: r.source,
    createdBy: r.created_by,
    searchText: r.search_text,
    version: r.version,
    expired: !!r.expired,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    orgName: r.org_name,
    orgShortName: r.org_short_name ?? null,
  };
}

function params(row: PostingRow): unknown[] {
  return COLUMNS.map(([k]) => (k === 'fields' ? JSON.stringify(row[k]) : row[k]));
}

/** Every column but the tsvector (large, and only the index needs it). */
const COLS = `p.id, p.organization_id, p.org_region, p.org_kind, p.direction, p.kind, p.title, p.description, p.fields, p.stage,
  p.node_ids, p.regions_wanted, p.deadline, p.expires_at, p.status, p.closed_reason, p.source, p.created_by, p.search_text,
  p.version, p.created_at, p.updated_at`;
const SELECT = `select ${COLS}, p.expires_at <= now() as expired, o.name as org_name, o.short_name as org_short_name
                  from postings p join organizations o on o.id = p.organization_id`;

export interface NodeRef {
  id: number;
  name: string;
  chainId: number;
  chainName: string;
}

export function createPostingsRepository(db: Queryable) {
  return {
    async insert(row: PostingRow): Promise<PostingRecord> {
      const cols = COLUMNS.map(([, c]) => c);
      const rows = await db.query<{ id: number }>(
        `insert into postings (${cols.join(',')}) values (${cols.map((_, i) => `$${i + 1}`).join(',')}) returning id`,
        params(row),
      );
      return (await this.getById(rows[0].id))!;
    },

    async update(id: number, row: PostingRow): Promise<PostingRecord> {
      const cols = COLUMNS.map(([, c]) => c);
      await db.query(
        `update postings set ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')}, version = version + 1, updated_at = now() where id = $1`,
        [id, ...params(row)],
      );
      return (await this.getById(id))!;
    },

    async remove(id: number): Promise<void> {
      await db.query(`delete from postings where id = $1`, [id]);
    },

    async getById(id: number, opts: { forUpdate?: boolean } = {}): Promise<PostingRecord | null> {
      const rows = await db.query(`${SELECT} where p.id = $1 ${opts.forUpdate ? 'for update of p' : ''}`, [id]);
      return rows[0] ? toPostingRecord(rows[0]) : null;
    },

    async getByIds(ids: number[]): Promise<Map<number, PostingRecord>> {
      if (!ids.length) return new Map();
      const rows = await db.query(`${SELECT} where p.id = any($1::bigint[])`, [ids]);
      return new Map(rows.map((r) => [Number(r.id), toPostingRecord(r)]));
    },

    async list(q: PostingListQuery, mineOrgId: number | null, visibility: { allStatuses: boolean; ownOrgId: number | null }) {
      const where: string[] = [];
      const args: unknown[] = [];
      const arg = (v: unknown) => {
        args.push(v);
        return `$${args.length}`;
      };
      if (q.q) {
        const tsq = `plainto_tsquery('simple', ${arg(queryTokens(q.q).join(' '))})`;
        where.push(`(p.search_tsv @@ ${tsq} or p.title like ${arg(`%${q.q.replace(/[%_\\]/g, (m) => '\\' + m)}%`)})`);
      }
      if (q.direction) where.push(`p.direction = ${arg(q.direction)}`);
      if (q.kind) where.push(`p.kind = ${arg(q.kind)}`);
      if (q.region) where.push(`p.org_region = ${arg(q.region)}`);
      if (q.organizationId) where.push(`p.organization_id = ${arg(q.organizationId)}`);
      if (mineOrgId) where.push(`p.organization_id = ${arg(mineOrgId)}`);
      if (q.nodeId) where.push(`p.node_ids @> array[${arg(q.nodeId)}::bigint]`);
      if (q.status === 'open') where.push(`p.status = 'open' and p.expires_at > now()`);
      else if (q.status === 'closed') where.push(`p.status = 'closed'`);
      else if (q.status === 'expired') where.push(`p.status = 'open' and p.expires_at <= now()`);
      // Outside the live pool, others' postings are visible to officials and administrators only.
      if (!visibility.allStatuses && q.status !== 'open')
        where.push(`((p.status = 'open' and p.expires_at > now()) or p.organization_id = ${arg(visibility.ownOrgId ?? 0)})`);
      const whereSql = where.length ? `where ${where.join(' and ')}` : '';
      const offset = (q.page - 1) * q.pageSize;
      const rows = await db.query(
        `select ${COLS}, p.expires_at <= now() as expired, o.name as org_name, o.short_name as org_short_name, count(*) over () as total
           from postings p join organizations o on o.id = p.organization_id ${whereSql}
          order by p.created_at desc, p.id desc limit ${arg(q.pageSize)} offset ${arg(offset)}`,
        args,
      );
      let total = Number(rows[0]?.total ?? 0);
      if (!rows.length && offset > 0) {
        const c = await db.query<{ n: number }>(`select count(*)::int as n from postings p ${whereSql}`, args.slice(0, args.length - 2));
        total = c[0].n;
      }
      return { items: rows.map(toPostingRecord), total };
    },

    async nodeRefs(ids: number[]): Promise<Map<number, NodeRef>> {
      if (!ids.length) return new Map();
      const rows = await db.query(
        `select n.id, n.name, n.chain_id, c.name as chain_name from chain_nodes n join chains c on c.id = n.chain_id where n.id = any($1::bigint[])`,
        [ids],
      );
      return new Map(rows.map((r) => [Number(r.id), { id: Number(r.id), name: r.name, chainId: Number(r.chain_id), chainName: r.chain_name }]));
    },

    async orgBrief(id: number, opts: { forShare?: boolean } = {}) {
      const rows = await db.query(`select id, name, short_name, kind, region from organizations where id = $1 ${opts.forShare ? 'for share' : ''}`, [id]);
      const r = rows[0];
      return r ? { id: Number(r.id), name: r.name as string, shortName: (r.short_name ?? null) as string | null, kind: r.kind as OrgKind, region: (r.region ?? null) as Region | null } : null;
    },
  };
}
export type PostingsRepository = ReturnType<typeof createPostingsRepository>;
