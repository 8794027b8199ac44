import { z } from 'zod';
import { regionSchema } from '../accounts/accounts.schemas.ts';
import { linkRoleSchema, stageSchema } from '../chains/chains.schemas.ts';

/** Automatic attachment (挂链), its review queue, bulk runs, investment targets (招商线索) and the plan (一链一策). */

export const TIERS = ['confirmed', 'review', 'rejected'] as const;
export const TIER_NAMES: Record<(typeof TIERS)[number], { zh: string; en: string }> = {
  confirmed: { zh: '自动确认', en: 'Confirmed' },
  review: { zh: '待审核', en: 'Needs review' },
  rejected: { zh: '未达阈值', en: 'Below threshold' },
};

export const thresholdsSchema = z
  .object({
    confirm: z.number().min(0).max(1).describe('score ≥ confirm (with specific evidence) → confirmed'),
    review: z.number().min(0).max(1).describe('review ≤ score < confirm → review; below → not stored'),
  })
  .refine((t) => t.review <= t.confirm, { message: '审核阈值不能高于确认阈值 / review must be ≤ confirm', path: ['review'] });
export type ThresholdsInput = z.infer<typeof thresholdsSchema>;

export const runInputSchema = z.object({
  chainId: z.union([z.number().int().positive(), z.string().min(1).max(64)]).optional().describe('产业链 id 或代码；不填 = 全部 / chain id or code; default all chains'),
  thresholds: thresholdsSchema.optional(),
});
export type RunInput = z.infer<typeof runInputSchema>;

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;

export const chainRunResultSchema = z.object({
  chainId: z.number().int(),
  code: z.string(),
  name: z.string(),
  created: z.object({ confirmed: z.number().int(), review: z.number().int() }),
  updated: z.number().int(),
  unchanged: z.number().int(),
  removed: z.number().int(),
  rejected: z.number().int().describe('below the review threshold (the rejected tier): not stored'),
  kept: z.number().int().describe('decided or manual/seed/import links on the chain, never touched'),
  links: z.object({ confirmed: z.number().int(), review: z.number().int() }).describe('auto links of the chain after the run'),
});

export const attachResultSchema = z.object({
  chains: z.array(chainRunResultSchema),
  candidates: z.number().int(),
  scored: z.number().int().describe('candidates with possible specific evidence, run through the classifier'),
  examples: z.number().int(),
  labels: z.number().int(),
  thresholds: z.object({ confirm: z.number(), review: z.number() }),
  totals: z.object({ created: z.number().int(), confirmed: z.number().int(), review: z.number().int(), updated: z.number().int(), removed: z.number().int(), rejected: z.number().int() }),
  trainMs: z.number().int(),
  tookMs: z.number().int(),
});
export type AttachResult = z.infer<typeof attachResultSchema>;

export const jobSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  status: z.enum(JOB_STATUSES),
  progress: z.number().int(),
  total: z.number().int(),
  params: z.unknown().nullable(),
  result: z.unknown().nullable(),
  error: z.string().nullable(),
  createdBy: z.number().int().nullable(),
  createdByName: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type Job = z.infer<typeof jobSchema>;

/* ------------------------------------------------------------------ evidence */

export const evidenceMatchSchema = z.object({
  signal: z.enum(['product', 'name', 'scope', 'industry', 'example']).describe('where in the organisation’s record'),
  text: z.string().describe('the organisation’s text that matched (a product name, a name, a scope word)'),
  matched: z.string().describe('what it matched: a node keyword, a word, or the term shared with an example'),
  kind: z.enum(['keyword', 'whole', 'word', 'chars', 'example', 'name', 'scope', 'industry']),
  weight: z.number(),
  example: z.object({ organizationId: z.number().int().nullable(), name: z.string() }).optional(),
  specific: z.boolean().optional(),
});
export const attachEvidenceSchema = z.object({
  v: z.literal(1),
  score: z.number(),
  tier: z.enum(TIERS),
  summary: z.string(),
  matches: z.array(evidenceMatchSchema),
  alternatives: z.array(z.object({ nodeId: z.number().int(), name: z.string(), score: z.number() })),
  thresholds: z.object({ confirm: z.number(), review: z.number() }),
  movedFrom: z.object({ nodeId: z.number().int(), name: z.string() }).optional().describe('set when an official moved the suggestion here'),
});

/* ------------------------------------------------------------------ review queue */

