-- Diagnostics per node x region, and the three living lists (卡点 / 堵点 / 重点企业).
-- PostgreSQL 15 subset, runs unchanged on PGlite (PG 18).
-- Note for this file: src/db/migrate.ts splits on semicolons, so comments here stay on their own lines.

-- Per-chain diagnostic rules. No row = the documented defaults (src/modules/diagnostics/diagnostics.rules.ts).
-- A row always holds a complete rule set (the API merges a partial update with the current rules).
create table chain_diagnostic_rules (
  chain_id bigint primary key references chains(id) on delete cascade,
  rules jsonb not null,
  updated_by bigint,
  updated_by_name text not null,
  updated_at timestamptz not null default now(),
  version integer not null default 1
);

-- Stage of an attachment (role of the link, kind of the organisation). The one definition: the
-- summary below, the node panel and src/modules/diagnostics/diagnostics.rules.ts (checked by a test) use it.
--   R&D (0-1)        role rnd, or a university, institute or open lab
--   pilot (1-10)     role pilot, or a pilot-scale platform
--   production (10-N) an enterprise attached as production, supplier, chain leader or key enterprise
create function diag_stage_rnd(role text, kind text) returns boolean language sql immutable as $$
  select role = 'rnd' or kind in ('university', 'institute', 'open_lab')
$$;
create function diag_stage_pilot(role text, kind text) returns boolean language sql immutable as $$
  select role = 'pilot' or kind = 'pilot_platform'
$$;
create function diag_stage_production(role text, kind text) returns boolean language sql immutable as $$
  select kind = 'enterprise' and role in ('production', 'supplier', 'chain_leader', 'key_enterprise')
$$;

-- Attachment counts per chain, node, region and link status: by role, by stage, and the known
-- revenue. region is BJ, TJ, HE or outside. Kept current by the statement-level triggers below
-- (one grouped upsert per statement, also for COPY), so diagnosing a 500-node chain reads at most
-- 500 x 4 x 3 rows however many organisations are attached. Rows that fall to n = 0 are deleted.
-- Rebuild from scratch with rebuildNodeOrgStats() in src/modules/diagnostics/diagnostics.repository.ts.
create table node_org_stats (
  chain_id bigint not null,
  node_id bigint not null,
  region text not null,
  status text not null,
  n integer not null default 0,
  chain_leader integer not null default 0,
  key_enterprise integer not null default 0,
  supplier integer not null default 0,
  rnd_role integer not null default 0,
  pilot_role integer not null default 0,
  production_role integer not null default 0,
  service integer not null default 0,
  st_rnd integer not null default 0,
  st_pilot integer not null default 0,
  st_production integer not null default 0,
  revenue_n integer not null default 0,
  revenue_sum numeric not null default 0,
  primary key (chain_id, node_id, region, status)
);

