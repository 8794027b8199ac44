import { z } from 'zod';
import { regionSchema } from '../accounts/accounts.schemas.ts';
import { normalizeUscc, usccProblem } from './uscc.ts';

export const ORG_KINDS = [
  'enterprise',
  'university',
  'institute',
  'pilot_platform',
  'open_lab',
  'financial',
  'association',
  'government',
] as const;
export const orgKindSchema = z.enum(ORG_KINDS);
export type OrgKind = z.infer<typeof orgKindSchema>;

export const ORG_KIND_NAMES: Record<OrgKind, { zh: string; en: string }> = {
  enterprise: { zh: '企业', en: 'Enterprise' },
  university: { zh: '高校', en: 'University' },
  institute: { zh: '科研院所', en: 'Research institute' },
  pilot_platform: { zh: '中试平台', en: 'Pilot-scale platform' },
  open_lab: { zh: '开放实验室', en: 'Open lab' },
  financial: { zh: '金融机构', en: 'Financial institution' },
  association: { zh: '协会联盟', en: 'Association' },
  government: { zh: '政府部门', en: 'Government body' },
};

export const usccSchema = z
  .string()
  .transform(normalizeUscc)
  .superRefine((v, ctx) => {
    const p = usccProblem(v);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

export const divisionCodeSchema = z.string().trim().regex(/^[0-9]{6}$/, '行政区划代码应为 6 位数字 / division code must be 6 digits');
export const industryCodeSchema = z
  .string()
  .trim()
  .regex(/^([A-T]|[0-9]{2,4})$/, '行业代码应为 GB/T 4754 门类字母或 2–4 位数字 / industry code must be a GB/T 4754 code');
export const stockCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[0-9]{6}\.(SH|SZ|BJ)$/, '股票代码格式如 600000.SH / stock code like 600000.SH');

export const contactSchema = z.object({
  person: z.string().max(50).optional(),
  phone: z.string().max(50).optional(),
  email: z.string().email().max(200).optional(),
  address: z.string().max(300).optional(),
});

const optText = (max: number) => z.string().trim().max(max).nullable().optional();

export const organizationInputSchema = z.object({
  kind: orgKindSchema,
  name: z.string().trim().min(2, '名称至少 2 个字 / name is too short').max(200),
  shortName: optText(100),
  aliases: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
  uscc: usccSchema.nullable().optional(),
  divisionCode: divisionCodeSchema.nullable().optional(),
  industryCode: industryCodeSchema.nullable().optional(),
  stockCode: stockCodeSchema.nullable().optional(),
  products: z.array(z.string().trim().min(1).max(200)).max(200).default([]),
  businessScope: optText(10000),
  description: optText(5000),
  employees: z.number().int().min(0).nullable().optional(),
  revenueWan: z.number().min(0).nullable().optional(),
  registeredCapitalWan: z.number().min(0).nullable().optional(),
  foundedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式 YYYY-MM-DD').nullable().optional(),
  website: optText(300),
  contact: contactSchema.nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
  source: z.string().trim().min(1).max(200).default('manual'),
  sourceRef: optText(200),
});
export type OrganizationInput = z.infer<typeof organizationInputSchema>;

/** A partial update: absent fields stay as they are (no defaults here, so lists are never wiped). */
export const organizationPatchSchema = organizationInputSchema
  .omit({ source: true, sourceRef: true })
  .partial()
  .extend({
    aliases: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
    products: z.array(z.string().trim().min(1).max(200)).max(200).optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
    version: z.number().int().positive().optional(),
  });
export type OrganizationPatch = z.infer<typeof organizationPatchSchema>;

export const placeSchema = z.object({
  code: z.string(),
  name: z.string(),
  level: z.number().int(),
});

export const orgLinkSchema = z.object({
  id: z.number().int(),
  chainId: z.number().int(),
  chainCode: z.string(),
  chainName: z.string(),
  nodeId: z.number().int(),
  nodeName: z.string(),
  segmentName: z.string(),
  stage: z.string(),
  role: z.string(),
  status: z.string(),
  origin: z.string(),
  score: z.number().nullable(),
  source: z.string(),
});

export const organizationSummarySchema = z.object({
  id: z.number().int(),
  kind: orgKindSchema,
  name: z.string(),
  shortName: z.string().nullable(),
  region: regionSchema.nullable(),
  divisionCode: z.string().nullable(),
  divisionName: z.string().nullable(),
  industryCode: z.string().nullable(),
  industryName: z.string().nullable(),
  stockCode: z.string().nullable(),
  products: z.array(z.string()),
  source: z.string(),
});
export type OrganizationSummary = z.infer<typeof organizationSummarySchema>;

export const organizationSchema = organizationSummarySchema.extend({
  aliases: z.array(z.string()),
  uscc: z.string().nullable(),
  provinceCode: z.string().nullable(),
  businessScope: z.string().nullable(),
  description: z.string().nullable(),
  employees: z.number().nullable(),
  revenueWan: z.number().nullable(),
  registeredCapitalWan: z.number().nullable(),
  foundedOn: z.string().nullable(),
  website: z.string().nullable(),
  contact: contactSchema.nullable(),
  contactHidden: z.boolean(),
  tags: z.array(z.string()),
  sourceRef: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  place: z.array(placeSchema),
  links: z.array(orgLinkSchema),
  canEdit: z.boolean(),
});
export type Organization = z.infer<typeof organizationSchema>;

export const organizationListQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  region: z.enum(['BJ', 'TJ', 'HE', 'outside']).optional(),
  kind: orgKindSchema.optional(),
  industry: z.string().trim().max(4).optional(),
  division: z.string().regex(/^[0-9]{6}$/).optional(),
  chainId: z.coerce.number().int().positive().optional(),
  nodeId: z.coerce.number().int().positive().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type OrganizationListQuery = z.infer<typeof organizationListQuerySchema>;

export const organizationListSchema = z.object({
  items: z.array(organizationSummarySchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const organizationStatsSchema = z.object({
  total: z.number().int(),
  byRegionKind: z.array(z.object({ region: z.string(), kind: z.string(), count: z.number().int() })),
  byDivision: z.array(z.object({ code: z.string(), name: z.string(), level: z.number().int(), count: z.number().int() })),
});
