import type { Queryable } from '../db/db.ts';

/**
 * Seed-time placement of the demo organisations on chain nodes: a node keyword that appears in
 * one of an organisation's products (or a product that is a node keyword) places it there.
 * Placeholder for the attachment engine (src/modules/attach), which replaces it.
 */
export async function autoAttachForSeed(tx: Queryable, opts: { onProgress?: (done: number, total: number) => void } = {}): Promise<number> {
  const nodes = await tx.query<{ id: number; chain_id: number; name: string; keywords: string[]; stage: string }>(
    `select n.id, n.chain_id, n.name, n.keywords, s.stage from chain_nodes n join chain_segments s on s.id = n.segment_id`,
  );
  const orgs = await tx.query<{ id: number; kind: string; products: string[] }>(
    `select id, kind, products from organizations where region is not null and cardinality(products) > 0
       and not exists (select 1 from org_node_links l where l.organization_id = organizations.id)`,
  );
  let n = 0;
  let done = 0;
  for (const o of orgs) {
    const byChain = new Map<number, { node: number; score: number; terms: string[] }>();
    for (const node of nodes) {
      const terms = node.keywords.filter((k) => k.length >= 2 && o.products.some((p) => p.includes(k) || (p.length >= 3 && k === p)));
      if (!terms.length) continue;
      const score = terms.reduce((s, t) => s + Math.min(t.length, 6), 0);
      const cur = byChain.get(node.chain_id);
      if (!cur || score > cur.score) byChain.set(node.chain_id, { node: node.id, score, terms });
    }
    for (const [chainId, best] of byChain) {
      if (best.score < 4) continue;
      await tx.query(
        `insert into org_node_links (organization_id, node_id, chain_id, role, status, origin, score, evidence, source)
         values ($1,$2,$3,$4,'confirmed','seed',$5,$6,'seed keyword match') on conflict do nothing`,
        [o.id, best.node, chainId, o.kind === 'enterprise' ? 'production' : 'rnd', Math.min(1, best.score / 12), JSON.stringify({ matched: best.terms })],
      );
      n++;
    }
    if (++done % 100 === 0) opts.onProgress?.(done, orgs.length);
  }
  opts.onProgress?.(orgs.length, orgs.length);
  return n;
}