-- The statement that adds (sign 1) or subtracts (sign -1) the attachments of a source to the summary.
-- src is a FROM clause (and optional WHERE) giving link columns as l and organisation columns as o.
-- The trigger functions below are generated from it (their transition tables are the source).
create function node_org_stats_sql(src text, sign integer) returns text language sql immutable as $$
  select format('insert into node_org_stats as s (chain_id, node_id, region, status, n, chain_leader, key_enterprise, supplier,
      rnd_role, pilot_role, production_role, service, st_rnd, st_pilot, st_production, revenue_n, revenue_sum)
    select l.chain_id, l.node_id, coalesce(o.region, %3$L), l.status,
      %1$s * count(*),
      %1$s * count(*) filter (where l.role = %4$L),
      %1$s * count(*) filter (where l.role = %5$L),
      %1$s * count(*) filter (where l.role = %6$L),
      %1$s * count(*) filter (where l.role = %7$L),
      %1$s * count(*) filter (where l.role = %8$L),
      %1$s * count(*) filter (where l.role = %9$L),
      %1$s * count(*) filter (where l.role = %10$L),
      %1$s * count(*) filter (where diag_stage_rnd(l.role, o.kind)),
      %1$s * count(*) filter (where diag_stage_pilot(l.role, o.kind)),
      %1$s * count(*) filter (where diag_stage_production(l.role, o.kind)),
      %1$s * count(o.revenue_wan),
      %1$s * coalesce(sum(o.revenue_wan), 0)
    from %2$s
    group by 1, 2, 3, 4
    on conflict (chain_id, node_id, region, status) do update set
      n = s.n + excluded.n, chain_leader = s.chain_leader + excluded.chain_leader,
      key_enterprise = s.key_enterprise + excluded.key_enterprise, supplier = s.supplier + excluded.supplier,
      rnd_role = s.rnd_role + excluded.rnd_role, pilot_role = s.pilot_role + excluded.pilot_role,
      production_role = s.production_role + excluded.production_role, service = s.service + excluded.service,
      st_rnd = s.st_rnd + excluded.st_rnd, st_pilot = s.st_pilot + excluded.st_pilot,
      st_production = s.st_production + excluded.st_production, revenue_n = s.revenue_n + excluded.revenue_n,
      revenue_sum = s.revenue_sum + excluded.revenue_sum',
    sign, src, 'outside', 'chain_leader', 'key_enterprise', 'supplier', 'rnd', 'pilot', 'production', 'service')
$$;

