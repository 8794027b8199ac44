/**
 * Validates the demo chain maps (data/demo/chains/*.json, see FORMAT.md there) and the seed
 * attachments (data/demo/seed-attachments.json).
 *
 *   node --import tsx scripts/check-chains.ts [--chains-dir DIR] [--attachments FILE] [--seed-facts FILE]
 *
 * Prints a table of chains (segments / nodes / edges / attachments), then every error and warning.
 * Exits 1 if there is any error, 0 otherwise. Warnings never fail the run.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const MIN_NODES = 25;
const MIN_SEGMENTS = 3;
const MIN_KEYWORDS = 3;
const MAX_NODES_PER_KEYWORD = 3;
/** Content guidance for the demo maps (not a hard rule): outside this range is a warning. */
const ADVISED_NODES: [number, number] = [28, 45];

const STAGES = ['upstream', 'midstream', 'downstream'] as const;
type Stage = (typeof STAGES)[number];
const SCOPES = ['joint', 'tianjin', 'beijing', 'hebei', 'other'] as const;
const REGIONS = ['BJ', 'TJ', 'HE'] as const;
const ROLES = ['chain_leader', 'key_enterprise', 'supplier', 'rnd', 'pilot', 'production', 'service'] as const;
const CODE_RE = /^[a-z0-9][a-z0-9-]*$/;

// ---------------------------------------------------------------------------------------------
// Arguments

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const chainsDir = resolve(argValue('--chains-dir') ?? join(ROOT, 'data', 'demo', 'chains'));
const attachmentsFile = resolve(argValue('--attachments') ?? join(ROOT, 'data', 'demo', 'seed-attachments.json'));
const seedFactsCandidates = [
  argValue('--seed-facts'),
  process.env.CHAINATLAS_SEED_FACTS,
  join(ROOT, 'shared', 'domain', 'seed-facts.md'),
  join(ROOT, '..', 'shared', 'domain', 'seed-facts.md'),
].filter((p): p is string => !!p);

// ---------------------------------------------------------------------------------------------
// Schemas (shape only; cross-references are checked below)

const text = z.string().trim().min(1, 'must be a non-empty string');

const NodeSchema = z.strictObject({
  name: text,
  nameEn: text,
  parent: text.nullable().optional(),
  keywords: z.array(text),
  description: text,
});

const SegmentSchema = z.strictObject({
  name: text,
  nameEn: text,
  stage: z.enum(STAGES),
  nodes: z.array(NodeSchema).min(1, 'a segment needs at least one node'),
});

const ChainSchema = z.strictObject({
  code: z.string().regex(CODE_RE, "lower-case a-z, 0-9 and '-', starting with a letter or digit"),
  name: text,
  nameEn: text,
  scope: z.enum(SCOPES),
  leadRegion: z.enum(REGIONS),
  description: text,
  source: text,
  segments: z.array(SegmentSchema),
  edges: z.array(z.tuple([text, text])),
});
type Chain = z.infer<typeof ChainSchema>;

const AttachmentSchema = z.strictObject({
  org: text,
  chain: text,
  node: text,
  role: z.enum(ROLES),
  note: text,
});

// ---------------------------------------------------------------------------------------------
// Reporting

const errors: string[] = [];
const warnings: string[] = [];
const err = (where: string, msg: string) => errors.push(`${where}: ${msg}`);
const warn = (where: string, msg: string) => warnings.push(`${where}: ${msg}`);

function zodIssues(where: string, e: z.ZodError): void {
  for (const issue of e.issues) {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    err(where, `${path}: ${issue.message}`);
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    err(basename(file), `cannot read or parse JSON (${(e as Error).message})`);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Graph helpers

/** Strongly connected components with more than one node (Tarjan, iterative). */
function cyclicComponents(nodes: string[], out: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result: string[][] = [];

  for (const start of nodes) {
    if (idx.has(start)) continue;
    const work: Array<{ v: string; i: number }> = [{ v: start, i: 0 }];
    idx.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1];
      const next = out.get(frame.v) ?? [];
      if (frame.i < next.length) {
        const w = next[frame.i++];
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.v, Math.min(low.get(frame.v)!, idx.get(w)!));
        }
      } else {
        work.pop();
        if (work.length) {
          const parent = work[work.length - 1].v;
          low.set(parent, Math.min(low.get(parent)!, low.get(frame.v)!));
        }
        if (low.get(frame.v) === idx.get(frame.v)) {
          const comp: string[] = [];
          let w: string;
          do {
            w = stack.pop()!;
            onStack.delete(w);
            comp.push(w);
          } while (w !== frame.v);
          if (comp.length > 1) result.push(comp);
        }
      }
    }
  }
  return result;
}

/** One concrete cycle inside a strongly connected component, as a closed path. */
function cycleIn(comp: string[], out: Map<string, string[]>): string[] {
  const members = new Set(comp);
  const start = comp[0];
  // BFS from start back to start, staying inside the component
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set<string>();
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of out.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        let cur: string | undefined = v;
        while (cur !== undefined && cur !== start) {
          path.push(cur);
          cur = prev.get(cur);
        }
        path.push(start);
        return path.reverse();
      }
      if (!seen.has(w)) {
        seen.add(w);
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return comp;
}

