import type { Queryable } from '../../db/db.ts';
import type { NodeInfo, PrescoreParams } from './matching.engine.ts';
import type { PreferenceScope } from './matching.schemas.ts';

/**
 * Candidate retrieval for the matching engine, in SQL that runs unchanged on PGlite and PG 15.
 *
 * 1. Full-text prefilter on the GIN-indexed tsvector (the same jieba tokens as the index), or a
 *    chain-adjacency hit (GIN on postings.node_ids; org_node_links for organisations).
 * 2. A pre-score computed in SQL from the engine's own tables (prescoreParams): per-term points,
 *    region (stage routing + region wanted), kind fit, chain relation. Top `pool` rows by it.
 * 3. The engine re-scores those rows in TypeScript with the structured fields and explains each.
 *
 * Retrieval is text-first and widens in steps: first the rows that match at least half of the
 * weight of the query's key terms (an OR of ANDs over minimal term subsets — what GIN evaluates
 * well); only when that gives fewer than `pool` rows, any term, compound-term part or chain
 * neighbour. At a million capabilities this keeps the scored set small.
 */

const num = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '0');
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

interface SqlBuilder {
  args: unknown[];
  arg(v: unknown): string;
}
function builder(): SqlBuilder {
  const args: unknown[] = [];
  return {
    args,
    arg(v: unknown) {
      args.push(v);
      return `$${args.length}`;
    },
  };
}

function caseOf(col: string, points: Record<string, number>): string {
  const arms = Object.entries(points)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `when ${lit(k)} then ${num(v)}`);
  return arms.length ? `(case ${col} ${arms.join(' ')} else 0 end)` : '0';
}

/** Minimal subsets of the key terms whose points reach `share` of their total. */
export function minimalCovers(points: number[], share: number): number[][] {
  const n = points.length;
  const total = points.reduce((a, b) => a + b, 0);
  const target = share * total;
  const out: number[][] = [];
  for (let mask = 1; mask < 1 << n; mask++) {
    const idx: number[] = [];
    let sum = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) {
      idx.push(i);
      sum += points[i];
    }
    if (sum + 1e-9 < target) continue;
    if (idx.some((i) => sum - points[i] + 1e-9 >= target)) continue; // not minimal
    out.push(idx);
  }
  return out;
}

export interface RetrievedRow {
  id: number;
  organization_id: number;
  search_text: string;
  pre: number;
  [k: string]: any;
}

export interface RetrievalResult {
  rows: RetrievedRow[];
  steps: string[];
  /** Lab-testing demands: the matching instruments of each organisation (search text, names). */
  instruments?: Map<number, { text: string; names: string[] }>;
}

const KEY_TERMS = 6;
const PRESCORE_TERMS = 8;
/** A term in more than this share of rows does not drive retrieval (while rarer terms exist). */
const COMMON = 0.02;
/** At most this many full-text matches are scored per step (a bound for pathological queries). */
export const SCAN_CAP = 1500;
/** … and in the first, stratified step (preferred region and kinds). */
export const STRATUM_CAP = 400;
const FREQ_CACHE = new WeakMap<object, Map<string, { at: number; freqs: Map<string, number> }>>();

