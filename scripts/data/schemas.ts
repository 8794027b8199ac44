/**
 * Shapes of the generated data files (data/reference, data/demo), checked at the end of every build.
 */
import { z } from 'zod';

export const ORG_KINDS = ['enterprise', 'university', 'institute', 'pilot_platform', 'open_lab', 'financial', 'association', 'government'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

const nonEmpty = z.string().trim().min(1);
const stockCode = z.string().regex(/^[0-9]{6}\.(SH|SZ|BJ)$/);

export const divisionFileSchema = z.strictObject({
  code: z.string().regex(/^[0-9]{6}$/),
  name: nonEmpty,
  level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  parent: z.string().regex(/^[0-9]{6}$/).nullable(),
  province: z.string().regex(/^[0-9]{2}$/),
  functionalZone: z.boolean(),
});

export const industryFileSchema = z.strictObject({
  code: z.string().regex(/^([A-T]|[0-9]{2,4})$/),
  name: nonEmpty,
  level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  parent: z.string().nullable(),
  section: z.string().regex(/^[A-T]$/),
});

export const organizationSchema = z.strictObject({
  key: z.string().regex(/^(listed|seed):.+$/),
  kind: z.enum(ORG_KINDS),
  name: nonEmpty,
  shortName: nonEmpty.nullable(),
  aliases: z.array(nonEmpty),
  divisionCode: z.string().regex(/^[0-9]{6}$/),
  industryCode: z.string().regex(/^[0-9]{2,4}$/).nullable(),
  stockCode: stockCode.nullable(),
  products: z.array(nonEmpty).max(25),
  businessScope: z.string().nullable(),
  description: nonEmpty.nullable(),
  employees: z.number().int().nonnegative().nullable(),
  revenueWan: z.number().nonnegative().nullable(),
  tags: z.array(nonEmpty),
  source: nonEmpty,
  sourceRef: nonEmpty,
});
export type Organization = z.infer<typeof organizationSchema>;

export const nationalCompanySchema = z.strictObject({
  code: z.string().regex(/^[0-9]{6}\.(SH|SZ)$/),
  name: nonEmpty,
  fullName: nonEmpty.nullable(),
  province: nonEmpty,
  provinceCode: z.string().regex(/^[0-9]{2}$/),
  products: z.array(nonEmpty).max(20),
  swIndustry: nonEmpty.nullable(),
});
export type NationalCompany = z.infer<typeof nationalCompanySchema>;

export const geoPropsSchema = z.strictObject({
  adcode: z.string().regex(/^[0-9]{6}$/),
  name: nonEmpty,
  parent: z.string().regex(/^[0-9]{6}$/),
  province: z.string().regex(/^[0-9]{2}$/),
  cp: z.tuple([z.number(), z.number()]),
});
