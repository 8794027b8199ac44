/**
 * npm run data:build — derives the reference and demo data the app ships from the public data sets
 * in ../shared/data (override with CHAINATLAS_SHARED_DIR). Deterministic: a re-run with the same
 * inputs writes byte-identical files. Everything is built and validated in memory first; nothing
 * is written when a check fails.
 *
 * Outputs (described in data/README.md):
 *   data/reference/divisions.json, data/reference/industries.json,
 *   data/reference/geo/jjj-{provinces,cities,counties}.topo.json,
 *   data/demo/organizations.json, data/demo/national-companies.json
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadChainKg } from './data/chainkg.ts';
import { buildDivisions } from './data/divisions.ts';
import { buildGeo } from './data/geo.ts';
import { buildIndustries } from './data/industries.ts';
import { readJson, writeJsonCompact, writeJsonRecords } from './data/io.ts';
import { buildNationalCompanies } from './data/national.ts';
import { buildOrganizations } from './data/organizations.ts';
import { unresolvedAttachmentOrgs, validateOutputs } from './data/validate.ts';

const started = Date.now();
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const sharedDir = process.env.CHAINATLAS_SHARED_DIR ? resolve(process.env.CHAINATLAS_SHARED_DIR) : join(repoRoot, '..', 'shared', 'data');
if (!existsSync(join(sharedDir, 'divisions', 'provinces.csv'))) {
  console.error(`data:build: no shared data at ${sharedDir} (set CHAINATLAS_SHARED_DIR to the shared/data directory)`);
  process.exit(1);
}

// ---- build (in memory)
const divisions = buildDivisions(join(sharedDir, 'divisions'));
const industries = buildIndustries(join(sharedDir, 'gbt4754'));
const geo = buildGeo(join(sharedDir, 'geo'), divisions);
const kg = loadChainKg(sharedDir);
const orgs = buildOrganizations(sharedDir, kg, divisions);
const national = buildNationalCompanies(sharedDir, kg);

// ---- validate, then write
validateOutputs({ divisions, industries, geo: geo.layers, organizations: orgs.organizations, national: national.companies });

const referenceDir = join(repoRoot, 'data', 'reference');
const demoDir = join(repoRoot, 'data', 'demo');
const written: { file: string; records: number; bytes: number }[] = [];
const record = (path: string, records: number, bytes: number) => written.push({ file: relative(repoRoot, path), records, bytes });

let path = join(referenceDir, 'divisions.json');
record(path, divisions.length, writeJsonRecords(path, divisions));
path = join(referenceDir, 'industries.json');
record(path, industries.length, writeJsonRecords(path, industries));
for (const layer of geo.layers) {
  path = join(referenceDir, 'geo', layer.file);
  record(path, layer.features, writeJsonCompact(path, layer.topology));
}
path = join(demoDir, 'organizations.json');
record(path, orgs.organizations.length, writeJsonRecords(path, orgs.organizations));
path = join(demoDir, 'national-companies.json');
record(path, national.companies.length, writeJsonRecords(path, national.companies));

// ---- summary
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const pad = (s: string | number, n: number, right = false) => (right ? String(s).padStart(n) : String(s).padEnd(n));
const countBy = <T>(xs: readonly T[], f: (x: T) => string) =>
  Object.entries(xs.reduce<Record<string, number>>((m, x) => ((m[f(x)] = (m[f(x)] ?? 0) + 1), m), {}))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

console.log('\nfile                                          records        size');
for (const w of written) console.log(`${pad(w.file, 44)} ${pad(w.records, 8, true)} ${pad(kb(w.bytes), 11, true)}`);

const geoBytes = geo.layers.reduce((s, l) => s + l.bytes, 0);
console.log(`\ngeo (source: ${geo.sourceVertices} county-polygon vertices): unique vertices and size, unsimplified → written`);
for (const l of geo.layers) {
  console.log(`  ${pad(l.file, 26)} ${pad(l.before.vertices, 6, true)} → ${pad(l.vertices, 6, true)}   ${pad(kb(l.before.bytes), 9, true)} → ${pad(kb(l.bytes), 9, true)}`);
}
console.log(`  total ${kb(geo.layers.reduce((s, l) => s + l.before.bytes, 0))} → ${kb(geoBytes)}`);
console.log(
  `  rings rewound ${geo.rings.reversed}; border snapping moved ${geo.snap.snapped} of ${geo.snap.positions} positions and inserted ${geo.snap.inserted} vertices ` +
    `(arcs ${geo.arcs.beforeSnap} → ${geo.arcs.afterSnap}); merged outlines: ${geo.holes.dropped} sliver holes dropped (largest ${geo.holes.largestDroppedKm2} km²), ` +
    `holes kept: ${geo.holes.kept.map((h) => `${h.adcode} ${h.km2} km²`).join(', ') || 'none'}`,
);

console.log(`\ndivisions: ${countBy(divisions, (d) => `level ${d.level}`)}; functional zones ${divisions.filter((d) => d.functionalZone).length}`);
console.log(`industries: ${countBy(industries, (i) => `level ${i.level}`)}`);
console.log(`organizations: ${countBy(orgs.organizations, (o) => o.kind)}`);
for (const [k, v] of Object.entries(orgs.stats).sort()) console.log(`  ${pad(k, 62)} ${pad(v, 4, true)}`);
console.log(`national companies: ${national.companies.length}`);
for (const [k, v] of Object.entries(national.stats).sort()) if (k !== 'companies') console.log(`  ${pad(k, 62)} ${pad(v, 4, true)}`);
const problems = [...orgs.problems, ...national.problems];
if (problems.length) {
  console.log(`\nchain-kg rows whose names do not fit the company, not used (${problems.length} codes):`);
  for (const p of problems) console.log(`  - ${p}`);
}
// data/demo/seed-attachments.json is maintained by hand elsewhere; its org names must find us.
const attachmentsPath = join(demoDir, 'seed-attachments.json');
if (existsSync(attachmentsPath)) {
  const unresolved = unresolvedAttachmentOrgs(orgs.organizations, readJson<{ org?: unknown }[]>(attachmentsPath));
  if (unresolved.length) console.log(`\nWARNING: seed-attachments.json names no single organisation for: ${unresolved.join(', ')}`);
  else console.log('\nseed-attachments.json: every org name resolves to one organisation');
}
console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s`);
