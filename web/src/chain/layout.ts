/**
 * Lays a chain map out upstream → downstream (left to right):
 * - x: segments in order of `position`; inside a segment, nodes by longest-path layer over the supply
 *   edges that stay inside the segment (a node that supplies another node of its segment sits left of it);
 * - y: each column's nodes spread evenly over the height, ordered to reduce crossings (barycentre sweeps).
 * Pure: no DOM, no ECharts, so it can be tested and reused.
 */
export interface LayoutSegment {
  id: number;
  position: number;
}
export interface LayoutNode {
  id: number;
  segmentId: number;
  position: number;
}
export interface LayoutEdge {
  fromNodeId: number;
  toNodeId: number;
}

export interface NodePlace {
  /** column index over the whole chain (0-based) */
  col: number;
  /** 0..1 from top to bottom */
  y: number;
  /** index of the node in its column, and the column's size */
  row: number;
  rows: number;
  segmentIndex: number;
  layer: number;
}

export interface SegmentBand {
  segmentId: number;
  index: number;
  /** first and last column of the segment (inclusive) */
  col0: number;
  col1: number;
}

export interface ChainLayout {
  nodes: Map<number, NodePlace>;
  bands: SegmentBand[];
  columns: number;
  /** the largest number of nodes in one column */
  maxRows: number;
}

export function layoutChain(segments: LayoutSegment[], nodes: LayoutNode[], edges: LayoutEdge[]): ChainLayout {
  const segs = [...segments].sort((a, b) => a.position - b.position || a.id - b.id);
  const segIndex = new Map(segs.map((s, i) => [s.id, i]));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const preds = new Map<number, number[]>();
  const succs = new Map<number, number[]>();
  for (const n of nodes) {
    preds.set(n.id, []);
    succs.set(n.id, []);
  }
  for (const e of edges) {
    if (!byId.has(e.fromNodeId) || !byId.has(e.toNodeId) || e.fromNodeId === e.toNodeId) continue;
    succs.get(e.fromNodeId)!.push(e.toNodeId);
    preds.get(e.toNodeId)!.push(e.fromNodeId);
  }

  // Longest-path layer inside each segment (Kahn's order over the segment's own edges).
  const layer = new Map<number, number>();
  const bySeg = new Map<number, LayoutNode[]>();
  for (const n of nodes) {
    const k = segIndex.has(n.segmentId) ? n.segmentId : -1;
    if (!bySeg.has(k)) bySeg.set(k, []);
    bySeg.get(k)!.push(n);
  }
  for (const [segId, members] of bySeg) {
    const inSeg = new Set(members.map((m) => m.id));
    const indeg = new Map(members.map((m) => [m.id, preds.get(m.id)!.filter((p) => inSeg.has(p)).length]));
    const queue = members.filter((m) => indeg.get(m.id) === 0).sort((a, b) => a.position - b.position).map((m) => m.id);
    for (const m of members) layer.set(m.id, 0);
    const seen = new Set<number>();
    while (queue.length) {
      const id = queue.shift()!;
      seen.add(id);
      for (const s of succs.get(id)!) {
        if (!inSeg.has(s)) continue;
        layer.set(s, Math.max(layer.get(s)!, layer.get(id)! + 1));
        indeg.set(s, indeg.get(s)! - 1);
        if (indeg.get(s) === 0) queue.push(s);
      }
    }
    void segId;
    // Nodes on a cycle (should not happen: the server keeps the chain a DAG) stay where they got to.
  }

  // Columns: each segment takes (its deepest layer + 1) columns.
  const bands: SegmentBand[] = [];
  let col = 0;
  const segStart = new Map<number, number>();
  const orderedSegIds = [...segs.map((s) => s.id), ...(bySeg.has(-1) ? [-1] : [])];
  orderedSegIds.forEach((sid, i) => {
    const members = bySeg.get(sid) ?? [];
    const depth = members.length ? Math.max(...members.map((m) => layer.get(m.id)!)) + 1 : 1;
    segStart.set(sid, col);
    if (sid !== -1) bands.push({ segmentId: sid, index: i, col0: col, col1: col + depth - 1 });
    col += depth;
  });
  const columns = Math.max(col, 1);

  const colOf = new Map<number, number>();
  const columnsList: number[][] = Array.from({ length: columns }, () => []);
  for (const n of [...nodes].sort((a, b) => a.position - b.position || a.id - b.id)) {
    const sid = segIndex.has(n.segmentId) ? n.segmentId : -1;
    const c = segStart.get(sid)! + layer.get(n.id)!;
    colOf.set(n.id, c);
    columnsList[c].push(n.id);
  }

  // Crossing reduction: barycentre of neighbours in the columns already placed, a few sweeps.
  const rank = new Map<number, number>();
  const setRanks = () => columnsList.forEach((ids) => ids.forEach((id, i) => rank.set(id, (i + 0.5) / ids.length)));
  setRanks();
  const sweep = (dir: 1 | -1) => {
    const order = dir === 1 ? columnsList.map((_, i) => i) : columnsList.map((_, i) => columns - 1 - i);
    for (const c of order) {
      const ids = columnsList[c];
      if (ids.length < 2) continue;
      const bc = new Map<number, number>();
      ids.forEach((id, i) => {
        const nb = (dir === 1 ? preds.get(id)! : succs.get(id)!).filter((o) => (dir === 1 ? colOf.get(o)! < c : colOf.get(o)! > c));
        bc.set(id, nb.length ? nb.reduce((s, o) => s + rank.get(o)!, 0) / nb.length : rank.get(id) ?? (i + 0.5) / ids.length);
      });
      ids.sort((a, b) => bc.get(a)! - bc.get(b)!);
      ids.forEach((id, i) => rank.set(id, (i + 0.5) / ids.length));
    }
  };
  for (let i = 0; i < 3; i++) {
    sweep(1);
    sweep(-1);
  }
  setRanks();

  const places = new Map<number, NodePlace>();
  let maxRows = 1;
  columnsList.forEach((ids, c) => {
    maxRows = Math.max(maxRows, ids.length);
    ids.forEach((id, i) => {
      const n = byId.get(id)!;
      const sid = segIndex.has(n.segmentId) ? n.segmentId : -1;
      places.set(id, { col: c, y: (i + 0.5) / ids.length, row: i, rows: ids.length, segmentIndex: segIndex.get(sid) ?? orderedSegIds.length - 1, layer: layer.get(id)! });
    });
  });
  return { nodes: places, bands, columns, maxRows };
}

/** How ChainGraph maps a layout onto its canvas (shared with the browser test that clicks nodes). */
export const GRAPH_GRID = { left: 8, right: 8, top: 8, bottom: 8 } as const;
export const GRAPH_Y_RANGE: readonly [number, number] = [-0.16, 1.02];

/** Pixel position of a node inside a chart box of `width` × `height` at the initial zoom. */
export function nodePixel(layout: ChainLayout, nodeId: number, width: number, height: number): { x: number; y: number } | null {
  const p = layout.nodes.get(nodeId);
  if (!p) return null;
  const w = width - GRAPH_GRID.left - GRAPH_GRID.right;
  const h = height - GRAPH_GRID.top - GRAPH_GRID.bottom;
  const [y0, y1] = GRAPH_Y_RANGE;
  return { x: GRAPH_GRID.left + ((p.col + 0.5) / layout.columns) * w, y: GRAPH_GRID.top + ((p.y - y0) / (y1 - y0)) * h };
}
