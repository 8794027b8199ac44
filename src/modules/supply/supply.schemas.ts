import { z } from 'zod';
import { regionSchema } from '../accounts/accounts.schemas.ts';

/**
 * Supply links and the regional supporting rate (区域配套率).
 *
 * A supply link says: buyer B bought part P (optionally placed on a chain node) from supplier S in
 * year Y, for A 万元 a year. The supporting rate of a scope (one buyer, one chain, or all buyers of
 * one region) is the share of its purchases that come from suppliers inside 京津冀 — by number of
 * links, by number of distinct suppliers and by amount — per year and per supplier province.
 */

export const MIN_YEAR = 1990;
export const MAX_YEAR = 2100;

const part = z
  .string()
  .transform((s) => s.replace(/\s+/g, ' ').trim())
  .pipe(z.string().min(1, '零部件/产品不能为空 / part is required').max(200, '零部件/产品最多 200 字 / part is too long'));
const year = z
  .number()
  .int('年份应为整数 / year must be an integer')
  .min(MIN_YEAR, `年份应在 ${MIN_YEAR}–${MAX_YEAR} 之间 / year out of range`)
  .max(MAX_YEAR, `年份应在 ${MIN_YEAR}–${MAX_YEAR} 之间 / year out of range`);
const amountWan = z.number().min(0, '年采购额不能为负 / amount cannot be negative').max(1e10, '年采购额过大 / amount too large');
const orgId = z.number().int().positive();

export const supplyLinkInputSchema = z.object({
  buyerOrgId: orgId.describe('采购方机构 id / buyer organisation'),
  supplierOrgId: orgId.describe('供应商机构 id / supplier organisation'),
  part: part.describe('零部件/产品 / part or product'),
  nodeId: z.number().int().positive().nullable().optional().describe('产业链节点 id / chain node (optional)'),
  amountWan: amountWan.nullable().optional().describe('年采购额（万元）/ annual amount, 10k CNY'),
  year,
  source: z.string().trim().min(1).max(500).default('manual'),
  sourceRef: z.string().trim().max(200).nullable().optional(),
});
export type SupplyLinkInput = z.infer<typeof supplyLinkInputSchema>;

export const supplyLinkPatchSchema = z.object({
  supplierOrgId: orgId.optional(),
  part: part.optional(),
  nodeId: z.number().int().positive().nullable().optional(),
  amountWan: amountWan.nullable().optional(),
  year: year.optional(),
  sourceRef: z.string().trim().max(200).nullable().optional(),
  version: z.number().int().positive().optional().describe('乐观锁 / the version you edited'),
});
export type SupplyLinkPatch = z.infer<typeof supplyLinkPatchSchema>;

const orgRef = z.object({
  id: z.number().int(),
  name: z.string(),
  shortName: z.string().nullable(),
  region: regionSchema.nullable(),
  provinceCode: z.string().nullable(),
  divisionCode: z.string().nullable(),
});

export const supplyLinkSchema = z.object({
  id: z.number().int(),
  buyer: orgRef,
  supplier: orgRef.extend({ provinceName: z.string().nullable(), inside: z.boolean() }),
  part: z.string(),
  nodeId: z.number().int().nullable(),
  nodeName: z.string().nullable(),
  chainCode: z.string().nullable(),
  chainName: z.string().nullable(),
  amountWan: z.number().nullable(),
  year: z.number().int(),
  source: z.string(),
  sourceRef: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  canEdit: z.boolean(),
});
export type SupplyLink = z.infer<typeof supplyLinkSchema>;

/** The scope of a supporting-rate query. Filters combine (AND); at least one is required. */
export const supplyScopeSchema = z.object({
  buyer: z.coerce.number().int().positive().optional().describe('采购方机构 id / buyer organisation id'),
  chain: z.string().trim().min(1).max(64).optional().describe('产业链 id 或代码 / chain id or code'),
  region: regionSchema.optional().describe('采购方所在地区：全部北京/天津/河北采购方 / all buyers of BJ, TJ or HE'),
});
export type SupplyScopeQuery = z.infer<typeof supplyScopeSchema>;

