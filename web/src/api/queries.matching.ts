/**
 * Hooks and types of matchmaking (精准对接): postings, matches with explanations, interests and
 * deals, pilot platforms and lines, open-lab instruments and bookings, matching preferences.
 * Types come from the server's zod schemas as types only (zod never reaches the bundle).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  interestContactsSchema,
  preferencesListSchema,
  preferencesSchema,
  matchSettingsSchema,
} from '../../../src/modules/matching/matching.schemas.ts';
import type { postingInputSchema, postingListSchema, postingPatchSchema } from '../../../src/modules/postings/postings.schemas.ts';
import { api, request } from './client';

export type {
  Booking,
  Instrument,
  PilotLine,
  PilotPlatform,
  Posting,
  PostingKind,
  Direction,
  MatchStage,
  Slot,
} from '../../../src/modules/postings/postings.schemas.ts';
export type { ExplanationDto, Interest, MatchItem, MatchResult } from '../../../src/modules/matching/matching.schemas.ts';
import type { Booking, Instrument, PilotLine, PilotPlatform, Posting, Slot } from '../../../src/modules/postings/postings.schemas.ts';
import type { Interest, MatchResult } from '../../../src/modules/matching/matching.schemas.ts';

export type PostingList = z.infer<typeof postingListSchema>;
/** What POST /api/postings accepts (before zod's defaults). */
export type PostingInput = z.input<typeof postingInputSchema>;
export type PostingPatch = z.input<typeof postingPatchSchema>;
export type InterestContacts = z.infer<typeof interestContactsSchema>;
export type Preferences = z.infer<typeof preferencesSchema>;
export type PreferencesList = z.infer<typeof preferencesListSchema>;
export type MatchSettings = z.infer<typeof matchSettingsSchema>;
export type PreferenceScope = Preferences['scope'];

export interface PostingListParams {
  q?: string;
  direction?: string;
  kind?: string;
  region?: string;
  nodeId?: number;
  organizationId?: number;
  status?: 'open' | 'closed' | 'expired' | 'all';
  mine?: '0' | '1';
  page?: number;
  pageSize?: number;
}

// ------------------------------------------------------------------ postings

export const usePostings = (p: PostingListParams) =>
  useQuery({
    queryKey: ['postings', p],
    queryFn: ({ signal }) => api.get<PostingList>('/api/postings', { ...p }, signal),
    placeholderData: (prev) => prev,
  });

export const usePosting = (id: number) =>
  useQuery({
    queryKey: ['posting', id],
    enabled: Number.isFinite(id) && id > 0,
    queryFn: ({ signal }) => api.get<Posting>(`/api/postings/${id}`, undefined, signal),
  });

export function useSavePosting() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id?: number; input?: PostingInput; patch?: PostingPatch }) =>
      v.id ? api.patch<Posting>(`/api/postings/${v.id}`, v.patch) : api.post<Posting>('/api/postings', v.input),
    onSuccess: (p) => {
      qc.invalidateQueries({ queryKey: ['postings'] });
      qc.invalidateQueries({ queryKey: ['matches'] });
      qc.setQueryData(['posting', p.id], p);
    },
  });
}

