/**
 * Response and request shapes, taken as TYPES from the server's zod schemas (type-only imports are
 * erased at build time, so zod never reaches the browser bundle).
 */
import type { z } from 'zod';
import type { organizationListSchema, organizationStatsSchema, organizationPatchSchema } from '../../../src/modules/organizations/organizations.schemas.ts';
import type { chainSummarySchema, chainDetailSchema, nodeOrganizationsSchema } from '../../../src/modules/chains/chains.schemas.ts';

export type { SessionInfo, User } from '../../../src/modules/accounts/accounts.schemas.ts';
export type { Organization, OrganizationSummary } from '../../../src/modules/organizations/organizations.schemas.ts';
export type { AuditEntry } from '../../../src/modules/audit/audit.schemas.ts';
export type { Division, Industry } from '../../../src/modules/reference/reference.schemas.ts';

export type OrganizationList = z.infer<typeof organizationListSchema>;
export type OrganizationStats = z.infer<typeof organizationStatsSchema>;
/** What PATCH /api/organizations/:id accepts (before zod's transforms). */
export type OrganizationPatch = z.input<typeof organizationPatchSchema>;
export type ChainSummary = z.infer<typeof chainSummarySchema>;
export type ChainDetail = z.infer<typeof chainDetailSchema>;
export type ChainNode = ChainDetail['nodes'][number];
export type ChainSegment = ChainDetail['segments'][number];
export type NodeOrganizations = z.infer<typeof nodeOrganizationsSchema>;
export type NodeOrganization = NodeOrganizations['organizations'][number];

export type GeoLevel = 'provinces' | 'cities' | 'counties';
