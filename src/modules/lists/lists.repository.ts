import type { Queryable } from '../../db/db.ts';
import type { Region } from '../accounts/accounts.schemas.ts';
import type { EntryOrgRole, EntryStatus, ListKind } from './lists.schemas.ts';

export interface EntryRow {
  id: number;
  chainId: number;
  nodeId: number | null;
  nodeName: string | null;
  segmentName: string | null;
  kind: ListKind;
  region: Region;
  title: string;
  description: string | null;
  leadRegion: Region | null;
  department: string | null;
  ownerName: string | null;
  status: EntryStatus;
  dueOn: string | null;
  origin: 'manual' | 'proposed';
  proposalKey: string | null;
  proposalReason: string | null;
  proposalFacts: unknown;
  proposalStale: boolean;
  proposalCheckedAt: string | null;
  decided: boolean;
  decidedBy: string | null;
  decidedAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** Ordering helpers (segment and node position). */
  segmentPosition: number | null;
  nodePosition: number | null;
}

export interface EntryOrgRow {
  entryId: number;
  organizationId: number;
  name: string;
  shortName: string | null;
  kind: string;
  region: Region | null;
  role: EntryOrgRole;
  note: string | null;
  addedBy: string;
  addedAt: string;
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());

const toEntry = (r: any): EntryRow => ({
  id: r.id,
  chainId: r.chain_id,
  nodeId: r.node_id,
  nodeName: r.node_name ?? null,
  segmentName: r.segment_name ?? null,
  kind: r.kind,
  region: r.region,
  title: r.title,
  description: r.description,
  leadRegion: r.lead_region,
  department: r.department,
  ownerName: r.owner_name,
  status: r.status,
  dueOn: r.due_on,
  origin: r.origin,
  proposalKey: r.proposal_key,
  proposalReason: r.proposal_reason,
  proposalFacts: r.proposal_facts,
  proposalStale: r.proposal_stale,
  proposalCheckedAt: iso(r.proposal_checked_at),
  decided: r.decided,
  decidedBy: r.decided_by_name,
  decidedAt: iso(r.decided_at),
  createdBy: r.created_by_name,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
  version: r.version,
  segmentPosition: r.segment_position ?? null,
  nodePosition: r.node_position ?? null,
});

const SELECT_ENTRY = `
  select e.id, e.chain_id, e.node_id, e.kind, e.region, e.title, e.description, e.lead_region, e.department, e.owner_name,
         e.status, e.due_on::text as due_on, e.origin, e.proposal_key, e.proposal_reason, e.proposal_facts, e.proposal_stale,
         e.proposal_checked_at, e.decided, e.decided_by_name, e.decided_at, e.created_by_name, e.created_at, e.updated_at, e.version,
         n.name as node_name, s.name as segment_name, s.position as segment_position, n.position as node_position
    from list_entries e
    left join chain_nodes n on n.id = e.node_id
    left join chain_segments s on s.id = n.segment_id`;

const ORDER = `order by e.chain_id, case e.kind when 'kadian' then 0 when 'duandian' then 1 else 2 end,
  s.position nulls last, n.position nulls last, n.id nulls last, e.id`;

export type EntryWrite = {
  chainId: number;
  nodeId: number | null;
  kind: ListKind;
  region: Region;
  title: string;
  description: string | null;
  leadRegion: Region | null;
  department: string | null;
  ownerName: string | null;
  status: EntryStatus;
  dueOn: string | null;
  origin: 'manual' | 'proposed';
  proposalKey: string | null;
  proposalReason: string | null;
  proposalFacts: unknown;
  decided: boolean;
  by: { id: number | null; name: string };
};

