/**
 * The chain-map edits the web app makes (segments and nodes), shared by the 编辑图谱 drawer and the node
 * panel: each call goes to the API, keeps positions compact (so that the xlsx export → import round
 * trip changes nothing), then refreshes the chain and what depends on it. Errors are thrown as the
 * client's ApiError: the callers show the server's message.
 */
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { ChainDetail, ChainNode, ChainSegment } from '../api/types';
import type { Stage } from '../i18n/vocab';

export interface SegmentValues {
  name: string;
  nameEn: string | null;
  stage: Stage;
}
export interface NodeValues {
  name: string;
  nameEn: string | null;
  keywords: string[];
  segmentId: number;
}

export const sortedSegments = (chain: ChainDetail): ChainSegment[] => [...chain.segments].sort((a, b) => a.position - b.position || a.id - b.id);
export const segmentNodes = (chain: ChainDetail, segmentId: number): ChainNode[] =>
  chain.nodes.filter((n) => n.segmentId === segmentId).sort((a, b) => a.position - b.position || a.id - b.id);

/** Trimmed, without empties or repeats (the server also removes repeats). */
export const cleanKeywords = (ks: string[] | undefined) => [...new Set((ks ?? []).map((k) => k.trim()).filter(Boolean))];

/** What deleting a node takes with it (the API cascades: supply links and attachments go, sub-nodes lose their parent). */
export function nodeDeleteImpact(chain: ChainDetail, node: ChainNode) {
  const byId = new Map(chain.nodes.map((n) => [n.id, n]));
  const edges = chain.edges.filter((e) => e.fromNodeId === node.id || e.toNodeId === node.id);
  const links = node.counts.BJ + node.counts.TJ + node.counts.HE + node.counts.outside;
  const children = chain.nodes.filter((n) => n.parentId === node.id);
  return {
    edges: edges.map((e) => ({ from: byId.get(e.fromNodeId), to: byId.get(e.toNodeId) })),
    links,
    children,
  };
}

export function useChainEdits(chain: ChainDetail) {
  const qc = useQueryClient();

  /** The chain (the graph redraws from it) is awaited; the rest refreshes in the background. */
  async function refresh() {
    void qc.invalidateQueries({ queryKey: ['chains'] });
    void qc.invalidateQueries({ queryKey: ['diagnostics'] });
    void qc.invalidateQueries({ queryKey: ['node-diagnostics'] });
    void qc.invalidateQueries({ queryKey: ['node-orgs'] });
    void qc.invalidateQueries({ queryKey: ['lists'] });
    await qc.invalidateQueries({ queryKey: ['chain'] });
  }

  /** Renumbers the nodes of a segment 0, 1, 2… (after one left it). */
  async function compactNodes(segmentId: number, without: number) {
    const rest = segmentNodes(chain, segmentId).filter((n) => n.id !== without);
    for (const [i, n] of rest.entries()) if (n.position !== i) await api.patch(`/api/nodes/${n.id}`, { position: i });
  }
  async function compactSegments(order: ChainSegment[]) {
    for (const [i, s] of order.entries()) if (s.position !== i) await api.patch(`/api/segments/${s.id}`, { position: i });
  }

  async function run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      // Also after a refusal part-way (e.g. a renumbering): the map shows what the server has.
      await refresh();
    }
  }

  return {
    refresh,
    addSegment: (v: SegmentValues) =>
      run(() => api.post<ChainSegment>(`/api/chains/${chain.id}/segments`, { name: v.name, nameEn: v.nameEn, stage: v.stage, position: chain.segments.length })),
    updateSegment: (s: ChainSegment, v: SegmentValues) => {
      const body: Record<string, unknown> = {};
      if (v.name !== s.name) body.name = v.name;
      if ((v.nameEn ?? null) !== s.nameEn) body.nameEn = v.nameEn;
      if (v.stage !== s.stage) body.stage = v.stage;
      return run(() => api.patch<ChainSegment>(`/api/segments/${s.id}`, body));
    },
    moveSegment: (s: ChainSegment, delta: -1 | 1) =>
      run(async () => {
        const order = sortedSegments(chain);
        const i = order.findIndex((x) => x.id === s.id);
        const j = i + delta;
        if (i < 0 || j < 0 || j >= order.length) return;
        [order[i], order[j]] = [order[j], order[i]];
        await compactSegments(order);
      }),
    deleteSegment: (s: ChainSegment) =>
      run(async () => {
        await api.del(`/api/segments/${s.id}`);
        await compactSegments(sortedSegments(chain).filter((x) => x.id !== s.id));
      }),
    addNode: (v: NodeValues) =>
      run(() =>
        api.post<ChainNode>(`/api/chains/${chain.id}/nodes`, {
          segmentId: v.segmentId,
          name: v.name,
          nameEn: v.nameEn,
          keywords: cleanKeywords(v.keywords),
          position: segmentNodes(chain, v.segmentId).length,
        }),
      ),
    updateNode: (n: ChainNode, v: Partial<NodeValues>) =>
      run(async () => {
        // keywords always: the server's patch keeps them only when sent.
        const body: Record<string, unknown> = { keywords: v.keywords ? cleanKeywords(v.keywords) : n.keywords };
        if (v.name !== undefined && v.name !== n.name) body.name = v.name;
        if (v.nameEn !== undefined && (v.nameEn ?? null) !== n.nameEn) body.nameEn = v.nameEn;
        const moved = v.segmentId !== undefined && v.segmentId !== n.segmentId;
        if (moved) {
          body.segmentId = v.segmentId;
          body.position = segmentNodes(chain, v.segmentId!).length;
        }
        const next = await api.patch<ChainNode>(`/api/nodes/${n.id}`, body);
        if (moved) await compactNodes(n.segmentId, n.id);
        return next;
      }),
    deleteNode: (n: ChainNode) =>
      run(async () => {
        await api.del(`/api/nodes/${n.id}`);
        await compactNodes(n.segmentId, n.id);
      }),
  };
}

export type ChainEdits = ReturnType<typeof useChainEdits>;
