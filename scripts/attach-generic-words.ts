/**
 * Derives the generic product words of the attachment engine (src/modules/attach/generic-words.ts):
 * the jieba index tokens (src/lib/text.ts, domain dictionary) that occur in the main products of at
 * least 2 % of the chain-kg listed companies (shared/data/chain-kg/company_product.json).
 *
 *   node --import tsx scripts/attach-generic-words.ts [path/to/company_product.json] [share]
 *
 * Prints the TypeScript list; paste it into generic-words.ts when the dictionary or the data change.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenizeForIndex } from '../src/lib/text.ts';

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? join(here, '..', '..', 'shared', 'data', 'chain-kg', 'company_product.json');
const share = Number(process.argv[3] ?? 0.02);
const byCompany = new Map<string, Set<string>>();
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line) as { company_code: string; product_name: string };
  const s = byCompany.get(r.company_code) ?? new Set<string>();
  for (const t of tokenizeForIndex(r.product_name)) s.add(t);
  byCompany.set(r.company_code, s);
}
const df = new Map<string, number>();
for (const s of byCompany.values()) for (const t of s) df.set(t, (df.get(t) ?? 0) + 1);
const n = byCompany.size;
const words = [...df.entries()]
  .filter(([, c]) => c / n >= share)
  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  .map(([w]) => w);
console.log(`// ${words.length} words in ≥ ${(share * 100).toFixed(1)} % of ${n} companies' products`);
console.log(`export const GENERIC_PRODUCT_WORDS = ${JSON.stringify(words)};`);