export function createMatchingRepository(db: Queryable) {
  /**
   * Lexeme frequencies that ANALYZE already keeps for a tsvector column (pg_stats
   * most_common_elems); cached per database for five minutes. Empty until the table is analysed
   * (small tables, fresh PGlite): then every term counts as selective.
   */
  async function termFreqs(table: 'postings' | 'organizations'): Promise<Map<string, number>> {
    const key = db as object;
    const now = Date.now();
    let byTable = FREQ_CACHE.get(key);
    if (!byTable) FREQ_CACHE.set(key, (byTable = new Map()));
    const hit = byTable.get(table);
    if (hit && now - hit.at < 300_000) return hit.freqs;
    const read = () =>
      db.query<{ elems: string[] | null; freqs: number[] | null }>(
        `select most_common_elems::text::text[] as elems, most_common_elem_freqs as freqs
           from pg_stats where schemaname = current_schema() and tablename = $1 and attname = 'search_tsv'`,
        [table],
      );
    let rows = await read();
    if (!rows.length && !hit) {
      // Never analysed (PGlite has no autovacuum): analyse once when the table is not tiny.
      const n = await db.query<{ n: number }>(`select count(*)::int as n from (select 1 from ${table} limit 2001) x`);
      if (n[0].n > 2000) {
        await db.query(`analyze ${table}`);
        rows = await read();
      }
    }
    const freqs = new Map<string, number>();
    const r = rows[0];
    if (r?.elems && r.freqs) r.elems.forEach((e, i) => freqs.set(e, Number(r.freqs![i])));
    byTable.set(table, { at: now, freqs });
    return freqs;
  }

  /**
   * Text-first widening retrieval over one table; `run` builds the SQL for one tsquery (or none)
   * with or without the chain-adjacency arm. Terms that occur in more than COMMON of the rows
   * (pg_stats) still score, but do not drive retrieval while rarer terms exist: GIN evaluates
   * rare terms cheaply and they are the ones that tell candidates apart.
   */
  async function widen(
    pp: PrescoreParams,
    pool: number,
    table: 'postings' | 'organizations',
    run: (b: SqlBuilder, tsq: string | null, adjacency: boolean, exclude: number[], cap: number) => string,
    strata: { tags: string[][]; label: string } | null = null,
  ): Promise<RetrievalResult> {
    const steps: string[] = [];
    const freqs = await termFreqs(table);
    const freq = (t: string) => freqs.get(t) ?? 0;
    const selective = pp.terms.filter((t) => freq(t.term) <= COMMON);
    const keyPool = selective.length ? selective : pp.terms.slice(0, 2);
    const key = keyPool.slice(0, KEY_TERMS);
    const fieldTerms = key.filter((t) => t.from === 'fields');
    const coverQuery = (b: SqlBuilder) => {
      const refs = new Map<number, string>();
      const ref = (i: number) => {
        if (!refs.has(i)) refs.set(i, `plainto_tsquery('simple', ${b.arg(key[i].term)}::text)`);
        return refs.get(i)!;
      };
      // any structured-field term alone, or terms worth at least half of the key weight
      const covers = key.length === 1 ? [[0]] : minimalCovers(key.map((t) => t.points), 0.5);
      for (let i = 0; i < key.length; i++) if (key[i].from === 'fields' && !covers.some((c) => c.length === 1 && c[0] === i)) covers.push([i]);
      const minimal = covers.filter((c) => !covers.some((d) => d !== c && d.length < c.length && d.every((i) => c.includes(i))));
      return `(${minimal.map((c) => `(${c.map(ref).join(' && ')})`).join(' || ')})`;
    };
    // Steps widen; each adds the rows it finds to those found before (never loses a better row).
    const found = new Map<number, RetrievedRow>();
    const step = async (label: string, make: (b: SqlBuilder) => string) => {
      const b = builder();
      const rows = await db.query<RetrievedRow>(make(b), b.args);
      let added = 0;
      for (const r of rows) if (!found.has(Number(r.id))) {
        found.set(Number(r.id), r);
        added++;
      }
      steps.push(`${label}：${added} 条`);
      return found.size >= pool;
    };
    const result = () => ({
      rows: [...found.values()].sort((a, b) => Number(b.pre) - Number(a.pre) || Number(a.id) - Number(b.id)).slice(0, pool),
      steps,
    });
    const keyLabel = key.map((t) => t.term).join('、');
    // 1. the key terms within the preferred strata (region, kind) — the likely top of the list
    if (strata && key.length && (await step(`关键词（${keyLabel}）且${strata.label}`, (b) => run(b, [coverQuery(b), ...strata.tags.map((g) => `(${g.map((t) => `plainto_tsquery('simple', ${b.arg(t)}::text)`).join(' || ')})`)].join(' && '), false, [], STRATUM_CAP))))
      return result();
    // 2. the key terms anywhere
    if (key.length && (await step(`关键词（${keyLabel}${fieldTerms.length ? '，任一结构化词' : ''}）`, (b) => run(b, coverQuery(b), false, [...found.keys()], SCAN_CAP))))
      return result();
    // 3. any term, compound-term part or chain neighbour (common terms only score)
    const wide = [...pp.terms.map((t) => t.term), ...pp.parts];
    const rare = wide.filter((t) => freq(t) <= COMMON);
    const all = rare.length ? rare : wide;
    await step(`任一关键词或产业链相邻${all.length < wide.length ? `（常见词 ${wide.filter((t) => !all.includes(t)).join('、')} 只计分不召回）` : ''}`, (b) =>
      run(b, all.length ? all.map((t) => `plainto_tsquery('simple', ${b.arg(t)}::text)`).join(' || ') : null, true, [...found.keys()], SCAN_CAP),
    );
    return result();
  }

  function textPoints(b: SqlBuilder, pp: PrescoreParams, tsvCol: string): string {
    if (!pp.terms.length) return '0';
    // the heaviest terms only: the rest are scored in the re-rank (keeps the per-row cost bounded)
    return pp.terms.slice(0, PRESCORE_TERMS).map((t) => `(case when ${tsvCol} @@ plainto_tsquery('simple', ${b.arg(t.term)}) then ${num(t.points)} else 0 end)`).join(' + ');
  }

  return {
    async chainData(namedNodes: number[], orgId: number | null): Promise<{ own: number[]; edges: Array<[number, number]>; nodes: Map<number, NodeInfo> }> {
      const own = orgId
        ? (await db.query<{ node_id: number }>(`select node_id from org_node_links where organization_id = $1 and status = 'confirmed'`, [orgId])).map((r) => Number(r.node_id))
        : [];
      const all = [...new Set([...namedNodes, ...own])];
      if (!all.length) return { own, edges: [], nodes: new Map() };
      const chains = (await db.query<{ chain_id: number }>(`select distinct chain_id from chain_nodes where id = any($1::bigint[])`, [all])).map((r) => Number(r.chain_id));
      const edges = (await db.query<{ f: number; t: number }>(`select from_node_id as f, to_node_id as t from chain_edges where chain_id = any($1::bigint[])`, [chains])).map(
        (r) => [Number(r.f), Number(r.t)] as [number, number],
      );
      const nodeRows = await db.query(
        `select n.id, n.name, n.chain_id, c.name as chain_name from chain_nodes n join chains c on c.id = n.chain_id where n.chain_id = any($1::bigint[])`,
        [chains],
      );
      const nodes = new Map<number, NodeInfo>(nodeRows.map((r) => [Number(r.id), { id: Number(r.id), name: r.name, chainId: Number(r.chain_id), chainName: r.chain_name }]));
      return { own, edges, nodes };
    },

    /** Node names of nodes outside the query's chains (for explanations of candidates). */
    async nodeInfos(ids: number[]): Promise<Map<number, NodeInfo>> {
      if (!ids.length) return new Map();
      const rows = await db.query(
        `select n.id, n.name, n.chain_id, c.name as chain_name from chain_nodes n join chains c on c.id = n.chain_id where n.id = any($1::bigint[])`,
        [ids],
      );
      return new Map(rows.map((r) => [Number(r.id), { id: Number(r.id), name: r.name, chainId: Number(r.chain_id), chainName: r.chain_name }]));
    },

    /** Live postings of the opposite direction, best `pool` by pre-score. */
    async retrievePostings(pp: PrescoreParams, opts: { excludeOrgId: number | null; pool: number }): Promise<RetrievalResult> {
      const want = pp.direction === 'demand' ? 'capability' : 'demand';
      const strong = [...new Set([...pp.chain.named, ...pp.chain.near1])];
      const adj = [...new Set([...strong, ...pp.chain.near2])];
      const best = (pts: Record<string, number>, slack: number) => {
        const max = Math.max(...Object.values(pts));
        return Object.entries(pts).filter(([, v]) => v > 0 && v >= max - slack).map(([k]) => k);
      };
      const kinds = best(pp.postingKindPoints, 3);
      const regions = pp.direction === 'demand' ? best(pp.regionPoints, 4) : [];
      const tags: string[][] = [];
      if (regions.length && regions.length < 4) tags.push(regions.map((r) => `zzr${r.toLowerCase().replace('outside', 'out')}`));
      if (kinds.length && kinds.length < 7) tags.push(kinds.map((k) => `zzk${k.replace(/_/g, '')}`));
      const strata = tags.length ? { tags, label: `在${[regions.length && regions.length < 4 ? regions.join('/') : '', kinds.length < 7 ? kinds.join('/') : ''].filter(Boolean).join('、')}` } : null;
      return widen(pp, opts.pool, 'postings', (b, tsq, adjacency, exclude, cap) => {
        const regionPts =
          pp.direction === 'demand'
            ? caseOf('p.org_region', { BJ: pp.regionPoints.BJ, TJ: pp.regionPoints.TJ, HE: pp.regionPoints.HE }) +
              (pp.regionPoints.outside > 0 ? ` + (case when p.org_region is null then ${num(pp.regionPoints.outside)} else 0 end)` : '')
            : pp.wantedPoints!.mine
              ? `(case when cardinality(p.regions_wanted) = 0 then ${num(pp.wantedPoints!.none)} when ${lit(pp.wantedPoints!.mine)} = any(p.regions_wanted) then ${num(pp.wantedPoints!.match)} else ${num(pp.wantedPoints!.other)} end)`
              : '0';
        const chainPts = adj.length
          ? `(case when p.node_ids && ${b.arg(strong)}::bigint[] then ${num(pp.chain.strong)}
                   when p.node_ids && ${b.arg(pp.chain.near2)}::bigint[] then ${num(pp.chain.indirect)}
                   when p.node_ids && ${b.arg(pp.chain.own)}::bigint[] then ${num(pp.chain.peer)} else 0 end)`
          : '0';
        const match: string[] = [];
        if (tsq) match.push(`p.search_tsv @@ (${tsq})`);
        if (adjacency && adj.length) match.push(`p.node_ids && ${b.arg(adj)}::bigint[]`);
        if (!match.length) match.push('false');
        const pre = [textPoints(b, pp, 'p.search_tsv'), regionPts, caseOf('p.kind', pp.postingKindPoints), caseOf('p.org_kind', pp.orgKindPointsForPostings), chainPts].join(' + ');
        return `select p.id, p.organization_id, p.org_kind, p.org_region, p.kind, p.fields, p.stage, p.regions_wanted, p.deadline,
                       p.node_ids, p.search_text, ${pre} as pre
                  from (select * from postings p
                         where p.direction = ${b.arg(want)} and p.status = 'open' and p.expires_at > now()
                           and p.organization_id <> ${b.arg(opts.excludeOrgId ?? 0)}
                           ${exclude.length ? `and p.id <> all(${b.arg(exclude)}::bigint[])` : ''}
                           and (${match.join(' or ')})
                         limit ${cap}) p
                 order by pre desc, p.id
                 limit ${b.arg(opts.pool)}`;
      }, strata);
    },

    /** Organisations (their names, products, scope and chain attachments), best `pool` by pre-score. */
    async retrieveOrganizations(pp: PrescoreParams, opts: { excludeOrgId: number | null; pool: number }): Promise<RetrievalResult> {
      // Organisations attached to the query's chain neighbourhood: one small query, then plain id tests.
      const strongNodes = [...new Set([...pp.chain.named, ...pp.chain.near1])];
      const allNodes = [...new Set([...strongNodes, ...pp.chain.near2, ...pp.chain.own])];
      const strong = new Set<number>();
      const near2 = new Set<number>();
      const own = new Set<number>();
      if (allNodes.length) {
        const links = await db.query<{ o: number; n: number }>(
          `select organization_id as o, node_id as n from org_node_links where status = 'confirmed' and node_id = any($1::bigint[])`,
          [allNodes],
        );
        for (const l of links) {
          const o = Number(l.o);
          const n = Number(l.n);
          if (strongNodes.includes(n)) strong.add(o);
          else if (pp.chain.near2.includes(n)) near2.add(o);
          else own.add(o);
        }
      }
      // Lab-testing demands also find labs by their shared instruments (名称、型号、类别).
      const instruments = new Map<number, { text: string; names: string[] }>();
      if (pp.kind === 'lab_testing' && pp.direction === 'demand' && pp.terms.length) {
        const ib = builder();
        const tsq = [...pp.terms.map((t) => t.term), ...pp.parts].map((t) => `plainto_tsquery('simple', ${ib.arg(t)}::text)`).join(' || ');
        const rows = await db.query<{ o: number; text: string; names: string[] }>(
          `select organization_id as o, string_agg(search_text, ' ') as text, array_agg(name order by id) as names
             from instruments where status = 'active' and search_tsv @@ (${tsq}) group by organization_id order by count(*) desc limit 200`,
          ib.args,
        );
        for (const r of rows) instruments.set(Number(r.o), { text: r.text, names: r.names });
      }
      const instrumentPoints = new Map<number, number>();
      for (const [o, i] of instruments) {
        const toks = new Set(i.text.split(' '));
        instrumentPoints.set(o, pp.terms.reduce((a, t) => a + (toks.has(t.term) ? t.points : 0), 0));
      }
      const adj = [...new Set([...strong, ...near2])];
      const res = await widen(pp, opts.pool, 'organizations', (b, tsq, adjacency, exclude, cap) => {
        const inSet = (ids: Set<number>) => `o.id = any(${b.arg([...ids])}::bigint[])`;
        const chainPts =
          strong.size || near2.size || own.size
            ? `(case when ${inSet(strong)} then ${num(pp.chain.strong)} when ${inSet(near2)} then ${num(pp.chain.indirect)}
                     when ${inSet(own)} then ${num(pp.chain.peer)} else 0 end)`
            : '0';
        const regionPts =
          caseOf('o.region', { BJ: pp.regionPoints.BJ, TJ: pp.regionPoints.TJ, HE: pp.regionPoints.HE }) +
          (pp.regionPoints.outside > 0 ? ` + (case when o.region is null then ${num(pp.regionPoints.outside)} else 0 end)` : '');
        const match: string[] = [];
        if (tsq) match.push(`o.search_tsv @@ (${tsq})`);
        if (adjacency && adj.length) match.push(`o.id = any(${b.arg(adj)}::bigint[])`);
        if (instruments.size) match.push(`o.id = any(${b.arg([...instruments.keys()])}::bigint[])`);
        if (!match.length) match.push('false');
        const instPts = instrumentPoints.size
          ? `(case o.id ${[...instrumentPoints].map(([o, v]) => `when ${Number(o)} then ${num(v)}`).join(' ')} else 0 end)`
          : '0';
        const pre = [textPoints(b, pp, 'o.search_tsv'), instPts, regionPts, caseOf('o.kind', pp.orgKindPoints), chainPts].join(' + ');
        return `select o.id, o.id as organization_id, o.kind, o.region, o.search_text, o.products, ${pre} as pre
                  from (select o.id, o.kind, o.region, o.search_text, o.search_tsv, o.products from organizations o
                         where o.kind <> 'government' and o.id <> ${b.arg(opts.excludeOrgId ?? 0)}
                           ${exclude.length ? `and o.id <> all(${b.arg(exclude)}::bigint[])` : ''}
                           and (${match.join(' or ')})
                         limit ${cap}) o
                 order by pre desc, o.id
                 limit ${b.arg(opts.pool)}`;
      });
      return { ...res, instruments };
    },

    /** Confirmed chain attachments of organisations. */
    async orgLinks(orgIds: number[]): Promise<Map<number, { nodes: number[]; chains: number[] }>> {
      const out = new Map<number, { nodes: number[]; chains: number[] }>();
      if (!orgIds.length) return out;
      const rows = await db.query(
        `select organization_id, node_id, chain_id from org_node_links where organization_id = any($1::bigint[]) and status = 'confirmed'`,
        [orgIds],
      );
      for (const r of rows) {
        const id = Number(r.organization_id);
        if (!out.has(id)) out.set(id, { nodes: [], chains: [] });
        const e = out.get(id)!;
        e.nodes.push(Number(r.node_id));
        if (!e.chains.includes(Number(r.chain_id))) e.chains.push(Number(r.chain_id));
      }
      return out;
    },

    /** What organisations offer without a posting: their pilot lines, platform grades, instruments. */
    async derivedOffers(orgIds: number[]) {
      const out = new Map<number, { volumeL: number | null; grades: string[]; services: string[]; lines: number; accreditations: string[] }>();
      if (!orgIds.length) return out;
      const lines = await db.query(
        `select organization_id, max(volume_l) as volume_l, count(*)::int as n,
                array(select distinct g from pilot_lines l2, unnest(l2.grades) g where l2.organization_id = l.organization_id and l2.status <> 'retired') as grades,
                array(select distinct s from pilot_lines l3, unnest(l3.services) s where l3.organization_id = l.organization_id and l3.status <> 'retired') as services
           from pilot_lines l where organization_id = any($1::bigint[]) and status <> 'retired' group by organization_id`,
        [orgIds],
      );
      const profiles = await db.query(`select organization_id, grades from pilot_platform_profiles where organization_id = any($1::bigint[])`, [orgIds]);
      const instruments = await db.query(
        `select organization_id, array(select distinct a from instruments i2, unnest(i2.accreditations) a where i2.organization_id = i.organization_id and i2.status = 'active') as acc
           from instruments i where organization_id = any($1::bigint[]) and status = 'active' group by organization_id`,
        [orgIds],
      );
      const get = (id: number) => {
        if (!out.has(id)) out.set(id, { volumeL: null, grades: [], services: [], lines: 0, accreditations: [] });
        return out.get(id)!;
      };
      for (const r of lines) {
        const e = get(Number(r.organization_id));
        e.volumeL = r.volume_l === null ? null : Number(r.volume_l);
        e.lines = r.n;
        e.grades = [...new Set([...e.grades, ...(r.grades ?? [])])];
        e.services = r.services ?? [];
      }
      for (const r of profiles) {
        const e = get(Number(r.organization_id));
        e.grades = [...new Set([...e.grades, ...(r.grades ?? [])])];
      }
      for (const r of instruments) get(Number(r.organization_id)).accreditations = r.acc ?? [];
      return out;
    },

    async orgCards(orgIds: number[]) {
      if (!orgIds.length) return new Map<number, any>();
      const rows = await db.query(
        `select o.id, o.name, o.short_name, o.kind, o.region, d.name as division_name, o.products[1:8] as products
           from organizations o left join divisions d on d.code = o.division_code where o.id = any($1::bigint[])`,
        [orgIds],
      );
      return new Map(
        rows.map((r) => [
          Number(r.id),
          { id: Number(r.id), name: r.name, shortName: r.short_name ?? null, kind: r.kind, region: r.region ?? null, divisionName: r.division_name ?? null, products: r.products ?? [] },
        ]),
      );
    },

    async getPreferences(): Promise<Map<PreferenceScope, { settings: any; version: number; updatedAt: string }>> {
      const rows = await db.query(`select scope, settings, version, updated_at from matching_preferences`);
      return new Map(rows.map((r) => [r.scope as PreferenceScope, { settings: r.settings, version: r.version, updatedAt: new Date(r.updated_at).toISOString() }]));
    },

    async lockPreference(scope: PreferenceScope) {
      const rows = await db.query(`select scope, settings, version from matching_preferences where scope = $1 for update`, [scope]);
      return rows[0] ? { settings: rows[0].settings, version: rows[0].version as number } : null;
    },

    async putPreference(scope: PreferenceScope, settings: unknown, userId: number | null) {
      await db.query(
        `insert into matching_preferences (scope, settings, updated_by) values ($1, $2, $3)
         on conflict (scope) do update set settings = excluded.settings, updated_by = excluded.updated_by,
           version = matching_preferences.version + 1, updated_at = now()`,
        [scope, JSON.stringify(settings), userId],
      );
    },

    async deletePreference(scope: PreferenceScope) {
      await db.query(`delete from matching_preferences where scope = $1`, [scope]);
    },
  };
}