export function createListsRepository(db: Queryable) {
  return {
    async get(id: number, opts: { forUpdate?: boolean } = {}): Promise<EntryRow | null> {
      if (opts.forUpdate) await db.query(`select id from list_entries where id = $1 for update`, [id]);
      const rows = await db.query(`${SELECT_ENTRY} where e.id = $1`, [id]);
      return rows[0] ? toEntry(rows[0]) : null;
    },
    async list(
      chainId: number,
      f: { kind?: ListKind; status?: EntryStatus; region?: Region; nodeId?: number; origin?: string; excludeStatus?: EntryStatus[] } = {},
    ): Promise<EntryRow[]> {
      const rows = await db.query(
        `${SELECT_ENTRY}
          where e.chain_id = $1 and ($2::text is null or e.kind = $2) and ($3::text is null or e.status = $3)
            and ($4::text is null or e.region = $4) and ($5::bigint is null or e.node_id = $5) and ($6::text is null or e.origin = $6)
            and not (e.status = any($7::text[]))
          ${ORDER}`,
        [chainId, f.kind ?? null, f.status ?? null, f.region ?? null, f.nodeId ?? null, f.origin ?? null, f.excludeStatus ?? []],
      );
      return rows.map(toEntry);
    },
    async counts(chainId: number) {
      return db.query<{ kind: ListKind; status: EntryStatus; n: number }>(
        `select kind, status, count(*)::int as n from list_entries where chain_id = $1 group by 1, 2`,
        [chainId],
      );
    },
    async orgsOf(entryIds: number[]): Promise<EntryOrgRow[]> {
      if (!entryIds.length) return [];
      const rows = await db.query(
        `select eo.entry_id, eo.organization_id, o.name, o.short_name, o.kind, o.region, eo.role, eo.note, eo.added_by_name, eo.added_at
           from list_entry_orgs eo join organizations o on o.id = eo.organization_id
          where eo.entry_id = any($1::bigint[])
          order by eo.entry_id, case eo.role when 'subject' then 0 when 'team_member' then 1 when 'target' then 2 else 3 end, eo.added_at, o.id`,
        [entryIds],
      );
      return rows.map((r: any) => ({
        entryId: r.entry_id,
        organizationId: r.organization_id,
        name: r.name,
        shortName: r.short_name,
        kind: r.kind,
        region: r.region,
        role: r.role,
        note: r.note,
        addedBy: r.added_by_name,
        addedAt: iso(r.added_at)!,
      }));
    },
    async insert(e: EntryWrite): Promise<number> {
      const rows = await db.query<{ id: number }>(
        `insert into list_entries (chain_id, node_id, kind, region, title, description, lead_region, department, owner_name, status, due_on,
           origin, proposal_key, proposal_reason, proposal_facts, proposal_checked_at, decided, decided_by, decided_by_name, decided_at,
           created_by, created_by_name)
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11::date,$12,$13,$14,$15, case when $12 = 'proposed' then now() end,
           $16, case when $16 then $17::bigint end, case when $16 then $18 end, case when $16 then now() end, $17, $18)
         returning id`,
        [
          e.chainId,
          e.nodeId,
          e.kind,
          e.region,
          e.title,
          e.description,
          e.leadRegion,
          e.department,
          e.ownerName,
          e.status,
          e.dueOn,
          e.origin,
          e.proposalKey,
          e.proposalReason,
          e.proposalFacts === undefined || e.proposalFacts === null ? null : JSON.stringify(e.proposalFacts),
          e.decided,
          e.by.id,
          e.by.name,
        ],
      );
      return rows[0].id;
    },
    /** An official's edit: the fields given, and the entry is decided from now on. */
    async updateByOfficial(
      id: number,
      f: Partial<Pick<EntryRow, 'nodeId' | 'title' | 'description' | 'region' | 'leadRegion' | 'department' | 'ownerName' | 'dueOn' | 'status'>>,
      by: { id: number | null; name: string },
    ) {
      const sets: string[] = [];
      const params: unknown[] = [id];
      const col: Record<string, string> = {
        nodeId: 'node_id',
        title: 'title',
        description: 'description',
        region: 'region',
        leadRegion: 'lead_region',
        department: 'department',
        ownerName: 'owner_name',
        dueOn: 'due_on',
        status: 'status',
      };
      for (const [k, v] of Object.entries(f)) {
        if (v === undefined) continue;
        params.push(v);
        sets.push(`${col[k]} = $${params.length}${k === 'dueOn' ? '::date' : ''}`);
      }
      params.push(by.id, by.name);
      const byId = `$${params.length - 1}::bigint`;
      const byName = `$${params.length}`;
      await db.query(
        `update list_entries set ${sets.map((s) => s + ', ').join('')}decided = true, decided_by = ${byId}, decided_by_name = ${byName},
           decided_at = now(), updated_at = now(), version = version + 1 where id = $1`,
        params,
      );
    },
    /** Diagnostics refreshing a still-undecided proposal. Never used on a decided entry (checked in SQL too). */
    async updateProposal(
      id: number,
      p: { nodeId: number | null; region: Region; leadRegion: Region | null; department: string | null; title: string; description: string | null; reason: string; facts: unknown; stale: boolean },
    ) {
      const rows = await db.query(
        `update list_entries set node_id = $2, region = $3, lead_region = $4, department = $5, title = $6, description = $7,
           proposal_reason = $8, proposal_facts = $9, proposal_stale = $10, proposal_checked_at = now(), updated_at = now(), version = version + 1
          where id = $1 and origin = 'proposed' and not decided returning id`,
        [id, p.nodeId, p.region, p.leadRegion, p.department, p.title, p.description, p.reason, JSON.stringify(p.facts ?? null), p.stale],
      );
      return rows.length > 0;
    },
    async markProposalsChecked(ids: number[]) {
      if (!ids.length) return;
      await db.query(`update list_entries set proposal_checked_at = now() where id = any($1::bigint[]) and not decided`, [ids]);
    },
    async setStale(id: number, stale: boolean) {
      const rows = await db.query(
        `update list_entries set proposal_stale = $2, proposal_checked_at = now(), updated_at = now(), version = version + 1
          where id = $1 and origin = 'proposed' and not decided returning id`,
        [id, stale],
      );
      return rows.length > 0;
    },
    async proposalsOf(chainId: number) {
      return (await db.query(`${SELECT_ENTRY} where e.chain_id = $1 and e.origin = 'proposed' for update of e`, [chainId])).map(toEntry);
    },
    async getOrg(entryId: number, organizationId: number) {
      const rows = await db.query(`select role, note from list_entry_orgs where entry_id = $1 and organization_id = $2`, [entryId, organizationId]);
      return (rows[0] as { role: EntryOrgRole; note: string | null } | undefined) ?? null;
    },
    async upsertOrg(entryId: number, o: { organizationId: number; role: EntryOrgRole; note: string | null }, by: { id: number | null; name: string }) {
      await db.query(
        `insert into list_entry_orgs (entry_id, organization_id, role, note, added_by, added_by_name) values ($1,$2,$3,$4,$5,$6)
         on conflict (entry_id, organization_id) do update set role = excluded.role, note = excluded.note`,
        [entryId, o.organizationId, o.role, o.note, by.id, by.name],
      );
    },
    async deleteOrg(entryId: number, organizationId: number) {
      const rows = await db.query(`delete from list_entry_orgs where entry_id = $1 and organization_id = $2 returning 1`, [entryId, organizationId]);
      return rows.length > 0;
    },
    async history(entryId: number) {
      return db.query(
        `select id, at, actor_id, actor_name, action, entity_type, entity_id, region, summary, before, after
           from audit_log where entity_type = 'list_entry' and entity_id = $1 order by at, id`,
        [String(entryId)],
      );
    },
  };
}
export type ListsRepository = ReturnType<typeof createListsRepository>;
