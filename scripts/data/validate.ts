/**
 * Cross-checks of everything the build produces, run before anything is written. Each failure
 * names the offending record.
 */
import type { z } from 'zod';
import type { Division } from './divisions.ts';
import type { GeoLayerResult } from './geo.ts';
import type { Industry } from './industries.ts';
import {
  divisionFileSchema,
  geoPropsSchema,
  industryFileSchema,
  nationalCompanySchema,
  organizationSchema,
  type NationalCompany,
  type Organization,
} from './schemas.ts';

export class DataValidationError extends Error {}

function fail(what: string, record: unknown): never {
  throw new DataValidationError(`${what}\n  offending record: ${JSON.stringify(record)}`);
}

function checkShape<T>(label: string, schema: z.ZodType<T>, records: readonly unknown[]): void {
  for (const r of records) {
    const res = schema.safeParse(r);
    if (!res.success) fail(`${label}: ${res.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, r);
  }
}

function uniqueBy<T>(label: string, records: readonly T[], key: (r: T) => string | null): void {
  const seen = new Map<string, T>();
  for (const r of records) {
    const k = key(r);
    if (k === null) continue;
    if (seen.has(k)) fail(`${label}: duplicate ${k} (first: ${JSON.stringify(seen.get(k))})`, r);
    seen.set(k, r);
  }
}

export interface Outputs {
  divisions: Division[];
  industries: Industry[];
  geo: GeoLayerResult[];
  organizations: Organization[];
  national: NationalCompany[];
}

export function validateOutputs(o: Outputs): void {
  // divisions.json
  checkShape('divisions.json', divisionFileSchema, o.divisions);
  uniqueBy('divisions.json', o.divisions, (d) => d.code);
  const div = new Map(o.divisions.map((d) => [d.code, d]));
  for (const d of o.divisions) {
    if ((d.level === 1) !== (d.parent === null)) fail('divisions.json: only provinces have no parent', d);
    if (d.parent && div.get(d.parent)?.level !== d.level - 1) fail(`divisions.json: parent ${d.parent} missing or not one level up`, d);
    if (d.code.slice(0, 2) !== d.province) fail('divisions.json: code and province disagree', d);
  }

  // industries.json
  checkShape('industries.json', industryFileSchema, o.industries);
  uniqueBy('industries.json', o.industries, (i) => i.code);
  const ind = new Map(o.industries.map((i) => [i.code, i]));
  for (const i of o.industries) {
    if ((i.level === 1) !== (i.parent === null)) fail('industries.json: only sections have no parent', i);
    if (i.parent && ind.get(i.parent)?.level !== i.level - 1) fail(`industries.json: parent ${i.parent} missing or not one level up`, i);
  }

  // geo/*.topo.json
  for (const layer of o.geo) {
    const topo = layer.topology as { type: string; objects: Record<string, { geometries: { type: string; properties: unknown }[] }> };
    const names = Object.keys(topo.objects);
    if (topo.type !== 'Topology' || names.length !== 1 || names[0] !== 'regions') fail(`${layer.file}: expected one object named regions`, names);
    const geoms = topo.objects.regions.geometries;
    checkShape(layer.file, geoPropsSchema, geoms.map((g) => g.properties));
    uniqueBy(layer.file, geoms, (g) => (g.properties as { adcode: string }).adcode);
    for (const g of geoms) {
      const p = g.properties as z.infer<typeof geoPropsSchema>;
      const d = div.get(p.adcode);
      if (!d || d.name !== p.name || d.province !== p.province) fail(`${layer.file}: adcode/name/province do not match divisions.json`, p);
      if (p.parent !== '100000' && p.parent !== d.parent) fail(`${layer.file}: parent differs from divisions.json (${d.parent})`, p);
      if (!['Polygon', 'MultiPolygon'].includes(g.type)) fail(`${layer.file}: geometry type ${g.type}`, p);
      const [lon, lat] = p.cp;
      if (lon < 113 || lon > 120.5 || lat < 36 || lat > 43) fail(`${layer.file}: cp outside the region`, p);
    }
  }

  // organizations.json
  checkShape('organizations.json', organizationSchema, o.organizations);
  uniqueBy('organizations.json (key)', o.organizations, (r) => r.key);
  uniqueBy('organizations.json (stockCode)', o.organizations, (r) => r.stockCode);
  uniqueBy('organizations.json (name)', o.organizations, (r) => r.name);
  for (const r of o.organizations) {
    if (!div.has(r.divisionCode)) fail(`organizations.json: divisionCode ${r.divisionCode} is not in divisions.json`, r);
    if (r.industryCode !== null && !ind.has(r.industryCode)) fail(`organizations.json: industryCode ${r.industryCode} is not in industries.json`, r);
    if (r.key.startsWith('listed:') && r.stockCode !== r.key.slice('listed:'.length)) fail('organizations.json: key and stockCode disagree', r);
    if (new Set(r.products).size !== r.products.length || new Set(r.aliases).size !== r.aliases.length) fail('organizations.json: repeated product or alias', r);
    if (r.aliases.includes(r.name)) fail('organizations.json: the name is repeated among the aliases', r);
  }

  // national-companies.json
  checkShape('national-companies.json', nationalCompanySchema, o.national);
  uniqueBy('national-companies.json', o.national, (c) => c.code);
  const regional = new Set(o.organizations.map((r) => r.stockCode).filter(Boolean));
  for (const c of o.national) {
    if (!div.has(`${c.provinceCode}0000`) || ['11', '12', '13'].includes(c.provinceCode)) fail('national-companies.json: provinceCode must be a province outside 京津冀', c);
    if (regional.has(c.code) && !o.organizations.some((r) => r.stockCode === c.code && r.key.startsWith('seed:'))) {
      fail('national-companies.json: code is also a 京津冀 listed organisation', c);
    }
  }
}

/**
 * Names in data/demo/seed-attachments.json (maintained by hand, outside this build) that do not
 * resolve to exactly one organisation by name, short name or alias. Reported, not fatal.
 */
export function unresolvedAttachmentOrgs(organizations: readonly Organization[], attachments: readonly { org?: unknown }[]): string[] {
  const index = new Map<string, Set<string>>();
  for (const o of organizations) {
    for (const n of [o.name, o.shortName, ...o.aliases]) {
      if (!n) continue;
      const keys = index.get(n) ?? new Set<string>();
      keys.add(o.key);
      index.set(n, keys);
    }
  }
  const names = [...new Set(attachments.map((a) => String(a.org ?? '')))];
  return names.filter((n) => index.get(n)?.size !== 1).sort();
}
