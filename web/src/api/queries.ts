import { useQuery } from '@tanstack/react-query';
import { api } from './client';
import type { AuditEntry, ChainDetail, ChainSummary, NodeOrganizations, Organization, OrganizationList, OrganizationStats } from './types';

export interface OrgListParams {
  q?: string;
  region?: string;
  kind?: string;
  industry?: string;
  division?: string;
  chainId?: number;
  nodeId?: number;
  page?: number;
  pageSize?: number;
}

export const useOrgStats = () => useQuery({ queryKey: ['org-stats'], queryFn: ({ signal }) => api.get<OrganizationStats>('/api/organizations/stats', undefined, signal) });
export const useChains = () => useQuery({ queryKey: ['chains'], queryFn: ({ signal }) => api.get<ChainSummary[]>('/api/chains', undefined, signal) });
export const useChain = (code: string) =>
  useQuery({ queryKey: ['chain', code], queryFn: ({ signal }) => api.get<ChainDetail>(`/api/chains/${encodeURIComponent(code)}`, undefined, signal) });
export const useNodeOrganizations = (nodeId: number | null) =>
  useQuery({
    queryKey: ['node-orgs', nodeId],
    enabled: nodeId != null,
    queryFn: ({ signal }) => api.get<NodeOrganizations>(`/api/nodes/${nodeId}/organizations`, undefined, signal),
  });
export const useOrganizations = (p: OrgListParams) =>
  useQuery({
    queryKey: ['orgs', p],
    queryFn: ({ signal }) => api.get<OrganizationList>('/api/organizations', { ...p }, signal),
    placeholderData: (prev) => prev,
  });
export const useOrganization = (id: number) =>
  useQuery({ queryKey: ['org', id], queryFn: ({ signal }) => api.get<Organization>(`/api/organizations/${id}`, undefined, signal), enabled: Number.isFinite(id) });
export const useAudit = (entityType: string, entityId: string | number) =>
  useQuery({
    queryKey: ['audit', entityType, String(entityId)],
    queryFn: ({ signal }) => api.get<AuditEntry[]>('/api/audit', { entityType, entityId: String(entityId) }, signal),
  });