export function useDeletePosting() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.del<void>(`/api/postings/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['postings'] }),
  });
}

// ------------------------------------------------------------------ matches

export const useMatches = (postingId: number, opts: { limit?: number; type?: 'all' | 'postings' | 'organizations'; enabled?: boolean } = {}) =>
  useQuery({
    queryKey: ['matches', postingId, opts.limit ?? 20, opts.type ?? 'all'],
    enabled: (opts.enabled ?? true) && Number.isFinite(postingId) && postingId > 0,
    queryFn: ({ signal }) => api.get<MatchResult>('/api/matches', { postingId, limit: opts.limit ?? 20, type: opts.type ?? 'all' }, signal),
    staleTime: 0,
  });

export const previewMatches = (probe: PostingInput, limit = 10) => api.post<MatchResult>('/api/matches/preview', { probe, limit });

// ------------------------------------------------------------------ preferences

export const usePreferences = () =>
  useQuery({ queryKey: ['match-prefs'], queryFn: ({ signal }) => api.get<PreferencesList>('/api/matching/preferences', undefined, signal) });

export function useSavePreferences() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { scope: PreferenceScope; settings?: MatchSettings; version?: number; reset?: boolean }) => {
      if (v.reset) await api.del<void>(`/api/matching/preferences/${v.scope}`);
      else await request<Preferences>('PUT', `/api/matching/preferences/${v.scope}`, { settings: v.settings, version: v.version });
    },
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['match-prefs'] });
      qc.invalidateQueries({ queryKey: ['matches'] });
    },
  });
}

// ------------------------------------------------------------------ interests and deals

export interface InterestListParams {
  box?: 'all' | 'sent' | 'received';
  status?: string;
  postingId?: number;
}

export const useInterests = (p: InterestListParams, enabled = true) =>
  useQuery({
    queryKey: ['interests', p],
    enabled,
    queryFn: ({ signal }) => api.get<Interest[]>('/api/interests', { ...p }, signal),
  });

export const useInterestContacts = (id: number, enabled: boolean) =>
  useQuery({
    queryKey: ['interest-contacts', id],
    enabled,
    queryFn: ({ signal }) => api.get<InterestContacts>(`/api/interests/${id}/contacts`, undefined, signal),
  });

export interface InterestInput {
  postingId?: number;
  organizationId?: number;
  fromOrganizationId?: number;
  fromPostingId?: number;
  message?: string;
}

export type InterestAction =
  | { kind: 'create'; input: InterestInput }
  | { kind: 'decide'; id: number; decision: 'accept' | 'decline'; reason?: string }
  | { kind: 'withdraw'; id: number }
  | { kind: 'note'; id: number; body: string }
  | { kind: 'outcome'; id: number; outcome: 'no_deal' | 'intention' | 'signed'; amountWan?: number | null; region?: string | null; note?: string | null };

/** Every write on an interest, one mutation: the lists and the contacts are refreshed after it. */
export function useInterestAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (a: InterestAction): Promise<Interest> => {
      switch (a.kind) {
        case 'create':
          return api.post<Interest>('/api/interests', a.input);
        case 'decide':
          return api.post<Interest>(`/api/interests/${a.id}/decision`, { decision: a.decision, reason: a.reason || undefined });
        case 'withdraw':
          return api.post<Interest>(`/api/interests/${a.id}/withdraw`);
        case 'note':
          return api.post<Interest>(`/api/interests/${a.id}/notes`, { body: a.body });
        case 'outcome':
          return request<Interest>('PUT', `/api/interests/${a.id}/outcome`, { outcome: a.outcome, amountWan: a.amountWan ?? null, region: a.region ?? null, note: a.note ?? null });
      }
    },
    onSuccess: (i) => {
      qc.invalidateQueries({ queryKey: ['interests'] });
      qc.invalidateQueries({ queryKey: ['interest-contacts', i.id] });
    },
  });
}

// ------------------------------------------------------------------ pilot platforms and lines

export const usePilotPlatforms = (region?: string) =>
  useQuery({ queryKey: ['pilot-platforms', region ?? ''], queryFn: ({ signal }) => api.get<PilotPlatform[]>('/api/pilot-lines/platforms', { region }, signal) });

export interface PilotLineParams {
  category?: string;
  region?: string;
  grade?: string;
  minVolumeL?: number;
}
export const usePilotLines = (p: PilotLineParams) =>
  useQuery({ queryKey: ['pilot-lines', p], queryFn: ({ signal }) => api.get<PilotLine[]>('/api/pilot-lines', { ...p }, signal), placeholderData: (prev) => prev });

// ------------------------------------------------------------------ instruments, slots, bookings

export const useInstruments = (p: { q?: string; region?: string }) =>
  useQuery({ queryKey: ['instruments', p], queryFn: ({ signal }) => api.get<Instrument[]>('/api/instruments', { ...p }, signal), placeholderData: (prev) => prev });

export const useSlots = (instrumentId: number | null, range: { from: string; to: string }) =>
  useQuery({
    queryKey: ['slots', instrumentId, range.from, range.to],
    enabled: instrumentId != null,
    queryFn: ({ signal }) => api.get<Slot[]>(`/api/instruments/${instrumentId}/slots`, range, signal),
    staleTime: 0,
  });

export const useBookings = (box: 'mine' | 'lab' | 'all', enabled = true) =>
  useQuery({ queryKey: ['bookings', box], enabled, queryFn: ({ signal }) => api.get<Booking[]>('/api/instruments/bookings', { box }, signal), staleTime: 0 });

export function useBookSlot() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { slotId: number; purpose?: string; organizationId?: number }) =>
      api.post<Booking>(`/api/instruments/slots/${v.slotId}/bookings`, { purpose: v.purpose || undefined, organizationId: v.organizationId }),
    // Refresh after a refusal too: the slot the user saw as free was taken by someone else.
    onSettled: () => {
      qc.invalidateQueries({ queryKey: ['slots'] });
      qc.invalidateQueries({ queryKey: ['bookings'] });
      qc.invalidateQueries({ queryKey: ['instruments'] });
    },
  });
}

export function useCancelBooking() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<Booking>(`/api/instruments/bookings/${id}/cancel`),
    onSettled: () => {
      qc.invalidateQueries({ queryKey: ['slots'] });
      qc.invalidateQueries({ queryKey: ['bookings'] });
      qc.invalidateQueries({ queryKey: ['instruments'] });
    },
  });
}
