/**
 * The chain-map layout the browser test relies on to click nodes (pure: no browser, no server).
 * Uses the real demo chain files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutChain, nodePixel } from '../../web/src/chain/layout.ts';
import { ROOT } from './platform.ts';

interface Def {
  code: string;
  segments: Array<{ name: string; stage: string; nodes: Array<{ name: string }> }>;
  edges: Array<[string, string]>;
}

function load(def: Def) {
  let id = 1;
  const segments = def.segments.map((_s, i) => ({ id: 100 + i, position: i }));
  const nodes = def.segments.flatMap((s, i) => s.nodes.map((n, j) => ({ id: id++, segmentId: 100 + i, position: j, name: n.name })));
  const byName = new Map(nodes.map((n) => [n.name, n.id]));
  const edges = def.edges.map(([a, b]) => ({ fromNodeId: byName.get(a)!, toNodeId: byName.get(b)! }));
  return { segments, nodes, edges };
}

const dir = join(ROOT, 'data', 'demo', 'chains');
const defs: Def[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));

describe('chain layout', () => {
  it('has demo chains to lay out', () => expect(defs.length).toBeGreaterThan(0));

  it.each(defs.map((d) => [d.code, d] as const))('%s: upstream → downstream, every node placed once, no two nodes on one spot', (_code, def) => {
    const { segments, nodes, edges } = load(def);
    const l = layoutChain(segments, nodes, edges);
    expect(l.nodes.size).toBe(nodes.length);
    // Segment bands follow segment order and do not overlap.
    for (let i = 1; i < l.bands.length; i++) expect(l.bands[i].col0).toBe(l.bands[i - 1].col1 + 1);
    // A node lies inside its segment's band.
    for (const n of nodes) {
      const p = l.nodes.get(n.id)!;
      const band = l.bands.find((b) => b.segmentId === n.segmentId)!;
      expect(p.col).toBeGreaterThanOrEqual(band.col0);
      expect(p.col).toBeLessThanOrEqual(band.col1);
      expect(p.y).toBeGreaterThan(0);
      expect(p.y).toBeLessThan(1);
    }
    // Inside a segment a supplier sits left of what it supplies (longest-path layers).
    for (const e of edges) {
      const a = nodes.find((n) => n.id === e.fromNodeId)!;
      const b = nodes.find((n) => n.id === e.toNodeId)!;
      if (a.segmentId === b.segmentId) expect(l.nodes.get(a.id)!.col).toBeLessThan(l.nodes.get(b.id)!.col);
    }
    // Distinct pixel positions at a typical size (the browser test clicks them).
    const spots = new Set(nodes.map((n) => {
      const p = nodePixel(l, n.id, 1160, 600)!;
      return `${Math.round(p.x / 10)}:${Math.round(p.y / 10)}`;
    }));
    expect(spots.size).toBe(nodes.length);
  });

  it('survives a cycle and dangling edges without throwing', () => {
    const l = layoutChain(
      [{ id: 1, position: 0 }],
      [
        { id: 1, segmentId: 1, position: 0 },
        { id: 2, segmentId: 1, position: 1 },
      ],
      [
        { fromNodeId: 1, toNodeId: 2 },
        { fromNodeId: 2, toNodeId: 1 },
        { fromNodeId: 1, toNodeId: 99 },
      ],
    );
    expect(l.nodes.size).toBe(2);
  });
});
