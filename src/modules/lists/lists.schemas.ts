import { z } from 'zod';
import { regionSchema } from '../accounts/accounts.schemas.ts';
import { auditEntrySchema } from '../audit/audit.schemas.ts';

/** The three lists of a chain map (动态更新“三张清单”). */
export const LIST_KINDS = ['kadian', 'duandian', 'key_enterprise'] as const;
export const listKindSchema = z.enum(LIST_KINDS);
export type ListKind = z.infer<typeof listKindSchema>;
export const LIST_KIND_NAMES: Record<ListKind, { zh: string; en: string; sheet: string }> = {
  kadian: { zh: '卡点', en: 'Bottleneck technology', sheet: '卡点攻关清单' },
  duandian: { zh: '堵点', en: 'Missing or weak link', sheet: '堵点招商清单' },
  key_enterprise: { zh: '重点企业', en: 'Key enterprise', sheet: '重点企业清单' },
};

/** Workflow: proposed → accepted → in_progress → resolved, or dropped (see lists.workflow.ts). */
export const ENTRY_STATUSES = ['proposed', 'accepted', 'in_progress', 'resolved', 'dropped'] as const;
export const entryStatusSchema = z.enum(ENTRY_STATUSES);
export type EntryStatus = z.infer<typeof entryStatusSchema>;
export const ENTRY_STATUS_NAMES: Record<EntryStatus, { zh: string; en: string }> = {
  proposed: { zh: '已提出', en: 'Proposed' },
  accepted: { zh: '已确认', en: 'Accepted' },
  in_progress: { zh: '推进中', en: 'In progress' },
  resolved: { zh: '已解决', en: 'Resolved' },
  dropped: { zh: '已放弃', en: 'Dropped' },
};

/** How an organisation is linked to an entry; which roles each list allows. */
export const ENTRY_ORG_ROLES = ['team_member', 'applicant', 'target', 'subject'] as const;
export const entryOrgRoleSchema = z.enum(ENTRY_ORG_ROLES);
export type EntryOrgRole = z.infer<typeof entryOrgRoleSchema>;
export const ENTRY_ORG_ROLE_NAMES: Record<EntryOrgRole, { zh: string; en: string }> = {
  team_member: { zh: '攻关团队成员', en: 'Tackling team member' },
  applicant: { zh: '揭榜挂帅申报单位', en: 'Open-call applicant' },
  target: { zh: '招商目标企业', en: 'Target enterprise' },
  subject: { zh: '重点企业', en: 'Key enterprise' },
};
export const ORG_ROLES_BY_KIND: Record<ListKind, EntryOrgRole[]> = {
  kadian: ['team_member', 'applicant'],
  duandian: ['target'],
  key_enterprise: ['subject'],
};

const text = (max: number) => z.string().trim().max(max);
const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD');

export const entryOrgInputSchema = z.object({
  organizationId: z.number().int().positive(),
  role: entryOrgRoleSchema,
  note: text(500).nullable().optional(),
});

export const entryInputSchema = z.object({
  chainId: z.union([z.number().int().positive(), z.string().min(1).max(64)]).describe('产业链 id 或代码 / chain id or code'),
  nodeId: z.number().int().positive(),
  kind: listKindSchema,
  title: text(200).min(1, '标题不能为空 / title is required'),
  description: text(5000).nullable().optional(),
  /** Owner region: officials may only create entries of their own region (default); admins must name one. */
  region: regionSchema.optional(),
  leadRegion: regionSchema.nullable().optional(),
  department: text(100).nullable().optional(),
  ownerName: text(100).nullable().optional(),
  dueOn: dateSchema.nullable().optional(),
  status: z.enum(['proposed', 'accepted']).default('proposed'),
  organizations: z.array(entryOrgInputSchema).max(200).default([]),
});
export type EntryInput = z.infer<typeof entryInputSchema>;

export const entryPatchSchema = z.object({
  nodeId: z.number().int().positive().optional(),
  title: text(200).min(1, '标题不能为空 / title is required').optional(),
  description: text(5000).nullable().optional(),
  /** Changing the owner region: administrators only. */
  region: regionSchema.optional(),
  leadRegion: regionSchema.nullable().optional(),
  department: text(100).nullable().optional(),
  ownerName: text(100).nullable().optional(),
  dueOn: dateSchema.nullable().optional(),
  /** Optional optimistic check: the version the client edited. */
  version: z.number().int().positive().optional(),
});
export type EntryPatch = z.infer<typeof entryPatchSchema>;

export const transitionInputSchema = z.object({
  to: entryStatusSchema,
  note: text(1000).nullable().optional(),
});

export const entryOrgSchema = z.object({
  organizationId: z.number().int(),
  name: z.string(),
  shortName: z.string().nullable(),
  kind: z.string(),
  region: regionSchema.nullable(),
  role: entryOrgRoleSchema,
  note: z.string().nullable(),
  addedBy: z.string(),
  addedAt: z.string(),
});

export const listEntrySchema = z.object({
  id: z.number().int(),
  chainId: z.number().int(),
  nodeId: z.number().int().nullable(),
  nodeName: z.string().nullable(),
  segmentName: z.string().nullable(),
  kind: listKindSchema,
  region: regionSchema,
  title: z.string(),
  description: z.string().nullable(),
  leadRegion: regionSchema.nullable(),
  department: z.string().nullable(),
  ownerName: z.string().nullable(),
  status: entryStatusSchema,
  dueOn: z.string().nullable(),
  origin: z.enum(['manual', 'proposed']),
  proposalKey: z.string().nullable(),
  proposalReason: z.string().nullable(),
  proposalFacts: z.unknown().nullable(),
  proposalStale: z.boolean(),
  proposalCheckedAt: z.string().nullable(),
  decided: z.boolean(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
  organizations: z.array(entryOrgSchema),
  allowedTransitions: z.array(entryStatusSchema),
  canEdit: z.boolean(),
});
export type ListEntry = z.infer<typeof listEntrySchema>;

export const listQuerySchema = z.object({
  kind: listKindSchema.optional(),
  status: entryStatusSchema.optional(),
  region: regionSchema.optional(),
  nodeId: z.coerce.number().int().positive().optional(),
  origin: z.enum(['manual', 'proposed']).optional(),
});

const statusCountsSchema = z.record(z.string(), z.number().int());
export const chainListsSchema = z.object({
  chain: z.object({ id: z.number().int(), code: z.string(), name: z.string(), leadRegion: regionSchema.nullable() }),
  counts: z.object({ kadian: statusCountsSchema, duandian: statusCountsSchema, key_enterprise: statusCountsSchema }),
  entries: z.array(listEntrySchema),
});

export const entryHistorySchema = z.object({
  entryId: z.number().int(),
  /** Every change, oldest first. */
  events: z.array(auditEntrySchema),
});

export const proposalsResultSchema = z.object({
  chainId: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  stale: z.number().int(),
  refreshed: z.number().int(),
  /** Proposals whose entry an official has already decided: left exactly as they are. */
  keptDecided: z.number().int(),
  proposals: z.number().int(),
  tookMs: z.number(),
});
export type ProposalsResult = z.infer<typeof proposalsResultSchema>;
