/**
 * ChainAtlas benchmarks: `npm run bench [-- options]`.
 *
 *   --orgs N            organisations to generate and import (default 100000; 1m, 250k accepted)
 *   --only a,b          run only these sections (default: every bench/sections/<name>.ts, import first)
 *   --engines a,b       pglite,postgres (default both)
 *   --seed N            generator seed (default 42)
 *   --out DIR           where the JSON results go (default bench-results/)
 *   --keep              keep the generated CSV, PGlite directories and PostgreSQL databases
 *   --<section>.<opt> v section options, e.g. --import.baseline-rows 2000
 *   --list              list the sections
 *
 * A section is a module bench/sections/<name>.ts exporting `section: Section` (lib/types.ts); it
 * returns rows with one value per engine, printed side by side. Heavy work runs in child processes
 * (lib/child.ts) so that each measurement's time and peak memory are its own.
 *
 * PostgreSQL: BENCH_DATABASE_URL or DATABASE_URL (a database is created and dropped per
 * measurement); otherwise a temporary server is started with scripts/pg-temp.mjs. When neither
 * works, the PostgreSQL column says NOT RUN and why.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pgliteEngine, postgresEngine } from './lib/engines.ts';
import { renderSection } from './lib/table.ts';
import type { BenchContext, EngineName, EngineTarget, Section, SectionResult } from './lib/types.ts';

/**
 * Every bench/sections/<name>.ts (not *.child.ts) is a section, found at start: a new section needs
 * no registration here. import runs first, the others in name order.
 */
function discoverSections(): Record<string, () => Promise<Section>> {
  const dir = fileURLToPath(new URL('./sections/', import.meta.url));
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.child.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort((a, b) => (a === 'import' ? -1 : b === 'import' ? 1 : a.localeCompare(b)));
  return Object.fromEntries(names.map((n) => [n, async () => (await import(`./sections/${n}.ts`)).section as Section]));
}
const SECTIONS = discoverSections();

/** Keeps `npm run bench -- --only import` (both engines) within about five minutes on 2 cores. */
export const DEFAULT_ORGS = 100_000;

async function main() {
  const argv = process.argv.slice(2);
  const sectionOpts: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)\.([a-z0-9-]+)$/.exec(argv[i]);
    if (m) sectionOpts[`${m[1]}.${m[2]}`] = argv[++i] ?? '';
    else rest.push(argv[i]);
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      orgs: { type: 'string' },
      only: { type: 'string' },
      engines: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('npm run bench -- [--orgs N] [--only import] [--engines pglite,postgres] [--seed 42] [--out bench-results] [--keep] [--list] [--<section>.<option> value]');
    return;
  }
  if (values.list) {
    for (const [name, load] of Object.entries(SECTIONS)) console.log(`${name.padEnd(14)} ${(await load()).title}`);
    return;
  }
  const orgs = Number((values.orgs ?? String(DEFAULT_ORGS)).replace(/[_,]/g, '').replace(/k$/i, '000').replace(/m$/i, '000000'));
  if (!Number.isInteger(orgs) || orgs < 10) throw new Error(`--orgs must be an integer ≥ 10 (got ${values.orgs})`);
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(SECTIONS);
  for (const s of only) if (!SECTIONS[s]) throw new Error(`unknown section ${s} (have: ${Object.keys(SECTIONS).join(', ')})`);
  const wanted = (values.engines ?? 'pglite,postgres').split(',').map((s) => s.trim()) as EngineName[];
  const keep = !!values.keep;
  const outDir = values.out ?? 'bench-results';
  const workDir = mkdtempSync(join(tmpdir(), 'chainatlas-bench-'));
  const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

  const engines: EngineTarget[] = [];
  let stopPg = () => {};
  if (wanted.includes('pglite')) engines.push(pgliteEngine(workDir, keep));
  if (wanted.includes('postgres')) {
    const { engine, stop } = await postgresEngine(keep, log);
    engines.push(engine);
    stopPg = stop;
    if (!engine.available) log(`PostgreSQL NOT RUN: ${engine.reason}`);
  }
  const stopAll = () => {
    stopPg();
    if (!keep) rmSync(workDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    stopAll();
    process.exit(130);
  });

  const ctx: BenchContext = { orgs, seed: Number(values.seed ?? 42), engines, workDir, keep, options: sectionOpts, log };
  const started = new Date();
  const t0 = performance.now();
  const results: Array<{ section: string; result: SectionResult }> = [];
  const failed: Array<{ section: string; error: string }> = [];
  const load0 = loadavg()[0];
  try {
    for (const name of only) {
      try {
        const section = await SECTIONS[name]();
        log(`section ${name}: ${section.title}`);
        const result = await section.run(ctx);
        results.push({ section: name, result });
        console.log('\n' + renderSection(result, engines) + '\n');
      } catch (e: any) {
        // One broken section does not lose the others' results.
        failed.push({ section: name, error: String(e?.stack ?? e) });
        console.log(`\nsection ${name} FAILED: ${e?.message ?? e}\n`);
      }
    }
  } finally {
    stopAll();
  }
  const seconds = (performance.now() - t0) / 1000;
  const load1 = loadavg()[0];
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; total ${seconds.toFixed(0)} s`);
  console.log(`load average (1 min): ${load0.toFixed(1)} at start, ${load1.toFixed(1)} at end${Math.max(load0, load1) > cpus().length ? ' — ABOVE the core count: other work on this machine slowed these figures' : ''}`);
  for (const e of engines) console.log(`  ${e.name}: ${e.describe}`);

  mkdirSync(outDir, { recursive: true });
  // Results are machine-specific: keep them out of git without touching the repository's .gitignore.
  if (!existsSync(join(outDir, '.gitignore'))) writeFileSync(join(outDir, '.gitignore'), '*\n');
  const stamp = started.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const json = {
    startedAt: started.toISOString(),
    seconds,
    args: { orgs, seed: ctx.seed, only, engines: wanted, options: sectionOpts },
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, platform: process.platform, loadAverage: { start: load0, end: load1 } },
    engines: engines.map((e) => ({ name: e.name, available: e.available, reason: e.reason ?? null, describe: e.describe, settings: e.settings })),
    sections: Object.fromEntries(results.map((r) => [r.section, r.result])),
    failed,
  };
  const file = join(outDir, `bench-${stamp}-${orgs}.json`);
  writeFileSync(file, JSON.stringify(json, null, 2));
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify(json, null, 2));
  console.log(`results: ${file}`);
  if (failed.length) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