-- Deletes the rows that fell to zero on the nodes a source touched.
create function node_org_stats_cleanup_sql(src text) returns text language sql immutable as $$
  select format('delete from node_org_stats s using (select distinct l.chain_id, l.node_id from %s) k
     where s.chain_id = k.chain_id and s.node_id = k.node_id and s.n <= 0', src)
$$;

do $$
begin
  execute node_org_stats_sql('org_node_links l join organizations o on o.id = l.organization_id', 1);
end
$$;

-- The trigger functions are generated from node_org_stats_sql, so that their statements are static
-- (planned once per connection) while the summary logic stays written once.
do $$
declare
  links_changed text := '(l.chain_id, l.node_id, l.status, l.role, l.organization_id) is distinct from (x.chain_id, x.node_id, x.status, x.role, x.organization_id)';
  orgs_changed text := '(o.region, o.kind, o.revenue_wan) is distinct from (x.region, x.kind, x.revenue_wan)';
begin
  execute format('create function node_org_stats_links_ins() returns trigger language plpgsql as %L',
    'begin ' || node_org_stats_sql('new_links l join organizations o on o.id = l.organization_id', 1) || '; return null; end');

  execute format('create function node_org_stats_links_del() returns trigger language plpgsql as %L',
    'begin ' || node_org_stats_sql('old_links l join organizations o on o.id = l.organization_id', -1) || '; '
      || node_org_stats_cleanup_sql('old_links l') || '; return null; end');

  execute format('create function node_org_stats_links_upd() returns trigger language plpgsql as %L',
    'begin if not exists (select 1 from old_links l join new_links x on x.id = l.id where ' || links_changed || ') then return null; end if; '
      || node_org_stats_sql('old_links l join new_links x on x.id = l.id join organizations o on o.id = l.organization_id where ' || links_changed, -1) || '; '
      || node_org_stats_sql('new_links l join old_links x on x.id = l.id join organizations o on o.id = l.organization_id where ' || links_changed, 1) || '; '
      || node_org_stats_cleanup_sql('old_links l') || '; return null; end');

  execute format('create function node_org_stats_orgs_upd() returns trigger language plpgsql as %L',
    'begin if not exists (select 1 from old_orgs o join new_orgs x on x.id = o.id where ' || orgs_changed || ') then return null; end if; '
      || node_org_stats_sql('old_orgs o join new_orgs x on x.id = o.id join org_node_links l on l.organization_id = o.id where ' || orgs_changed, -1) || '; '
      || node_org_stats_sql('new_orgs o join old_orgs x on x.id = o.id join org_node_links l on l.organization_id = o.id where ' || orgs_changed, 1) || '; '
      || node_org_stats_cleanup_sql('old_orgs o join org_node_links l on l.organization_id = o.id') || '; return null; end');
end
$$;

create function node_org_stats_links_truncate() returns trigger language plpgsql as $$
begin
  delete from node_org_stats;
  return null;
end
$$;

create trigger org_node_links_stats_ins after insert on org_node_links
  referencing new table as new_links for each statement execute function node_org_stats_links_ins();
create trigger org_node_links_stats_del after delete on org_node_links
  referencing old table as old_links for each statement execute function node_org_stats_links_del();
create trigger org_node_links_stats_upd after update on org_node_links
  referencing old table as old_links new table as new_links for each statement execute function node_org_stats_links_upd();
create trigger org_node_links_stats_truncate after truncate on org_node_links
  for each statement execute function node_org_stats_links_truncate();

-- An organisation whose region, kind or revenue changes moves its counts on every node it is attached to.
create trigger organizations_node_stats_upd after update on organizations
  referencing old table as old_orgs new table as new_orgs for each statement execute function node_org_stats_orgs_upd();

-- Deleting an organisation removes its attachments first, while its region and kind are still
-- readable, so the link trigger above subtracts them (the cascade then finds nothing left).
create function organizations_delete_links_first() returns trigger language plpgsql as $$
begin
  delete from org_node_links where organization_id = old.id;
  return old;
end
$$;
create trigger organizations_delete_links_first before delete on organizations
  for each row execute function organizations_delete_links_first();

-- Chain leaders and key enterprises of a chain, read by diagnostics (covering: an index-only scan).
create index org_node_links_anchor on org_node_links(chain_id, node_id) include (organization_id, role, status)
  where role in ('chain_leader', 'key_enterprise');

-- The three lists. One row per entry, tied to a chain node, owned by a region (only that region
-- officials and administrators write it). status follows the workflow enforced in
-- src/modules/lists/lists.workflow.ts. origin proposed = created by diagnostics, keyed by
-- proposal_key (idempotent re-runs). decided = an official has written the entry (edit, transition
-- or linked organisation): diagnostics never change a decided entry again.
-- proposal_stale = the condition that proposed it no longer holds (the entry is kept as it is).
create table list_entries (
  id bigint generated by default as identity primary key,
  chain_id bigint not null references chains(id) on delete cascade,
  node_id bigint references chain_nodes(id) on delete set null,
  kind text not null check (kind in ('kadian', 'duandian', 'key_enterprise')),
  region text not null check (region in ('BJ', 'TJ', 'HE')),
  title text not null check (length(title) between 1 and 200),
  description text,
  lead_region text check (lead_region in ('BJ', 'TJ', 'HE')),
  department text,
  owner_name text,
  status text not null default 'proposed' check (status in ('proposed', 'accepted', 'in_progress', 'resolved', 'dropped')),
  due_on date,
  origin text not null default 'manual' check (origin in ('manual', 'proposed')),
  proposal_key text,
  proposal_reason text,
  proposal_facts jsonb,
  proposal_stale boolean not null default false,
  proposal_checked_at timestamptz,
  decided boolean not null default false,
  decided_by bigint,
  decided_by_name text,
  decided_at timestamptz,
  created_by bigint,
  created_by_name text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1,
  check ((origin = 'proposed') = (proposal_key is not null))
);
create unique index list_entries_proposal on list_entries(chain_id, proposal_key) where proposal_key is not null;
create index list_entries_chain on list_entries(chain_id, kind, status);
create index list_entries_node on list_entries(node_id);

-- Organisations linked to an entry: team_member and applicant (揭榜挂帅) for 卡点, target for 堵点,
-- subject (the enterprise itself) for 重点企业.
create table list_entry_orgs (
  entry_id bigint not null references list_entries(id) on delete cascade,
  organization_id bigint not null references organizations(id) on delete cascade,
  role text not null check (role in ('team_member', 'applicant', 'target', 'subject')),
  note text,
  added_by bigint,
  added_by_name text not null,
  added_at timestamptz not null default now(),
  primary key (entry_id, organization_id)
);
create index list_entry_orgs_org on list_entry_orgs(organization_id);
