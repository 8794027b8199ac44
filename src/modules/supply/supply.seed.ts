import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Queryable } from '../../db/db.ts';
import { createError } from '../../errors.ts';
import { MAX_YEAR, MIN_YEAR } from './supply.schemas.ts';
import { createSupplyRepository, type SupplyLinkRow } from './supply.repository.ts';
import { createNodeResolver, createOrgResolver, orgProblem } from './supply.lookup.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const DEMO_SUPPLY_FILE = join(ROOT, 'data', 'demo', 'supply-links.json');

/** The shape of data/demo/supply-links.json (one record per buyer, supplier and part; amounts per year). */
export const demoSupplyFileSchema = z.object({
  illustrative: z.literal(true),
  note: z.string().min(1),
  links: z.array(
    z.object({
      buyer: z.string().min(1),
      supplier: z.string().min(1),
      part: z.string().min(1).max(200),
      node: z.string().min(1).nullable(),
      amountsWan: z.record(z.string().regex(/^\d{4}$/), z.number().min(0)),
      source: z.string().min(1).refine((s) => s.includes('ILLUSTRATIVE'), 'every demo record must say ILLUSTRATIVE in its source'),
    }),
  ),
});

/**
 * Loads the ILLUSTRATIVE demo supply network (data/demo/supply-links.json) inside the caller's
 * transaction, after the demo organisations and chains. Every organisation and node the file names
 * must exist: otherwise it throws, naming each missing or ambiguous one, and writes nothing.
 * Re-running updates the same links (same buyer, supplier, part and year). One audit row per link.
 */
export async function seedSupplyLinks(tx: Queryable, opts: { file?: string } = {}): Promise<{ links: number; buyers: number; suppliers: number }> {
  const file = opts.file ?? DEMO_SUPPLY_FILE;
  const parsed = demoSupplyFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw createError({
      code: 'seed.invalid_data',
      message: `data/demo/supply-links.json: ${parsed.error.issues
        .slice(0, 10)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    });
  const recs = parsed.data.links;
  const orgs = createOrgResolver(tx);
  await orgs.resolveMany(recs.flatMap((r) => [r.buyer, r.supplier]));
  const nodes = await createNodeResolver(tx);
  const problems = new Set<string>();
  const rows: SupplyLinkRow[] = [];
  recs.forEach((r, i) => {
    const b = orgs.get(r.buyer);
    const s = orgs.get(r.supplier);
    for (const [name, m] of [
      [r.buyer, b],
      [r.supplier, s],
    ] as const) {
      const p = orgProblem(name, m);
      if (p) problems.add(`organisation “${name}”: ${p}`);
    }
    let nodeId: number | null = null;
    if (r.node) {
      const n = nodes.resolve(r.node);
      if ('problem' in n) problems.add(`node “${r.node}”: ${n.problem}`);
      else nodeId = n.node.id;
    }
    if (!b || !('org' in b) || !s || !('org' in s)) return;
    for (const [y, amount] of Object.entries(r.amountsWan)) {
      const year = Number(y);
      if (year < MIN_YEAR || year > MAX_YEAR) problems.add(`links[${i}]: year ${y} out of range`);
      rows.push({ buyerOrgId: b.org.id, supplierOrgId: s.org.id, part: r.part, nodeId, amountWan: amount, year, source: r.source, sourceRef: `supply-links.json#${i}` });
    }
  });
  if (problems.size)
    throw createError({
      code: 'seed.missing_reference',
      message: `data/demo/supply-links.json names what the demo data does not have — ${[...problems].join('; ')}`,
    });

  const repo = createSupplyRepository(tx);
  for (let i = 0; i < rows.length; i += 2000) {
    const written = await repo.upsertMany(rows.slice(i, i + 2000));
    await tx.query(
      `insert into audit_log (actor_id, actor_name, action, entity_type, entity_id, region, summary, after)
       select null, 'seed', 'seed', 'supply_link', l.id::text, l.buyer_region, '演示数据（示意，非真实采购）/ illustrative demo data',
              jsonb_build_object('source', l.source, 'sourceRef', l.source_ref)
         from supply_links l where l.id = any($1::bigint[])`,
      [written.map((w) => w.id)],
    );
  }
  return {
    links: rows.length,
    buyers: new Set(rows.map((r) => r.buyerOrgId)).size,
    suppliers: new Set(rows.map((r) => r.supplierOrgId)).size,
  };
}
