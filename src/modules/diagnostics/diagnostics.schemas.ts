import { z } from 'zod';
import { regionSchema } from '../accounts/accounts.schemas.ts';

/** Status of a node, per region and overall (京津冀 combined). */
export const NODE_STATUSES = ['strong', 'weak', 'missing'] as const;
export const nodeStatusSchema = z.enum(NODE_STATUSES);
export type NodeStatus = z.infer<typeof nodeStatusSchema>;
export const NODE_STATUS_NAMES: Record<NodeStatus, { zh: string; en: string; color: string }> = {
  strong: { zh: '强', en: 'Strong', color: '#389e0d' },
  weak: { zh: '弱', en: 'Weak', color: '#d48806' },
  missing: { zh: '缺失', en: 'Missing', color: '#cf1322' },
};

/** The three stages of the programme's division of labour (北京研发 → 天津中试 → 河北量产). */
export const STAGE_KEYS = ['rnd', 'pilot', 'production'] as const;
export type StageKey = (typeof STAGE_KEYS)[number];
export const STAGE_KEY_NAMES: Record<StageKey, { zh: string; en: string; short: string }> = {
  rnd: { zh: '研发（0→1）', en: 'R&D (0→1)', short: '研发' },
  pilot: { zh: '中试（1→10）', en: 'Pilot (1→10)', short: '中试' },
  production: { zh: '量产（10→N）', en: 'Production (10→N)', short: '量产' },
};

const count = z.number().int().min(0).max(1_000_000);

/** One status rule: when is a region (or 京津冀 combined) strong / weak / missing on a node. */
export const statusRuleSchema = z.object({
  strong: z.object({
    /** 量产（10→N）企业 ≥ minProduction … */
    minProduction: count.describe('“强”所需的量产（10→N）企业数 / production-stage enterprises needed'),
    /** … or a chain leader / key enterprise (when anchorQualifies) … */
    anchorQualifies: z.boolean().describe('有链主或重点企业也可算“强” / a chain leader or key enterprise also qualifies'),
    /** … and at least minStages of 研发 / 中试 / 量产 covered. */
    minStages: z.number().int().min(0).max(3).describe('“强”须覆盖的阶段数（研发、中试、量产）/ stages to cover'),
  }),
  weak: z.object({
    /** Fewer attached organisations than this counts as missing. */
    minOrganizations: z.number().int().min(1).max(1_000_000).describe('少于此数的机构视为“缺失” / fewer organisations count as missing'),
  }),
});
export type StatusRule = z.infer<typeof statusRuleSchema>;

export const PROPOSAL_OWNER_MODES = ['division_of_labour', 'chain_lead'] as const;

export const proposalRulesSchema = z.object({
  /** 堵点: no organisation at all in 京津冀 on the node. */
  duandianMissing: z.boolean(),
  /** 堵点: organisations but no production-stage (10→N) enterprise in 京津冀. */
  duandianNoProduction: z.boolean(),
  /** 堵点: production exists but 京津冀 as a whole is only “weak” on the node. */
  duandianWeak: z.boolean(),
  /** 卡点: production in 京津冀 but no R&D (0→1) organisation — the technology comes from outside. */
  kadianNoRnd: z.boolean(),
  /** 卡点: R&D in 京津冀 but neither a pilot (1→10) nor production — results stall before scale-up. */
  kadianNoPilot: z.boolean(),
  /** 重点企业: every 京津冀 enterprise attached as 链主 or 重点企业. */
  keyEnterpriseFromRoles: z.boolean(),
  /** 重点企业: the largest enterprise of a node by revenue when it reaches this (万元); null = off. */
  keyEnterpriseMinRevenueWan: z.number().min(0).nullable(),
  /** Which region owns (and leads) an automatic proposal. */
  owner: z.enum(PROPOSAL_OWNER_MODES),
});
export type ProposalRules = z.infer<typeof proposalRulesSchema>;

export const diagnosticRulesSchema = z.object({
  /** Rule for one region (北京, 天津, 河北 each) on a node. */
  region: statusRuleSchema,
  /** Rule for 京津冀 combined (the three regions' counts added up) on a node. */
  overall: statusRuleSchema,
  /** Count attachments still awaiting review too (default: confirmed only). */
  includeReview: z.boolean(),
  proposals: proposalRulesSchema,
});
export type DiagnosticRules = z.infer<typeof diagnosticRulesSchema>;

/** PUT body: any part of the rules; the rest keeps its current value. */
export const diagnosticRulesPatchSchema = z.object({
  region: z.object({ strong: statusRuleSchema.shape.strong.partial().optional(), weak: statusRuleSchema.shape.weak.partial().optional() }).optional(),
  overall: z.object({ strong: statusRuleSchema.shape.strong.partial().optional(), weak: statusRuleSchema.shape.weak.partial().optional() }).optional(),
  includeReview: z.boolean().optional(),
  proposals: proposalRulesSchema.partial().optional(),
  /** true: back to the documented defaults (other fields are then applied on top). */
  reset: z.boolean().optional(),
});
export type DiagnosticRulesPatch = z.infer<typeof diagnosticRulesPatchSchema>;

