/**
 * Section `attach`: automatic attachment (挂链) throughput — organisations per CPU second on one core,
 * suggestions with tiers and evidence, for the ten demo chains (329 nodes) and a 500-node
 * taxonomy, over real listed companies and generated register records; the keyword matcher the
 * engine replaced and the engine without its pre-filter beside it. Issue #3 target: ≥ 5,000
 * organisations/s. Then runAttach end to end on PGlite and PostgreSQL (read, score, batched writes).
 *
 * Options: --attach.generated N (generated records, default 20000), --attach.clones N (copies of
 *          the 3,750 national companies added as 京津冀 candidates for the end-to-end run, default 2)
 */
import { fileURLToPath } from 'node:url';
import { runInChild } from '../lib/child.ts';
import type { BenchContext, EngineName, ResultRow, Section, SectionResult } from '../lib/types.ts';
import type { EngineMeasurement, RunMeasurement, Throughput } from './attach.child.ts';

const CHILD = fileURLToPath(new URL('./attach.child.ts', import.meta.url));
const TARGET = 5000;

export const section: Section = {
  name: 'attach',
  title: 'Automatic attachment (挂链): organisations per second on one core, with evidence',
  async run(ctx: BenchContext): Promise<SectionResult> {
    const opt = (k: string, d: number) => Number(ctx.options[`attach.${k}`] ?? d);
    const args = { generated: opt('generated', 20_000), clones: opt('clones', 2) };
    ctx.log(`attach: engine throughput (${args.generated} generated records + the demo's listed companies)…`);
    const eng = (await runInChild<EngineMeasurement>(CHILD, 'measureEngine', { generated: args.generated, seed: ctx.seed, workDir: ctx.workDir })).result;
    const live = ctx.engines.filter((e) => e.available);
    const runs: Partial<Record<EngineName, RunMeasurement>> = {};
    const errors: Partial<Record<EngineName, string>> = {};
    for (const e of live) {
      const spec = await e.fresh('attach');
      try {
        ctx.log(`${e.name}: demo seed + ${args.clones} × national companies as candidates, runAttach…`);
        runs[e.name] = (await runInChild<RunMeasurement>(CHILD, 'measureRun', { spec, clones: args.clones })).result;
      } catch (err: any) {
        errors[e.name] = err.message;
        ctx.log(`${e.name}: attach FAILED: ${err.message}`);
      } finally {
        await e.drop(spec);
      }
    }
    return attachResult(live.map((e) => e.name), eng, runs, errors, args);
  },
};

const fmt = (t: Throughput) => `${t.orgsPerCpuSecond.toLocaleString('en-US')} /s`;
const note = (t: Throughput) =>
  `${t.orgs.toLocaleString('en-US')} orgs in ${t.cpuSeconds} CPU s (wall ${t.wallSeconds} s); ${t.scored.toLocaleString('en-US')} scored, ${t.suggestions.toLocaleString('en-US')} suggestions (${t.confirmed} confirmed, ${t.review} review)`;

export function attachResult(
  engines: EngineName[],
  m: EngineMeasurement,
  runs: Partial<Record<EngineName, RunMeasurement>>,
  errors: Partial<Record<EngineName, string>>,
  args: { generated: number; clones: number },
): SectionResult {
  const per = <T>(f: (k: EngineName) => T | null) => Object.fromEntries(engines.map((k) => [k, f(k)])) as Partial<Record<EngineName, T | null>>;
  const worst = Math.min(m.demo.real.orgsPerCpuSecond, m.demo.generated.orgsPerCpuSecond, m.n500.real.orgsPerCpuSecond, m.n500.generated.orgsPerCpuSecond);
  const rows: ResultRow[] = [
    { metric: `10 demo chains (${m.nodes.demo} nodes), ${m.populations.real.toLocaleString('en-US')} listed companies`, shared: fmt(m.demo.real), note: note(m.demo.real) },
    { metric: `10 demo chains, ${m.populations.generated.toLocaleString('en-US')} generated register records`, shared: fmt(m.demo.generated), note: note(m.demo.generated) },
    { metric: `${m.nodes.n500}-node taxonomy, listed companies`, shared: fmt(m.n500.real), note: note(m.n500.real) },
    { metric: `${m.nodes.n500}-node taxonomy, generated records`, shared: fmt(m.n500.generated), note: note(m.n500.generated) },
    { metric: 'target', shared: worst >= TARGET ? `≥ ${TARGET.toLocaleString('en-US')} /s: met (slowest row ${worst.toLocaleString('en-US')} /s)` : `≥ ${TARGET.toLocaleString('en-US')} /s: NOT met (slowest ${worst.toLocaleString('en-US')} /s)`, note: 'issue #3, one core (CPU seconds of the single-threaded loop)' },
    { kind: 'info', metric: 'model training', shared: `${m.trainMs.demo} ms (${m.nodes.demo} nodes) / ${m.trainMs.n500} ms (${m.nodes.n500} nodes)`, note: `${m.examples} examples (the seed-facts attachments); once per run` },
    { kind: 'baseline', metric: 'old keyword matcher, listed companies', shared: fmt(m.baselineKeyword.real), note: `${note(m.baselineKeyword.real)}; no evidence, no tiers, no examples` },
    { kind: 'baseline', metric: 'old keyword matcher, generated records', shared: fmt(m.baselineKeyword.generated), note: note(m.baselineKeyword.generated) },
    { kind: 'baseline', metric: 'engine without the pre-filter, listed companies', shared: fmt(m.noPrefilter.real), note: `${note(m.noPrefilter.real)}; every organisation through the classifier — same suggestions, what the pre-filter saves` },
    {
      metric: 'runAttach end to end, all chains',
      unit: 'orgs/s',
      values: per((k) => (runs[k] ? runs[k]!.orgsPerSecond : errors[k] ? 'FAILED' : null)),
      note: 'read pages, score, one upsert + one delete statement per 1,000 organisations, audit',
    },
    { metric: 'candidates, seconds', values: per((k) => (runs[k] ? `${runs[k]!.candidates.toLocaleString('en-US')} in ${runs[k]!.seconds} s` : null)), note: `demo 京津冀 + ${args.clones} × 3,750 national companies cloned into Hebei` },
    { metric: 'links written', values: per((k) => (runs[k] ? `${runs[k]!.created} (${runs[k]!.confirmed} confirmed, ${runs[k]!.review} review)` : null)) },
    { metric: 're-run (no changes)', unit: 's', values: per((k) => (runs[k] ? runs[k]!.rerunSeconds : null)), note: 'compares, writes nothing' },
    { kind: 'check', metric: 're-run writes', values: per((k) => (runs[k] ? (runs[k]!.rerunUpdated === 0 ? 'ok: 0' : `FAILED: ${runs[k]!.rerunUpdated}`) : null)), note: 'a second run over unchanged data changes no link' },
    { kind: 'info', metric: 'setup', unit: 's', values: per((k) => runs[k]?.setupSeconds ?? null), note: 'demo seed and clones, excluded' },
  ];
  const notes: string[] = [];
  for (const k of engines) if (errors[k]) notes.push(`✗ ${k}: ${errors[k]}`);
  notes.push('Engine rows need no database and are the same for both engines (one child process, warm-up on 300 records first).');
  return { title: section.title, rows, notes, data: { args, engine: m, runs, errors } };
}
