/**
 * Border snapping for polygons that come from separately simplified files.
 *
 * The 京津冀 county layer is a concatenation of DataV downloads: one file for Beijing, one for
 * Tianjin and one per Hebei city. Inside one file neighbouring counties share their border vertex
 * for vertex, but a border between two files (e.g. 廊坊 | 天津, 保定 | 石家庄) was simplified twice
 * and the two copies differ: about half of such border vertices lie within 1 m of the other copy,
 * the rest up to a few hundred metres away. TopoJSON can only share an arc when both sides have the
 * same vertices, so without help each such border stays two arcs and simplification would widen
 * the slivers between them.
 *
 * snapBorders() makes near-identical copies identical. It works on distinct positions (a vertex
 * shared by several rings is one position), so borders that were already shared stay shared:
 *   1. snapping: each position, in order of first appearance, moves onto the nearest earlier
 *      "anchor" within `eps` whose features are all different from its own (so two vertices of one
 *      feature never merge into one point); otherwise it becomes an anchor itself;
 *   2. insertion: an anchor of other features lying within `eps` of a segment (strictly between
 *      its ends) is inserted into that segment, identically for every ring that uses the segment.
 * Where two copies follow the same line they end up with the same vertex sequence, and the
 * topology builder then shares the arc. Nothing moves by more than `eps`, so copies that are
 * farther apart stay as they are (the slivers left are measured and reported by the build).
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';

export interface SnapStats {
  positions: number; // distinct input positions
  snapped: number; // positions moved onto an anchor of other features
  inserted: number; // vertices inserted into ring segments (counted per ring)
}

interface Anchor {
  p: Position;
  owners: Set<number>; // feature indices whose rings use this position
}

/**
 * Cleans rings before any topology work: drops repeated vertices and zero-width spikes
 * (A→B→A, which DataV has where a ring runs out along a border and back), and winds every ring the
 * RFC 7946 way (exterior counter-clockwise, holes clockwise). The source mixes both windings,
 * which breaks topojson merges (they stitch arcs end to start and then leave rings open).
 */
export function normalizeRings(geometries: Array<Polygon | MultiPolygon>): { reversed: number; spikeVertices: number } {
  const stats = { reversed: 0, spikeVertices: 0 };
  for (const g of geometries) {
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const poly of polys) {
      for (let j = 0; j < poly.length; j++) {
        // Work on the open ring (without the closing copy of the first vertex).
        let pts = poly[j].slice(0, -1).filter((p, i, a) => i === 0 || p[0] !== a[i - 1][0] || p[1] !== a[i - 1][1]);
        let changed = true;
        while (changed && pts.length > 3) {
          changed = false;
          for (let i = 0; i < pts.length; i++) {
            const prev = pts[(i - 1 + pts.length) % pts.length];
            const next = pts[(i + 1) % pts.length];
            if (prev[0] === next[0] && prev[1] === next[1]) {
              // Remove the spike tip and one copy of the repeated base vertex.
              const drop = new Set([i, (i + 1) % pts.length]);
              pts = pts.filter((_, k) => !drop.has(k));
              stats.spikeVertices += 2;
              changed = true;
              break;
            }
          }
        }
        if (pts.length < 3) throw new Error('normalizeRings: a ring has fewer than 3 distinct vertices');
        const ccw = ringSignedArea(pts) > 0;
        if (ccw !== (j === 0)) {
          pts.reverse();
          stats.reversed++;
        }
        poly[j] = [...pts, [pts[0][0], pts[0][1]]];
      }
    }
  }
  return stats;
}

/** Planar signed area (shoelace); positive for counter-clockwise rings. */
export function ringSignedArea(ring: Position[]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return s / 2;
}

const key = (p: Position) => `${p[0]},${p[1]}`;
const disjoint = (a: Set<number>, b: Set<number>) => {
  for (const x of a) if (b.has(x)) return false;
  return true;
};