export const rulesResponseSchema = z.object({
  chainId: z.number().int(),
  rules: diagnosticRulesSchema,
  defaults: diagnosticRulesSchema,
  isDefault: z.boolean(),
  /** The rules as sentences an official reads (Chinese). */
  explanation: z.array(z.string()),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  version: z.number().int(),
  canEdit: z.boolean(),
});

const roleCountsSchema = z.object({
  chain_leader: z.number().int(),
  key_enterprise: z.number().int(),
  supplier: z.number().int(),
  rnd: z.number().int(),
  pilot: z.number().int(),
  production: z.number().int(),
  service: z.number().int(),
});

export const keyEnterpriseSchema = z.object({
  organizationId: z.number().int(),
  name: z.string(),
  shortName: z.string().nullable(),
  region: regionSchema.nullable(),
  role: z.enum(['chain_leader', 'key_enterprise']),
  revenueWan: z.number().nullable(),
});

/** Counts of one region (or 京津冀 combined, or outside) on one node. */
export const regionCountsSchema = z.object({
  organizations: z.number().int(),
  byRole: roleCountsSchema,
  stages: z.object({ rnd: z.number().int(), pilot: z.number().int(), production: z.number().int() }),
  stagesCovered: z.array(z.enum(STAGE_KEYS)),
  anchors: z.number().int(),
  /** Sum of the known revenues (万元); null when none is known. */
  revenueWan: z.number().nullable(),
  revenueKnown: z.number().int(),
});
export type RegionCounts = z.infer<typeof regionCountsSchema>;

export const regionDiagnosisSchema = regionCountsSchema.extend({
  status: nodeStatusSchema,
  /** Which rule fired, as a sentence (Chinese). */
  reason: z.string(),
  keyEnterprises: z.array(keyEnterpriseSchema),
});
export type RegionDiagnosis = z.infer<typeof regionDiagnosisSchema>;

export const nodeDiagnosisSchema = z.object({
  nodeId: z.number().int(),
  name: z.string(),
  segmentId: z.number().int(),
  overall: regionDiagnosisSchema,
  regions: z.object({ BJ: regionDiagnosisSchema, TJ: regionDiagnosisSchema, HE: regionDiagnosisSchema }),
  /** Organisations outside 京津冀 attached to the node (investment targets); not part of any status. */
  outside: regionCountsSchema,
});
export type NodeDiagnosis = z.infer<typeof nodeDiagnosisSchema>;

const statusTallySchema = z.object({ strong: z.number().int(), weak: z.number().int(), missing: z.number().int() });

export const chainDiagnosticsSchema = z.object({
  chain: z.object({ id: z.number().int(), code: z.string(), name: z.string(), leadRegion: regionSchema.nullable() }),
  rules: diagnosticRulesSchema,
  explanation: z.array(z.string()),
  computedAt: z.string(),
  tookMs: z.number(),
  summary: z.object({ overall: statusTallySchema, BJ: statusTallySchema, TJ: statusTallySchema, HE: statusTallySchema }),
  nodes: z.array(nodeDiagnosisSchema),
});
export type ChainDiagnostics = z.infer<typeof chainDiagnosticsSchema>;

export const nodeOrgOnMapSchema = z.object({
  organizationId: z.number().int(),
  name: z.string(),
  shortName: z.string().nullable(),
  kind: z.string(),
  region: regionSchema.nullable(),
  divisionCode: z.string().nullable(),
  divisionName: z.string().nullable(),
  /** Level of divisionCode: 1 province, 2 city, 3 county. Only level 3 is placed on the county map. */
  divisionLevel: z.number().int().nullable(),
  role: z.string(),
  status: z.string(),
  stages: z.array(z.enum(STAGE_KEYS)),
  revenueWan: z.number().nullable(),
});

export const countyCountSchema = z.object({
  code: z.string(),
  name: z.string(),
  region: regionSchema.nullable(),
  organizations: z.number().int(),
  rnd: z.number().int(),
  pilot: z.number().int(),
  production: z.number().int(),
});

export const nodeEntryBriefSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  title: z.string(),
  status: z.string(),
  region: regionSchema,
  origin: z.string(),
  proposalStale: z.boolean(),
});

export const nodeDiagnosticsSchema = z.object({
  node: z.object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    chainId: z.number().int(),
    chainCode: z.string(),
    chainName: z.string(),
    segmentId: z.number().int(),
    segmentName: z.string(),
    stage: z.string(),
  }),
  explanation: z.array(z.string()),
  overall: regionDiagnosisSchema,
  regions: z.object({ BJ: regionDiagnosisSchema, TJ: regionDiagnosisSchema, HE: regionDiagnosisSchema }),
  outside: regionCountsSchema,
  /** The organisations (京津冀 first), with division codes for the county map; at most `limit`. */
  organizations: z.array(nodeOrgOnMapSchema),
  organizationsTotal: z.number().int(),
  /** Counts per county (6-digit code, level 3) for the 京津冀 county map. */
  counties: z.array(countyCountSchema),
  /** Attached organisations without a county-level code (province or city only, or none). */
  unplaced: z.number().int(),
  /** List entries (卡点 / 堵点 / 重点企业) tied to this node. */
  entries: z.array(nodeEntryBriefSchema),
});
export type NodeDiagnostics = z.infer<typeof nodeDiagnosticsSchema>;