const yearQuery = z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR);

export const supplyRateQuerySchema = supplyScopeSchema.extend({
  year: yearQuery.optional().describe('统计年份（默认最近一年）/ year of the summary (default: latest year with data)'),
  from: yearQuery.optional().describe('时间序列起始年 / first year of the series'),
  to: yearQuery.optional().describe('时间序列结束年 / last year of the series'),
});
export type SupplyRateQuery = z.infer<typeof supplyRateQuerySchema>;

export const supplyYearQuerySchema = supplyScopeSchema.extend({
  year: yearQuery.optional().describe('年份（默认最近一年）/ year (default: latest year with data)'),
});
export type SupplyYearQuery = z.infer<typeof supplyYearQuerySchema>;

export const supplierListQuerySchema = supplyYearQuerySchema.extend({
  where: z.enum(['all', 'inside', 'outside']).default('all').describe('全部 / 京津冀内 / 京津冀外'),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
export type SupplierListQuery = z.infer<typeof supplierListQuerySchema>;

export const supplyLinkListQuerySchema = supplyScopeSchema.extend({
  supplier: z.coerce.number().int().positive().optional(),
  year: yearQuery.optional(),
  nodeId: z.coerce.number().int().positive().optional(),
  where: z.enum(['all', 'inside', 'outside']).default('all'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type SupplyLinkListQuery = z.infer<typeof supplyLinkListQuerySchema>;

/** A count of links, of distinct suppliers, and the summed amount (万元; links without an amount add 0). */
export const measureSchema = z.object({
  links: z.number().int(),
  suppliers: z.number().int(),
  amountWan: z.number(),
});
export type Measure = z.infer<typeof measureSchema>;

/** Shares in [0, 1]; null when the denominator is 0 (e.g. no amounts recorded). */
export const shareSchema = z.object({
  links: z.number().nullable(),
  suppliers: z.number().nullable(),
  amountWan: z.number().nullable(),
});
export type Share = z.infer<typeof shareSchema>;

export const provinceMeasureSchema = measureSchema.extend({
  provinceCode: z.string().nullable().describe('2 位省级代码；null = 供应商所在地未知 / null = supplier location unknown'),
  provinceName: z.string(),
  region: regionSchema.nullable(),
  inside: z.boolean(),
  share: shareSchema,
});

export const rateSummarySchema = z.object({
  year: z.number().int().nullable(),
  total: measureSchema.extend({ linksWithAmount: z.number().int() }),
  inside: measureSchema,
  outside: measureSchema,
  unknown: measureSchema.describe('供应商所在地未知 / suppliers without a location'),
  rate: shareSchema.describe('区域配套率 = 京津冀内 / 全部 / supporting rate = inside ÷ total'),
  byRegion: z.object({ BJ: measureSchema, TJ: measureSchema, HE: measureSchema }),
  byProvince: z.array(provinceMeasureSchema),
});
export type RateSummary = z.infer<typeof rateSummarySchema>;

export const rateYearSchema = z.object({
  year: z.number().int(),
  total: measureSchema,
  inside: measureSchema,
  rate: shareSchema,
  byRegion: z.object({ BJ: measureSchema, TJ: measureSchema, HE: measureSchema }),
  byProvince: z.array(measureSchema.extend({ provinceCode: z.string().nullable(), provinceName: z.string(), inside: z.boolean() })),
});

export const scopeSchema = z.object({
  buyer: z.object({ id: z.number().int(), name: z.string(), shortName: z.string().nullable(), region: regionSchema.nullable() }).nullable(),
  chain: z.object({ id: z.number().int(), code: z.string(), name: z.string() }).nullable(),
  region: regionSchema.nullable(),
  label: z.string(),
});
export type SupplyScope = z.infer<typeof scopeSchema>;

export const supplyRateSchema = z.object({
  scope: scopeSchema,
  years: z.array(z.number().int()).describe('有数据的年份 / years with links'),
  summary: rateSummarySchema,
  series: z.array(rateYearSchema),
});
export type SupplyRate = z.infer<typeof supplyRateSchema>;

export const mapSupplierSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  shortName: z.string().nullable(),
  region: regionSchema.nullable(),
  provinceCode: z.string().nullable(),
  provinceName: z.string().nullable(),
  divisionCode: z.string().nullable().describe('县级代码（已知时），否则市或省 / county where known, else city or province'),
  divisionName: z.string().nullable(),
  divisionLevel: z.number().int().nullable(),
  inside: z.boolean(),
  links: z.number().int(),
  amountWan: z.number(),
  parts: z.array(z.string()),
  buyers: z.number().int(),
});

export const supplierMapSchema = z.object({
  scope: scopeSchema,
  year: z.number().int().nullable(),
  total: z.number().int().describe('符合条件的供应商数 / suppliers matching (the list may be cut at limit)'),
  suppliers: z.array(mapSupplierSchema),
  byDivision: z
    .array(
      z.object({
        code: z.string(),
        name: z.string(),
        level: z.number().int(),
        provinceCode: z.string(),
        inside: z.boolean(),
        suppliers: z.number().int(),
        links: z.number().int(),
        amountWan: z.number(),
      }),
    )
    .describe('按区划汇总（京津冀内到区县，外省到省）/ per division: counties inside 京津冀, provinces outside'),
});
export type SupplierMap = z.infer<typeof supplierMapSchema>;

export const outsideNodeSchema = z.object({
  nodeId: z.number().int().nullable().describe('null = 未挂到产业链节点的采购 / purchases not placed on a node'),
  nodeName: z.string().nullable(),
  chainCode: z.string().nullable(),
  chainName: z.string().nullable(),
  segmentName: z.string().nullable(),
  stage: z.string().nullable(),
  outside: measureSchema,
  inside: measureSchema,
  insideShare: shareSchema.describe('该节点的区域配套率 / supporting rate within this node'),
  parts: z.array(z.string()).describe('从京津冀外采购的零部件 / parts bought outside'),
  outsideSuppliers: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      shortName: z.string().nullable(),
      provinceCode: z.string().nullable(),
      provinceName: z.string().nullable(),
      links: z.number().int(),
      amountWan: z.number(),
      parts: z.array(z.string()),
    }),
  ),
  localCandidates: z
    .object({ BJ: z.number().int(), TJ: z.number().int(), HE: z.number().int() })
    .describe('挂在该节点上的京津冀机构数（撮合候选）/ 京津冀 organisations attached to the node (matchmaking candidates)'),
});

