import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_DIR } from '../../src/modules/reference/reference.repository.ts';
import { DOMAIN_DICT_PATH } from '../../src/lib/text.ts';

export interface County {
  code: string;
  name: string;
  provinceCode: string;
  /** The city (地级市) name without 市, or the province name for Beijing and Tianjin. */
  cityName: string;
  functionalZone: boolean;
}

export interface ReferenceSets {
  counties: County[];
  /** Every GB/T 4754 code the reference data has (all levels). */
  industryCodes: Set<string>;
  /** Extra product terms: the domain dictionary and the chain maps' keywords. */
  extraTerms: string[];
  from: string;
}

const DEMO_CHAINS = join(REFERENCE_DIR, '..', 'demo', 'chains');

/**
 * Reads the shipped reference data (data/reference/divisions.json, industries.json) — the codes the
 * database accepts. The generator never invents a code: every division and industry code it writes
 * comes from here.
 */
export function loadReference(dir = REFERENCE_DIR): ReferenceSets {
  const divFile = join(dir, 'divisions.json');
  const indFile = join(dir, 'industries.json');
  if (!existsSync(divFile) || !existsSync(indFile))
    throw new Error(`reference data missing: ${divFile} / ${indFile} (run npm run data:build)`);
  const divisions = JSON.parse(readFileSync(divFile, 'utf8')) as Array<{ code: string; name: string; level: number; parent: string | null; province: string; functionalZone: boolean }>;
  const byCode = new Map(divisions.map((d) => [d.code, d]));
  const provinceName = (p: string) => byCode.get(p + '0000')?.name ?? '';
  const counties: County[] = [];
  for (const d of divisions) {
    if (d.level !== 3 || !['11', '12', '13'].includes(d.province)) continue;
    let city = d.parent ? byCode.get(d.parent) : undefined;
    if (city && city.level !== 2) city = undefined;
    const cityName = (d.province === '13' && city && !/市辖区/.test(city.name) ? city.name : provinceName(d.province)).replace(/市$/, '');
    counties.push({ code: d.code, name: d.name, provinceCode: d.province, cityName, functionalZone: !!d.functionalZone });
  }
  counties.sort((a, b) => a.code.localeCompare(b.code));
  const industries = JSON.parse(readFileSync(indFile, 'utf8')) as Array<{ code: string }>;
  const industryCodes = new Set(industries.map((i) => i.code));
  if (counties.length < 100) throw new Error(`divisions.json has only ${counties.length} county-level divisions of 京津冀`);

  const extraTerms: string[] = [];
  if (existsSync(DOMAIN_DICT_PATH))
    for (const line of readFileSync(DOMAIN_DICT_PATH, 'utf8').split('\n')) {
      const w = line.trim().split(/\s+/)[0];
      if (w) extraTerms.push(w);
    }
  if (existsSync(DEMO_CHAINS))
    for (const f of readdirSync(DEMO_CHAINS).filter((x) => x.endsWith('.json')).sort()) {
      try {
        const chain = JSON.parse(readFileSync(join(DEMO_CHAINS, f), 'utf8'));
        for (const s of chain.segments ?? []) for (const n of s.nodes ?? []) extraTerms.push(...(n.keywords ?? []));
      } catch {
        /* a chain file being written right now: skip it */
      }
    }
  return { counties, industryCodes, extraTerms: [...new Set(extraTerms)].filter((w) => w.length >= 2 && w.length <= 12 && !/[\s,，、;；|]/.test(w)), from: dir };
}
