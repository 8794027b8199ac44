import { z } from 'zod';
import { regionSchema } from '../accounts/accounts.schemas.ts';
import { contactSchema, orgKindSchema } from '../organizations/organizations.schemas.ts';
import {
  MATCH_STAGES,
  matchStageSchema,
  postingInputSchema,
  postingKindSchema,
  postingOrgSchema,
  postingSchema,
} from '../postings/postings.schemas.ts';

// ------------------------------------------------------------------ preferences

const weight = z.number().min(0).max(100);
const pref = z.number().min(0).max(1);
const routingSchema = z.object({ BJ: pref, TJ: pref, HE: pref, outside: pref });

/** Tunable matching settings (see matching.engine.ts for what each means). */
export const matchSettingsSchema = z.object({
  weights: z
    .object({ text: weight, chain: weight, stage: weight, region: weight, kind: weight, fields: weight })
    .refine((w) => Object.values(w).some((x) => x > 0), '至少一个权重大于 0 / at least one weight must be positive'),
  stageRouting: z.object(Object.fromEntries(MATCH_STAGES.map((s) => [s, routingSchema])) as Record<(typeof MATCH_STAGES)[number], typeof routingSchema>),
});
export type MatchSettingsInput = z.infer<typeof matchSettingsSchema>;

export const PREFERENCE_SCOPES = ['global', 'BJ', 'TJ', 'HE'] as const;
export const preferenceScopeSchema = z.enum(PREFERENCE_SCOPES);
export type PreferenceScope = z.infer<typeof preferenceScopeSchema>;

export const preferencesSchema = z.object({
  scope: preferenceScopeSchema,
  settings: matchSettingsSchema,
  /** true: no row stored, the defaults (global) or the global row (regions) apply. */
  inherited: z.boolean(),
  version: z.number().int(),
  updatedAt: z.string().nullable(),
  canEdit: z.boolean(),
});
export const preferencesListSchema = z.object({
  defaults: matchSettingsSchema,
  scopes: z.array(preferencesSchema),
});
export const preferencesPutSchema = z.object({
  settings: matchSettingsSchema,
  version: z.number().int().min(0).optional().describe('乐观锁：上次读取的版本 / version last read'),
});

// ------------------------------------------------------------------ matches

