/**
 * Hooks of automatic attachment (挂链): the review queue with its evidence, bulk decisions (accept /
 * reject / move) and bulk re-runs as background jobs with progress. Types come from the server's zod
 * schemas as types only, so zod stays out of the bundle.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { attachEvidenceSchema, decisionResultSchema, evidenceMatchSchema } from '../../../src/modules/attach/attach.schemas.ts';
import { api } from './client';

export type { AttachResult, DecisionInput, Job, ReviewPage } from '../../../src/modules/attach/attach.schemas.ts';
import type { AttachResult, DecisionInput, Job, ReviewPage } from '../../../src/modules/attach/attach.schemas.ts';

export type ReviewItem = ReviewPage['items'][number];
export type AttachEvidence = z.infer<typeof attachEvidenceSchema>;
export type EvidenceMatch = z.infer<typeof evidenceMatchSchema>;
export type DecisionResult = z.infer<typeof decisionResultSchema>;
/** A finished run's job: `result` is the AttachResult. */
export type AttachJob = Omit<Job, 'result'> & { result: AttachResult | null };

export interface ReviewFilters {
  /** chain id or code */
  chainId?: string;
  nodeId?: number;
  region?: string;
  minScore?: number;
  page?: number;
  pageSize?: number;
}

/** GET /api/attach/review (officials and administrators). */
export const useReviewQueue = (filters: ReviewFilters, enabled = true) =>
  useQuery({
    queryKey: ['attach-review', filters],
    enabled,
    queryFn: ({ signal }) => api.get<ReviewPage>('/api/attach/review', { ...filters }, signal),
    placeholderData: keepPreviousData,
  });

/** Everything a decision or a run can make stale: the queue, chains' counts, nodes' organisations, diagnostics. */
export function useInvalidateAttach() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['attach-review'] }),
      qc.invalidateQueries({ queryKey: ['chain'] }),
      qc.invalidateQueries({ queryKey: ['chains'] }),
      qc.invalidateQueries({ queryKey: ['node-orgs'] }),
      qc.invalidateQueries({ queryKey: ['org'] }),
      qc.invalidateQueries({ queryKey: ['orgs'] }),
      qc.invalidateQueries({ queryKey: ['audit'] }),
      qc.invalidateQueries({ queryKey: ['diagnostics'] }),
      qc.invalidateQueries({ queryKey: ['node-diagnostics'] }),
    ]);
}

/** POST /api/attach/review/decisions: all or nothing; the queue refreshes after success. */
export function useReviewDecision() {
  const invalidate = useInvalidateAttach();
  return useMutation({
    mutationFn: (input: DecisionInput) => api.post<DecisionResult>('/api/attach/review/decisions', input),
    onSuccess: () => invalidate(),
  });
}

/** POST /api/attach/runs: starts a bulk run (one chain, or every chain) and answers with its job at once. */
export const startAttachRun = (chainId?: string | number) => api.post<AttachJob>('/api/attach/runs', chainId === undefined || chainId === '' ? {} : { chainId });

/** GET /api/attach/runs/:id */
export const getAttachRun = (id: number, signal?: AbortSignal) => api.get<AttachJob>(`/api/attach/runs/${id}`, undefined, signal);

/** GET /api/attach/runs (newest first): to follow a run another official started. */
export const listAttachRuns = (limit = 5, signal?: AbortSignal) => api.get<AttachJob[]>('/api/attach/runs', { limit }, signal);

/** Polls one run every `intervalMs` until it is done or failed. */
export const useAttachRun = (id: number | null, intervalMs = 700) =>
  useQuery({
    queryKey: ['attach-run', id],
    enabled: id != null,
    queryFn: ({ signal }) => getAttachRun(id!, signal),
    refetchInterval: (q) => {
      const s = q.state.data?.status;
      return s === 'done' || s === 'failed' ? false : intervalMs;
    },
    refetchIntervalInBackground: true,
  });
