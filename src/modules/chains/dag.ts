/** Pure graph helpers for chain maps (nodes are ids or names; edges point upstream → downstream). */

export type Edge<T> = [T, T];

/** A path from `from` to `to` along the edges (inclusive), or null. Breadth-first: shortest. */
export function findPath<T>(edges: Array<Edge<T>>, from: T, to: T): T[] | null {
  const out = new Map<T, T[]>();
  for (const [a, b] of edges) {
    const l = out.get(a);
    if (l) l.push(b);
    else out.set(a, [b]);
  }
  const prev = new Map<T, T>();
  const seen = new Set<T>([from]);
  const queue: T[] = [from];
  while (queue.length) {
    const cur = queue.shift()!;
    if (cur === to) {
      const path: T[] = [to];
      let p = to;
      while (p !== from) {
        p = prev.get(p)!;
        path.unshift(p);
      }
      return path;
    }
    for (const nxt of out.get(cur) ?? []) {
      if (!seen.has(nxt)) {
        seen.add(nxt);
        prev.set(nxt, cur);
        queue.push(nxt);
      }
    }
  }
  return null;
}

/**
 * If adding edge from → to would close a cycle, returns the nodes of that cycle in order,
 * starting and ending with `from` (e.g. [A, B, C, A] for a new edge A → B when B reaches A).
 */
export function cycleIfAdded<T>(edges: Array<Edge<T>>, from: T, to: T): T[] | null {
  if (from === to) return [from, from];
  const back = findPath(edges, to, from);
  return back ? [from, ...back] : null;
}

/** Any cycle in the graph (nodes in order, first repeated at the end), or null when it is a DAG. */
export function findCycle<T>(nodes: T[], edges: Array<Edge<T>>): T[] | null {
  const out = new Map<T, T[]>();
  for (const [a, b] of edges) {
    const l = out.get(a);
    if (l) l.push(b);
    else out.set(a, [b]);
  }
  const state = new Map<T, 1 | 2>(); // 1 on stack, 2 done
  const stack: T[] = [];
  const all = new Set<T>([...nodes, ...edges.flat()]);
  for (const start of all) {
    if (state.get(start)) continue;
    const iters: Array<{ node: T; i: number }> = [{ node: start, i: 0 }];
    state.set(start, 1);
    stack.push(start);
    while (iters.length) {
      const top = iters[iters.length - 1];
      const next = (out.get(top.node) ?? [])[top.i++];
      if (next === undefined) {
        state.set(top.node, 2);
        stack.pop();
        iters.pop();
        continue;
      }
      const s = state.get(next);
      if (s === 1) return [...stack.slice(stack.indexOf(next)), next];
      if (!s) {
        state.set(next, 1);
        stack.push(next);
        iters.push({ node: next, i: 0 });
      }
    }
  }
  return null;
}

/** Longest-path layer of each node (0 for sources), for drawing upstream → downstream. */
export function layers<T>(nodes: T[], edges: Array<Edge<T>>): Map<T, number> {
  const indeg = new Map<T, number>(nodes.map((n) => [n, 0]));
  const out = new Map<T, T[]>();
  for (const [a, b] of edges) {
    indeg.set(b, (indeg.get(b) ?? 0) + 1);
    (out.get(a) ?? out.set(a, []).get(a)!).push(b);
  }
  const layer = new Map<T, number>(nodes.map((n) => [n, 0]));
  const queue = nodes.filter((n) => (indeg.get(n) ?? 0) === 0);
  while (queue.length) {
    const n = queue.shift()!;
    for (const m of out.get(n) ?? []) {
      layer.set(m, Math.max(layer.get(m) ?? 0, (layer.get(n) ?? 0) + 1));
      indeg.set(m, indeg.get(m)! - 1);
      if (indeg.get(m) === 0) queue.push(m);
    }
  }
  return layer;
}
