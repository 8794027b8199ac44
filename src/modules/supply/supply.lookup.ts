import type { Queryable } from '../../db/db.ts';
import type { OrgBrief } from './supply.repository.ts';

/**
 * Finds organisations by what a purchasing sheet says: 统一社会信用代码, stock code (600000.SH or
 * the bare 6 digits), full name, short name, or an alias. The strongest kind of match wins (USCC,
 * then stock code, then name, then short name, then alias); two organisations matching at the
 * same strength is ambiguous and reported, never guessed.
 */
export type OrgMatch = { org: OrgBrief; by: string } | { ambiguous: OrgBrief[]; by: string } | null;

const TIERS = ['uscc', 'stock', 'name', 'short', 'alias'] as const;
type Tier = (typeof TIERS)[number];
const TIER_NAMES: Record<Tier, string> = { uscc: '统一社会信用代码', stock: '股票代码', name: '全称', short: '简称', alias: '别名' };

const normKey = (s: string) => s.replace(/\s+/g, ' ').trim();

function stockCandidates(key: string): string[] {
  const k = key.toUpperCase();
  if (/^[0-9]{6}\.(SH|SZ|BJ)$/.test(k)) return [k];
  if (/^[0-9]{6}$/.test(k)) return [`${k}.SH`, `${k}.SZ`, `${k}.BJ`];
  return [];
}

export function createOrgResolver(db: Queryable) {
  const cache = new Map<string, OrgMatch>();

  async function resolveMany(rawKeys: string[]): Promise<void> {
    const keys = [...new Set(rawKeys.map(normKey).filter((k) => k && !cache.has(k)))];
    if (!keys.length) return;
    const upper = keys.map((k) => k.toUpperCase());
    const stocks = keys.flatMap(stockCandidates);
    const rows = await db.query(
      `select id, name, short_name, region, province_code, division_code, uscc, stock_code from organizations
        where name = any($1::text[]) or short_name = any($1::text[]) or uscc = any($2::text[]) or stock_code = any($3::text[])`,
      [keys, upper, stocks],
    );
    const hits = new Map<string, Map<Tier, Map<number, OrgBrief>>>();
    const hit = (key: string, tier: Tier, r: any) => {
      const byTier = hits.get(key) ?? new Map<Tier, Map<number, OrgBrief>>();
      const m = byTier.get(tier) ?? new Map<number, OrgBrief>();
      m.set(r.id, { id: r.id, name: r.name, shortName: r.short_name, region: r.region, provinceCode: r.province_code, divisionCode: r.division_code });
      byTier.set(tier, m);
      hits.set(key, byTier);
    };
    const keySet = new Set(keys);
    const byUpper = new Map(keys.map((k) => [k.toUpperCase(), k]));
    const byStock = new Map<string, string[]>();
    for (const k of keys) for (const c of stockCandidates(k)) byStock.set(c, [...(byStock.get(c) ?? []), k]);
    for (const r of rows) {
      if (r.uscc && byUpper.has(r.uscc)) hit(byUpper.get(r.uscc)!, 'uscc', r);
      if (r.stock_code) for (const k of byStock.get(r.stock_code) ?? []) hit(k, 'stock', r);
      if (keySet.has(r.name)) hit(r.name, 'name', r);
      if (r.short_name && keySet.has(r.short_name)) hit(r.short_name, 'short', r);
    }
    const unmatched = keys.filter((k) => !hits.has(k));
    if (unmatched.length) {
      const aliasRows = await db.query(
        `select id, name, short_name, region, province_code, division_code, aliases from organizations where aliases && $1::text[]`,
        [unmatched],
      );
      const un = new Set(unmatched);
      for (const r of aliasRows) for (const a of r.aliases as string[]) if (un.has(a)) hit(a, 'alias', r);
    }
    for (const k of keys) {
      const byTier = hits.get(k);
      let match: OrgMatch = null;
      if (byTier)
        for (const t of TIERS) {
          const m = byTier.get(t);
          if (!m) continue;
          const list = [...m.values()];
          match = list.length === 1 ? { org: list[0], by: TIER_NAMES[t] } : { ambiguous: list.sort((a, b) => a.id - b.id), by: TIER_NAMES[t] };
          break;
        }
      cache.set(k, match);
    }
  }

  return {
    resolveMany,
    get(key: string): OrgMatch {
      return cache.get(normKey(key)) ?? null;
    },
  };
}

/** Why a key did not resolve, for the row report. */
export function orgProblem(key: string, m: OrgMatch): string | null {
  if (m && 'org' in m) return null;
  if (m && 'ambiguous' in m)
    return `“${key}”按${m.by}匹配到多个机构（${m.ambiguous
      .slice(0, 5)
      .map((o) => `#${o.id} ${o.name}`)
      .join('、')}），请填写全称或统一社会信用代码 / matches several organisations; use the full name or USCC`;
  return `找不到机构“${key}”（按名称、简称、股票代码、统一社会信用代码查找）/ no organisation named "${key}"`;
}

export interface NodeRef {
  id: number;
  name: string;
  chainId: number;
  chainCode: string;
  chainName: string;
}

/**
 * Chain nodes by "chain code/node name" (also "chain name/node", "code:node", "code：node") or by
 * the node name alone when exactly one chain has it.
 */
export async function createNodeResolver(db: Queryable) {
  const rows = await db.query(`select n.id, n.name, c.id as chain_id, c.code, c.name as chain_name from chain_nodes n join chains c on c.id = n.chain_id`);
  const byChain = new Map<string, NodeRef>();
  const byName = new Map<string, NodeRef[]>();
  const chains = new Set<string>();
  for (const r of rows) {
    const ref: NodeRef = { id: r.id, name: r.name, chainId: r.chain_id, chainCode: r.code, chainName: r.chain_name };
    byChain.set(`${r.code}\u0000${r.name}`, ref);
    byChain.set(`${r.chain_name}\u0000${r.name}`, ref);
    chains.add(r.code);
    chains.add(r.chain_name);
    const l = byName.get(r.name) ?? [];
    l.push(ref);
    byName.set(r.name, l);
  }
  return {
    resolve(raw: string): { node: NodeRef } | { problem: string } {
      const text = raw.trim();
      const m = /^([^/:：]+?)\s*[/:：]\s*(.+)$/.exec(text);
      if (m && chains.has(m[1].trim())) {
        const node = byChain.get(`${m[1].trim()}\u0000${m[2].trim()}`);
        if (node) return { node };
        return { problem: `产业链“${m[1].trim()}”中没有节点“${m[2].trim()}” / chain ${m[1].trim()} has no node "${m[2].trim()}"` };
      }
      if (m && !byName.has(text)) {
        return { problem: `没有代码或名称为“${m[1].trim()}”的产业链 / no chain "${m[1].trim()}"（格式：产业链代码/节点名称，如 nev-icv/动力电池）` };
      }
      const list = byName.get(text) ?? [];
      if (list.length === 1) return { node: list[0] };
      if (list.length > 1)
        return { problem: `节点“${text}”在多条产业链中（${list.map((n) => n.chainCode).join('、')}），请写成“产业链代码/节点名称” / node name in several chains; write chain-code/node` };
      return { problem: `找不到产业链节点“${text}”（格式：产业链代码/节点名称，如 nev-icv/动力电池）/ unknown chain node` };
    },
  };
}
