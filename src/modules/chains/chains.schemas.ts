import { z } from 'zod';
import { regionSchema } from '../accounts/accounts.schemas.ts';

export const STAGES = ['upstream', 'midstream', 'downstream'] as const;
export const stageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof stageSchema>;
export const STAGE_NAMES: Record<Stage, { zh: string; en: string }> = {
  upstream: { zh: '上游', en: 'Upstream' },
  midstream: { zh: '中游', en: 'Midstream' },
  downstream: { zh: '下游', en: 'Downstream' },
};

export const LINK_ROLES = ['chain_leader', 'key_enterprise', 'supplier', 'rnd', 'pilot', 'production', 'service'] as const;
export const linkRoleSchema = z.enum(LINK_ROLES);
export type LinkRole = z.infer<typeof linkRoleSchema>;
export const LINK_ROLE_NAMES: Record<LinkRole, { zh: string; en: string }> = {
  chain_leader: { zh: '链主', en: 'Chain leader' },
  key_enterprise: { zh: '重点企业', en: 'Key enterprise' },
  supplier: { zh: '配套供应商', en: 'Supplier' },
  rnd: { zh: '研发', en: 'R&D' },
  pilot: { zh: '中试', en: 'Pilot' },
  production: { zh: '量产', en: 'Production' },
  service: { zh: '服务', en: 'Service' },
};
export const LINK_STATUSES = ['confirmed', 'review', 'rejected'] as const;
export const linkStatusSchema = z.enum(LINK_STATUSES);

export const CHAIN_SCOPES = ['joint', 'tianjin', 'beijing', 'hebei', 'other'] as const;

export const chainCodeSchema = z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, '代码只能用小写字母、数字和 - / lower-case letters, digits and -');
const name = z.string().trim().min(1, '名称不能为空 / name is required').max(100);

export const chainInputSchema = z.object({
  code: chainCodeSchema,
  name,
  nameEn: z.string().trim().max(200).nullable().optional(),
  scope: z.enum(CHAIN_SCOPES).default('other'),
  leadRegion: regionSchema.nullable().optional(),
  description: z.string().trim().max(5000).nullable().optional(),
  source: z.string().trim().min(1).max(1000).default('manual'),
});
export const chainPatchSchema = chainInputSchema.omit({ code: true, source: true }).partial();

export const segmentInputSchema = z.object({
  name,
  nameEn: z.string().trim().max(200).nullable().optional(),
  stage: stageSchema,
  position: z.number().int().min(0).optional(),
});
export const segmentPatchSchema = segmentInputSchema.partial();

export const nodeInputSchema = z.object({
  segmentId: z.number().int().positive(),
  name,
  nameEn: z.string().trim().max(200).nullable().optional(),
  parentId: z.number().int().positive().nullable().optional(),
  keywords: z.array(z.string().trim().min(1).max(50)).max(100).default([]),
  description: z.string().trim().max(2000).nullable().optional(),
  position: z.number().int().min(0).optional(),
});
export const nodePatchSchema = nodeInputSchema.partial().extend({ keywords: z.array(z.string().trim().min(1).max(50)).max(100).optional() });

export const edgeInputSchema = z.object({
  fromNodeId: z.number().int().positive(),
  toNodeId: z.number().int().positive(),
});

export const linkInputSchema = z.object({
  organizationId: z.number().int().positive(),
  nodeId: z.number().int().positive(),
  role: linkRoleSchema,
  status: linkStatusSchema.default('confirmed'),
  source: z.string().trim().min(1).max(500).default('manual'),
});
export const linkPatchSchema = z.object({ role: linkRoleSchema.optional(), status: linkStatusSchema.optional(), nodeId: z.number().int().positive().optional() });

export const regionCountsSchema = z.object({ BJ: z.number().int(), TJ: z.number().int(), HE: z.number().int(), outside: z.number().int() });

export const chainSummarySchema = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  scope: z.string(),
  leadRegion: regionSchema.nullable(),
  description: z.string().nullable(),
  source: z.string(),
  segmentCount: z.number().int(),
  nodeCount: z.number().int(),
  edgeCount: z.number().int(),
  organizationCount: z.number().int(),
  byRegion: regionCountsSchema,
  canEdit: z.boolean(),
});
export type ChainSummary = z.infer<typeof chainSummarySchema>;

export const segmentSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  nameEn: z.string().nullable(),
  stage: stageSchema,
  position: z.number().int(),
});
export const nodeSchema = z.object({
  id: z.number().int(),
  segmentId: z.number().int(),
  parentId: z.number().int().nullable(),
  name: z.string(),
  nameEn: z.string().nullable(),
  keywords: z.array(z.string()),
  description: z.string().nullable(),
  position: z.number().int(),
  counts: regionCountsSchema,
  roles: z.record(z.string(), z.number().int()),
});
export const edgeSchema = z.object({ fromNodeId: z.number().int(), toNodeId: z.number().int() });

export const chainDetailSchema = chainSummarySchema.extend({
  version: z.number().int(),
  segments: z.array(segmentSchema),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
});
export type ChainDetail = z.infer<typeof chainDetailSchema>;

export const nodeOrganizationSchema = z.object({
  linkId: z.number().int(),
  organizationId: z.number().int(),
  name: z.string(),
  shortName: z.string().nullable(),
  kind: z.string(),
  region: regionSchema.nullable(),
  divisionCode: z.string().nullable(),
  divisionName: z.string().nullable(),
  role: linkRoleSchema,
  status: linkStatusSchema,
  origin: z.string(),
  score: z.number().nullable(),
  evidence: z.unknown().nullable(),
  source: z.string(),
});
export const nodeOrganizationsSchema = z.object({
  node: nodeSchema.omit({ counts: true, roles: true }),
  organizations: z.array(nodeOrganizationSchema),
});

/** The shape of data/demo/chains/*.json and of an imported chain definition. */
export const chainDefinitionSchema = z.object({
  code: chainCodeSchema,
  name,
  nameEn: z.string().optional(),
  scope: z.enum(CHAIN_SCOPES),
  leadRegion: regionSchema.nullable().optional(),
  description: z.string().optional(),
  source: z.string().min(1),
  segments: z
    .array(
      z.object({
        name,
        nameEn: z.string().optional(),
        stage: stageSchema,
        nodes: z.array(
          z.object({
            name,
            nameEn: z.string().optional(),
            parent: z.string().nullable().optional(),
            keywords: z.array(z.string()).default([]),
            description: z.string().optional(),
          }),
        ),
      }),
    )
    .min(1),
  edges: z.array(z.tuple([z.string(), z.string()])).default([]),
});
export type ChainDefinition = z.infer<typeof chainDefinitionSchema>;

export const chainRowSchema = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  scope: z.string(),
  leadRegion: regionSchema.nullable(),
  ownerRegion: regionSchema.nullable(),
  description: z.string().nullable(),
  source: z.string(),
  version: z.number().int(),
});
export const nodeRowSchema = nodeSchema.omit({ counts: true, roles: true }).extend({ chainId: z.number().int() });

/** Route parameter `:chainId`: a chain's numeric id or its code (`hydrogen`). */
export const chainParamsSchema = z.object({ chainId: z.string().min(1).max(64).describe('产业链 id 或代码 / chain id or code') });
