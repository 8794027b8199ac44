/**
 * Hooks and types of the regional supporting rate (区域配套率): /api/supply/*. Types are taken from
 * the server's zod schemas as types only, so zod stays out of the bundle.
 */
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { mapSupplierSchema, outsideNodeSchema, provinceMeasureSchema, rateYearSchema } from '../../../src/modules/supply/supply.schemas.ts';
import { api } from './client';
import type { OrganizationList } from './types';

export type { Measure, OutsideNodes, Share, SupplierMap, SupplyRate, SupplyScope } from '../../../src/modules/supply/supply.schemas.ts';
import type { OutsideNodes, SupplierMap, SupplyRate } from '../../../src/modules/supply/supply.schemas.ts';

export type ProvinceMeasure = z.infer<typeof provinceMeasureSchema>;
export type RateYear = z.infer<typeof rateYearSchema>;
export type MapSupplier = z.infer<typeof mapSupplierSchema>;
export type OutsideNode = z.infer<typeof outsideNodeSchema>;

/** One scope of the supporting rate: a buyer, a chain (id or code) or all buyers of a region. */
export interface SupplyScopeParams {
  buyer?: number;
  chain?: string;
  region?: string;
  year?: number;
}

const hasScope = (p: SupplyScopeParams) => !!(p.buyer || p.chain || p.region);

export const useSupplyRate = (p: SupplyScopeParams) =>
  useQuery({
    queryKey: ['supply-rate', p],
    enabled: hasScope(p),
    queryFn: ({ signal }) => api.get<SupplyRate>('/api/supply/rate', { ...p }, signal),
    placeholderData: (prev) => prev,
  });

export const useSupplierMap = (p: SupplyScopeParams) =>
  useQuery({
    queryKey: ['supply-suppliers', p],
    enabled: hasScope(p),
    queryFn: ({ signal }) => api.get<SupplierMap>('/api/supply/suppliers', { ...p, where: 'all', limit: 5000 }, signal),
    placeholderData: (prev) => prev,
  });

export const useOutsideNodes = (p: SupplyScopeParams) =>
  useQuery({
    queryKey: ['supply-outside-nodes', p],
    enabled: hasScope(p),
    queryFn: ({ signal }) => api.get<OutsideNodes>('/api/supply/outside-nodes', { ...p }, signal),
    placeholderData: (prev) => prev,
  });

/** The demo's Beijing vehicle makers, offered first in the buyer picker. */
export const FEATURED_BUYERS = ['北京奔驰', '小米汽车', '理想汽车'] as const;

/**
 * Resolves the featured buyers to organisations by name (there is no "buyers with supply links"
 * endpoint yet): exact name or short name among the first results of the organisation search.
 */
export const useFeaturedBuyers = () =>
  useQuery({
    queryKey: ['supply-featured-buyers'],
    staleTime: Infinity,
    queryFn: async ({ signal }) => {
      const out: Array<{ id: number; name: string; label: string; region: string | null }> = [];
      for (const name of FEATURED_BUYERS) {
        const r = await api.get<OrganizationList>('/api/organizations', { q: name, pageSize: 10 }, signal);
        const hit = r.items.find((o) => o.shortName === name || o.name === name) ?? r.items.find((o) => o.name.includes(name));
        if (hit) out.push({ id: hit.id, name: hit.name, label: name, region: hit.region ?? null });
      }
      return out;
    },
  });
