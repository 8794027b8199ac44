/**
 * data/reference/industries.json: GB/T 4754-2017 with the 2019 amendment (source:
 * shared/data/gbt4754/gbt4754_2017.csv, from GitHub swifthu/industrial_classifi).
 */
import { join } from 'node:path';
import { cmp, readCsv } from './io.ts';

export interface Industry {
  code: string; // section letter A–T, or a 2/3/4-digit string with leading zeros kept
  name: string;
  level: 1 | 2 | 3 | 4;
  parent: string | null;
  section: string;
}

export const EXPECTED_INDUSTRY_COUNT = 1972;

export function buildIndustries(gbtDir: string): Industry[] {
  const rows = readCsv(join(gbtDir, 'gbt4754_2017.csv'));
  const out: Industry[] = rows.map((r) => {
    const level = Number(r.level);
    if (![1, 2, 3, 4].includes(level)) throw new Error(`industry: bad level ${JSON.stringify(r)}`);
    return {
      code: r.code.trim(),
      // Three source names carry a trailing space (5182, 6635, 8424). Mixed half/full-width
      // brackets (e.g. 7517 三维（3D)打印技术推广服务) are kept as the source has them.
      name: r.name.trim(),
      level: level as Industry['level'],
      parent: r.parent_code.trim() || null,
      section: r.section_code.trim(),
    };
  });
  // Tree order: each section letter, then its codes (A, 01, 011, 0111, …, B, 06, …).
  const key = (i: Industry) => (i.level === 1 ? i.code : i.section + i.code);
  out.sort((a, b) => cmp(key(a), key(b)));
  checkIndustries(out);
  return out;
}

function checkIndustries(list: Industry[]): void {
  if (list.length !== EXPECTED_INDUSTRY_COUNT) throw new Error(`industries: expected ${EXPECTED_INDUSTRY_COUNT} rows, got ${list.length}`);
  const byCode = new Map<string, Industry>();
  for (const i of list) {
    if (byCode.has(i.code)) throw new Error(`industry: duplicate code ${i.code}`);
    byCode.set(i.code, i);
  }
  for (const i of list) {
    const shapeOk = i.level === 1 ? /^[A-T]$/.test(i.code) : new RegExp(`^[0-9]{${i.level}}$`).test(i.code);
    if (!shapeOk || !i.name) throw new Error(`industry: bad row ${JSON.stringify(i)}`);
    if (i.level === 1) {
      if (i.parent !== null || i.section !== i.code) throw new Error(`industry: bad section row ${JSON.stringify(i)}`);
      continue;
    }
    const p = i.parent ? byCode.get(i.parent) : undefined;
    if (!p || p.level !== i.level - 1 || p.section !== i.section || (i.level > 2 && !i.code.startsWith(p.code))) {
      throw new Error(`industry: parent ${i.parent} does not fit ${JSON.stringify(i)}`);
    }
  }
}