// ---------------------------------------------------------------------------------------------
// Chain checks

interface ChainInfo {
  chain: Chain;
  file: string;
  nodeNames: Set<string>;
  nodes: number;
  segments: number;
  edges: number;
}

function checkChain(file: string, chain: Chain): ChainInfo {
  const where = basename(file);
  if (basename(file, '.json') !== chain.code) err(where, `file name must be "${chain.code}.json" (the chain code)`);

  // segments
  if (chain.segments.length < MIN_SEGMENTS) err(where, `${chain.segments.length} segments, at least ${MIN_SEGMENTS} required`);
  const stagesUsed = new Set(chain.segments.map((s) => s.stage));
  const missing = STAGES.filter((s) => !stagesUsed.has(s));
  if (missing.length) err(where, `no segment with stage ${missing.join(', ')} (all three stages are required)`);
  const segNames = new Set<string>();
  for (const s of chain.segments) {
    if (segNames.has(s.name)) err(where, `duplicate segment name "${s.name}"`);
    segNames.add(s.name);
  }

  // nodes
  const stageOf = new Map<string, Stage>();
  const allNodes = chain.segments.flatMap((s) => s.nodes.map((n) => ({ ...n, stage: s.stage, segment: s.name })));
  for (const n of allNodes) {
    if (stageOf.has(n.name)) err(where, `duplicate node name "${n.name}"`);
    else stageOf.set(n.name, n.stage);
  }
  if (allNodes.length < MIN_NODES) err(where, `${allNodes.length} nodes, at least ${MIN_NODES} required`);
  else if (allNodes.length < ADVISED_NODES[0] || allNodes.length > ADVISED_NODES[1])
    warn(where, `${allNodes.length} nodes (advised ${ADVISED_NODES[0]}–${ADVISED_NODES[1]})`);

  // keywords
  const keywordNodes = new Map<string, string[]>();
  for (const n of allNodes) {
    if (n.keywords.length < MIN_KEYWORDS)
      err(where, `node "${n.name}" has ${n.keywords.length} keywords, at least ${MIN_KEYWORDS} required`);
    const own = new Set<string>();
    for (const k of n.keywords) {
      const key = k.trim();
      if (own.has(key)) {
        err(where, `node "${n.name}" lists keyword "${key}" twice`);
        continue;
      }
      own.add(key);
      keywordNodes.set(key, [...(keywordNodes.get(key) ?? []), n.name]);
    }
  }
  for (const [k, names] of keywordNodes) {
    if (names.length > MAX_NODES_PER_KEYWORD)
      err(where, `keyword "${k}" is used by ${names.length} nodes (max ${MAX_NODES_PER_KEYWORD}): ${names.join(', ')}`);
  }

  // parents
  const parentOf = new Map<string, string>();
  for (const n of allNodes) {
    if (n.parent == null) continue;
    if (n.parent === n.name) err(where, `node "${n.name}" is its own parent`);
    else if (!stageOf.has(n.parent)) err(where, `node "${n.name}": parent "${n.parent}" is not a node of this chain`);
    else parentOf.set(n.name, n.parent);
  }
  const reportedParentCycles = new Set<string>();
  for (const start of parentOf.keys()) {
    const seen = [start];
    let cur = parentOf.get(start);
    while (cur !== undefined) {
      if (cur === start) {
        const key = [...seen].sort().join('\u0000');
        if (!reportedParentCycles.has(key)) err(where, `parent cycle: ${[...seen, start].join(' → ')}`);
        reportedParentCycles.add(key);
        break;
      }
      if (seen.includes(cur)) break; // a cycle not through start; reported from its own members
      seen.push(cur);
      cur = parentOf.get(cur);
    }
  }

  // edges
  const out = new Map<string, string[]>();
  const touched = new Set<string>();
  const pairs = new Set<string>();
  const stageRank = (s: Stage) => STAGES.indexOf(s);
  chain.edges.forEach(([from, to], i) => {
    const at = `edge #${i + 1} [${from} → ${to}]`;
    let ok = true;
    if (!stageOf.has(from)) { err(where, `${at}: "${from}" is not a node of this chain`); ok = false; }
    if (!stageOf.has(to)) { err(where, `${at}: "${to}" is not a node of this chain`); ok = false; }
    if (from === to) { err(where, `${at}: self-loop`); ok = false; }
    const key = `${from}\u0000${to}`;
    if (pairs.has(key)) { err(where, `${at}: duplicate edge`); ok = false; }
    pairs.add(key);
    if (!ok) return;
    out.set(from, [...(out.get(from) ?? []), to]);
    touched.add(from);
    touched.add(to);
    if (stageRank(stageOf.get(from)!) > stageRank(stageOf.get(to)!))
      warn(where, `${at} runs from ${stageOf.get(from)} to ${stageOf.get(to)}`);
  });
  for (const comp of cyclicComponents([...stageOf.keys()], out)) {
    err(where, `edges are not a DAG; cycle: ${cycleIn(comp, out).join(' → ')} (nodes in the cycle's component: ${comp.join(', ')})`);
  }
  const isolated = allNodes.filter((n) => !touched.has(n.name)).map((n) => n.name);
  if (isolated.length) warn(where, `${isolated.length} node(s) on no edge: ${isolated.join(', ')}`);

  return {
    chain,
    file,
    nodeNames: new Set(stageOf.keys()),
    nodes: allNodes.length,
    segments: chain.segments.length,
    edges: chain.edges.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Seed facts §3 (organisation names)

function loadSeedOrgSection(): { file: string; text: string } | null {
  for (const file of seedFactsCandidates) {
    if (!existsSync(file)) continue;
    const md = readFileSync(file, 'utf8');
    const m = md.match(/^## 3\.[^\n]*\n([\s\S]*?)(?=^## |(?![\s\S]))/m);
    if (m) return { file, text: m[1] };
    warn(basename(file), 'no "## 3." section found; organisation names not checked');
    return null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Table

function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
function pad(s: string, n: number, right = false): string {
  const fill = ' '.repeat(Math.max(0, n - width(s)));
  return right ? fill + s : s + fill;
}
function table(header: string[], rows: string[][], rightAlign: boolean[]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i], rightAlign[i])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

function main(): number {
  if (!existsSync(chainsDir)) {
    console.error(`chains directory not found: ${chainsDir}`);
    return 1;
  }
  const files = readdirSync(chainsDir).filter((f) => f.endsWith('.json')).sort();
  if (!files.length) err(chainsDir, 'no chain files (*.json)');

  const chains = new Map<string, ChainInfo>();
  for (const f of files) {
    const file = join(chainsDir, f);
    const data = readJson(file);
    if (data === undefined) continue;
    const parsed = ChainSchema.safeParse(data);
    if (!parsed.success) {
      zodIssues(f, parsed.error);
      continue;
    }
    const info = checkChain(file, parsed.data);
    const prior = chains.get(info.chain.code);
    if (prior) err(f, `chain code "${info.chain.code}" is also used by ${basename(prior.file)}`);
    else chains.set(info.chain.code, info);
  }

  // attachments
  const attachCount = new Map<string, number>();
  let attachmentsTotal = 0;
  const aWhere = basename(attachmentsFile);
  if (!existsSync(attachmentsFile)) {
    warn(aWhere, 'not found; attachments not checked');
  } else {
    const data = readJson(attachmentsFile);
    if (data !== undefined) {
      if (!Array.isArray(data)) err(aWhere, 'must be a JSON array of attachments');
      else {
        const seed = loadSeedOrgSection();
        if (!seed) warn(aWhere, 'seed-facts.md not found; organisation names not checked against §3');
        const seen = new Set<string>();
        data.forEach((item, i) => {
          attachmentsTotal++;
          const parsed = AttachmentSchema.safeParse(item);
          if (!parsed.success) {
            zodIssues(`${aWhere} #${i + 1}`, parsed.error);
            return;
          }
          const a = parsed.data;
          const at = `${aWhere} #${i + 1} (${a.org} → ${a.chain}/${a.node})`;
          const info = chains.get(a.chain);
          if (!info) err(at, `chain "${a.chain}" does not exist`);
          else if (!info.nodeNames.has(a.node)) err(at, `node "${a.node}" is not in chain "${a.chain}"`);
          else attachCount.set(a.chain, (attachCount.get(a.chain) ?? 0) + 1);
          const key = `${a.org}\u0000${a.chain}\u0000${a.node}`;
          if (seen.has(key)) err(at, 'duplicate attachment (same organisation and node)');
          seen.add(key);
          if (seed && !seed.text.includes(a.org)) err(at, `organisation "${a.org}" is not written this way in seed-facts §3 (${seed.file})`);
        });
      }
    }
  }

  // output
  const rows = [...chains.values()]
    .sort((a, b) => (a.chain.scope === b.chain.scope ? a.chain.code.localeCompare(b.chain.code) : a.chain.scope.localeCompare(b.chain.scope)))
    .map((c) => [
      c.chain.code,
      c.chain.name,
      c.chain.scope,
      c.chain.leadRegion,
      String(c.segments),
      String(c.nodes),
      String(c.edges),
      String(attachCount.get(c.chain.code) ?? 0),
    ]);
  const sum = (k: 'segments' | 'nodes' | 'edges') => [...chains.values()].reduce((n, c) => n + c[k], 0);
  rows.push(['total', '', '', '', String(sum('segments')), String(sum('nodes')), String(sum('edges')), String(attachmentsTotal)]);
  console.log(
    table(
      ['code', 'name', 'scope', 'lead', 'segments', 'nodes', 'edges', 'attachments'],
      rows,
      [false, false, false, false, true, true, true, true],
    ),
  );
  console.log();
  for (const w of warnings) console.log(`warning  ${w}`);
  for (const e of errors) console.log(`error    ${e}`);
  console.log(
    `${chains.size} chain(s) from ${files.length} file(s), ${attachmentsTotal} attachment(s): ` +
      `${errors.length} error(s), ${warnings.length} warning(s)`,
  );
  return errors.length ? 1 : 0;
}

process.exitCode = main();