export function snapBorders(geometries: Array<Polygon | MultiPolygon>, eps: number): SnapStats {
  const ringsOf = (g: Polygon | MultiPolygon) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flat();

  // Distinct positions, in order of first appearance, with the features that use them.
  const owners = new Map<string, { p: Position; owners: Set<number> }>();
  geometries.forEach((g, feature) => {
    for (const ring of ringsOf(g)) {
      for (const p of ring) {
        const k = key(p);
        const e = owners.get(k);
        if (e) e.owners.add(feature);
        else owners.set(k, { p: [p[0], p[1]], owners: new Set([feature]) });
      }
    }
  });

  // A uniform grid of cells a few eps wide holding the anchors.
  const cell = eps * 20;
  const grid = new Map<string, Anchor[]>();
  const cellOf = (x: number) => Math.floor(x / cell);
  const eps2 = eps * eps;
  const stats: SnapStats = { positions: owners.size, snapped: 0, inserted: 0 };

  // Pass 1: snapping.
  const anchorOf = new Map<string, Anchor>();
  for (const [k, e] of owners) {
    const cx = cellOf(e.p[0]);
    const cy = cellOf(e.p[1]);
    let best: Anchor | null = null;
    let bestD = eps2;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const a of grid.get(`${cx + dx},${cy + dy}`) ?? []) {
          const d = (a.p[0] - e.p[0]) ** 2 + (a.p[1] - e.p[1]) ** 2;
          if (d < bestD && disjoint(a.owners, e.owners)) {
            bestD = d;
            best = a;
          }
        }
      }
    }
    if (best) {
      for (const f of e.owners) best.owners.add(f);
      anchorOf.set(k, best);
      stats.snapped++;
    } else {
      const a: Anchor = { p: e.p, owners: new Set(e.owners) };
      const gk = `${cx},${cy}`;
      const list = grid.get(gk);
      if (list) list.push(a);
      else grid.set(gk, [a]);
      anchorOf.set(k, a);
    }
  }

  // Pass 2: insertion, computed once per undirected segment so every ring sharing it agrees.
  const segKey = (a: Anchor, b: Anchor) => {
    const [ka, kb] = [key(a.p), key(b.p)];
    return ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
  };
  // The features whose rings run along each segment: their own vertices are never inserted into
  // it (that would fold a ring onto itself).
  const segOwners = new Map<string, Set<number>>();
  geometries.forEach((g, feature) => {
    for (const ring of ringsOf(g)) {
      for (let i = 1; i < ring.length; i++) {
        const a = anchorOf.get(key(ring[i - 1]))!;
        const b = anchorOf.get(key(ring[i]))!;
        if (a === b) continue;
        const sk = segKey(a, b);
        const set = segOwners.get(sk);
        if (set) set.add(feature);
        else segOwners.set(sk, new Set([feature]));
      }
    }
  });
  const insertCache = new Map<string, Position[]>();
  const between = (a: Anchor, b: Anchor): Position[] => {
    const fwd = key(a.p) < key(b.p);
    const [s, t] = fwd ? [a, b] : [b, a];
    const ck = segKey(a, b);
    let pts = insertCache.get(ck);
    if (!pts) {
      const own = segOwners.get(ck)!;
      const dx = t.p[0] - s.p[0];
      const dy = t.p[1] - s.p[1];
      const len2 = dx * dx + dy * dy;
      const found: { u: number; p: Position }[] = [];
      if (len2 > 0) {
        for (let gx = cellOf(Math.min(s.p[0], t.p[0]) - eps); gx <= cellOf(Math.max(s.p[0], t.p[0]) + eps); gx++) {
          for (let gy = cellOf(Math.min(s.p[1], t.p[1]) - eps); gy <= cellOf(Math.max(s.p[1], t.p[1]) + eps); gy++) {
            for (const c of grid.get(`${gx},${gy}`) ?? []) {
              if (c === s || c === t || !disjoint(c.owners, own)) continue;
              const u = ((c.p[0] - s.p[0]) * dx + (c.p[1] - s.p[1]) * dy) / len2;
              if (u <= 0 || u >= 1) continue;
              const ex = s.p[0] + u * dx - c.p[0];
              const ey = s.p[1] + u * dy - c.p[1];
              if (ex * ex + ey * ey < eps2) found.push({ u, p: c.p });
            }
          }
        }
      }
      found.sort((m, n) => m.u - n.u || m.p[0] - n.p[0] || m.p[1] - n.p[1]);
      pts = found.map((f) => f.p);
      insertCache.set(ck, pts);
    }
    return fwd ? pts : [...pts].reverse();
  };

  for (const g of geometries) {
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const poly of polys) {
      for (let j = 0; j < poly.length; j++) {
        const anchors = poly[j].map((p) => anchorOf.get(key(p))!);
        const out: Position[] = [];
        const push = (p: Position) => {
          const last = out[out.length - 1];
          if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push([p[0], p[1]]);
        };
        for (let i = 0; i < anchors.length; i++) {
          if (i > 0 && anchors[i] !== anchors[i - 1]) {
            for (const p of between(anchors[i - 1], anchors[i])) {
              push(p);
              stats.inserted++;
            }
          }
          push(anchors[i].p);
        }
        if (out.length < 4) throw new Error(`snapBorders: a ring collapsed to ${out.length} points`);
        poly[j] = out;
      }
    }
  }
  return stats;
}