export const reviewQuerySchema = z.object({
  chainId: z.string().min(1).max(64).optional().describe('产业链 id 或代码 / chain id or code'),
  nodeId: z.coerce.number().int().positive().optional(),
  region: regionSchema.optional().describe('机构所在地区 / region of the organisation'),
  minScore: z.coerce.number().min(0).max(1).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const reviewItemSchema = z.object({
  linkId: z.number().int(),
  organization: z.object({
    id: z.number().int(),
    name: z.string(),
    shortName: z.string().nullable(),
    kind: z.string(),
    region: regionSchema.nullable(),
    divisionCode: z.string().nullable(),
    divisionName: z.string().nullable(),
    products: z.array(z.string()),
  }),
  chain: z.object({ id: z.number().int(), code: z.string(), name: z.string() }),
  node: z.object({ id: z.number().int(), name: z.string(), segmentName: z.string(), stage: stageSchema }),
  role: linkRoleSchema,
  origin: z.string(),
  score: z.number().nullable(),
  evidence: z.unknown().nullable(),
  source: z.string(),
  createdAt: z.string(),
  canDecide: z.boolean(),
});
export const reviewPageSchema = z.object({
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  items: z.array(reviewItemSchema),
  byChain: z.array(z.object({ chainId: z.number().int(), code: z.string(), name: z.string(), count: z.number().int() })),
});
export type ReviewPage = z.infer<typeof reviewPageSchema>;

export const DECISION_ACTIONS = ['accept', 'reject', 'move'] as const;
export const decisionInputSchema = z
  .object({
    linkIds: z.array(z.number().int().positive()).min(1, '请至少选择一条 / choose at least one link').max(500),
    action: z.enum(DECISION_ACTIONS),
    nodeId: z.number().int().positive().optional().describe('move: the node to place the organisations on (same chain)'),
    note: z.string().trim().max(500).optional(),
  })
  .refine((d) => d.action !== 'move' || d.nodeId !== undefined, { message: '移动时必须指定目标节点 / nodeId is required to move', path: ['nodeId'] });
export type DecisionInput = z.infer<typeof decisionInputSchema>;

export const decisionResultSchema = z.object({
  action: z.enum(DECISION_ACTIONS),
  decided: z.number().int(),
  links: z.array(z.object({ linkId: z.number().int(), organizationId: z.number().int(), nodeId: z.number().int(), status: z.string(), role: linkRoleSchema })),
});

/* ------------------------------------------------------------------ targets (招商线索) */

export const targetsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

export const targetReasonSchema = z.object({
  kind: z.enum(['keyword', 'product', 'similar', 'industry']),
  text: z.string().describe('one sentence for people'),
  product: z.string().optional(),
  keyword: z.string().optional(),
  example: z.object({ organizationId: z.number().int().nullable(), name: z.string() }).optional(),
});
export const targetSchema = z.object({
  rank: z.number().int(),
  score: z.number(),
  organization: z.object({
    id: z.number().int(),
    name: z.string(),
    shortName: z.string().nullable(),
    kind: z.string(),
    provinceCode: z.string().nullable(),
    province: z.string().nullable(),
    stockCode: z.string().nullable(),
    industry: z.string().nullable().describe('申万 industry from the tags, when known'),
    products: z.array(z.string()),
  }),
  reasons: z.array(targetReasonSchema),
  summary: z.string(),
  alreadyTarget: z.boolean(),
});
export const targetsResponseSchema = z.object({
  node: z.object({ id: z.number().int(), name: z.string(), chainId: z.number().int(), chainCode: z.string(), chainName: z.string(), segmentName: z.string(), stage: stageSchema, keywords: z.array(z.string()) }),
  entryId: z.number().int().nullable(),
  candidates: z.number().int().describe('organisations outside 京津冀 considered'),
  examples: z.array(z.object({ organizationId: z.number().int(), name: z.string(), region: regionSchema.nullable() })).describe('confirmed organisations of the node used as examples'),
  method: z.string(),
  targets: z.array(targetSchema),
  addTarget: z.string().describe('how to add one: POST /api/list-entries/:entryId/organizations { organizationId, role: "target", note }'),
});
export type TargetsResponse = z.infer<typeof targetsResponseSchema>;

/* ------------------------------------------------------------------ plan (一链一策) */

export const keyRegionSchema = z.object({
  divisionCode: z.string(),
  name: z.string(),
  region: regionSchema,
  level: z.number().int().describe('3 = district (北京, 天津), 2 = city (河北), 1 = the province (organisations with only a province code)'),
  score: z.number(),
  organizations: z.number().int().describe('organisations of neighbouring nodes (and of the node itself) there'),
  reasons: z.array(z.string()),
});
export const planNodeSchema = z.object({
  node: z.object({ id: z.number().int(), name: z.string(), segmentName: z.string(), stage: stageSchema }),
  status: z.enum(['strong', 'weak', 'missing']),
  statusReason: z.string(),
  neighbours: z.object({
    upstream: z.array(z.object({ id: z.number().int(), name: z.string(), organizations: z.number().int() })),
    downstream: z.array(z.object({ id: z.number().int(), name: z.string(), organizations: z.number().int() })),
  }),
  entries: z.array(
    z.object({
      id: z.number().int(),
      title: z.string(),
      status: z.string(),
      region: regionSchema,
      leadRegion: regionSchema.nullable(),
      department: z.string().nullable(),
      origin: z.string(),
      proposalReason: z.string().nullable(),
      targets: z.array(z.object({ organizationId: z.number().int(), name: z.string(), shortName: z.string().nullable(), region: regionSchema.nullable(), note: z.string().nullable() })),
      canEdit: z.boolean(),
    }),
  ),
  suggestedTargets: z.array(targetSchema).describe('best-ranked outside organisations (GET /api/nodes/:id/targets for more)'),
  keyRegions: z.array(keyRegionSchema),
  divisionOfLabour: z.object({ region: regionSchema, stage: z.string(), text: z.string() }),
});
export const chainPlanSchema = z.object({
  chain: z.object({ id: z.number().int(), code: z.string(), name: z.string(), leadRegion: regionSchema.nullable() }),
  generatedAt: z.string(),
  summary: z.object({ nodes: z.number().int(), entries: z.number().int(), targets: z.number().int(), byStatus: z.record(z.string(), z.number().int()) }),
  nodes: z.array(planNodeSchema),
});
export type ChainPlan = z.infer<typeof chainPlanSchema>;
