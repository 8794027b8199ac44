/**
 * Hooks and types of diagnostics (node × region status, rules, proposals) and the three lists
 * (卡点 / 堵点 / 重点企业: entries, workflow, linked organisations, history). Types come from the
 * server's zod schemas as types only, so zod stays out of the bundle.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { rulesResponseSchema } from '../../../src/modules/diagnostics/diagnostics.schemas.ts';
import type { chainListsSchema, entryHistorySchema, entryInputSchema, entryPatchSchema } from '../../../src/modules/lists/lists.schemas.ts';
import { api, request } from './client';
import type { ChainDetail } from './types';

export type {
  ChainDiagnostics,
  DiagnosticRules,
  DiagnosticRulesPatch,
  NodeDiagnosis,
  NodeDiagnostics,
  RegionCounts,
  RegionDiagnosis,
} from '../../../src/modules/diagnostics/diagnostics.schemas.ts';
export type { ListEntry, ProposalsResult } from '../../../src/modules/lists/lists.schemas.ts';
import type { ChainDiagnostics, DiagnosticRulesPatch, NodeDiagnostics } from '../../../src/modules/diagnostics/diagnostics.schemas.ts';
import type { ListEntry, ProposalsResult } from '../../../src/modules/lists/lists.schemas.ts';

export type RulesResponse = z.infer<typeof rulesResponseSchema>;
export type ChainLists = z.infer<typeof chainListsSchema>;
export type EntryHistory = z.infer<typeof entryHistorySchema>;
/** What POST /api/list-entries accepts (before zod's defaults). */
export type EntryInput = z.input<typeof entryInputSchema>;
export type EntryPatch = z.input<typeof entryPatchSchema>;
export type EntryOrg = ListEntry['organizations'][number];

export interface ListFilters {
  kind?: string;
  status?: string;
  region?: string;
  origin?: string;
  nodeId?: number;
}

const enc = encodeURIComponent;

export const useChainDiagnostics = (chain: string | null | undefined) =>
  useQuery({
    queryKey: ['diagnostics', chain],
    enabled: !!chain,
    queryFn: ({ signal }) => api.get<ChainDiagnostics>(`/api/chains/${enc(chain!)}/diagnostics`, undefined, signal),
  });

export const useNodeDiagnostics = (nodeId: number | null) =>
  useQuery({
    queryKey: ['node-diagnostics', nodeId],
    enabled: nodeId != null,
    queryFn: ({ signal }) => api.get<NodeDiagnostics>(`/api/nodes/${nodeId}/diagnostics`, undefined, signal),
  });

export const useDiagnosticRules = (chain: string | null | undefined, enabled = true) =>
  useQuery({
    queryKey: ['diagnostic-rules', chain],
    enabled: !!chain && enabled,
    queryFn: ({ signal }) => api.get<RulesResponse>(`/api/chains/${enc(chain!)}/diagnostics/rules`, undefined, signal),
  });

export const useChainLists = (chain: string | null | undefined, filters: ListFilters = {}) =>
  useQuery({
    queryKey: ['lists', chain, filters],
    enabled: !!chain,
    queryFn: ({ signal }) => api.get<ChainLists>(`/api/chains/${enc(chain!)}/lists`, { ...filters }, signal),
    placeholderData: (prev, prevQuery) => (prevQuery?.queryKey[1] === chain ? prev : undefined),
  });

export const useListEntry = (id: number) =>
  useQuery({
    queryKey: ['list-entry', id],
    enabled: Number.isFinite(id) && id > 0,
    queryFn: ({ signal }) => api.get<ListEntry>(`/api/list-entries/${id}`, undefined, signal),
  });

export const useEntryHistory = (id: number) =>
  useQuery({
    queryKey: ['list-entry-history', id],
    enabled: Number.isFinite(id) && id > 0,
    queryFn: ({ signal }) => api.get<EntryHistory>(`/api/list-entries/${id}/history`, undefined, signal),
  });

/** Everything a change to diagnostics rules, proposals or entries can make stale. */
export function useInvalidateLists() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['lists'] }),
      qc.invalidateQueries({ queryKey: ['diagnostics'] }),
      qc.invalidateQueries({ queryKey: ['node-diagnostics'] }),
      qc.invalidateQueries({ queryKey: ['diagnostic-rules'] }),
    ]);
}

/** Writes to one entry: the answer is the new entry; the entry, its history and the lists refresh. */
export function useEntryWrite(id: number) {
  const qc = useQueryClient();
  const invalidate = useInvalidateLists();
  return useMutation({
    mutationFn: (w: { method: 'POST' | 'PATCH' | 'DELETE'; path: string; body?: unknown }) =>
      request<ListEntry>(w.method, `/api/list-entries/${id}${w.path}`, w.method === 'DELETE' ? undefined : (w.body ?? {})),
    onSuccess: async (entry) => {
      qc.setQueryData(['list-entry', id], entry);
      await Promise.all([qc.invalidateQueries({ queryKey: ['list-entry-history', id] }), invalidate()]);
    },
  });
}

export function useCreateEntry() {
  const invalidate = useInvalidateLists();
  return useMutation({
    mutationFn: (input: EntryInput) => api.post<ListEntry>('/api/list-entries', input),
    onSuccess: () => invalidate(),
  });
}

export function useSaveRules(chain: string) {
  const qc = useQueryClient();
  const invalidate = useInvalidateLists();
  return useMutation({
    mutationFn: (patch: DiagnosticRulesPatch) => request<RulesResponse>('PUT', `/api/chains/${enc(chain)}/diagnostics/rules`, patch),
    onSuccess: async (r) => {
      qc.setQueryData(['diagnostic-rules', chain], r);
      await invalidate();
    },
  });
}

export function useRunProposals(chain: string) {
  const invalidate = useInvalidateLists();
  return useMutation({
    mutationFn: () => api.post<ProposalsResult>(`/api/chains/${enc(chain)}/diagnostics/proposals`),
    onSuccess: () => invalidate(),
  });
}

/** The xlsx export of a chain's three lists (a plain download link: the session cookie goes along). */
export const listsXlsxUrl = (chain: string, includeDropped = false) => `/api/chains/${enc(chain)}/lists.xlsx${includeDropped ? '?includeDropped=1' : ''}`;

/** GET /api/chains/:code (same cache as useChain), only once a chain is known. */
export const useChainIfAny = (code: string | null | undefined) =>
  useQuery({
    queryKey: ['chain', code ?? ''],
    enabled: !!code,
    queryFn: ({ signal }) => api.get<ChainDetail>(`/api/chains/${enc(code!)}`, undefined, signal),
  });