export const outsideNodesSchema = z.object({
  scope: scopeSchema,
  year: z.number().int().nullable(),
  nodes: z.array(outsideNodeSchema),
});
export type OutsideNodes = z.infer<typeof outsideNodesSchema>;

export const supplyLinkListSchema = z.object({
  items: z.array(supplyLinkSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const importIssueSchema = z.object({ row: z.number().int(), field: z.string(), reason: z.string() });
export const supplyImportReportSchema = z.object({
  file: z.string(),
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  written: z.boolean(),
  issues: z.array(importIssueSchema),
  batch: z.string(),
});
export type SupplyImportReport = z.infer<typeof supplyImportReportSchema>;

export const supplyImportQuerySchema = z.object({
  partial: z.enum(['0', '1', 'true', 'false']).optional().describe('写入有效行，报告跳过的行 / write the valid rows'),
  dryRun: z.enum(['0', '1', 'true', 'false']).optional().describe('只检查不写入 / check only'),
  format: z.enum(['xlsx', 'csv']).optional().describe('文件格式（默认按 Content-Type）/ file format (default from Content-Type)'),
  fileName: z.string().max(200).optional(),
});

export const supplyBuyersQuerySchema = z.object({
  region: regionSchema.optional().describe('采购方所在地区 / buyer region'),
  q: z.string().trim().max(100).optional().describe('采购方名称 / buyer name'),
});
export const supplyBuyerSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  shortName: z.string().nullable(),
  region: regionSchema.nullable(),
  links: z.number().int(),
  suppliers: z.number().int(),
  amountWan: z.number(),
  years: z.array(z.number().int()),
});
export const supplyBuyersSchema = z.array(supplyBuyerSchema);