export const matchQuerySchema = z.object({
  postingId: z.coerce.number().int().positive(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  type: z.enum(['all', 'postings', 'organizations']).default('all'),
});

/** A posting-like probe (not saved): what the matcher would find for it. */
export const matchProbeSchema = z.object({
  probe: postingInputSchema.describe('与新建发布相同的结构；不保存 / same shape as a new posting; not saved'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  type: z.enum(['all', 'postings', 'organizations']).default('all'),
});

const nodeInfoSchema = z.object({ id: z.number().int(), name: z.string(), chainId: z.number().int(), chainName: z.string() });
const fieldFitSchema = z.object({
  field: z.string(),
  label: z.string(),
  need: z.string(),
  offer: z.string(),
  fit: z.enum(['ok', 'partial', 'short', 'mismatch', 'unknown']),
  score: z.number(),
  sentence: z.string(),
});

export const explanationSchema = z.object({
  score: z.number(),
  contributions: z.object({ text: z.number(), chain: z.number(), stage: z.number(), region: z.number(), kind: z.number(), fields: z.number() }),
  terms: z.object({ matched: z.array(z.string()), partial: z.array(z.string()), missing: z.array(z.string()), exact: z.array(z.string()).describe('产品名与需求条目完全一致 / exact item names'), score: z.number(), sentence: z.string() }),
  chain: z.object({
    relation: z.enum(['same_node', 'upstream_supplier', 'upstream_indirect', 'downstream_customer', 'downstream_indirect', 'peer', 'same_chain', 'opposite', 'none']),
    score: z.number(),
    candidateNode: nodeInfoSchema.nullable(),
    queryNode: nodeInfoSchema.nullable(),
    chainName: z.string().nullable(),
    sentence: z.string(),
  }),
  stage: z.object({
    stage: matchStageSchema,
    stageName: z.string(),
    source: z.enum(['kind', 'posting']),
    preferredRegions: z.array(regionSchema),
    candidateRegion: z.enum(['BJ', 'TJ', 'HE', 'outside']),
    preference: z.number(),
    matched: z.boolean(),
    sentence: z.string(),
  }),
  region: z.object({ wanted: z.array(regionSchema), candidateRegion: z.enum(['BJ', 'TJ', 'HE', 'outside']), matched: z.boolean(), score: z.number(), sentence: z.string() }),
  kind: z.object({ candidateKind: z.string(), score: z.number(), sentence: z.string() }),
  fields: z.array(fieldFitSchema),
  fieldsScore: z.number(),
  reasons: z.array(z.string()).describe('每条理由一句中文 / one Chinese sentence per reason'),
});
export type ExplanationDto = z.infer<typeof explanationSchema>;

export const matchOrgSchema = postingOrgSchema.extend({
  divisionName: z.string().nullable(),
  products: z.array(z.string()),
});

export const matchItemSchema = z.object({
  rank: z.number().int(),
  type: z.enum(['posting', 'organization']),
  score: z.number(),
  organization: matchOrgSchema,
  posting: postingSchema.nullable(),
  explanation: explanationSchema,
});
export type MatchItem = z.infer<typeof matchItemSchema>;

export const matchResultSchema = z.object({
  query: z.object({
    postingId: z.number().int().nullable(),
    direction: z.enum(['demand', 'capability']),
    kind: postingKindSchema,
    stage: matchStageSchema,
    stageReason: z.string(),
    terms: z.array(z.object({ term: z.string(), weight: z.number(), from: z.enum(['fields', 'title', 'text']) })),
    preferenceScope: preferenceScopeSchema,
    settings: matchSettingsSchema,
    retrieval: z.object({ steps: z.array(z.string()), postings: z.number().int(), organizations: z.number().int(), ms: z.number() }),
  }),
  items: z.array(matchItemSchema),
});
export type MatchResult = z.infer<typeof matchResultSchema>;

// ------------------------------------------------------------------ interests

export const INTEREST_STATUSES = ['pending', 'accepted', 'declined', 'withdrawn'] as const;
export const OUTCOMES = ['no_deal', 'intention', 'signed'] as const;
export const OUTCOME_NAMES: Record<(typeof OUTCOMES)[number], string> = { no_deal: '未成交', intention: '达成意向', signed: '已签约' };

export const interestInputSchema = z
  .object({
    postingId: z.number().int().positive().optional().describe('感兴趣的发布 / the posting of interest'),
    organizationId: z.number().int().positive().optional().describe('感兴趣的机构（无发布时）/ the organisation of interest'),
    fromOrganizationId: z.number().int().positive().optional().describe('意向方；机构用户省略，官员代发必填 / interested organisation'),
    fromPostingId: z.number().int().positive().optional().describe('意向方自己的相关发布 / the interested side’s own posting'),
    message: z.string().trim().max(2000).optional(),
  })
  .refine((v) => !!v.postingId !== !!v.organizationId, { message: '须且只能指定 postingId 或 organizationId 之一 / give postingId or organizationId', path: ['postingId'] });

export const interestDecisionSchema = z.object({
  decision: z.enum(['accept', 'decline']),
  reason: z.string().trim().max(1000).optional(),
});

export const noteInputSchema = z.object({ body: z.string().trim().min(1, '备注不能为空 / note is empty').max(5000) });

export const outcomeInputSchema = z
  .object({
    outcome: z.enum(OUTCOMES),
    amountWan: z.number().min(0).max(1e9).nullable().optional(),
    region: regionSchema.nullable().optional().describe('落地地区 / where the deal lands'),
    note: z.string().trim().max(2000).nullable().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.outcome === 'signed' && (v.amountWan === null || v.amountWan === undefined))
      ctx.addIssue({ code: 'custom', path: ['amountWan'], message: '签约须填写金额（万元）/ a signed deal needs its amount' });
    if (v.outcome !== 'no_deal' && !v.region)
      ctx.addIssue({ code: 'custom', path: ['region'], message: '意向或签约须填写落地地区 / an intention or a signed deal needs its region' });
  });

const interestOrgSchema = z.object({ id: z.number().int(), name: z.string(), shortName: z.string().nullable(), kind: orgKindSchema, region: regionSchema.nullable() });

export const interestNoteSchema = z.object({
  id: z.number().int(),
  organizationId: z.number().int().nullable(),
  authorName: z.string(),
  body: z.string(),
  createdAt: z.string(),
});

export const interestSchema = z.object({
  id: z.number().int(),
  posting: z.object({ id: z.number().int(), title: z.string(), direction: z.enum(['demand', 'capability']), kind: postingKindSchema }).nullable(),
  fromPosting: z.object({ id: z.number().int(), title: z.string() }).nullable(),
  targetOrganization: interestOrgSchema,
  fromOrganization: interestOrgSchema,
  message: z.string().nullable(),
  status: z.enum(INTEREST_STATUSES),
  decidedAt: z.string().nullable(),
  declineReason: z.string().nullable(),
  outcome: z.enum(OUTCOMES).nullable(),
  outcomeAmountWan: z.number().nullable(),
  outcomeRegion: regionSchema.nullable(),
  outcomeNote: z.string().nullable(),
  outcomeAt: z.string().nullable(),
  contactsVisible: z.boolean().describe('接受后双方可见联系方式 / contacts visible once accepted'),
  side: z.enum(['from', 'target', 'observer']),
  canDecide: z.boolean(),
  notes: z.array(interestNoteSchema),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Interest = z.infer<typeof interestSchema>;

export const interestListQuerySchema = z.object({
  box: z.enum(['all', 'sent', 'received']).default('all'),
  status: z.enum(INTEREST_STATUSES).optional(),
  postingId: z.coerce.number().int().positive().optional(),
});

export const interestContactsSchema = z.object({
  interestId: z.number().int(),
  from: z.object({ organization: interestOrgSchema, contact: contactSchema.nullable() }),
  target: z.object({ organization: interestOrgSchema, contact: contactSchema.nullable() }),
});
